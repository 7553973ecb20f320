// One virtual piece of kitchen equipment behind a CWM: its model's physics (a fryer or a combi oven)
// heartbeats the fields of that model's data dictionary; the OKE answers the commands a CWM hands it
// (`_ping`, `rd` of named fields, the relay).

import { EXAMPLE_COMBI_OVEN_MODEL, EXAMPLE_FRYER_MODEL } from '../domain/equipment-model/builtin-models.js';
import type { EquipmentPhysics, HeartbeatFields } from './equipment-physics.js';
import type { PlannedOke } from './fleet-plan.js';
import type { SeededRandom } from './seeded-random.js';
import { VirtualCombiOven } from './virtual-combi-oven.js';
import { VirtualFryer } from './virtual-fryer.js';

export interface CommandResult {
  /** The `_pld` of the answer OKM (same `_id` as the command). */
  readonly payload: Record<string, unknown>;
  /** True when the command was understood. */
  readonly isKnown: boolean;
}

type PhysicsFactory = (serialNo: string, random: SeededRandom) => EquipmentPhysics;

const PHYSICS_BY_MODEL_ID: ReadonlyMap<string, PhysicsFactory> = new Map<string, PhysicsFactory>([
  [EXAMPLE_FRYER_MODEL.modelId, (serialNo, random) => new VirtualFryer(serialNo, random)],
  [EXAMPLE_COMBI_OVEN_MODEL.modelId, (serialNo, random) => new VirtualCombiOven(serialNo, random)],
]);

/** The model ids the simulator has physics for. */
export const SIMULATED_MODEL_IDS: readonly string[] = [...PHYSICS_BY_MODEL_ID.keys()];

export class VirtualOke {
  readonly id: string;
  readonly modelId: string;
  private readonly physics: EquipmentPhysics;
  private readonly heartbeatPeriodS: number;
  /**
   * The relay a `{"cmd":{"relay":n}}` sets. No example dictionary has a relay field, so it shows in command
   * answers (and in `rd` of `relay`) only, never in a heartbeat: every heartbeat key is a dictionary field.
   */
  private relay = 0;

  /** @throws RangeError when the simulator has no physics for `oke.model` */
  constructor(oke: PlannedOke, random: SeededRandom, heartbeatPeriodS: number) {
    const createPhysics = PHYSICS_BY_MODEL_ID.get(oke.model);
    if (createPhysics === undefined) throw new RangeError(`no virtual equipment of model ${oke.model}`);
    this.id = oke.id;
    this.modelId = oke.model;
    this.heartbeatPeriodS = heartbeatPeriodS;
    // The serial behind the MODEL_ID (Part B 1.4) doubles as the nameplate's serial number.
    this.physics = createPhysics(oke.id.slice(oke.model.length).toUpperCase(), random);
  }

  /** Advances the equipment by one heartbeat period and returns the heartbeat fields. */
  heartbeat(): HeartbeatFields {
    this.physics.advance(this.heartbeatPeriodS);
    return this.physics.fields();
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
      const fields: Record<string, unknown> = { ...this.physics.fields(), relay: this.relay };
      const asked = Object.keys(payload).filter((name) => !name.startsWith('_'));
      const values: Record<string, unknown> = {};
      for (const name of asked) values[name] = Object.hasOwn(fields, name) ? fields[name] : null;
      return { payload: values, isKnown: asked.length > 0 };
    }
    return { payload: { ack: true, unknown: Object.keys(payload) }, isKnown: false };
  }

  get relayState(): number {
    return this.relay;
  }
}
