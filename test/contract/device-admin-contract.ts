// Contract for operator changes to devices (rename, disable, time zone, key rotation) and for the
// CWM's typical heartbeat interval, which online/offline is measured against.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nextTypicalIntervalMs } from '../../src/domain/heartbeat-interval.js';
import { CWM_A, OKE_1, T0, isCode, pushRecord, registerDevice, type ContractContext } from './store-fixtures.js';

export function defineDeviceAdminContract(context: ContractContext): void {
  describe('device administration', () => {
    test('updateDevice changes only the fields given and the credentials follow at once', async () => {
      await registerDevice(context.store, CWM_A);
      const renamed = await context.store.updateDevice(CWM_A, { name: 'Fryer 2' });
      assert.equal(renamed.name, 'Fryer 2');
      assert.equal(renamed.isDisabled, false);
      await context.store.updateDevice(CWM_A, { isDisabled: true, timeZone: 'Europe/Paris' });
      const credentials = await context.store.findDeviceCredentials(CWM_A);
      assert.equal(credentials?.isDisabled, true);
      assert.equal(credentials?.timeZone, 'Europe/Paris');
      assert.equal((await context.store.findDevice(CWM_A))?.name, 'Fryer 2');
    });

    test('setDeviceKey replaces the key seen by authentication', async () => {
      await registerDevice(context.store, CWM_A);
      assert.ok((await context.store.findDeviceCredentials(CWM_A))?.key);
      await context.store.setDeviceKey(CWM_A, 'rotated-key-0001');
      assert.equal((await context.store.findDeviceCredentials(CWM_A))?.key, 'rotated-key-0001');
    });

    test('changes to an unknown device are ERR_DEVICE_NOT_FOUND', async () => {
      await assert.rejects(context.store.updateDevice('0002FFFFFFFFFFFF', { name: 'x' }), isCode('ERR_DEVICE_NOT_FOUND'));
      await assert.rejects(context.store.setDeviceKey('0002FFFFFFFFFFFF', 'some-key-123'), isCode('ERR_DEVICE_NOT_FOUND'));
    });

    test('the typical interval follows the gaps between the CWM own heartbeats, not its OKEs', async () => {
      await registerDevice(context.store, CWM_A);
      for (let i = 0; i < 5; i++) {
        await context.store.recordPush(pushRecord(CWM_A, { okmId: i + 1, receivedAtMs: T0 + i * 60_000, heartbeat: { ti: 40 } }));
        await context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: i + 1, receivedAtMs: T0 + i * 60_000 + 500, heartbeat: { temp: 1 } }));
      }
      assert.equal((await context.store.findDevice(CWM_A))?.typicalIntervalMs, 60_000);
    });

    test('the typical interval is the domain average: gaps clamped to its bounds, each weighed as it says', async () => {
      await registerDevice(context.store, CWM_A);
      // 20 s, then a re-send burst (under the lower bound), a night off (over the upper one), an odd gap.
      const gapsMs = [20_000, 10, 9 * 3_600_000, 33_333];
      let atMs = T0;
      let expected: number | null = null;
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: atMs, heartbeat: { ti: 20 } }));
      for (const [i, gapMs] of gapsMs.entries()) {
        atMs += gapMs;
        expected = nextTypicalIntervalMs(expected, gapMs);
        await context.store.recordPush(pushRecord(CWM_A, { okmId: i + 2, receivedAtMs: atMs, heartbeat: { ti: 20 } }));
        assert.equal((await context.store.findDevice(CWM_A))?.typicalIntervalMs, expected, `after the gap of ${gapMs} ms`);
      }
    });
  });

  describe('operators', () => {
    test('an operator is stored once, names are case-insensitive, and sessions expire', async () => {
      await context.store.addOperator('Admin', 'scrypt$hash', T0);
      await assert.rejects(context.store.addOperator('admin', 'scrypt$other', T0), isCode('ERR_OPERATOR_EXISTS'));
      assert.equal((await context.store.findOperator('ADMIN'))?.passwordHash, 'scrypt$hash');
      assert.equal(await context.store.countOperators(), 1);
      await context.store.createSession('hash-1', 'Admin', 'csrf-1', T0, T0 + 1000);
      assert.deepEqual(await context.store.findSession('hash-1', T0 + 999), { operatorName: 'Admin', csrfToken: 'csrf-1', expiresAtMs: T0 + 1000 });
      assert.equal(await context.store.findSession('hash-1', T0 + 1000), null);
      await context.store.createSession('hash-2', 'Admin', 'csrf-2', T0, T0 + 5000);
      await context.store.deleteSession('hash-2');
      assert.equal(await context.store.findSession('hash-2', T0), null);
    });

    test('API tokens resolve to their operator, and the audit log keeps entries newest last', async () => {
      await context.store.addOperator('ops', 'scrypt$hash', T0);
      const token = await context.store.createApiToken('token-hash', 'ops', 'deploy script', T0);
      assert.deepEqual(await context.store.findApiToken('token-hash'), token);
      assert.equal(await context.store.findApiToken('other-hash'), null);
      await context.store.appendAudit({ atMs: T0, actor: 'ops', action: 'device.add', target: CWM_A, details: { name: 'x' } });
      await context.store.appendAudit({ atMs: T0 + 1, actor: 'ops', action: 'message.queue', target: CWM_A, details: null });
      assert.deepEqual((await context.store.listAudit(10)).map((entry) => entry.action), ['device.add', 'message.queue']);
    });
  });
}
