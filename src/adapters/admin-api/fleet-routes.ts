// GET /api/v1/fleet: counts by status, pushes per minute over the last hour, devices with problems.

import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import { deriveDeviceStatus } from '../../domain/device-status.js';
import type { Store } from '../../domain/store.js';
import type { RollupFolder } from '../../domain/rollup-folder.js';
import { readFleetOkmsPerMinute } from '../../domain/series-reader.js';

/** Queued messages above which a CWM is listed as having a backlog. */
const BACKLOG_THRESHOLD = 10;

export function registerFleetRoutes(api: FastifyInstance, deps: { store: Store; clock: Clock; rollups: Pick<RollupFolder, 'writtenThroughMs'> }): void {
  api.get('/fleet', async () => {
    const nowMs = deps.clock.nowMs();
    const devices = await deps.store.listDevices(nowMs);
    const counts = { total: devices.length, online: 0, offline: 0, neverSeen: 0 };
    const problems: Array<{ deviceId: string; kind: string; detail: string }> = [];
    for (const device of devices) {
      const status = deriveDeviceStatus(device.lastSeenAtMs, device.typicalIntervalMs, nowMs);
      if (status === 'online') counts.online++;
      else if (status === 'offline') counts.offline++;
      else counts.neverSeen++;
      if (status === 'offline') problems.push({ deviceId: device.id, kind: 'offline', detail: `last seen ${new Date(device.lastSeenAtMs ?? 0).toISOString()}` });
      if (device.crcFailureCount > 0) problems.push({ deviceId: device.id, kind: 'crc-failures', detail: `${device.crcFailureCount} OKMs with a missing or wrong CRC` });
      if (device.queuedCount > BACKLOG_THRESHOLD) problems.push({ deviceId: device.id, kind: 'queue-backlog', detail: `${device.queuedCount} messages queued` });
    }
    for (const device of devices) {
      const expired = (await deps.store.listMessages(device.id, nowMs)).filter((m) => m.state === 'expired' && (m.endedAtMs ?? 0) > nowMs - 86_400_000);
      if (expired.length > 0) problems.push({ deviceId: device.id, kind: 'messages-expired', detail: `${expired.length} messages expired in the last 24 h` });
    }
    const hourStart = Math.floor(nowMs / 60_000) * 60_000 - 59 * 60_000;
    const perMinute = new Map(await readFleetOkmsPerMinute(deps.store, hourStart, nowMs + 1, deps.rollups.writtenThroughMs));
    const pushesPerMinute = Array.from({ length: 60 }, (_, i) => {
      const t = hourStart + i * 60_000;
      return { t: new Date(t).toISOString(), n: perMinute.get(t) ?? 0 };
    });
    return { counts, pushesPerMinute, problems };
  });
}
