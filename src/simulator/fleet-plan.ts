// The identity of a virtual fleet: CWM ids and keys, and the OKEs behind each CWM (4-digit model
// prefix + serial, PROTOCOL.md Part B 1.4). Fully determined by the seed.

import { createSeededRandom, deriveSeed } from './seeded-random.js';

export interface PlannedOke {
  readonly id: string;
  readonly model: string;
}

export interface PlannedCwm {
  readonly index: number;
  readonly id: string;
  readonly key: string;
  readonly okes: readonly PlannedOke[];
  readonly seed: number;
}

/** Model prefixes of the virtual equipment: fryers, ovens, holding cabinets. */
const OKE_MODELS = ['0363', '0412', '0520', '0611'] as const;

export function planFleet(options: { devices: number; okesPerCwm: number; seed: number }): PlannedCwm[] {
  return Array.from({ length: options.devices }, (_, index) => {
    const seed = deriveSeed(options.seed, index);
    const random = createSeededRandom(seed);
    const id = `0002${random.hex(12)}`;
    const key = random.hex(32);
    const okeCount = random.integer(1, Math.max(1, options.okesPerCwm));
    const okes = Array.from({ length: okeCount }, () => {
      const model = random.pick(OKE_MODELS);
      return { id: `${model}${random.hex(12)}`, model };
    });
    return { index, id, key, okes, seed };
  });
}
