// The physics of one virtual open fryer of the example model (EXAMPLE_FRYER_MODEL, OPC 30200 fryer type):
// solid shortening melts, the oil heats to its set point and holds it, baskets go in (the oil drops 10-20 °C
// and recovers), are lifted when the timer runs out, the oil is filtered now and then.

import { EXAMPLE_FRYER_MODEL } from '../domain/equipment-model/builtin-models.js';
import { approach, chanceWithin, physicsSteps, type EquipmentPhysics, type HeartbeatFields } from './equipment-physics.js';
import type { SeededRandom } from './seeded-random.js';

/** The dictionary's `program_mode` values. */
const FRYER_MODE = { off: 0, melt: 1, heating: 2, ready: 3, cooking: 4, filtering: 5, idle: 6 } as const;
type FryerMode = keyof typeof FRYER_MODE;

/** Alarm bits of the dictionary, with how often each is raised relative to the others. */
const ALARM_BITS = [
  { bit: 3, weight: 0.6 }, // low oil level
  { bit: 1, weight: 0.25 }, // probe failure
  { bit: 0, weight: 0.1 }, // high limit tripped
  { bit: 2, weight: 0.05 }, // ignition failure
] as const;

const KITCHEN_C = 22;
/** Full heater power as a rise of the oil temperature before losses: about 10 min from cold to 177 °C. */
const HEATER_C_PER_S = 0.3;
/** Melt cycle: the heater pulses so solid shortening does not scorch, until the fat is liquid. */
const MELT_C_PER_S = 0.1;
const MELT_END_C = 80;
/** An open vat loses heat to the kitchen with this time constant. */
const VAT_COOLING_TAU_S = 2400;
/** Water boiling off the food takes heat all through a cook: recovery is slower than preheating. */
const FOOD_LOAD_C_PER_S = 0.12;
/** The thermostat switches the heater on this far below the set point. */
const THERMOSTAT_BAND_C = 0.5;
/** 325, 340, 350 and 360 °F, the usual fry temperatures. */
const SET_POINTS_C = [163, 171, 177, 182] as const;
/** Fries, nuggets, fish, tenders, bone-in chicken. */
const PRODUCT_TIMES_S = [150, 180, 210, 240, 420, 720] as const;
const VAT_VOLUMES_L = [14, 15, 22.7, 25] as const;
const BASKET_DROP_C = { min: 10, max: 20 } as const;
const MEAN_READY_WAIT_S = 240;
/** A ready fryer left alone drops to an energy-saving setback instead of the next basket, this often. */
const IDLE_SHARE = 0.1;
const IDLE_SETBACK_C = 135;
const IDLE_DURATION_S = { min: 900, max: 2700 } as const;
/** The oil is filtered after about one cook in twelve; the pump runs 5 min with the heater off. */
const FILTER_SHARE = 0.08;
const FILTER_DURATION_S = 300;
const FILTER_COOLING_C_PER_S = 0.06;
/** An alarm is raised about once every 8 hours of operation and clears after 1 to 10 minutes. */
const MEAN_ALARM_INTERVAL_S = 8 * 3600;
const ALARM_DURATION_S = { min: 60, max: 600 } as const;
/** A cold fryer is switched on within 10 minutes of the simulation starting. */
const MAX_SWITCH_ON_DELAY_S = 600;
const READING_NOISE_C = 0.4;
const OIL_TEMP_LIMITS_C = { min: -20, max: 260 } as const;

export class VirtualFryer implements EquipmentPhysics {
  readonly modelId = EXAMPLE_FRYER_MODEL.modelId;
  private readonly random: SeededRandom;
  private readonly serialNo: string;
  private readonly vatVolumeL: number;
  private readonly setPointC: number;
  private mode: FryerMode;
  private oilC: number;
  private readingNoiseC = 0;
  /** Seconds left in the present off, ready (before the next basket), idle or filtering phase. */
  private phaseLeftS: number;
  private setTimeS: number;
  private remainingS = 0;
  private isBasketLifted = true;
  private cookCycles: number;
  private alarmBits = 0;
  private alarmLeftS = 0;

  constructor(serialNo: string, random: SeededRandom) {
    this.random = random;
    this.serialNo = serialNo;
    this.vatVolumeL = random.pick(VAT_VOLUMES_L);
    this.setPointC = random.pick(SET_POINTS_C);
    this.setTimeS = random.pick(PRODUCT_TIMES_S);
    this.cookCycles = random.integer(0, 20_000);
    // Half the fleet is met mid-service, half cold before opening, so a short run shows both.
    if (random.next() < 0.5) {
      this.mode = 'ready';
      this.oilC = this.setPointC;
      this.phaseLeftS = this.readyWaitS();
    } else {
      this.mode = 'off';
      this.oilC = KITCHEN_C + random.next() * 3;
      this.phaseLeftS = random.next() * MAX_SWITCH_ON_DELAY_S;
    }
  }

  advance(elapsedS: number): void {
    const { count, stepS } = physicsSteps(elapsedS);
    for (let i = 0; i < count; i++) this.step(stepS);
    this.readingNoiseC = (this.random.next() - 0.5) * READING_NOISE_C;
  }

