import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isOpenTpsError } from '../errors.js';
import { loadConfig } from './load-config.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (isOpenTpsError(error, 'ERR_CONFIG_INVALID')) {
      const problems = error.details?.['problems'];
      return Array.isArray(problems) ? problems.map(String) : [];
    }
    throw error;
  }
  return [];
}

test('defaults apply when neither flags nor environment give a value', () => {
  const config = loadConfig({}, {});
  assert.equal(config.dataDir, './data');
  assert.equal(config.port, 8443);
  assert.equal(config.isPlainHttp, false);
  assert.equal(config.authMode, 'hmac');
  assert.equal(config.maxQueuedPerCwm, 100);
  assert.equal(config.messageTtlSeconds, 86_400);
  assert.equal(config.trafficPerDevice, 500);
  assert.equal(config.durability, 'full');
});

test('flags win over the environment, which wins over defaults', () => {
  const config = loadConfig({ port: '9000' }, { OPENTPS_PORT: '7000', OPENTPS_AUTH: 'open', OPENTPS_HTTP: 'true' });
  assert.equal(config.port, 9000);
  assert.equal(config.authMode, 'open');
  assert.equal(config.isPlainHttp, true);
});

test('the configuration is frozen after validation', () => {
  const config = loadConfig({}, {});
  assert.ok(Object.isFrozen(config));
});

test('every bad value is reported on its own line with the name, what was expected and what was received', () => {
  const problems = problemsOf(() =>
    loadConfig({ port: '70000', auth: 'maybe' }, { OPENTPS_MAX_QUEUED: 'lots', OPENTPS_TIME_ZONE: 'Mars/Olympus', OPENTPS_HTTP: 'perhaps' }),
  );
  assert.deepEqual(problems, [
    '--port: expected an integer from 0 to 65535, received "70000"',
    'OPENTPS_HTTP: expected true or false, received "perhaps"',
    '--auth: expected one of hmac, open, received "maybe"',
    'OPENTPS_MAX_QUEUED: expected an integer from 1 to 100000, received "lots"',
    'OPENTPS_TIME_ZONE: expected an IANA time zone such as Europe/Paris, received "Mars/Olympus"',
  ]);
});

test('numbers must be whole: 1.5, 1e3 and empty strings are refused', () => {
  assert.equal(problemsOf(() => loadConfig({ port: '1.5' }, {})).length, 1);
  assert.equal(problemsOf(() => loadConfig({ port: '1e3' }, {})).length, 1);
  assert.equal(problemsOf(() => loadConfig({}, { OPENTPS_PORT: '' })).length, 1);
});

test('a certificate without its key (or the reverse) is refused', () => {
  assert.deepEqual(problemsOf(() => loadConfig({ cert: '/tmp/cert.pem' }, {})), ['--cert/--key: expected both or neither, received only one']);
  assert.equal(loadConfig({ cert: '/tmp/c.pem', key: '/tmp/k.pem' }, {}).keyFile, '/tmp/k.pem');
});

test('the TLS handshake timeout defaults to 10 s and takes a flag or OPENTPS_TLS_HANDSHAKE_TIMEOUT_MS from 100 ms to 120 s', () => {
  assert.equal(loadConfig({}, {}).tlsHandshakeTimeoutMs, 10_000);
  assert.equal(loadConfig({ 'tls-handshake-timeout-ms': '300' }, {}).tlsHandshakeTimeoutMs, 300);
  assert.equal(loadConfig({}, { OPENTPS_TLS_HANDSHAKE_TIMEOUT_MS: '120000' }).tlsHandshakeTimeoutMs, 120_000);
  assert.deepEqual(problemsOf(() => loadConfig({ 'tls-handshake-timeout-ms': '99' }, {})), ['--tls-handshake-timeout-ms: expected an integer from 100 to 120000, received "99"']);
  assert.deepEqual(problemsOf(() => loadConfig({}, { OPENTPS_TLS_HANDSHAKE_TIMEOUT_MS: '120001' })), [
    'OPENTPS_TLS_HANDSHAKE_TIMEOUT_MS: expected an integer from 100 to 120000, received "120001"',
  ]);
  assert.equal(problemsOf(() => loadConfig({ 'tls-handshake-timeout-ms': '10s' }, {})).length, 1);
});

