// What the console reads of telemetry: the numeric heartbeat fields of a CWM and its OKEs, a device's or
// a set of devices' series of one field, the fleet's OKMs per minute, and a CWM's raw OKMs for export.
// It owns the limits of those reads; series-reader.ts picks where each series is read from.

import { OpenTpsError } from '../errors.js';
import type { Clock } from './clock.js';
import type { DeviceStore, FleetReadStore } from './device-store.js';
import type { RollupFolder } from './rollup-folder.js';
import type { RollupStore } from './rollup-store.js';
import { readDeviceSeries, readFleetOkmsPerMinute, readFleetSeries, type DeviceSeries, type FleetSeries, type SeriesContext, type SeriesRequest } from './series-reader.js';
import type { StoredOkm, TelemetryStore } from './telemetry-store.js';

/** OKMs one export holds at most. */
export const OKM_EXPORT_LIMIT = 100_000;
/** Devices one fleet-wide series may name. */
export const MAX_SERIES_DEVICES = 5000;
/** The longest range of OKMs per minute one read covers (the minute rollups' reach is the other bound). */
export const MAX_OKMS_PER_MINUTE_RANGE_MS = 31 * 86_400_000;

/** What the reader reads from the store. */
export type TelemetryReaderStore = Pick<DeviceStore, 'findDevice' | 'listDeviceStates'> &
  Pick<FleetReadStore, 'queryDevices'> &
  Pick<TelemetryStore, 'querySeries' | 'countOkmsPerMinute' | 'listOkmsInRange'> &
  Pick<RollupStore, 'queryRollupSeries' | 'countFleetOkmsPerMinute'>;

export interface TelemetryReaderDeps {
  readonly store: TelemetryReaderStore;
  readonly clock: Clock;
  readonly rollups: Pick<RollupFolder, 'writtenThroughMs'>;
  /** Minute rollups are kept this many days (0: for ever); older ranges read hour rollups. */
  readonly minuteRollupRetentionDays: number;
}

export interface OriginFields {
  readonly deviceId: string;
  /** The fields whose latest value is a number, by name. */
  readonly numericFields: readonly string[];
}

export interface TelemetryReader {
  /** @throws OpenTpsError ERR_DEVICE_NOT_FOUND */
  listNumericFields(cwmId: string): Promise<OriginFields[]>;
  /** The series of `originId` (the CWM or one of its OKEs). @throws OpenTpsError ERR_DEVICE_NOT_FOUND for an unknown CWM */
  readDeviceSeries(cwmId: string, originId: string, request: SeriesRequest): Promise<DeviceSeries>;
  /** @throws OpenTpsError ERR_API_INVALID for no device or more than MAX_SERIES_DEVICES */
  readFleetSeries(originIds: readonly string[], request: SeriesRequest): Promise<FleetSeries>;
  /** [minute start, OKMs] in [fromMs, toMs). @throws OpenTpsError ERR_API_INVALID for a range over MAX_OKMS_PER_MINUTE_RANGE_MS */
  countOkmsPerMinute(fromMs: number, toMs: number): Promise<Array<[number, number]>>;
  /** At most OKM_EXPORT_LIMIT OKMs of the CWM received in [fromMs, toMs). @throws OpenTpsError ERR_DEVICE_NOT_FOUND */
  exportOkms(cwmId: string, fromMs: number, toMs: number): Promise<StoredOkm[]>;
  /** At most OKM_EXPORT_LIMIT OKMs of the CWMs at a site (at most MAX_CWMS_PER_SITE_EXPORT of them), oldest first. */
  exportSiteOkms(siteId: number, fromMs: number, toMs: number): Promise<StoredOkm[]>;
}

/** CWMs one site export reads: a site is a store or a kitchen, a few CWMs; past this the export is refused. */
export const MAX_CWMS_PER_SITE_EXPORT = 1000;

/** @example const telemetry = createTelemetryReader({ store, clock, rollups, minuteRollupRetentionDays: 30 }); */
export function createTelemetryReader(deps: TelemetryReaderDeps): TelemetryReader {
  const requireDevice = async (id: string): Promise<void> => {
    if (!(await deps.store.findDevice(id))) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
  };
  const seriesContext = (): SeriesContext => ({
    nowMs: deps.clock.nowMs(),
    minuteRollupRetentionDays: deps.minuteRollupRetentionDays,
    rollupsWrittenThroughMs: deps.rollups.writtenThroughMs,
  });
  return {
    async listNumericFields(cwmId) {
      await requireDevice(cwmId);
      const states = await deps.store.listDeviceStates(cwmId);
      return states.map((state) => ({
        deviceId: state.deviceId,
        numericFields: Object.entries(state.latestFields).filter(([, value]) => typeof value === 'number').map(([name]) => name).sort(),
      }));
    },
    async readDeviceSeries(cwmId, originId, request) {
      await requireDevice(cwmId);
      return readDeviceSeries(deps.store, originId, request, seriesContext());
    },
    async readFleetSeries(originIds, request) {
      if (originIds.length === 0) throw new OpenTpsError('ERR_API_INVALID', 'a series names at least one device');
      if (originIds.length > MAX_SERIES_DEVICES) throw new OpenTpsError('ERR_API_INVALID', `a series names at most ${MAX_SERIES_DEVICES} devices`);
      return readFleetSeries(deps.store, originIds, request, seriesContext());
    },
    async countOkmsPerMinute(fromMs, toMs) {
      if (toMs - fromMs > MAX_OKMS_PER_MINUTE_RANGE_MS) throw new OpenTpsError('ERR_API_INVALID', 'a range of at most 31 days');
      return readFleetOkmsPerMinute(deps.store, fromMs, toMs, deps.rollups.writtenThroughMs);
    },
    async exportOkms(cwmId, fromMs, toMs) {
      await requireDevice(cwmId);
      return deps.store.listOkmsInRange(cwmId, fromMs, toMs, OKM_EXPORT_LIMIT);
    },
    async exportSiteOkms(siteId, fromMs, toMs) {
      const page = await deps.store.queryDevices(
        { search: null, status: null, siteId, tag: null, sort: 'id', order: 'asc', limit: MAX_CWMS_PER_SITE_EXPORT + 1, offset: 0 },
        deps.clock.nowMs(),
      );
      if (page.items.length > MAX_CWMS_PER_SITE_EXPORT) throw new OpenTpsError('ERR_API_INVALID', `the site has ${page.total} CWMs; a site export reads at most ${MAX_CWMS_PER_SITE_EXPORT}`);
      const okms: StoredOkm[] = [];
      for (const device of page.items) {
        if (okms.length >= OKM_EXPORT_LIMIT) break;
        okms.push(...(await deps.store.listOkmsInRange(device.id, fromMs, toMs, OKM_EXPORT_LIMIT - okms.length)));
      }
      return okms.sort((a, b) => a.receivedAtMs - b.receivedAtMs || a.id - b.id);
    },
  };
}
