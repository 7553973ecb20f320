// Forwarding headers from a peer outside --trusted-proxies: the log says so once per peer address, naming
// the address and the flag, and says nothing for a trusted proxy or a request without such headers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { loadConfig, type FlagValues } from '../src/config/load-config.js';
import { buildApp, openServices } from '../src/main.js';
import type { DeviceApp } from '../src/adapters/device-http/device-app.js';
import { createTempDataDir } from './support/temp-data-dir.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly peer?: string;
  readonly header?: string;
}

const WARN = 40;

/** Runs `drive` against an app whose pino output is captured, and returns the warnings it logged. */
async function warningsFrom(flags: FlagValues, drive: (app: DeviceApp['app']) => Promise<void>): Promise<LogLine[]> {
  const dataDir = createTempDataDir();
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const services = await openServices(loadConfig({ data: dataDir.path, ...flags }, {}));
  const deviceApp = buildApp(services, logger, null);
  try {
    await deviceApp.app.ready();
    await drive(deviceApp.app);
  } finally {
    await deviceApp.app.close();
    await services.store.close();
    dataDir.remove();
  }
  return lines.filter((line) => line.level === WARN && line.msg.includes('--trusted-proxies'));
}

test('forwarding headers from a peer outside --trusted-proxies are warned about once per peer address, naming it and the flag', async () => {
  const warnings = await warningsFrom({}, async (app) => {
    for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/time', remoteAddress: '192.0.2.10', headers: { 'x-forwarded-for': `203.0.113.${i}` } });
    await app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '192.0.2.10', headers: { forwarded: 'for=203.0.113.9' }, payload: {} });
    await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '::ffff:192.0.2.11', headers: { 'x-real-ip': '203.0.113.7' } });
    await app.inject({ method: 'GET', url: '/console/', remoteAddress: '192.0.2.12', headers: { forwarded: 'for=203.0.113.8' } });
  });
  assert.deepEqual(
    warnings.map((line) => [line.peer, line.header]),
    [['192.0.2.10', 'x-forwarded-for'], ['192.0.2.11', 'x-real-ip'], ['192.0.2.12', 'forwarded']],
  );
  for (const line of warnings) {
    assert.ok(line.msg.includes(`--trusted-proxies ${line.peer ?? ''}`), line.msg);
    assert.match(line.msg, /login back-off and per-address rate limits/);
  }
});

test('no warning for a trusted proxy, nor for requests without forwarding headers', async () => {
  const warnings = await warningsFrom({ 'trusted-proxies': '127.0.0.1,10.0.0.0/8' }, async (app) => {
    await app.inject({ method: 'GET', url: '/time', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' } });
    await app.inject({ method: 'GET', url: '/time', remoteAddress: '10.1.2.3', headers: { forwarded: 'for=203.0.113.7', 'x-real-ip': '203.0.113.7' } });
    await app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '::ffff:127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' }, payload: {} });
    await app.inject({ method: 'GET', url: '/time', remoteAddress: '192.0.2.10' });
    await app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '192.0.2.10', payload: {} });
  });
  assert.deepEqual(warnings, []);
});