test('the WAL bound defaults to 256 MB, takes --max-wal-mb or OPENTPS_MAX_WAL_MB, 0 for none, and refuses 1 to 3 MB, negatives and non-numbers naming the flag', () => {
  assert.equal(loadConfig({}, {}).maxWalMb, 256);
  assert.equal(loadConfig({ 'max-wal-mb': '4' }, {}).maxWalMb, 4);
  assert.equal(loadConfig({}, { OPENTPS_MAX_WAL_MB: '1024' }).maxWalMb, 1024);
  assert.equal(loadConfig({ 'max-wal-mb': '0' }, { OPENTPS_MAX_WAL_MB: '64' }).maxWalMb, 0);
  assert.deepEqual(problemsOf(() => loadConfig({ 'max-wal-mb': '3' }, {})), ['--max-wal-mb: expected 0 (no bound) or an integer from 4 to 65536, received "3"']);
  assert.deepEqual(problemsOf(() => loadConfig({}, { OPENTPS_MAX_WAL_MB: '65537' })), ['OPENTPS_MAX_WAL_MB: expected 0 (no bound) or an integer from 4 to 65536, received "65537"']);
  assert.equal(problemsOf(() => loadConfig({ 'max-wal-mb': '-1' }, {})).length, 1);
  assert.equal(problemsOf(() => loadConfig({ 'max-wal-mb': '256MB' }, {})).length, 1);
  assert.equal(problemsOf(() => loadConfig({ 'max-wal-mb': '2.5' }, {})).length, 1);
});

test('the per-address connection cap defaults to 1000 (a NAT\'ed site) and refuses 0, negatives and non-numbers', () => {
  assert.equal(loadConfig({}, {}).maxConnectionsPerAddress, 1000);
  assert.equal(loadConfig({ 'max-connections-per-address': '3' }, {}).maxConnectionsPerAddress, 3);
  assert.equal(loadConfig({}, { OPENTPS_MAX_CONNECTIONS_PER_ADDRESS: '50000' }).maxConnectionsPerAddress, 50_000);
  assert.deepEqual(problemsOf(() => loadConfig({ 'max-connections-per-address': '0' }, {})), ['--max-connections-per-address: expected an integer from 1 to 1000000, received "0"']);
  assert.equal(problemsOf(() => loadConfig({}, { OPENTPS_MAX_CONNECTIONS_PER_ADDRESS: '-5' })).length, 1);
  assert.equal(problemsOf(() => loadConfig({}, { OPENTPS_MAX_CONNECTIONS_PER_ADDRESS: 'many' })).length, 1);
});

test('the free-disk warning threshold defaults to 1024 MiB, 0 turns it off, and negatives or fractions are refused', () => {
  assert.equal(loadConfig({}, {}).minFreeDiskMb, 1024);
  assert.equal(loadConfig({ 'min-free-disk-mb': '0' }, {}).minFreeDiskMb, 0);
  assert.equal(loadConfig({}, { OPENTPS_MIN_FREE_DISK_MB: '16' }).minFreeDiskMb, 16);
  assert.deepEqual(problemsOf(() => loadConfig({ 'min-free-disk-mb': '-1' }, {})), ['--min-free-disk-mb: expected an integer from 0 to 100000000, received "-1"']);
  assert.equal(problemsOf(() => loadConfig({}, { OPENTPS_MIN_FREE_DISK_MB: '1.5' })).length, 1);
  assert.equal(problemsOf(() => loadConfig({}, { OPENTPS_MIN_FREE_DISK_MB: '1GB' })).length, 1);
});

