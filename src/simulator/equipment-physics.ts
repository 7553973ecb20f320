// What every virtual kitchen appliance's physics offers the virtual OKE that carries it: time moves on, and
// the heartbeat fields of its model's data dictionary are read off its state.

/** One heartbeat's fields, raw as the equipment sends them (integers where the dictionary scales by 0.1). */
export type HeartbeatFields = Record<string, string | number | boolean>;

export interface EquipmentPhysics {
  /** The 4-hex-digit MODEL_ID of the dictionary whose fields `fields()` returns. */
  readonly modelId: string;
  /** Moves the appliance `elapsedS` seconds on (one heartbeat period). */
  advance(elapsedS: number): void;
  /** The heartbeat fields of the present state: exactly the keys of the model's dictionary. Reading changes nothing. */
  fields(): HeartbeatFields;
}

/**
 * Longest step the physics integrates in one go. A 60-s heartbeat is cut into 12 steps of 5 s: fine enough
 * for a thermostat band of about a degree, cheap enough for 100,000 virtual OKEs.
 */
export const MAX_PHYSICS_STEP_S = 5;

/** `elapsedS` cut into equal steps of at most MAX_PHYSICS_STEP_S. */
export function physicsSteps(elapsedS: number): { count: number; stepS: number } {
  const count = Math.max(1, Math.ceil(elapsedS / MAX_PHYSICS_STEP_S));
  return { count, stepS: elapsedS / count };
}

/** The chance that an event expected every `meanS` seconds on average happens within `stepS`. */
export function chanceWithin(stepS: number, meanS: number): number {
  return 1 - Math.exp(-stepS / meanS);
}

/** First-order lag (Newton's cooling): `value` moved toward `target` for `stepS` with time constant `tauS`. */
export function approach(value: number, target: number, stepS: number, tauS: number): number {
  return target + (value - target) * Math.exp(-stepS / tauS);
}
