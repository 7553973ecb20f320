// The verdict on the store that /healthz and the operator health API give: available, or not and why.
// A write failure not yet cleared by a commit counts even while reads still answer: a node that can read
// but not store (a full disk) must be taken out of rotation as surely as one cut off from its database.

import type { Store } from './store.js';
import type { WriteFailure, WriteHealth } from './write-health.js';

export type StoreHealth =
  | { readonly isAvailable: true }
  | {
      readonly isAvailable: false;
      /** Short and safe to show unauthenticated ("disk full", "not answering"). */
      readonly reason: string;
      /** The run of failed writes, when that is the reason. */
      readonly writeFailure: WriteFailure | null;
      /** Why the health query failed, for the log only. */
      readonly cause: unknown;
    };

export async function judgeStoreHealth(store: Pick<Store, 'checkHealth'>, writeHealth: Pick<WriteHealth, 'failure'>): Promise<StoreHealth> {
  const writeFailure = writeHealth.failure;
  if (writeFailure !== null) return { isAvailable: false, reason: writeFailure.reason, writeFailure, cause: null };
  try {
    await store.checkHealth();
    return { isAvailable: true };
  } catch (cause) {
    return { isAvailable: false, reason: 'not answering', writeFailure: null, cause };
  }
}
