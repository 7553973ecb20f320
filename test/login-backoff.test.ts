// Failed logins over the admin API: the back-off grows per (name, address), per address across names and
// (mildly) per name, answered 429 with Retry-After; a success resets it; failures elsewhere never keep an
// operator out from a clean address; every failure is still audited.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createDeviceAppHarness, createManualClock, type DeviceAppHarness, type ManualClock } from './device-app-harness.js';

const PASSWORD = 'login back-off password';
const WRONG = 'not the password at all';

let h: DeviceAppHarness;
let clock: ManualClock;

async function start(): Promise<void> {
  clock = createManualClock();
  h = await createDeviceAppHarness({}, clock);
  await h.services.auth.addOperator('admin', PASSWORD);
}
afterEach(() => h.close());

function login(name: string, password: string, remoteAddress: string): Promise<LightMyRequestResponse> {
  return h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password }, remoteAddress });
}

async function failTimes(count: number, name: string, remoteAddress: string): Promise<void> {
  for (let i = 0; i < count; i++) assert.equal((await login(name, WRONG, remoteAddress)).statusCode, 401, `failure ${i + 1} of ${name} from ${remoteAddress}`);
}

function assertBackedOff(response: LightMyRequestResponse, retryAfterS: number): void {
  assert.equal(response.statusCode, 429, response.body);
  assert.equal(response.json().error, 'ERR_LOGIN_RATE_LIMITED');
  assert.equal(response.headers['retry-after'], String(retryAfterS));
  assert.equal(response.headers['set-cookie'], undefined);
}

test('after three failed logins for a name from one address the waits grow 1 s, 2 s, 4 s, told in Retry-After, even for the right password', async () => {
  await start();
  await failTimes(3, 'admin', '10.0.0.1');
  for (const retryAfterS of [1, 2, 4]) {
    assertBackedOff(await login('admin', PASSWORD, '10.0.0.1'), retryAfterS);
    clock.advanceMs(retryAfterS * 1000 - 1);
    assertBackedOff(await login('admin', WRONG, '10.0.0.1'), 1);
    clock.advanceMs(1);
    await failTimes(1, 'admin', '10.0.0.1');
  }
  assertBackedOff(await login('admin', PASSWORD, '10.0.0.1'), 8);
});

test('a successful login resets the back-off of that name and address', async () => {
  await start();
  await failTimes(3, 'admin', '10.0.0.1');
  clock.advanceMs(1000);
  await failTimes(1, 'admin', '10.0.0.1');
  assertBackedOff(await login('admin', PASSWORD, '10.0.0.1'), 2);
  clock.advanceMs(2000);
  assert.equal((await login('admin', PASSWORD, '10.0.0.1')).statusCode, 200);
  await failTimes(3, 'admin', '10.0.0.1');
  assertBackedOff(await login('admin', WRONG, '10.0.0.1'), 1);
});

test('the right password from a fresh address logs in while other addresses are backed off for the same name', async () => {
  await start();
  // Ten addresses, two failures each: the name's own allowance of twenty is used up.
  for (let address = 1; address <= 10; address++) await failTimes(2, 'admin', `10.0.1.${address}`);
  assertBackedOff(await login('admin', PASSWORD, '10.0.1.1'), 1);
  const fresh = await login('admin', PASSWORD, '10.0.2.1');
  assert.equal(fresh.statusCode, 200, fresh.body);
  assert.match(String(fresh.headers['set-cookie']), /^opentps_session=/);
  // The price of that: an address that has failed for the name waits on the name's milder back-off (at most a minute).
  await failTimes(1, 'admin', '10.0.2.2');
  const tainted = await login('admin', PASSWORD, '10.0.2.2');
  assert.equal(tainted.statusCode, 429);
  assert.ok(Number(tainted.headers['retry-after']) > 1 && Number(tainted.headers['retry-after']) <= 60, String(tainted.headers['retry-after']));
});

test('password spraying from one address is slowed after ten failed names, and no other address is', async () => {
  await start();
  for (let i = 0; i < 10; i++) await failTimes(1, `operator${i}`, '10.0.3.1');
  assertBackedOff(await login('admin', PASSWORD, '10.0.3.1'), 1);
  assert.equal((await login('admin', PASSWORD, '10.0.3.2')).statusCode, 200);
});

test('parallel guesses past the free three are refused while the first ones are being checked', async () => {
  await start();
  const answers = await Promise.all(Array.from({ length: 8 }, () => login('admin', WRONG, '10.0.4.1')));
  assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [401, 401, 401, 429, 429, 429, 429, 429]);
});

test('failed logins are still audited with the name and address; refused ones are not checked or audited', async () => {
  await start();
  await failTimes(3, 'admin', '10.0.5.1');
  assertBackedOff(await login('admin', WRONG, '10.0.5.1'), 1);
  const failures = (await h.services.store.listAudit(50)).filter((entry) => entry.action === 'session.login-failed');
  assert.equal(failures.length, 3);
  for (const entry of failures) {
    assert.equal(entry.actor, 'admin');
    assert.deepEqual(entry.details, { address: '10.0.5.1' });
  }
});
