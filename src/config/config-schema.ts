// The one typed schema of OpenTPS settings: for each, its flag, environment variable, default and
// parser. Flags win over the environment, the environment over defaults (see load-config.ts).

import { AUTH_MODES, type AuthMode } from '../domain/auth-mode.js';
import { CLIENT_AUTH_SETTINGS, type ClientAuthSetting } from '../domain/client-auth-mode.js';
import { isKnownTimeZone } from '../protocol/time-answer.js';

export interface OpenTpsConfig {
  readonly dataDir: string;
  /** PostgreSQL URL for a shared store (several nodes); null for the embedded SQLite store in dataDir. */
  readonly db: string | null;
  readonly dbPoolSize: number;
  readonly host: string;
  readonly port: number;
  readonly isPlainHttp: boolean;
  readonly certFile: string | null;
  readonly keyFile: string | null;
  /** DNS names or IPs the CWMs use to reach us, added to the self-signed certificate. */
  readonly certNames: readonly string[];
  readonly authMode: AuthMode;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** json: one JSON object per line; pretty: readable lines; auto: pretty on a terminal, else json. */
  readonly logFormat: LogFormatSetting;
  readonly durability: 'full' | 'normal';
  readonly maxBodyBytes: number;
  readonly maxQueryBytes: number;
  readonly maxOkmBytes: number;
  readonly maxInflightRequests: number;
  readonly maxPendingWrites: number;
  readonly retryAfterSeconds: number;
  readonly messageTtlSeconds: number;
  readonly maxQueuedPerCwm: number;
  readonly trafficPerDevice: number;
  readonly deliveryLeaseMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly timeZone: string;
  /** Proxy addresses (IPs or CIDRs) whose X-Forwarded-For is believed for the client address. */
  readonly trustedProxies: readonly string[];
  /** Password of the first operator `admin`, created on first start; generated and printed once when absent. */
  readonly adminPassword: string | null;
  /** Mutual TLS on device paths: none, provision (/provision only), all; auto = provision once a CA exists. */
  readonly clientAuth: ClientAuthSetting;
  /** Where stored files' bytes live; null: <dataDir>/files. Shared by every node when PostgreSQL is used. */
  readonly filesDir: string | null;
  readonly maxFileBytes: number;
  /** File requests per minute allowed per device (or per address for unsigned downloads). */
  readonly fileRequestsPerMinute: number;
  /** /push and /pull requests per minute per authenticated device (0: no limit). */
  readonly deviceRequestsPerMinute: number;
  /** In `hmac` mode, refuse unsigned file downloads (default: serve them, as the vendor example does). */
  readonly filesRequireSignature: boolean;
  /** An incomplete transfer with no progress for this long is shown as stalled. */
  readonly transferStallAfterS: number;
  /** Download rows (one per part) older than this are removed; progress per (file, client) stays. 0: keep all. */
  readonly transferRowsKeepDays: number;
  readonly messageRetentionDays: number;
  readonly auditRetentionDays: number;
  /** Days stored OKMs are kept, dropped a whole time partition at a time; 0: keep all. */
  readonly telemetryRetentionDays: number;
  /** Hours of receive time one OKM partition covers. */
  readonly telemetryPartitionHours: number;
  /** Days hourly rollups are kept; 0: keep all. */
  readonly rollupRetentionDays: number;
  /** Days per-minute rollups are kept; 0: keep all. */
  readonly minuteRollupRetentionDays: number;
  /** A TLS handshake not finished this long after the connection opened is cut (Node's default: 120 s). */
  readonly tlsHandshakeTimeoutMs: number;
  /** Open connections one address may hold (counted before the TLS handshake); --trusted-proxies are exempt. */
  readonly maxConnectionsPerAddress: number;
  /** Warn when free space under dataDir (or filesDir) falls below this many MiB; 0: no warning. */
  readonly minFreeDiskMb: number;
  /** SQLite: each WAL file (opentps.db-wal, traffic.db-wal) is kept under this many MB; 0: no bound. */
  readonly maxWalMb: number;
  /** Bearer token GET /metrics requires; null: /metrics is off (404). */
  readonly metricsToken: string | null;
  /** The server's address as operators reach it, for links in notifications; null: https://<host name>:<port>/. */
  readonly publicUrl: string | null;
  /** Alerts of one rule firing within this many seconds go out in one notification. */
  readonly alertGroupWaitS: number;
  /** An alert still firing is told again after this many seconds. */
  readonly alertRepeatIntervalS: number;
  /** Days resolved alerts and finished notifications are kept; 0: keep all. */
  readonly alertRetentionDays: number;
}

