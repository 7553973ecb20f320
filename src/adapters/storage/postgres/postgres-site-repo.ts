// Sites, their gateway MACs and CWM placements in the PostgreSQL store (domain/sites/site-store.ts). Every
// change is one transaction; a name or MAC taken by a concurrent change on another node is caught by the
// unique indexes and answered with the same error code as one found by the checks.

import type { DevicePlacement, SiteChanges, SiteRecord, SiteStore } from '../../../domain/sites/site-store.js';
import { OpenTpsError, isOpenTpsError } from '../../../errors.js';
import { createSiteReads, PLACEMENT_COLUMNS, toPlacement } from '../site-sql/site-reads.js';
import { POSTGRES_DIALECT } from './postgres-fleet-queries.js';
import type { CredentialsCache } from './postgres-credentials-cache.js';
import type { PostgresDatabase, SqlRunner } from './postgres-database.js';
import { createPostgresReader } from './postgres-sql-reader.js';

interface SiteRow {
  id: number;
  name: string;
  address: string | null;
  time_zone: string | null;
  created_at: number;
}

const SITE_COLUMNS = 'id, name, address, time_zone, created_at';

/** The unique index a statement violated, or null for any other failure. */
function violatedConstraint(error: unknown): string | null {
  const cause = isOpenTpsError(error) ? error.cause : error;
  if (typeof cause !== 'object' || cause === null || !('code' in cause) || cause.code !== '23505') return null;
  return 'constraint' in cause && typeof cause.constraint === 'string' ? cause.constraint : null;
}

/** A unique violation of the sites' names or MACs as the error the checks would have given. */
function asTakenError(error: unknown, name: string | undefined): unknown {
  const constraint = violatedConstraint(error);
  if (constraint === 'sites_by_name') return new OpenTpsError('ERR_SITE_NAME_TAKEN', name ?? '', { cause: error });
  if (constraint === 'site_gateways_pkey') return new OpenTpsError('ERR_GATEWAY_MAC_TAKEN', 'taken meanwhile', { cause: error });
  return error;
}