  fields(): HeartbeatFields {
    const oilReadingC = Math.min(OIL_TEMP_LIMITS_C.max, Math.max(OIL_TEMP_LIMITS_C.min, this.oilC + this.readingNoiseC));
    // The nameplate goes in every heartbeat, not only the first: the server keeps the latest heartbeat per
    // device (not a merge), and a first heartbeat can be lost (a full telemetry queue drops its oldest OKM).
    return {
      serial_no: this.serialNo,
      vat_volume: this.vatVolumeL,
      program_mode: FRYER_MODE[this.mode],
      set_temp: Math.round(this.setPointC * 10),
      oil_temp: Math.round(oilReadingC * 10),
      set_time: this.setTimeS,
      remaining_time: Math.ceil(this.remainingS),
      basket_lifted: this.isBasketLifted,
      alarms: this.alarmBits,
      cook_cycles: this.cookCycles,
    };
  }

  private step(stepS: number): void {
    this.stepAlarms(stepS);
    switch (this.mode) {
      case 'off':
        this.coolOil(stepS);
        this.phaseLeftS -= stepS;
        if (this.phaseLeftS <= 0) this.mode = this.oilC < MELT_END_C ? 'melt' : 'heating';
        break;
      case 'melt':
        this.coolOil(stepS);
        this.oilC += MELT_C_PER_S * stepS;
        if (this.oilC >= MELT_END_C) this.mode = 'heating';
        break;
      case 'heating':
        this.holdOil(this.setPointC, stepS, 0);
        if (this.oilC >= this.setPointC - THERMOSTAT_BAND_C) this.enterReady();
        break;
      case 'ready':
        this.holdOil(this.setPointC, stepS, 0);
        this.phaseLeftS -= stepS;
        if (this.phaseLeftS <= 0) {
          if (this.random.next() < IDLE_SHARE) this.enterPhase('idle', this.random.integer(IDLE_DURATION_S.min, IDLE_DURATION_S.max));
          else this.dropBasket();
        }
        break;
      case 'cooking':
        this.holdOil(this.setPointC, stepS, FOOD_LOAD_C_PER_S);
        this.remainingS = Math.max(0, this.remainingS - stepS);
        if (this.remainingS === 0) this.liftBasket();
        break;
      case 'filtering':
        this.coolOil(stepS);
        this.oilC -= FILTER_COOLING_C_PER_S * stepS;
        this.phaseLeftS -= stepS;
        if (this.phaseLeftS <= 0) this.mode = 'heating';
        break;
      case 'idle':
        this.holdOil(IDLE_SETBACK_C, stepS, 0);
        this.phaseLeftS -= stepS;
        if (this.phaseLeftS <= 0) this.mode = 'heating';
        break;
    }
  }

  /** Heat lost to the kitchen only (heater off). */
  private coolOil(stepS: number): void {
    this.oilC = approach(this.oilC, KITCHEN_C, stepS, VAT_COOLING_TAU_S);
  }

  /** The thermostat at `targetC`, with `loadCPerS` taken by food in the vat. */
  private holdOil(targetC: number, stepS: number, loadCPerS: number): void {
    const isHeaterOn = this.oilC < targetC - THERMOSTAT_BAND_C;
    this.coolOil(stepS);
    this.oilC += ((isHeaterOn ? HEATER_C_PER_S : 0) - loadCPerS) * stepS;
  }

  private readyWaitS(): number {
    return -Math.log(1 - this.random.next()) * MEAN_READY_WAIT_S;
  }

  private enterReady(): void {
    this.enterPhase('ready', this.readyWaitS());
  }

  private enterPhase(mode: FryerMode, durationS: number): void {
    this.mode = mode;
    this.phaseLeftS = durationS;
  }

  /** Frozen product hits the oil: its temperature falls at once, the timer starts. */
  private dropBasket(): void {
    this.mode = 'cooking';
    this.isBasketLifted = false;
    this.setTimeS = this.random.pick(PRODUCT_TIMES_S);
    this.remainingS = this.setTimeS;
    this.oilC -= BASKET_DROP_C.min + this.random.next() * (BASKET_DROP_C.max - BASKET_DROP_C.min);
  }

  private liftBasket(): void {
    this.isBasketLifted = true;
    this.cookCycles++;
    if (this.random.next() < FILTER_SHARE) this.enterPhase('filtering', FILTER_DURATION_S);
    else if (this.oilC >= this.setPointC - THERMOSTAT_BAND_C) this.enterReady();
    else this.mode = 'heating';
  }

  private stepAlarms(stepS: number): void {
    if (this.alarmBits !== 0) {
      this.alarmLeftS -= stepS;
      if (this.alarmLeftS <= 0) this.alarmBits = 0;
      return;
    }
    if (this.mode === 'off' || this.random.next() >= chanceWithin(stepS, MEAN_ALARM_INTERVAL_S)) return;
    let roll = this.random.next();
    const alarm = ALARM_BITS.find((candidate) => (roll -= candidate.weight) < 0) ?? ALARM_BITS[0];
    this.alarmBits = 2 ** alarm.bit;
    this.alarmLeftS = this.random.integer(ALARM_DURATION_S.min, ALARM_DURATION_S.max);
  }
}