/** A parser turns the raw text into a value or returns the expectation it failed. */
type Parser<T> = (raw: string) => { ok: true; value: T } | { ok: false; expected: string };

export interface SettingSpec<K extends keyof OpenTpsConfig> {
  readonly key: K;
  /** Long flag name without dashes; for booleans the flag takes no value. */
  readonly flag: string;
  readonly env: string;
  readonly isBooleanFlag?: boolean;
  readonly defaultValue: () => OpenTpsConfig[K];
  readonly parse: Parser<OpenTpsConfig[K]>;
  readonly help: string;
}

function integer(min: number, max: number): Parser<number> {
  return (raw) => {
    const value = Number(raw);
    return /^-?\d+$/.test(raw.trim()) && Number.isSafeInteger(value) && value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, expected: `an integer from ${min} to ${max}` };
  };
}

function oneOf<T extends string>(choices: readonly T[]): Parser<T> {
  return (raw) =>
    (choices as readonly string[]).includes(raw)
      ? { ok: true, value: raw as T }
      : { ok: false, expected: `one of ${choices.join(', ')}` };
}

const nonEmpty: Parser<string> = (raw) => (raw.length > 0 ? { ok: true, value: raw } : { ok: false, expected: 'a non-empty string' });
const optionalPath: Parser<string | null> = (raw) => (raw.length > 0 ? { ok: true, value: raw } : { ok: false, expected: 'a file path' });
const bool: Parser<boolean> = (raw) =>
  ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())
    ? { ok: true, value: true }
    : ['0', 'false', 'no', 'off'].includes(raw.toLowerCase())
      ? { ok: true, value: false }
      : { ok: false, expected: 'true or false' };
const HOST_NAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^[\d.]+$|^[0-9A-Fa-f:]+$/;
const hostNameList: Parser<readonly string[]> = (raw) => {
  const names = raw.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  return names.length > 0 && names.every((name) => name.length <= 253 && HOST_NAME.test(name))
    ? { ok: true, value: Object.freeze(names) }
    : { ok: false, expected: 'a comma-separated list of DNS names or IP addresses' };
};
const postgresUrl: Parser<string | null> = (raw) =>
  /^postgres(?:ql)?:\/\/\S+$/.test(raw) ? { ok: true, value: raw } : { ok: false, expected: 'a postgres:// or postgresql:// URL' };
const ADDRESS = /^(?:[\d.]+|[0-9A-Fa-f:]+)(?:\/\d{1,3})?$/;
const addressList: Parser<readonly string[]> = (raw) => {
  const items = raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  return items.length > 0 && items.every((item) => ADDRESS.test(item))
    ? { ok: true, value: Object.freeze(items) }
    : { ok: false, expected: 'a comma-separated list of IP addresses or CIDR ranges' };
};
const password: Parser<string | null> = (raw) =>
  raw.length >= 12 && raw.length <= 1024 ? { ok: true, value: raw } : { ok: false, expected: 'a password of 12 to 1024 characters' };
/** Visible ASCII without spaces (it travels in an Authorization header), long enough not to be guessed. */
const bearerToken: Parser<string | null> = (raw) =>
  /^[\x21-\x7e]{16,1024}$/.test(raw) ? { ok: true, value: raw } : { ok: false, expected: 'a token of 16 to 1024 visible ASCII characters without spaces' };
