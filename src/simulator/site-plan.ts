// The sites of a virtual fleet: CWMs grouped into kitchens of about four, each with the MAC of its network
// gateway, which every request of its CWMs carries as `gwmac` (PROTOCOL.md A, vSAP hint [S17]).

import { createSeededRandom, deriveSeed } from './seeded-random.js';

export interface PlannedSite {
  readonly index: number;
  /** `02:00:5e:xx:xx:xx`: the locally administered bit (0x02) set, so it can never be a real vendor's MAC. */
  readonly gatewayMac: string;
}

/** Smallest and largest number of CWMs at one site: about four on average. */
const CWMS_PER_SITE = { min: 2, max: 6 } as const;
/** Odd, so `index * MAC_STRIDE` modulo 2^24 visits every value once: no two of 16 million sites share a MAC. */
const MAC_STRIDE = 0x9e3779;
/** A seed index apart from the CWMs' own (deriveSeed(seed, 0..devices-1)). */
const SITE_SEED_INDEX = 0x7fff_fffe;

function gatewayMacOf(siteIndex: number, offset: number): string {
  const low = (Math.imul(siteIndex, MAC_STRIDE) + offset) & 0xff_ffff;
  const bytes = [low >>> 16, (low >>> 8) & 0xff, low & 0xff].map((byte) => byte.toString(16).padStart(2, '0'));
  return `02:00:5e:${bytes.join(':')}`;
}

/**
 * The site of each of `devices` CWMs, by CWM index: consecutive CWMs share a site. Fully determined by the seed.
 * @example planSites({ devices: 5, seed: 1 }) // [{ index: 0, gatewayMac: '02:00:5e:..' }, ... , { index: 1, ... }]
 */
export function planSites(options: { devices: number; seed: number }): PlannedSite[] {
  const random = createSeededRandom(deriveSeed(options.seed, SITE_SEED_INDEX));
  const offset = random.integer(0, 0xff_ffff);
  const sites: PlannedSite[] = [];
  let site: PlannedSite = { index: 0, gatewayMac: gatewayMacOf(0, offset) };
  let seatsLeft = random.integer(CWMS_PER_SITE.min, CWMS_PER_SITE.max);
  for (let cwm = 0; cwm < options.devices; cwm++) {
    if (seatsLeft === 0) {
      site = { index: site.index + 1, gatewayMac: gatewayMacOf(site.index + 1, offset) };
      seatsLeft = random.integer(CWMS_PER_SITE.min, CWMS_PER_SITE.max);
    }
    sites.push(site);
    seatsLeft--;
  }
  return sites;
}
