// Sites and CWM placements (domain/sites/site-store.ts) as read in SQL both backends run. A page of sites
// counts the CWMs of each listed site through devices_by_site (one index range per site listed, never a
// pass over the devices) and reads the gateway MACs of the listed sites only.

import type { DevicePlacement, SiteAssignment, SitePage, SiteQuery, SiteSummary } from '../../../domain/sites/site-store.js';
import { SqlParams, type SqlDialect, type SqlReader } from '../fleet-sql/sql-dialect.js';

export interface SiteRow {
  id: number;
  name: string;
  address: string | null;
  time_zone: string | null;
  created_at: number;
  cwm_count: number;
}

interface PlacementRow {
  id: string;
  site_id: number | null;
  site_assignment: string | null;
  gateway_mac_raw: string | null;
  gateway_mac_at: number | null;
}

const SITE_COLUMNS = 's.id, s.name, s.address, s.time_zone, s.created_at, (SELECT count(*) FROM devices d WHERE d.site_id = s.id) AS cwm_count';

function toAssignment(value: string | null): SiteAssignment | null {
  return value === 'gateway' || value === 'operator' ? value : null;
}

export function toPlacement(row: PlacementRow): DevicePlacement {
  return {
    deviceId: row.id,
    siteId: row.site_id === null ? null : Number(row.site_id),
    assignment: toAssignment(row.site_assignment),
    reportedGatewayMac: row.gateway_mac_raw,
    reportedGatewayMacAtMs: row.gateway_mac_at === null ? null : Number(row.gateway_mac_at),
  };
}

export const PLACEMENT_COLUMNS = 'id, site_id, site_assignment, gateway_mac_raw, gateway_mac_at';

/** Site reads over `reader`, in `dialect`. */
export function createSiteReads(reader: SqlReader, dialect: SqlDialect) {
  const readMacs = async (siteIds: readonly number[]): Promise<Map<number, string[]>> => {
    const macs = new Map<number, string[]>();
    if (siteIds.length === 0) return macs;
    const params = new SqlParams(dialect);
    // Site ids travel as an id list (text): compared as text, at most one page of sites, in a table of a few
    // rows per site.
    const rows = await reader.all<{ site_id: number; mac: string }>(params.statement(
      `SELECT site_id, mac FROM site_gateways WHERE ${dialect.isOneOf('CAST(site_id AS TEXT)', params.add(dialect.listParam(siteIds.map(String))))} ORDER BY mac`,
    ));
    for (const row of rows) macs.set(Number(row.site_id), [...(macs.get(Number(row.site_id)) ?? []), row.mac]);
    return macs;
  };

  const toSummaries = async (rows: readonly SiteRow[]): Promise<SiteSummary[]> => {
    const macs = await readMacs(rows.map((row) => Number(row.id)));
    return rows.map((row) => ({
      id: Number(row.id),
      name: row.name,
      address: row.address,
      timeZone: row.time_zone,
      gatewayMacs: macs.get(Number(row.id)) ?? [],
      createdAtMs: Number(row.created_at),
      cwmCount: Number(row.cwm_count),
    }));
  };

  return {
    async querySites(query: SiteQuery): Promise<SitePage> {
      const conditions = (params: SqlParams): string => {
        if (query.search === null || query.search === '') return '';
        // Added once per use: SQLite's placeholders are positional.
        const inName = dialect.contains(dialect.foldCase('s.name'), dialect.foldCase(params.add(query.search)));
        const inAddress = dialect.contains(dialect.foldCase("coalesce(s.address, '')"), dialect.foldCase(params.add(query.search)));
        return `WHERE (${inName} OR ${inAddress})`;
      };
      const countParams = new SqlParams(dialect);
      const pageParams = new SqlParams(dialect);
      const pageWhere = conditions(pageParams);
      const [counted, rows] = await Promise.all([
        reader.all<{ n: number }>(countParams.statement(`SELECT count(*) AS n FROM sites s ${conditions(countParams)}`)),
        reader.all<SiteRow>(pageParams.statement(
          `SELECT ${SITE_COLUMNS} FROM sites s ${pageWhere} ORDER BY ${dialect.foldCase('s.name')}, s.id
           LIMIT ${pageParams.add(query.limit)} OFFSET ${pageParams.add(query.offset)}`,
        )),
      ]);
      return { items: await toSummaries(rows), total: Number(counted[0]?.n ?? 0) };
    },
    async findSite(id: number): Promise<SiteSummary | null> {
      const params = new SqlParams(dialect);
      const rows = await reader.all<SiteRow>(params.statement(`SELECT ${SITE_COLUMNS} FROM sites s WHERE s.id = ${params.add(id)}`));
      return (await toSummaries(rows))[0] ?? null;
    },
    async findDevicePlacement(deviceId: string): Promise<DevicePlacement | null> {
      const params = new SqlParams(dialect);
      const rows = await reader.all<PlacementRow>(params.statement(`SELECT ${PLACEMENT_COLUMNS} FROM devices WHERE id = ${params.add(deviceId)}`));
      const row = rows[0];
      return row ? toPlacement(row) : null;
    },
  };
}
