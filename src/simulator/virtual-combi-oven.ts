// The physics of one virtual combi oven of the example model (EXAMPLE_COMBI_OVEN_MODEL, OPC 30200 combi
// steamer type): it runs steam, convection, combi and regenerate programs (preheat, door open to load, cook
// until the core probe reads its set point, door open to unload), cools down between a hot and a cooler
// program, cleans itself now and then, and counts the energy it uses.

import { EXAMPLE_COMBI_OVEN_MODEL } from '../domain/equipment-model/builtin-models.js';
import { approach, physicsSteps, type EquipmentPhysics, type HeartbeatFields } from './equipment-physics.js';
import type { SeededRandom } from './seeded-random.js';

/** The dictionary's `program_mode` values. */
const COMBI_MODE = { off: 0, steam: 1, convection: 2, combi: 3, regenerate: 4, cleaning: 5, coolDown: 6 } as const;
type CookingMode = 'steam' | 'convection' | 'combi' | 'regenerate';

/** Where the oven is in its day: the program's mode is reported while preheating, loading, cooking and unloading. */
type Phase = 'off' | 'coolDown' | 'preheat' | 'loading' | 'cooking' | 'unloading' | 'cleaning';

interface Program {
  readonly mode: CookingMode | 'cleaning';
  readonly setTempC: number;
  readonly humidityPct: number;
  readonly setCoreC: number;
  /** How long the core takes to reach setCoreC when all goes to plan; set_time allows a quarter more. */
  readonly cookS: number;
}

/** The cooking programs a kitchen runs, each as ranges a program is drawn from. */
const PROGRAM_KINDS = [
  { mode: 'steam', setTempC: [100, 100], humidityPct: [100, 100], setCoreC: [85, 95], cookMin: [12, 30], weight: 0.25 },
  { mode: 'convection', setTempC: [170, 220], humidityPct: [5, 15], setCoreC: [72, 75], cookMin: [25, 60], weight: 0.3 },
  { mode: 'combi', setTempC: [140, 180], humidityPct: [40, 80], setCoreC: [60, 85], cookMin: [40, 150], weight: 0.3 },
  { mode: 'regenerate', setTempC: [120, 140], humidityPct: [55, 65], setCoreC: [72, 75], cookMin: [10, 20], weight: 0.15 },
] as const;
const CLEANING: Omit<Program, 'cookS'> = { mode: 'cleaning', setTempC: 75, humidityPct: 100, setCoreC: 0 };
const CLEANING_S = { min: 3600, max: 9000 } as const;

const KITCHEN_C = 25;
const KITCHEN_HUMIDITY_PCT = 45;
/** Heating elements and fan: about 25 °C a minute while preheating. */
const HEATER_C_PER_S = 0.4;
/** The thermostat switches the heating on this far below the set point. */
const THERMOSTAT_BAND_C = 2;
/** Cooling time constants toward the kitchen: insulated and closed, door open, cool-down fan with the door open. */
const CLOSED_COOLING_TAU_S = 1800;
const DOOR_OPEN_COOLING_TAU_S = 150;
const COOL_DOWN_TAU_S = 240;
/** Humidity follows its target within about a minute, within seconds once the door opens. */
const HUMIDITY_TAU_S = 60;
const DOOR_OPEN_HUMIDITY_TAU_S = 15;
/** A hotter cabinet than the next program wants is cooled first when it is this much too hot. */
const COOL_DOWN_ABOVE_C = 30;
const COOL_DOWN_UNTIL_ABOVE_C = 10;
/** A loaded probe starts at fridge temperature; a parked probe cools to the kitchen within about a minute. */
const FOOD_START_C = { min: 2, max: 6 } as const;
const PARKED_PROBE_TAU_S = 60;
const LOADING_S = { min: 20, max: 90 } as const;
const UNLOADING_S = { min: 20, max: 60 } as const;
const MEAN_OFF_S = 1800;
const MAX_FIRST_OFF_S = 300;
/** After unloading: the next program straight away, a cleaning, or the oven is switched off. */
const NEXT_PROGRAM_SHARE = 0.55;
const CLEANING_SHARE = 0.08;
/** Power drawn: heating flat out, holding temperature, making steam, cleaning, fan only (kW). */
const POWER_KW = { heating: 10.5, holding: 2.5, steam: 1.5, cleaning: 4, fan: 0.2 } as const;
const CABINET_NOISE_C = 1;
const CORE_NOISE_C = 0.1;
const CORE_TEMP_LIMITS_C = { min: -20, max: 120 } as const;

