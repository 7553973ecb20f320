// Sites as operators edit them (issue 15): the rules of a site's name, address, time zone and gateway MACs
// checked before the store is asked; placing a CWM at a site by hand.

import { OpenTpsError } from '../../errors.js';
import { isKnownTimeZone } from '../../protocol/time-answer.js';
import type { Clock } from '../clock.js';
import { parseGatewayMac } from './gateway-mac.js';
import type { DevicePlacement, SiteChanges, SitePage, SiteQuery, SiteRecord, SiteStore, SiteSummary } from './site-store.js';

export const MAX_SITE_NAME_CHARS = 200;
export const MAX_SITE_ADDRESS_CHARS = 500;
export const MAX_GATEWAY_MACS_PER_SITE = 64;

// Control characters (C0, DEL, C1) are refused so a name cannot corrupt a terminal, a log or a CSV.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

export interface SiteInput {
  readonly name: string;
  readonly address?: string | null | undefined;
  readonly timeZone?: string | null | undefined;
  readonly gatewayMacs?: readonly string[] | undefined;
}

export interface SiteDirectory {
  query(query: SiteQuery): Promise<SitePage>;
  /** @throws OpenTpsError ERR_SITE_NOT_FOUND */
  get(id: number): Promise<SiteSummary>;
  /** @throws OpenTpsError ERR_API_INVALID, ERR_TIME_ZONE_INVALID, ERR_GATEWAY_MAC_INVALID, ERR_SITE_NAME_TAKEN, ERR_GATEWAY_MAC_TAKEN */
  add(input: SiteInput): Promise<SiteRecord>;
  /** Same checks as add; only the members given change. */
  update(id: number, input: Partial<SiteInput>): Promise<SiteRecord>;
  remove(id: number): Promise<void>;
  /** @throws OpenTpsError ERR_DEVICE_NOT_FOUND, ERR_SITE_NOT_FOUND */
  place(deviceId: string, siteId: number | null): Promise<DevicePlacement>;
}

function nameOf(name: string): string {
  const text = name.trim();
  if (text === '' || text.length > MAX_SITE_NAME_CHARS || CONTROL.test(text)) {
    throw new OpenTpsError('ERR_API_INVALID', `a site name must be 1 to ${MAX_SITE_NAME_CHARS} characters without control characters`);
  }
  return text;
}

function addressOf(address: string | null): string | null {
  if (address === null || address.trim() === '') return null;
  // An address may span lines (street, city); other control characters are refused.
  if (address.length > MAX_SITE_ADDRESS_CHARS || CONTROL.test(address)) {
    throw new OpenTpsError('ERR_API_INVALID', `a site address must be at most ${MAX_SITE_ADDRESS_CHARS} characters without control characters`);
  }
  return address.trim();
}

function timeZoneOf(timeZone: string | null): string | null {
  if (timeZone === null || timeZone === '') return null;
  if (!isKnownTimeZone(timeZone)) throw new OpenTpsError('ERR_TIME_ZONE_INVALID', JSON.stringify(timeZone.slice(0, 60)));
  return timeZone;
}

function macsOf(macs: readonly string[]): string[] {
  const parsed = [...new Set(macs.map(parseGatewayMac))].sort();
  if (parsed.length > MAX_GATEWAY_MACS_PER_SITE) throw new OpenTpsError('ERR_API_INVALID', `a site has at most ${MAX_GATEWAY_MACS_PER_SITE} gateway MACs`);
  return parsed;
}

export function createSiteDirectory(deps: { store: SiteStore; clock: Clock }): SiteDirectory {
  return {
    query(query) {
      return deps.store.querySites(query);
    },
    async get(id) {
      const site = await deps.store.findSite(id);
      if (site === null) throw new OpenTpsError('ERR_SITE_NOT_FOUND', String(id));
      return site;
    },
    add(input) {
      return deps.store.addSite({
        name: nameOf(input.name),
        address: addressOf(input.address ?? null),
        timeZone: timeZoneOf(input.timeZone ?? null),
        gatewayMacs: macsOf(input.gatewayMacs ?? []),
        createdAtMs: deps.clock.nowMs(),
      });
    },
    update(id, input) {
      const changes: { -readonly [K in keyof SiteChanges]: SiteChanges[K] } = {};
      if (input.name !== undefined) changes.name = nameOf(input.name);
      if (input.address !== undefined) changes.address = addressOf(input.address);
      if (input.timeZone !== undefined) changes.timeZone = timeZoneOf(input.timeZone);
      if (input.gatewayMacs !== undefined) changes.gatewayMacs = macsOf(input.gatewayMacs);
      return deps.store.updateSite(id, changes);
    },
    remove(id) {
      return deps.store.deleteSite(id);
    },
    place(deviceId, siteId) {
      return deps.store.assignDeviceSite(deviceId, siteId);
    },
  };
}