test('retention settings take whole days from 0 (keep all) and refuse negative, fractional or absurd values, naming the flag', () => {
  const config = loadConfig({}, {});
  assert.equal(config.messageRetentionDays, 90);
  assert.equal(config.auditRetentionDays, 400);
  assert.equal(loadConfig({ 'message-retention-days': '0' }, {}).messageRetentionDays, 0);
  for (const bad of ['-1', '1.5', '1000000', 'ninety']) {
    assert.deepEqual(problemsOf(() => loadConfig({ 'message-retention-days': bad }, {})), [
      `--message-retention-days: expected an integer from 0 to 36500, received "${bad}"`,
    ]);
  }
  assert.deepEqual(problemsOf(() => loadConfig({}, { OPENTPS_AUDIT_RETENTION_DAYS: '-5' })), [
    'OPENTPS_AUDIT_RETENTION_DAYS: expected an integer from 0 to 36500, received "-5"',
  ]);
});

test('telemetry and rollup retention and the partition span: defaults, 0 keeps all, bad values refused naming the flag', () => {
  const config = loadConfig({}, {});
  assert.equal(config.telemetryRetentionDays, 90);
  assert.equal(config.telemetryPartitionHours, 24);
  assert.equal(config.rollupRetentionDays, 730);
  assert.equal(config.minuteRollupRetentionDays, 30);
  assert.equal(loadConfig({ 'telemetry-retention-days': '0' }, {}).telemetryRetentionDays, 0);
  assert.equal(loadConfig({}, { OPENTPS_TELEMETRY_RETENTION_DAYS: '7' }).telemetryRetentionDays, 7);
  for (const [flag, range] of [['telemetry-retention-days', '0 to 36500'], ['rollup-retention-days', '0 to 36500'], ['minute-rollup-retention-days', '0 to 36500'], ['telemetry-partition-hours', '1 to 744']] as const) {
    for (const bad of ['-1', '1.5', '1000000', 'ninety', '']) {
      assert.deepEqual(problemsOf(() => loadConfig({ [flag]: bad }, {})), [`--${flag}: expected an integer from ${range}, received "${bad}"`]);
    }
  }
  assert.deepEqual(problemsOf(() => loadConfig({ 'telemetry-partition-hours': '0' }, {})), ['--telemetry-partition-hours: expected an integer from 1 to 744, received "0"']);
  assert.deepEqual(problemsOf(() => loadConfig({}, { OPENTPS_TELEMETRY_RETENTION_DAYS: '-3' })), ['OPENTPS_TELEMETRY_RETENTION_DAYS: expected an integer from 0 to 36500, received "-3"']);
});

test('the metrics token is off by default, read from OPENTPS_METRICS_TOKEN, and refused when short or holding spaces', () => {
  assert.equal(loadConfig({}, {}).metricsToken, null);
  assert.equal(loadConfig({}, { OPENTPS_METRICS_TOKEN: 'a-scrape-token-0123' }).metricsToken, 'a-scrape-token-0123');
  assert.deepEqual(problemsOf(() => loadConfig({ 'metrics-token': 'short' }, { OPENTPS_METRICS_TOKEN: 'has a space in it, sadly' })), [
    '--metrics-token: expected a token of 16 to 1024 visible ASCII characters without spaces, received "short"',
  ]);
  assert.deepEqual(problemsOf(() => loadConfig({}, { OPENTPS_METRICS_TOKEN: 'has a space in it, sadly' })), [
    'OPENTPS_METRICS_TOKEN: expected a token of 16 to 1024 visible ASCII characters without spaces, received "has a space in it, sadly"',
  ]);
});

test('--log-format is auto by default and takes json or pretty, from the flag or OPENTPS_LOG_FORMAT', () => {
  assert.equal(loadConfig({}, {}).logFormat, 'auto');
  assert.equal(loadConfig({ 'log-format': 'pretty' }, {}).logFormat, 'pretty');
  assert.equal(loadConfig({}, { OPENTPS_LOG_FORMAT: 'json' }).logFormat, 'json');
  assert.equal(loadConfig({ 'log-format': 'json' }, { OPENTPS_LOG_FORMAT: 'pretty' }).logFormat, 'json');
  assert.deepEqual(problemsOf(() => loadConfig({ 'log-format': 'colour' }, {})), ['--log-format: expected one of auto, json, pretty, received "colour"']);
  assert.deepEqual(problemsOf(() => loadConfig({}, { OPENTPS_LOG_FORMAT: 'text' })), ['OPENTPS_LOG_FORMAT: expected one of auto, json, pretty, received "text"']);
});
