// Everything the domain needs from persistence, as one port that each backend (SQLite now,
// PostgreSQL next) implements and that one contract suite tests.

import type { CensusStore } from './census-store.js';
import type { DeviceStore, FleetReadStore } from './device-store.js';
import type { FileStore } from './file-store.js';
import type { MessageStore } from './message-store.js';
import type { OperatorStore } from './operator-store.js';
import type { RollupStore } from './rollup-store.js';
import type { TelemetryStore } from './telemetry-store.js';
import type { TrafficStore } from './traffic-store.js';
import type { EquipmentStore } from './equipment/equipment-store.js';
import type { ModelStore } from './equipment-model/model-store.js';
import type { SiteStore } from './sites/site-store.js';
import type { TagStore } from './tags/tag-store.js';
import type { AlertStore } from './alerts/alert-store.js';
import type { AlertSourceStore } from './alerts/alert-source-store.js';

export interface Store extends DeviceStore, FleetReadStore, CensusStore, MessageStore, TelemetryStore, RollupStore, TrafficStore, OperatorStore, FileStore,
  EquipmentStore, ModelStore, SiteStore, TagStore, AlertStore, AlertSourceStore {
  /** Writes accepted but not yet committed: the back-pressure signal for overload protection. */
  readonly pendingWriteCount: number;
  /** Resolves when the backend answers a trivial query; rejects (ERR_STORE_FAILED) when it does not. */
  checkHealth(): Promise<void>;
  /**
   * Commits a write that changes no data, to learn whether the store can write again after a failure
   * (a node taken out of rotation gets no device writes to find out); rejects like any write.
   */
  probeWrite(): Promise<void>;
  /** Waits for pending writes to commit, then releases the backend. */
  close(): Promise<void>;
}
