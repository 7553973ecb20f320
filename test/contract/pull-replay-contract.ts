// Contract for admitSignedPull: each CWM's replay mark (src/domain/pull-replay-guard.ts) kept by the store,
// decided atomically, counted when refused, cleared with the key, and surviving a reopen.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PullReading } from '../../src/domain/pull-replay-guard.js';
import { CWM_A, CWM_B, T0, registerDevice, type ContractContext } from './store-fixtures.js';

/** A pull read `offsetS` seconds after T0 on the CWM's clock, received at T0 + `nowOffsetS`. */
function reading(offsetS: number, tag: string, nowOffsetS = offsetS): PullReading {
  return { deviceMs: T0 + offsetS * 1000, tag, nowMs: T0 + nowOffsetS * 1000 };
}

export function definePullReplayContract(context: ContractContext): void {
  describe('replay marks of signed pulls', () => {
    test('a later clock reading is taken and marks the CWM seen from the given address', async () => {
      await registerDevice(context.store, CWM_A);
      const first = await context.store.admitSignedPull(CWM_A, reading(1, 'aaaaaaaaaaaaaaaa'), '198.51.100.7');
      assert.deepEqual(first, { isAdmitted: true, next: { markMs: T0 + 1000, tags: ['aaaaaaaaaaaaaaaa'] } });
      const second = await context.store.admitSignedPull(CWM_A, reading(2, 'bbbbbbbbbbbbbbbb'), null);
      assert.equal(second.isAdmitted, true);
      const device = await context.store.findDevice(CWM_A);
      assert.equal(device?.lastSeenAtMs, T0 + 2000);
      assert.equal(device?.lastRemoteAddress, '198.51.100.7');
      assert.equal(device?.replaysRefusedCount, 0);
    });

    test('the same signature at the mark is refused as repeated, another one at the mark is taken', async () => {
      await registerDevice(context.store, CWM_A);
      await context.store.admitSignedPull(CWM_A, reading(5, 'aaaaaaaaaaaaaaaa'), null);
      assert.deepEqual(await context.store.admitSignedPull(CWM_A, reading(5, 'aaaaaaaaaaaaaaaa', 6), null), {
        isAdmitted: false, reason: 'repeated', retryAfterS: 1,
      });
      assert.equal((await context.store.admitSignedPull(CWM_A, reading(5, 'cccccccccccccccc', 6), null)).isAdmitted, true);
      assert.equal((await context.store.admitSignedPull(CWM_A, reading(5, 'cccccccccccccccc', 6), null)).isAdmitted, false);
      assert.equal((await context.store.findDevice(CWM_A))?.replaysRefusedCount, 2);
    });

    test('an older reading is refused as stale and neither moves the mark nor marks the CWM seen', async () => {
      await registerDevice(context.store, CWM_A);
      await context.store.admitSignedPull(CWM_A, reading(100, 'aaaaaaaaaaaaaaaa'), '198.51.100.7');
      const stale = await context.store.admitSignedPull(CWM_A, reading(40, 'dddddddddddddddd', 3 * 86_400), '203.0.113.66');
      assert.deepEqual(stale, { isAdmitted: false, reason: 'stale', retryAfterS: 61 });
      const device = await context.store.findDevice(CWM_A);
      assert.equal(device?.lastSeenAtMs, T0 + 100_000);
      assert.equal(device?.lastRemoteAddress, '198.51.100.7');
      assert.equal(device?.replaysRefusedCount, 1);
      assert.equal((await context.store.admitSignedPull(CWM_A, reading(101, 'eeeeeeeeeeeeeeee'), null)).isAdmitted, true);
    });

    test('marks are per CWM, survive a reopen, and start over when the key changes', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      await context.store.admitSignedPull(CWM_A, reading(100, 'aaaaaaaaaaaaaaaa'), null);
      assert.equal((await context.store.admitSignedPull(CWM_B, reading(10, 'aaaaaaaaaaaaaaaa'), null)).isAdmitted, true);
      const reopened = await context.reopen();
      assert.equal((await reopened.admitSignedPull(CWM_A, reading(100, 'aaaaaaaaaaaaaaaa', 101), null)).isAdmitted, false);
      await reopened.setDeviceKey(CWM_A, 'a-brand-new-key-0001');
      assert.equal((await reopened.admitSignedPull(CWM_A, reading(100, 'aaaaaaaaaaaaaaaa', 101), null)).isAdmitted, true);
    });

    test('of many identical pulls at once exactly one is taken', async () => {
      await registerDevice(context.store, CWM_A);
      await context.store.admitSignedPull(CWM_A, reading(1, 'aaaaaaaaaaaaaaaa'), null);
      for (let round = 2; round < 12; round++) {
        const same = reading(round, `${round}`.padStart(16, 'f'));
        const outcomes = await Promise.all(Array.from({ length: 8 }, () => context.store.admitSignedPull(CWM_A, same, null)));
        assert.equal(outcomes.filter((outcome) => outcome.isAdmitted).length, 1, `round ${round}`);
      }
      assert.equal((await context.store.findDevice(CWM_A))?.replaysRefusedCount, 70);
    });
  });
}
