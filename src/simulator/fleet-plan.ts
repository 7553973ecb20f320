// The identity of a virtual fleet: CWM ids and keys, their sites (gateway MACs), and the OKEs behind each
// CWM (4-digit model prefix + serial, PROTOCOL.md Part B 1.4). Fully determined by the seed.

import { EXAMPLE_COMBI_OVEN_MODEL, EXAMPLE_FRYER_MODEL } from '../domain/equipment-model/builtin-models.js';
import { createSeededRandom, deriveSeed, type SeededRandom } from './seeded-random.js';
import { planSites } from './site-plan.js';

export interface PlannedOke {
  readonly id: string;
  /** The MODEL_ID: the first 4 hex digits of `id`, one of the built-in example models. */
  readonly model: string;
}

export interface PlannedCwm {
  readonly index: number;
  readonly id: string;
  readonly key: string;
  readonly okes: readonly PlannedOke[];
  readonly seed: number;
  /** The site's gateway MAC (`02:00:5e:xx:xx:xx`), shared by about four CWMs. */
  readonly gatewayMac: string;
}

/** A quick-service kitchen has several fryers for each combi oven. */
const FRYER_SHARE = 0.75;

function pickOkeModel(random: SeededRandom): string {
  return random.next() < FRYER_SHARE ? EXAMPLE_FRYER_MODEL.modelId : EXAMPLE_COMBI_OVEN_MODEL.modelId;
}

export function planFleet(options: { devices: number; okesPerCwm: number; seed: number }): PlannedCwm[] {
  return planSites({ devices: options.devices, seed: options.seed }).map((site, index) => {
    const seed = deriveSeed(options.seed, index);
    const random = createSeededRandom(seed);
    // Id and key are drawn first, as before the OKE models changed: a seed still names the same CWMs and keys.
    const id = `0002${random.hex(12)}`;
    const key = random.hex(32);
    const okeCount = random.integer(1, Math.max(1, options.okesPerCwm));
    const okes = Array.from({ length: okeCount }, () => {
      const model = pickOkeModel(random);
      return { id: `${model}${random.hex(12)}`, model };
    });
    return { index, id, key, okes, seed, gatewayMac: site.gatewayMac };
  });
}