function between(random: SeededRandom, range: readonly [number, number]): number {
  return range[0] + random.next() * (range[1] - range[0]);
}

export class VirtualCombiOven implements EquipmentPhysics {
  readonly modelId = EXAMPLE_COMBI_OVEN_MODEL.modelId;
  private readonly random: SeededRandom;
  private readonly serialNo: string;
  private phase: Phase = 'off';
  private program: Program;
  private cabinetC: number;
  private coreC: number;
  private humidityPct = KITCHEN_HUMIDITY_PCT;
  private foodTauS = 1;
  private setTimeS = 0;
  private remainingS = 0;
  private phaseLeftS: number;
  private energyKWh: number;
  private readingNoiseC = 0;

  constructor(serialNo: string, random: SeededRandom) {
    this.random = random;
    this.serialNo = serialNo;
    this.program = this.drawProgram();
    this.setTimeS = this.setTimeOf(this.program);
    this.cabinetC = KITCHEN_C + random.next() * 3;
    this.coreC = this.cabinetC;
    this.phaseLeftS = random.next() * MAX_FIRST_OFF_S;
    // An oven in service for a while: 0 to 20 MWh on its meter.
    this.energyKWh = random.next() * 20_000;
  }

  advance(elapsedS: number): void {
    const { count, stepS } = physicsSteps(elapsedS);
    for (let i = 0; i < count; i++) this.step(stepS);
    this.readingNoiseC = this.random.next() - 0.5;
  }

  fields(): HeartbeatFields {
    const coreReadingC = Math.min(CORE_TEMP_LIMITS_C.max, Math.max(CORE_TEMP_LIMITS_C.min, this.coreC + this.readingNoiseC * 2 * CORE_NOISE_C));
    // The nameplate (serial_no) goes in every heartbeat: the server keeps the latest heartbeat per device
    // (not a merge), and a first heartbeat can be lost (a full telemetry queue drops its oldest OKM).
    return {
      serial_no: this.serialNo,
      program_mode: this.programMode(),
      set_temp: this.program.setTempC,
      cabinet_temp: Math.round(this.cabinetC + this.readingNoiseC * 2 * CABINET_NOISE_C),
      set_core_temp: Math.round(this.program.setCoreC * 10),
      core_temp: Math.round(coreReadingC * 10),
      humidity: Math.min(100, Math.max(0, Math.round(this.humidityPct))),
      set_time: this.setTimeS,
      remaining_time: Math.ceil(this.remainingS),
      door_open: this.isDoorOpen(),
      energy: Math.floor(this.energyKWh * 100),
    };
  }

  private programMode(): number {
    if (this.phase === 'off') return COMBI_MODE.off;
    if (this.phase === 'coolDown') return COMBI_MODE.coolDown;
    return COMBI_MODE[this.program.mode];
  }

  /** Loading, unloading, and cool-down, which runs the fan with the door open as combi ovens ask. */
  private isDoorOpen(): boolean {
    return this.phase === 'loading' || this.phase === 'unloading' || this.phase === 'coolDown';
  }

  private step(stepS: number): void {
    const wasDoorOpen = this.isDoorOpen();
    let powerKW = 0;
    switch (this.phase) {
      case 'off':
        this.cabinetC = approach(this.cabinetC, KITCHEN_C, stepS, CLOSED_COOLING_TAU_S);
        this.phaseLeftS -= stepS;
        if (this.phaseLeftS <= 0) this.startProgram(this.drawProgram());
        break;
      case 'coolDown':
        powerKW = POWER_KW.fan;
        this.cabinetC = approach(this.cabinetC, KITCHEN_C, stepS, COOL_DOWN_TAU_S);
        if (this.cabinetC <= this.program.setTempC + COOL_DOWN_UNTIL_ABOVE_C) this.startProgram(this.program);
        break;
      case 'preheat':
        powerKW = this.holdCabinet(stepS);
        if (this.cabinetC >= this.program.setTempC - THERMOSTAT_BAND_C) this.enterPhase('loading', between(this.random, [LOADING_S.min, LOADING_S.max]));
        break;
      case 'loading':
      case 'unloading':
        powerKW = POWER_KW.fan;
        this.cabinetC = approach(this.cabinetC, KITCHEN_C, stepS, DOOR_OPEN_COOLING_TAU_S);
        this.phaseLeftS -= stepS;
        if (this.phaseLeftS > 0) break;
        if (this.phase === 'loading') this.startCooking();
        else this.chooseWhatNext();
        break;
      case 'cooking':
        powerKW = this.holdCabinet(stepS);
        this.coreC = approach(this.coreC, this.cabinetC, stepS, this.foodTauS);
        this.remainingS = Math.max(0, this.remainingS - stepS);
        if (this.coreC >= this.program.setCoreC || this.remainingS === 0) {
          this.remainingS = 0;
          this.enterPhase('unloading', between(this.random, [UNLOADING_S.min, UNLOADING_S.max]));
        }
        break;
      case 'cleaning':
        powerKW = Math.max(this.holdCabinet(stepS), POWER_KW.cleaning);
        this.remainingS = Math.max(0, this.remainingS - stepS);
        if (this.remainingS === 0) this.switchOff();
        break;
    }
    if (this.phase !== 'cooking') this.coreC = approach(this.coreC, KITCHEN_C, stepS, PARKED_PROBE_TAU_S);
    const humidityTargetPct = this.isDoorOpen() || this.phase === 'off' ? KITCHEN_HUMIDITY_PCT : this.program.humidityPct;
    this.humidityPct = approach(this.humidityPct, humidityTargetPct, stepS, wasDoorOpen ? DOOR_OPEN_HUMIDITY_TAU_S : HUMIDITY_TAU_S);
    this.energyKWh += (powerKW * stepS) / 3600;
  }

