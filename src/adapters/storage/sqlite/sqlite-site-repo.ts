// Sites, their gateway MACs and CWM placements in the embedded store (domain/sites/site-store.ts). Every
// change is one batch transaction: a taken name or MAC found there leaves nothing written. A CWM's
// credentials carry its site's time zone, so a change of site or placement drops the cached ones.

import type { Database } from 'better-sqlite3';
import type { SiteChanges, SiteRecord, SiteStore } from '../../../domain/sites/site-store.js';
import { OpenTpsError } from '../../../errors.js';
import { createSiteReads, PLACEMENT_COLUMNS, toPlacement } from '../site-sql/site-reads.js';
import { SQLITE_DIALECT } from './sqlite-fleet-queries.js';
import { createSqliteReader } from './sqlite-sql-reader.js';
import type { WriteBatcher } from './write-batcher.js';

interface SiteRow {
  id: number;
  name: string;
  address: string | null;
  time_zone: string | null;
  created_at: number;
}

/** Drops cached credentials: of one device, or (null) of every device. */
export type ForgetCredentials = (deviceId: string | null) => void;

export function createSqliteSiteRepo(db: Database, batcher: WriteBatcher, forgetCredentials: ForgetCredentials): SiteStore {
  const reads = createSiteReads(createSqliteReader(db), SQLITE_DIALECT);
  const selectSite = db.prepare<[number], SiteRow>('SELECT id, name, address, time_zone, created_at FROM sites WHERE id = ?');
  const selectNamed = db.prepare<[string], { id: number }>('SELECT id FROM sites WHERE name = ?');
  const selectMacOwner = db.prepare<[string], { site_id: number }>('SELECT site_id FROM site_gateways WHERE mac = ?');
  const selectMacs = db.prepare<[number], { mac: string }>('SELECT mac FROM site_gateways WHERE site_id = ? ORDER BY mac');
  const insertSite = db.prepare('INSERT INTO sites (name, address, time_zone, created_at) VALUES (?, ?, ?, ?)');
  const updateSite = db.prepare('UPDATE sites SET name = ?, address = ?, time_zone = ? WHERE id = ?');
  const deleteMacs = db.prepare('DELETE FROM site_gateways WHERE site_id = ?');
  const insertMac = db.prepare('INSERT INTO site_gateways (mac, site_id) VALUES (?, ?)');
  const unplaceAll = db.prepare('UPDATE devices SET site_id = NULL, site_assignment = NULL WHERE site_id = ?');
  const deleteSite = db.prepare('DELETE FROM sites WHERE id = ?');
  const placeByOperator = db.prepare(
    "UPDATE devices SET site_id = @siteId, site_assignment = CASE WHEN @siteId IS NULL THEN NULL ELSE 'operator' END WHERE id = @id",
  );
  const selectPlacement = db.prepare<[string], { id: string; site_id: number | null; site_assignment: string | null; gateway_mac_raw: string | null; gateway_mac_at: number | null }>(
    `SELECT ${PLACEMENT_COLUMNS} FROM devices WHERE id = ?`,
  );
  // One statement: the MAC as reported, and the site its normal form belongs to unless an operator placed the CWM.
  const recordMac = db.prepare(
    `UPDATE devices SET gateway_mac_raw = @raw, gateway_mac_at = @at,
       site_id = coalesce(CASE WHEN coalesce(site_assignment, '') <> 'operator' THEN (SELECT g.site_id FROM site_gateways g WHERE g.mac = @mac) END, site_id),
       site_assignment = CASE WHEN coalesce(site_assignment, '') <> 'operator' AND EXISTS (SELECT 1 FROM site_gateways g WHERE g.mac = @mac)
         THEN 'gateway' ELSE site_assignment END
     WHERE id = @id`,
  );
  const selectSiteOf = db.prepare<[string], { site_id: number | null }>('SELECT site_id FROM devices WHERE id = ?');

  const requireSite = (id: number): SiteRow => {
    const row = selectSite.get(id);
    if (!row) throw new OpenTpsError('ERR_SITE_NOT_FOUND', String(id));
    return row;
  };
  const checkName = (name: string, siteId: number | null): void => {
    const named = selectNamed.get(name);
    if (named && named.id !== siteId) throw new OpenTpsError('ERR_SITE_NAME_TAKEN', name);
  };
  const replaceMacs = (siteId: number, macs: readonly string[]): void => {
    for (const mac of macs) {
      const owner = selectMacOwner.get(mac);
      if (owner && owner.site_id !== siteId) throw new OpenTpsError('ERR_GATEWAY_MAC_TAKEN', mac);
    }
    deleteMacs.run(siteId);
    for (const mac of new Set(macs)) insertMac.run(mac, siteId);
  };
  const toRecord = (row: SiteRow): SiteRecord => ({
    id: row.id,
    name: row.name,
    address: row.address,
    timeZone: row.time_zone,
    gatewayMacs: selectMacs.all(row.id).map((mac) => mac.mac),
    createdAtMs: row.created_at,
  });

  return {
    querySites: reads.querySites,
    findSite: reads.findSite,
    findDevicePlacement: reads.findDevicePlacement,
    addSite(site) {
      return batcher.run(() => {
        checkName(site.name, null);
        const id = Number(insertSite.run(site.name, site.address, site.timeZone, site.createdAtMs).lastInsertRowid);
        replaceMacs(id, site.gatewayMacs);
        return toRecord(requireSite(id));
      });
    },
    updateSite(id, changes: SiteChanges) {
      return batcher.run(() => {
        const current = requireSite(id);
        const name = changes.name ?? current.name;
        if (changes.name !== undefined) checkName(name, id);
        updateSite.run(name, changes.address === undefined ? current.address : changes.address, changes.timeZone === undefined ? current.time_zone : changes.timeZone, id);
        if (changes.gatewayMacs !== undefined) replaceMacs(id, changes.gatewayMacs);
        // The site's time zone may be in any of its CWMs' cached credentials.
        forgetCredentials(null);
        return toRecord(requireSite(id));
      });
    },
    deleteSite(id) {
      return batcher.run(() => {
        requireSite(id);
        unplaceAll.run(id);
        deleteMacs.run(id);
        deleteSite.run(id);
        forgetCredentials(null);
      });
    },
    assignDeviceSite(deviceId, siteId) {
      return batcher.run(() => {
        if (siteId !== null) requireSite(siteId);
        if (placeByOperator.run({ siteId, id: deviceId }).changes === 0) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', deviceId);
        forgetCredentials(deviceId);
        const row = selectPlacement.get(deviceId);
        if (!row) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', deviceId);
        return toPlacement(row);
      });
    },
    recordGatewayMac(deviceId, raw, mac, atMs) {
      return batcher.run(() => {
        const before = selectSiteOf.get(deviceId);
        if (!before) return;
        recordMac.run({ raw, at: atMs, mac, id: deviceId });
        if (selectSiteOf.get(deviceId)?.site_id !== before.site_id) forgetCredentials(deviceId);
      });
    },
  };
}