async function requireSite(tx: SqlRunner, id: number, lock = false): Promise<SiteRow> {
  const { rows } = await tx.query<SiteRow>(`SELECT ${SITE_COLUMNS} FROM sites WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  const row = rows[0];
  if (!row) throw new OpenTpsError('ERR_SITE_NOT_FOUND', String(id));
  return row;
}

async function checkName(tx: SqlRunner, name: string, siteId: number | null): Promise<void> {
  const { rows } = await tx.query<{ id: number }>('SELECT id FROM sites WHERE lower(name) = lower($1)', [name]);
  const named = rows[0];
  if (named && Number(named.id) !== siteId) throw new OpenTpsError('ERR_SITE_NAME_TAKEN', name);
}

async function replaceMacs(tx: SqlRunner, siteId: number, macs: readonly string[]): Promise<void> {
  const unique = [...new Set(macs)];
  const { rows } = await tx.query<{ mac: string }>('SELECT mac FROM site_gateways WHERE mac = ANY($1::text[]) AND site_id <> $2 ORDER BY mac', [unique, siteId]);
  const taken = rows[0];
  if (taken) throw new OpenTpsError('ERR_GATEWAY_MAC_TAKEN', taken.mac);
  await tx.query('DELETE FROM site_gateways WHERE site_id = $1', [siteId]);
  if (unique.length > 0) await tx.query('INSERT INTO site_gateways (mac, site_id) SELECT m, $2 FROM unnest($1::text[]) AS m', [unique, siteId]);
}

async function toRecord(tx: SqlRunner, row: SiteRow): Promise<SiteRecord> {
  const { rows } = await tx.query<{ mac: string }>('SELECT mac FROM site_gateways WHERE site_id = $1 ORDER BY mac', [row.id]);
  return {
    id: Number(row.id),
    name: row.name,
    address: row.address,
    timeZone: row.time_zone,
    gatewayMacs: rows.map((mac) => mac.mac),
    createdAtMs: Number(row.created_at),
  };
}

export function createPostgresSiteRepo(db: PostgresDatabase, credentials: CredentialsCache): SiteStore {
  const reads = createSiteReads(createPostgresReader(db), POSTGRES_DIALECT);

  return {
    querySites: reads.querySites,
    findSite: reads.findSite,
    findDevicePlacement: reads.findDevicePlacement,
    async addSite(site) {
      try {
        return await db.transaction(async (tx) => {
          await checkName(tx, site.name, null);
          const { rows } = await tx.query<SiteRow>(
            `INSERT INTO sites (name, address, time_zone, created_at) VALUES ($1, $2, $3, $4) RETURNING ${SITE_COLUMNS}`,
            [site.name, site.address, site.timeZone, site.createdAtMs],
          );
          const row = rows[0];
          if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'site vanished after insert');
          await replaceMacs(tx, Number(row.id), site.gatewayMacs);
          return await toRecord(tx, row);
        });
      } catch (error) {
        throw asTakenError(error, site.name);
      }
    },
    async updateSite(id, changes: SiteChanges) {
      try {
        return await db.transaction(async (tx) => {
          const current = await requireSite(tx, id, true);
          if (changes.name !== undefined) await checkName(tx, changes.name, id);
          const { rows } = await tx.query<SiteRow>(
            `UPDATE sites SET name = $2, address = $3, time_zone = $4 WHERE id = $1 RETURNING ${SITE_COLUMNS}`,
            [id, changes.name ?? current.name, changes.address === undefined ? current.address : changes.address, changes.timeZone === undefined ? current.time_zone : changes.timeZone],
          );
          const row = rows[0];
          if (!row) throw new OpenTpsError('ERR_SITE_NOT_FOUND', String(id));
          if (changes.gatewayMacs !== undefined) await replaceMacs(tx, id, changes.gatewayMacs);
          return await toRecord(tx, row);
        });
      } catch (error) {
        throw asTakenError(error, changes.name);
      } finally {
        // The site's time zone may be in any of its CWMs' cached credentials (other nodes hear the trigger).
        credentials.forgetAll();
      }
    },
    async deleteSite(id) {
      try {
        await db.transaction(async (tx) => {
          await requireSite(tx, id, true);
          await tx.query('UPDATE devices SET site_id = NULL, site_assignment = NULL WHERE site_id = $1', [id]);
          await tx.query('DELETE FROM site_gateways WHERE site_id = $1', [id]);
          await tx.query('DELETE FROM sites WHERE id = $1', [id]);
        });
      } finally {
        credentials.forgetAll();
      }
    },
    async assignDeviceSite(deviceId, siteId): Promise<DevicePlacement> {
      try {
        return await db.transaction(async (tx) => {
          // Locked: a site deleted meanwhile cannot be the one assigned.
          if (siteId !== null) await requireSite(tx, siteId, true);
          const { rows } = await tx.query<Parameters<typeof toPlacement>[0]>(
            `UPDATE devices SET site_id = $2, site_assignment = CASE WHEN $2::bigint IS NULL THEN NULL ELSE 'operator' END WHERE id = $1
             RETURNING ${PLACEMENT_COLUMNS}`,
            [deviceId, siteId],
          );
          const row = rows[0];
          if (!row) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', deviceId);
          return toPlacement(row);
        });
      } finally {
        credentials.forget(deviceId);
      }
    },
    async recordGatewayMac(deviceId, raw, mac, atMs) {
      // One statement: the MAC as reported, and the site its normal form belongs to unless an operator placed
      // the CWM. The devices row joined as it was before (locked) tells whether the CWM moved.
      const { rows } = await db.write<{ old_site: number | null; site_id: number | null }>(
        `UPDATE devices d SET gateway_mac_raw = $2, gateway_mac_at = $3,
           site_id = coalesce(CASE WHEN coalesce(d.site_assignment, '') <> 'operator' THEN (SELECT g.site_id FROM site_gateways g WHERE g.mac = $4) END, d.site_id),
           site_assignment = CASE WHEN coalesce(d.site_assignment, '') <> 'operator' AND EXISTS (SELECT 1 FROM site_gateways g WHERE g.mac = $4)
             THEN 'gateway' ELSE d.site_assignment END
         FROM (SELECT id, site_id FROM devices WHERE id = $1 FOR UPDATE) old
         WHERE d.id = old.id
         RETURNING old.site_id AS old_site, d.site_id`,
        [deviceId, raw, atMs, mac],
      );
      const row = rows[0];
      if (row && row.old_site !== row.site_id) credentials.forget(deviceId);
    },
  };
}
