// What the server and every CLI command work with: the store and the domain services built on it
// (openServices in main.ts builds them), and where their files live.

import { join } from 'node:path';
import type { DiskSpaceReport, WatchedDirectory } from '../adapters/disk/free-disk-space.js';
import type { EventMetrics } from '../adapters/metrics/event-metrics.js';
import type { OpenTpsConfig } from '../config/config-schema.js';
import type { AuditLog } from '../domain/audit-log.js';
import type { CertificateAuthority } from '../domain/certificate-authority.js';
import type { Clock } from '../domain/clock.js';
import type { DeviceRegistry } from '../domain/device-registry.js';
import type { EventBus } from '../domain/event-bus.js';
import type { FileContentStore } from '../domain/file-content.js';
import type { FileDownloads } from '../domain/file-downloads.js';
import type { FileLibrary } from '../domain/file-library.js';
import type { MessageDelivery } from '../domain/message-delivery.js';
import type { MessageQueue } from '../domain/message-queue.js';
import type { OperatorAuth } from '../domain/operator-auth.js';
import type { PushIngest } from '../domain/push-ingest.js';
import type { RollupFolder } from '../domain/rollup-folder.js';
import type { Store } from '../domain/store.js';
import type { TrafficRecorder } from '../domain/traffic-recorder.js';
import type { WriteHealth } from '../domain/write-health.js';
import type { MismatchCounter } from '../domain/equipment-model/mismatch-counter.js';
import type { ModelCatalog } from '../domain/equipment-model/model-catalog.js';
import type { GatewayMacRecorder } from '../domain/sites/gateway-mac-recorder.js';
import type { AlertServices } from './alert-services.js';

export interface Services {
  readonly config: Readonly<OpenTpsConfig>;
  readonly store: Store;
  readonly clock: Clock;
  readonly registry: DeviceRegistry;
  readonly queue: MessageQueue;
  readonly pushIngest: PushIngest;
  readonly delivery: MessageDelivery;
  readonly traffic: TrafficRecorder;
  readonly events: EventBus;
  /** Rollups of stored heartbeats, folded at acknowledgement and written once their minute ended (rollup-folder.ts). */
  readonly rollups: RollupFolder;
  /** Stops relaying live events (cluster nodes), writes the rollups still in memory, then commits and closes the store. */
  close(): Promise<void>;
  /** Live events this node could not relay to the other nodes so far (0 when it is not a cluster node). */
  relayDroppedCount(): number;
  readonly auth: OperatorAuth;
  readonly audit: AuditLog;
  /** The private CA of the custom-endpoint kit (files in DATA/ca/, whatever the store). */
  readonly ca: CertificateAuthority;
  /** Files (PROTOCOL.md A7): the managed store, its bytes, and device downloads. */
  readonly files: FileLibrary;
  readonly fileContent: FileContentStore;
  readonly downloads: FileDownloads;
  /** Whether the store's last write committed (see /healthz). */
  readonly writeHealth: WriteHealth;
  /** Free space under the data and files directories, read now, against --min-free-disk-mb. */
  readDiskSpace(): Promise<DiskSpaceReport>;
  /** Counters and histograms moved as things happen, in this server's own registry (GET /metrics). */
  readonly metrics: EventMetrics;
  /** Equipment models and their dictionaries (issue 15), with a cache for decoding. */
  readonly modelCatalog: ModelCatalog;
  /** Heartbeat values that did not fit their dictionary, counted as pushes are stored. */
  readonly mismatchCounter: MismatchCounter;
  /** Records the `gwmac` CWMs send, which places them at sites. */
  readonly gatewayMacs: GatewayMacRecorder;
  /** Alert evaluation, preview and notifications (issue 16); started by a server only. */
  readonly alerts: AlertServices;
}

/** Where stored files' bytes live: --files-dir, else <data>/files. */
export function filesDirOf(config: Readonly<OpenTpsConfig>): string {
  return config.filesDir ?? join(config.dataDir, 'files');
}

/** Where free space is watched: the data directory, and --files-dir when it is set elsewhere. */
export function watchedDirectoriesOf(config: Readonly<OpenTpsConfig>): WatchedDirectory[] {
  return [{ role: 'data', path: config.dataDir }, ...(config.filesDir === null ? [] : [{ role: 'files' as const, path: config.filesDir }])];
}
