// The one contract suite every Store backend runs (STYLE.md: both storage backends share it). It
// speaks only the Store port with a fixed fake clock; nothing in it may know how a backend stores data.

import { afterEach, beforeEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/domain/store.js';
import { defineCensusContract } from './census-contract.js';
import { defineDeviceAdminContract } from './device-admin-contract.js';
import { defineDeviceStoreContract } from './device-store-contract.js';
import { definePullReplayContract } from './pull-replay-contract.js';
import { defineRetentionContract } from './retention-contract.js';
import { defineDurabilityContract } from './durability-contract.js';
import { defineEnqueueContract } from './enqueue-contract.js';
import { defineEquipmentStoreContract } from './equipment-store-contract.js';
import { defineModelStoreContract } from './model-store-contract.js';
import { defineSiteStoreContract } from './site-store-contract.js';
import { defineAlertStoreContract } from './alert-store-contract.js';
import { defineFileStoreContract } from './file-store-contract.js';
import { defineFleetReadContract } from './fleet-read-contract.js';
import { defineMessageStoreContract } from './message-store-contract.js';
import { definePushBurstContract } from './push-burst-contract.js';
import { defineRollupContract } from './rollup-contract.js';
import type { ContractContext } from './store-fixtures.js';
import { defineTelemetryPartitionContract } from './telemetry-partition-contract.js';
import { defineTelemetryQueryContract } from './telemetry-query-contract.js';
import { defineTelemetryStoreContract } from './telemetry-store-contract.js';
import { defineTrafficStoreContract } from './traffic-store-contract.js';

export interface OpenedStore {
  /** A fresh, empty store. */
  readonly store: Store;
  /** Closes the store and opens the same data again, as after a restart. */
  readonly reopen: () => Promise<Store>;
  /** Closes whatever is open and deletes the data. */
  readonly cleanup: () => Promise<void>;
}

/**
 * Defines the contract tests for one backend; `openStore` is called once per test.
 * @example defineStoreContract('SQLite', async () => openTempSqliteStore())
 */
export function defineStoreContract(backendName: string, openStore: () => Promise<OpenedStore>): void {
  describe(`Store contract: ${backendName}`, () => {
    let opened: OpenedStore | null = null;
    let current: Store | null = null;

    const context: ContractContext = {
      get store() {
        assert.ok(current, 'no store is open');
        return current;
      },
      async reopen() {
        assert.ok(opened, 'no store is open');
        current = await opened.reopen();
        return current;
      },
    };

    beforeEach(async () => {
      opened = await openStore();
      current = opened.store;
    });

    afterEach(async () => {
      const closing = opened;
      opened = null;
      current = null;
      await closing?.cleanup();
    });

    defineDeviceStoreContract(context);
    definePullReplayContract(context);
    defineRetentionContract(context);
    defineDeviceAdminContract(context);
    defineFleetReadContract(context);
    defineEnqueueContract(context);
    definePushBurstContract(context);
    defineTelemetryQueryContract(context);
    defineTelemetryPartitionContract(context);
    defineRollupContract(context);
    defineMessageStoreContract(context);
    defineTelemetryStoreContract(context);
    defineTrafficStoreContract(context);
    defineDurabilityContract(context);
    defineFileStoreContract(context);
    defineCensusContract(context);
    defineEquipmentStoreContract(context);
    defineModelStoreContract(context);
    defineSiteStoreContract(context);
    defineAlertStoreContract(context);
  });
}