  /** Thermostat and steam generator at the program's set point; the power drawn (kW). */
  private holdCabinet(stepS: number): number {
    const isHeating = this.cabinetC < this.program.setTempC - THERMOSTAT_BAND_C;
    this.cabinetC = approach(this.cabinetC, KITCHEN_C, stepS, CLOSED_COOLING_TAU_S);
    if (isHeating) this.cabinetC = Math.min(this.program.setTempC, this.cabinetC + HEATER_C_PER_S * stepS);
    const steamKW = this.program.humidityPct > 50 ? POWER_KW.steam : 0;
    return (isHeating ? POWER_KW.heating : POWER_KW.holding) + steamKW;
  }

  private drawProgram(): Program {
    let roll = this.random.next();
    const kind = PROGRAM_KINDS.find((candidate) => (roll -= candidate.weight) < 0) ?? PROGRAM_KINDS[0];
    return {
      mode: kind.mode,
      setTempC: Math.round(between(this.random, kind.setTempC) / 5) * 5,
      humidityPct: Math.round(between(this.random, kind.humidityPct)),
      setCoreC: Math.round(between(this.random, kind.setCoreC)),
      cookS: Math.round(between(this.random, kind.cookMin) * 60),
    };
  }

  /** The program's set time: its expected cook plus a quarter, in whole minutes. */
  private setTimeOf(program: Program): number {
    return Math.ceil((program.cookS * 1.25) / 60) * 60;
  }

  /** Runs `program`, after a cool-down (which keeps it as the present program) when the cabinet is much hotter than it wants. */
  private startProgram(program: Program): void {
    this.program = program;
    this.setTimeS = this.setTimeOf(program);
    this.remainingS = 0;
    if (this.cabinetC > program.setTempC + COOL_DOWN_ABOVE_C) {
      this.phase = 'coolDown';
      return;
    }
    if (program.mode === 'cleaning') {
      this.remainingS = this.setTimeS;
      this.phase = 'cleaning';
    } else {
      this.phase = 'preheat';
    }
  }

  /** The probe goes into chilled food; its time constant makes the core reach its set point in `cookS` at this cabinet temperature. */
  private startCooking(): void {
    this.coreC = between(this.random, [FOOD_START_C.min, FOOD_START_C.max]);
    const spanRatio = (this.program.setTempC - this.coreC) / Math.max(1, this.program.setTempC - this.program.setCoreC);
    this.foodTauS = this.program.cookS / Math.log(Math.max(1.01, spanRatio));
    this.remainingS = this.setTimeS;
    this.phase = 'cooking';
  }

  private chooseWhatNext(): void {
    const roll = this.random.next();
    if (roll < CLEANING_SHARE) {
      const cookS = this.random.integer(CLEANING_S.min, CLEANING_S.max) / 1.25;
      this.startProgram({ ...CLEANING, cookS });
    } else if (roll < CLEANING_SHARE + NEXT_PROGRAM_SHARE) {
      this.startProgram(this.drawProgram());
    } else {
      this.switchOff();
    }
  }

  private switchOff(): void {
    this.phase = 'off';
    this.remainingS = 0;
    this.phaseLeftS = -Math.log(1 - this.random.next()) * MEAN_OFF_S;
  }

  private enterPhase(phase: Phase, durationS: number): void {
    this.phase = phase;
    this.phaseLeftS = durationS;
  }
}