const timeZone: Parser<string> = (raw) =>
  isKnownTimeZone(raw) ? { ok: true, value: raw } : { ok: false, expected: 'an IANA time zone such as Europe/Paris' };

/** An absolute http(s) URL without credentials, normalised to end with a slash. */
const publicUrl: Parser<string | null> = (raw) => {
  try {
    const url = new URL(raw);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '') {
      return { ok: true, value: url.href.endsWith('/') ? url.href : `${url.href}/` };
    }
  } catch {
    // Not a URL: the expectation below says what is.
  }
  return { ok: false, expected: 'an absolute https:// (or http://) URL without a user name or password' };
};

/** 0, or a bound from 4 MB (below that one batch of writes can pass it) to 64 GB. */
const walBoundMb: Parser<number> = (raw) => {
  const parsed = integer(0, 65_536)(raw);
  return parsed.ok && (parsed.value === 0 || parsed.value >= 4) ? parsed : { ok: false, expected: '0 (no bound) or an integer from 4 to 65536' };
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMAT_SETTINGS = ['auto', 'json', 'pretty'] as const;
export type LogFormatSetting = (typeof LOG_FORMAT_SETTINGS)[number];
const KIB = 1024;

/** Every setting; the order is the order of `opentps serve --help`. */
export const SETTINGS = [
  { key: 'dataDir', flag: 'data', env: 'OPENTPS_DATA', defaultValue: () => './data', parse: nonEmpty, help: 'data directory (store, certificate)' },
  { key: 'db', flag: 'db', env: 'OPENTPS_DB', defaultValue: () => null, parse: postgresUrl, help: 'postgres://user@host/db to share a PostgreSQL store between nodes (default: SQLite in --data)' },
  { key: 'dbPoolSize', flag: 'db-pool-size', env: 'OPENTPS_DB_POOL_SIZE', defaultValue: () => 10, parse: integer(2, 500), help: 'PostgreSQL connections per node at most (with --db)' },
  { key: 'host', flag: 'host', env: 'OPENTPS_HOST', defaultValue: () => '0.0.0.0', parse: nonEmpty, help: 'address to listen on' },
  { key: 'port', flag: 'port', env: 'OPENTPS_PORT', defaultValue: () => 8443, parse: integer(0, 65535), help: 'port to listen on (0 = any free port)' },
  { key: 'isPlainHttp', flag: 'http', env: 'OPENTPS_HTTP', isBooleanFlag: true, defaultValue: () => false, parse: bool, help: 'plain HTTP, for use behind a TLS-terminating proxy' },
  { key: 'certFile', flag: 'cert', env: 'OPENTPS_CERT', defaultValue: () => null, parse: optionalPath, help: 'TLS certificate (PEM); default: self-signed in the data directory' },
  { key: 'keyFile', flag: 'key', env: 'OPENTPS_KEY', defaultValue: () => null, parse: optionalPath, help: 'TLS private key (PEM), with --cert' },
  { key: 'certNames', flag: 'cert-names', env: 'OPENTPS_CERT_NAMES', defaultValue: () => Object.freeze([] as string[]), parse: hostNameList, help: 'extra DNS names/IPs for the self-signed certificate (the endpoint the CWMs use)' },
  { key: 'authMode', flag: 'auth', env: 'OPENTPS_AUTH', defaultValue: () => 'hmac', parse: oneOf(AUTH_MODES), help: 'device authentication: hmac or open (bring-up only)' },
  { key: 'logLevel', flag: 'log-level', env: 'OPENTPS_LOG_LEVEL', defaultValue: () => 'info', parse: oneOf(LOG_LEVELS), help: 'log level' },
  { key: 'logFormat', flag: 'log-format', env: 'OPENTPS_LOG_FORMAT', defaultValue: () => 'auto', parse: oneOf(LOG_FORMAT_SETTINGS), help: 'json (one object per line), pretty (readable lines), or auto: pretty when standard output is a terminal, else json' },
  { key: 'durability', flag: 'durability', env: 'OPENTPS_DURABILITY', defaultValue: () => 'full', parse: oneOf(['full', 'normal'] as const), help: 'full: fsync each commit; normal: survive process crashes only' },
  { key: 'maxBodyBytes', flag: 'max-body-bytes', env: 'OPENTPS_MAX_BODY_BYTES', defaultValue: () => 64 * KIB, parse: integer(1 * KIB, 16 * KIB * KIB), help: 'largest request body' },
  { key: 'maxQueryBytes', flag: 'max-query-bytes', env: 'OPENTPS_MAX_QUERY_BYTES', defaultValue: () => 64 * KIB, parse: integer(1 * KIB, 1 * KIB * KIB), help: 'largest request URL (path and query)' },
  { key: 'maxOkmBytes', flag: 'max-okm-bytes', env: 'OPENTPS_MAX_OKM_BYTES', defaultValue: () => 16 * KIB, parse: integer(256, 1 * KIB * KIB), help: 'largest OKM, in both directions' },
  { key: 'maxInflightRequests', flag: 'max-inflight', env: 'OPENTPS_MAX_INFLIGHT', defaultValue: () => 1024, parse: integer(1, 1_000_000), help: 'device requests handled at once before answering 503' },
  { key: 'maxPendingWrites', flag: 'max-pending-writes', env: 'OPENTPS_MAX_PENDING_WRITES', defaultValue: () => 20_000, parse: integer(1, 10_000_000), help: 'store writes waiting to commit before answering 503' },
  { key: 'retryAfterSeconds', flag: 'retry-after', env: 'OPENTPS_RETRY_AFTER', defaultValue: () => 5, parse: integer(1, 3600), help: 'Retry-After seconds on 503' },
  { key: 'messageTtlSeconds', flag: 'message-ttl', env: 'OPENTPS_MESSAGE_TTL', defaultValue: () => 86_400, parse: integer(1, 31_536_000), help: 'default message TTL in seconds' },
  { key: 'maxQueuedPerCwm', flag: 'max-queued', env: 'OPENTPS_MAX_QUEUED', defaultValue: () => 100, parse: integer(1, 100_000), help: 'queue depth limit per CWM' },
  { key: 'trafficPerDevice', flag: 'traffic-per-device', env: 'OPENTPS_TRAFFIC_PER_DEVICE', defaultValue: () => 500, parse: integer(1, 100_000), help: 'recorded requests kept per device (and for unknown senders)' },
  { key: 'deliveryLeaseMs', flag: 'delivery-lease-ms', env: 'OPENTPS_DELIVERY_LEASE_MS', defaultValue: () => 30_000, parse: integer(100, 3_600_000), help: 'how long a message being written to a device is reserved' },
  { key: 'keepAliveTimeoutMs', flag: 'keep-alive-ms', env: 'OPENTPS_KEEP_ALIVE_MS', defaultValue: () => 120_000, parse: integer(1_000, 3_600_000), help: 'idle keep-alive connection lifetime' },
  { key: 'requestTimeoutMs', flag: 'request-timeout-ms', env: 'OPENTPS_REQUEST_TIMEOUT_MS', defaultValue: () => 30_000, parse: integer(1_000, 600_000), help: 'time allowed to receive a whole request' },
  { key: 'shutdownTimeoutMs', flag: 'shutdown-timeout-ms', env: 'OPENTPS_SHUTDOWN_TIMEOUT_MS', defaultValue: () => 10_000, parse: integer(0, 600_000), help: 'time allowed to finish in-flight requests on SIGTERM' },
  { key: 'timeZone', flag: 'time-zone', env: 'OPENTPS_TIME_ZONE', defaultValue: () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', parse: timeZone, help: 'default time zone for /time answers' },
  { key: 'trustedProxies', flag: 'trusted-proxies', env: 'OPENTPS_TRUSTED_PROXIES', defaultValue: () => Object.freeze([] as string[]), parse: addressList, help: 'comma-separated proxy IPs/CIDRs whose X-Forwarded-For is trusted (e.g. 127.0.0.1 behind nginx)' },
  { key: 'adminPassword', flag: 'admin-password', env: 'OPENTPS_ADMIN_PASSWORD', defaultValue: () => null, parse: password, help: 'password of the first operator, admin (first start only; prefer the environment variable)' },
  { key: 'clientAuth', flag: 'client-auth', env: 'OPENTPS_CLIENT_AUTH', defaultValue: () => 'auto', parse: oneOf(CLIENT_AUTH_SETTINGS), help: 'client certificates from our CA: none, provision (/provision only), all (every device path); auto = provision once `opentps ca init` ran' },
  { key: 'filesDir', flag: 'files-dir', env: 'OPENTPS_FILES_DIR', defaultValue: () => null, parse: optionalPath, help: 'directory of stored files (default: <data>/files; with --db, a directory every node shares)' },
  { key: 'maxFileBytes', flag: 'max-file-bytes', env: 'OPENTPS_MAX_FILE_BYTES', defaultValue: () => 256 * KIB * KIB, parse: integer(1, 2 ** 31 - 1), help: 'largest stored file (the protocol allows up to 2^31-1 bytes)' },
  { key: 'deviceRequestsPerMinute', flag: 'device-requests-per-minute', env: 'OPENTPS_DEVICE_REQUESTS_PER_MINUTE', defaultValue: () => 600, parse: integer(0, 10_000_000), help: '/push and /pull requests per minute per device before 503 + Retry-After (0: no limit)' },
  { key: 'fileRequestsPerMinute', flag: 'file-requests-per-minute', env: 'OPENTPS_FILE_REQUESTS_PER_MINUTE', defaultValue: () => 6000, parse: integer(1, 10_000_000), help: 'file download requests per minute per device (or address, unsigned) before 429' },
  { key: 'filesRequireSignature', flag: 'files-require-signature', env: 'OPENTPS_FILES_REQUIRE_SIGNATURE', isBooleanFlag: true, defaultValue: () => false, parse: bool, help: 'in hmac mode, refuse unsigned file downloads' },
  { key: 'transferRowsKeepDays', flag: 'transfer-rows-keep-days', env: 'OPENTPS_TRANSFER_ROWS_KEEP_DAYS', defaultValue: () => 30, parse: integer(0, 36_500), help: 'days to keep each download part row (the per-device progress is kept; 0: keep all)' },
  { key: 'messageRetentionDays', flag: 'message-retention-days', env: 'OPENTPS_MESSAGE_RETENTION_DAYS', defaultValue: () => 90, parse: integer(0, 36_500), help: 'days to keep a finished message (answered, expired, cancelled, or delivered and never answered); queued ones are always kept; 0: keep all' },
  { key: 'auditRetentionDays', flag: 'audit-retention-days', env: 'OPENTPS_AUDIT_RETENTION_DAYS', defaultValue: () => 400, parse: integer(0, 36_500), help: 'days to keep audit log entries (0: keep all)' },
  { key: 'telemetryRetentionDays', flag: 'telemetry-retention-days', env: 'OPENTPS_TELEMETRY_RETENTION_DAYS', defaultValue: () => 90, parse: integer(0, 36_500), help: 'days to keep stored OKMs, removed a whole time partition at a time at start and hourly (0: keep all)' },
  { key: 'telemetryPartitionHours', flag: 'telemetry-partition-hours', env: 'OPENTPS_TELEMETRY_PARTITION_HOURS', defaultValue: () => 24, parse: integer(1, 744), help: 'hours of receive time one OKM partition covers (smaller: finer retention, more partitions)' },
  { key: 'rollupRetentionDays', flag: 'rollup-retention-days', env: 'OPENTPS_ROLLUP_RETENTION_DAYS', defaultValue: () => 730, parse: integer(0, 36_500), help: 'days to keep hourly min/max/avg/count rollups of heartbeat fields (0: keep all)' },
  { key: 'minuteRollupRetentionDays', flag: 'minute-rollup-retention-days', env: 'OPENTPS_MINUTE_ROLLUP_RETENTION_DAYS', defaultValue: () => 30, parse: integer(0, 36_500), help: 'days to keep per-minute rollups of heartbeat fields (0: keep all)' },
  { key: 'transferStallAfterS', flag: 'transfer-stall-after', env: 'OPENTPS_TRANSFER_STALL_AFTER', defaultValue: () => 600, parse: integer(1, 31_536_000), help: 'seconds without progress before an incomplete file transfer is shown as stalled' },
  { key: 'tlsHandshakeTimeoutMs', flag: 'tls-handshake-timeout-ms', env: 'OPENTPS_TLS_HANDSHAKE_TIMEOUT_MS', defaultValue: () => 10_000, parse: integer(100, 120_000), help: 'time allowed to finish the TLS handshake before the connection is closed' },
  { key: 'maxConnectionsPerAddress', flag: 'max-connections-per-address', env: 'OPENTPS_MAX_CONNECTIONS_PER_ADDRESS', defaultValue: () => 1000, parse: integer(1, 1_000_000), help: 'open connections allowed per client address (a NAT\'ed site shares one); --trusted-proxies are exempt' },
  { key: 'minFreeDiskMb', flag: 'min-free-disk-mb', env: 'OPENTPS_MIN_FREE_DISK_MB', defaultValue: () => 1024, parse: integer(0, 100_000_000), help: 'warn (log, console, /api/v1/health) when free space under --data or --files-dir falls below this many MiB (0: off)' },
  { key: 'maxWalMb', flag: 'max-wal-mb', env: 'OPENTPS_MAX_WAL_MB', defaultValue: () => 256, parse: walBoundMb, help: 'SQLite: largest size of each WAL file in MB, kept by briefly holding writes while it restarts (0: no bound, the disk may fill)' },
  { key: 'metricsToken', flag: 'metrics-token', env: 'OPENTPS_METRICS_TOKEN', defaultValue: () => null, parse: bearerToken, help: 'serve GET /metrics (Prometheus) to requests with "Authorization: Bearer <token>" (default: /metrics off; prefer the environment variable)' },
  { key: 'publicUrl', flag: 'public-url', env: 'OPENTPS_PUBLIC_URL', defaultValue: () => null, parse: publicUrl, help: 'the address operators reach this server at, for links in alert notifications (default: https://<host name>:<port>/)' },
  { key: 'alertGroupWaitS', flag: 'alert-group-wait', env: 'OPENTPS_ALERT_GROUP_WAIT', defaultValue: () => 30, parse: integer(0, 3600), help: 'seconds to wait for more alerts of the same rule before notifying, so they go out as one notification' },
  { key: 'alertRepeatIntervalS', flag: 'alert-repeat-interval', env: 'OPENTPS_ALERT_REPEAT_INTERVAL', defaultValue: () => 14_400, parse: integer(60, 31_536_000), help: 'seconds after which an alert still firing is notified again' },
  { key: 'alertRetentionDays', flag: 'alert-retention-days', env: 'OPENTPS_ALERT_RETENTION_DAYS', defaultValue: () => 180, parse: integer(0, 36_500), help: 'days to keep resolved alerts and delivered or failed notifications (0: keep all)' },
] as const satisfies ReadonlyArray<SettingSpec<keyof OpenTpsConfig>>;

/** Compile-time proof that SETTINGS covers every configuration key. */
type UncoveredSetting = Exclude<keyof OpenTpsConfig, (typeof SETTINGS)[number]['key']>;
export const IS_EVERY_SETTING_COVERED: [UncoveredSetting] extends [never] ? true : never = true;
