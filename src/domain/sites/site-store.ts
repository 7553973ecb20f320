// The storage port for sites (issue 15): a store, kitchen or building, with an address, a time zone (the
// default for the /time answers of its CWMs) and the gateway MACs that place a CWM there. A CWM is at one
// site or none: placed by the gateway MAC it reports, or by hand (then a reported MAC no longer moves it).

/** How a CWM came to be at its site. */
export type SiteAssignment = 'gateway' | 'operator';

export interface SiteRecord {
  readonly id: number;
  readonly name: string;
  readonly address: string | null;
  /** IANA time zone; null: the server's default. */
  readonly timeZone: string | null;
  /** Normal form (gateway-mac.ts), sorted. */
  readonly gatewayMacs: readonly string[];
  readonly createdAtMs: number;
}

/** A site with how many CWMs are at it (counted from an index on the site, per listed site). */
export interface SiteSummary extends SiteRecord {
  readonly cwmCount: number;
}

export interface NewSite {
  readonly name: string;
  readonly address: string | null;
  readonly timeZone: string | null;
  readonly gatewayMacs: readonly string[];
  readonly createdAtMs: number;
}

export interface SiteChanges {
  readonly name?: string;
  readonly address?: string | null;
  readonly timeZone?: string | null;
  /** Replaces the list. CWMs placed by a MAC that is removed stay where they are until they report another. */
  readonly gatewayMacs?: readonly string[];
}

export interface SiteQuery {
  /** Text found in the name or the address, any case; null: every site. */
  readonly search: string | null;
  readonly limit: number;
  readonly offset: number;
}

export interface SitePage {
  readonly items: readonly SiteSummary[];
  readonly total: number;
}

/** Where a CWM is: its site, how it got there, and the gateway MAC it last reported (raw, as sent). */
export interface DevicePlacement {
  readonly deviceId: string;
  readonly siteId: number | null;
  readonly assignment: SiteAssignment | null;
  readonly reportedGatewayMac: string | null;
  readonly reportedGatewayMacAtMs: number | null;
}

export interface SiteStore {
  /** Sites by name (case-insensitive), filtered and paged in the store. */
  querySites(query: SiteQuery): Promise<SitePage>;
  findSite(id: number): Promise<SiteSummary | null>;
  /** @throws OpenTpsError ERR_SITE_NAME_TAKEN, ERR_GATEWAY_MAC_TAKEN */
  addSite(site: NewSite): Promise<SiteRecord>;
  /** @throws OpenTpsError ERR_SITE_NOT_FOUND, ERR_SITE_NAME_TAKEN, ERR_GATEWAY_MAC_TAKEN */
  updateSite(id: number, changes: SiteChanges): Promise<SiteRecord>;
  /** Deletes the site; its CWMs are at no site afterwards. @throws OpenTpsError ERR_SITE_NOT_FOUND */
  deleteSite(id: number): Promise<void>;
  /**
   * Places a registered or discovered CWM at a site by hand (`siteId` null: at none, and reported MACs place it
   * again). @throws OpenTpsError ERR_DEVICE_NOT_FOUND, ERR_SITE_NOT_FOUND
   */
  assignDeviceSite(deviceId: string, siteId: number | null): Promise<DevicePlacement>;
  findDevicePlacement(deviceId: string): Promise<DevicePlacement | null>;
  /**
   * Records the gateway MAC a CWM's request carried (`raw` as sent, `mac` its normal form or null when it is
   * not a MAC). Unless an operator placed the CWM, a MAC that belongs to a site places it there. Does nothing
   * for an unknown device.
   */
  recordGatewayMac(deviceId: string, raw: string, mac: string | null, atMs: number): Promise<void>;
}
