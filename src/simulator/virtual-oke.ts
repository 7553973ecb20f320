// One virtual piece of kitchen equipment: slowly varying temperatures around a set point, a door,
// a cook cycle, counters and a relay; it answers the commands a CWM hands it.

import type { SeededRandom } from './seeded-random.js';

export type CookState = 'idle' | 'preheat' | 'cooking' | 'holding';

export interface CommandResult {
  /** The `_pld` of the answer OKM (same `_id` as the command). */
  readonly payload: Record<string, unknown>;
  /** True when the command was understood. */
  readonly isKnown: boolean;
}

export class VirtualOke {
  readonly id: string;
  private temperatureC: number;
  private setPointC: number;
  private isDoorOpen = false;
  private cookState: CookState = 'idle';
  private cycles = 0;
  private doorOpenings = 0;
  private relay = 0;
  private readonly random: SeededRandom;

  constructor(id: string, random: SeededRandom) {
    this.id = id;
    this.random = random;
    this.setPointC = random.pick([163, 171, 177, 182]);
    this.temperatureC = 20 + random.integer(0, 5);
  }

  /** Advances the equipment by one heartbeat period and returns the heartbeat fields. */
  heartbeat(): Record<string, unknown> {
    const target = this.cookState === 'idle' ? 25 : this.setPointC;
    this.temperatureC += (target - this.temperatureC) * 0.3 + (this.random.next() - 0.5) * 2;
    if (this.random.next() < 0.08) {
      this.isDoorOpen = !this.isDoorOpen;
      if (this.isDoorOpen) this.doorOpenings++;
    }
    this.advanceCookState();
    return this.currentFields();
  }

  private advanceCookState(): void {
    const roll = this.random.next();
    if (this.cookState === 'idle' && roll < 0.2) this.cookState = 'preheat';
    else if (this.cookState === 'preheat' && Math.abs(this.temperatureC - this.setPointC) < 5) this.cookState = 'cooking';
    else if (this.cookState === 'cooking' && roll < 0.25) {
      this.cookState = 'holding';
      this.cycles++;
    } else if (this.cookState === 'holding' && roll < 0.3) this.cookState = 'idle';
  }

  /** Executes a command addressed to this OKE (`_cmd`, `_pld`) and says what to answer. */
  execute(cmd: string, payload: Record<string, unknown>): CommandResult {
    if (payload['_ping'] !== undefined) return { payload: { _ping: true }, isKnown: true };
    const command = payload['cmd'];
    if (typeof command === 'object' && command !== null && 'relay' in command) {
      const relay = Number(command.relay);
      if (Number.isInteger(relay) && relay >= 0 && relay <= 255) {
        this.relay = relay;
        return { payload: { cmd: { relay }, ok: true }, isKnown: true };
      }
      return { payload: { cmd: { relay: command.relay }, ok: false, error: 'relay must be 0..255' }, isKnown: true };
    }
    if (cmd === 'rd') {
      const fields = this.currentFields();
      const asked = Object.keys(payload).filter((name) => !name.startsWith('_'));
      const values: Record<string, unknown> = {};
      for (const name of asked) values[name] = name in fields ? fields[name] : null;
      return { payload: values, isKnown: asked.length > 0 };
    }
    return { payload: { ack: true, unknown: Object.keys(payload) }, isKnown: false };
  }

  private currentFields(): Record<string, unknown> {
    return {
      temp: Math.round(this.temperatureC * 10) / 10,
      setp: this.setPointC,
      door: this.isDoorOpen ? 1 : 0,
      cook: this.cookState,
      cycles: this.cycles,
      doors: this.doorOpenings,
      relay: this.relay,
    };
  }

  get relayState(): number {
    return this.relay;
  }
}
