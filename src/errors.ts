// The single catalogue of OpenTPS error codes: each has an HTTP status and a message template.
// docs/errors.md lists every code with its cause and fix; src/errors.test.ts keeps the two in step.
// A retired code is never reused: move it to RETIRED_ERROR_CODES instead of deleting it.

export const ERROR_CATALOGUE = {
  // Device requests (/push, /pull, /time, /provision, unknown paths)
  ERR_REQUEST_ENCODING: { status: 400, message: 'the query string or form body is not valid URL encoding' },
  ERR_REQUEST_MISSING_REQ: { status: 400, message: 'the request has no "req" parameter' },
  ERR_REQUEST_DUPLICATE_PARAM: { status: 400, message: 'a protocol parameter ("req" or "sha256hmac") appears more than once' },
  ERR_REQUEST_NOT_JSON: { status: 400, message: '"req" is not valid JSON' },
  ERR_REQUEST_NOT_OBJECT: { status: 400, message: '"req" is JSON but not an object' },
  ERR_REQUEST_MISSING_OKM: { status: 400, message: '"req" has no "okm" member' },
  ERR_REQUEST_INVALID: { status: 400, message: 'the HTTP request is malformed' },
  ERR_REQUEST_TOO_LARGE: { status: 413, message: 'the request body or query string is larger than the configured limit' },
  ERR_OKM_NOT_OBJECT: { status: 400, message: '"okm" is not a JSON object' },
  ERR_OKM_MISSING_SOURCE: { status: 400, message: 'the OKM has no "_src"' },
  ERR_OKM_BAD_SOURCE: { status: 400, message: '"_src" must be an array of one or two non-empty strings' },
  ERR_OKM_FIELD_TYPE: { status: 400, message: 'an OKM header field has the wrong type' },
  ERR_OKM_TOO_LARGE: { status: 413, message: 'the OKM is larger than the configured limit' },
  ERR_PULL_MISSING_DEVID: { status: 400, message: 'the pull request has no "devid" string' },
  ERR_PULL_MISSING_TS: { status: 400, message: 'a signed pull needs a "ts" date-time (it is what tells a new pull from a replayed one)' },
  ERR_PULL_FOREIGN_REQ: { status: 400, message: 'a pull\'s "req" must not carry "okm" or "file": it was signed for another endpoint' },
  ERR_REPLAYED_REQUEST: { status: 503, message: 'this signed pull was already taken, or is older than one already taken; retry with a new "ts"' },
  ERR_SIGNATURE_MISSING: { status: 401, message: 'the request has no "sha256hmac" parameter' },
  ERR_SIGNATURE_MALFORMED: { status: 401, message: '"sha256hmac" is not 64 hexadecimal digits' },
  ERR_SIGNATURE_INVALID: { status: 401, message: 'the HMAC does not match the device key' },
  ERR_DEVICE_UNKNOWN: { status: 401, message: 'the device is not registered' },
  ERR_DEVICE_DISABLED: { status: 401, message: 'the device is disabled' },
  ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'this method is not allowed on this path' },
  ERR_ROUTE_NOT_FOUND: { status: 404, message: 'no such path' },
  ERR_OVERLOADED: { status: 503, message: 'the server is busy; retry later' },
  ERR_SHUTTING_DOWN: { status: 503, message: 'the server is shutting down; retry later' },
  ERR_DEVICE_RATE_LIMITED: { status: 503, message: 'this device sends more requests than allowed; retry later' },
  ERR_STORE_UNAVAILABLE: { status: 503, message: 'the store is not answering; retry later' },
  ERR_INTERNAL: { status: 500, message: 'internal error' },
  ERR_OKM_DUPLICATE_KEY: { status: 400, message: 'a JSON object in "req" (or in its OKM) has the same member name twice' },

  // Operator actions (CLI, API)
  ERR_DEVICE_ID_INVALID: { status: 400, message: 'a device id must be 1 to 64 printable ASCII characters without spaces, quotes or backslashes' },
  ERR_DEVICE_KEY_INVALID: { status: 400, message: 'a provisioning key must be 8 to 256 printable ASCII characters without spaces' },
  ERR_DEVICE_NAME_INVALID: { status: 400, message: 'a device name must be at most 200 characters without control characters' },
  ERR_DEVICE_EXISTS: { status: 409, message: 'a device with this id is already registered' },
  ERR_DEVICE_NOT_FOUND: { status: 404, message: 'no device with this id is registered' },
  ERR_MESSAGE_JSON_INVALID: { status: 400, message: 'a message field is not valid JSON' },
  ERR_MESSAGE_DST_INVALID: { status: 400, message: '"_dst" must be a non-empty JSON array of device id strings' },
  ERR_MESSAGE_CMD_INVALID: { status: 400, message: '"_cmd" must be "wr" or "rd"' },
  ERR_MESSAGE_PLD_INVALID: { status: 400, message: '"_pld" must be a JSON object' },
  ERR_MESSAGE_TTL_INVALID: { status: 400, message: 'the TTL must be a whole number of seconds from 1 to 31536000' },
  ERR_MESSAGE_TOO_LARGE: { status: 400, message: 'the message OKM would be larger than the configured OKM limit' },
  ERR_MESSAGE_NOT_FOUND: { status: 404, message: 'no such message' },
  ERR_MESSAGE_NOT_CANCELLABLE: { status: 409, message: 'only a queued or delivered message can be cancelled' },
  ERR_QUEUE_FULL: { status: 409, message: 'the queue for this CWM is full' },
  ERR_JSON_DUPLICATE_KEY: { status: 400, message: 'a JSON object has the same member name twice' },

  // Operator console and admin API
  ERR_AUTH_REQUIRED: { status: 401, message: 'log in or send an API token' },
  ERR_LOGIN_FAILED: { status: 401, message: 'wrong name or password' },
  ERR_LOGIN_RATE_LIMITED: { status: 429, message: 'too many failed logins; wait and try again' },
  ERR_CSRF: { status: 403, message: 'missing or wrong x-csrf-token header' },
  ERR_OPERATOR_EXISTS: { status: 409, message: 'an operator with this name exists' },
  ERR_OPERATOR_NAME_INVALID: { status: 400, message: 'an operator name must be 1 to 64 letters, digits, "_", ".", "@" or "-"' },
  ERR_PASSWORD_WEAK: { status: 400, message: 'the password is too short or too long' },
  ERR_API_NOT_FOUND: { status: 404, message: 'no such API route' },
  ERR_API_INVALID: { status: 400, message: 'the request body or parameters are invalid' },
  ERR_TIME_ZONE_INVALID: { status: 400, message: 'not an IANA time zone such as Europe/Paris' },

  // Start-up and command line
  ERR_CONFIG_INVALID: { status: 500, message: 'the configuration is invalid' },
  ERR_CLI_USAGE: { status: 400, message: 'invalid command-line arguments' },
  ERR_TLS_FILES: { status: 500, message: 'the TLS certificate or key cannot be used' },
  ERR_STORE_FAILED: { status: 500, message: 'the store failed' },

  // Custom-endpoint kit: certificate authority, mutual TLS, endpoint values (issue 6)
  ERR_ENDPOINT_INVALID: { status: 400, message: 'not a valid CWM endpoint: enter a bare DNS name (at most 64 characters) or IP address' },
  ERR_CA_EXISTS: { status: 409, message: 'a certificate authority already exists in this data directory' },
  ERR_CA_MISSING: { status: 409, message: 'no certificate authority yet: run `opentps ca init` (or create it on the console setup page)' },
  ERR_CA_FILES: { status: 500, message: 'the certificate authority files cannot be read or written' },
  ERR_CA_NAME_INVALID: { status: 400, message: 'a CA name must be 1 to 64 printable characters without quotes, backslashes, "=" or ","' },
  ERR_CERT_LABEL_INVALID: { status: 400, message: 'a certificate label must be 1 to 64 letters, digits, spaces, ".", "_" or "-"' },
  ERR_CERT_NAMES_INVALID: { status: 400, message: 'a server certificate needs one to 20 bare DNS names or IP addresses' },
  ERR_CERT_NOT_FOUND: { status: 404, message: 'no certificate with this serial number (or label) was issued by this CA' },
  ERR_CERT_ALREADY_REVOKED: { status: 409, message: 'this certificate is already revoked' },
  ERR_PEM_TOO_LARGE: { status: 500, message: 'a PEM file is 4096 bytes or larger, which a CWM cannot hold' },
  ERR_EXPORT_TARGET: { status: 409, message: 'the export directory already holds files of another export' },
  ERR_CLIENT_CERT_MISSING: { status: 403, message: 'this path needs a client certificate from our CA, and none was presented' },
  ERR_CLIENT_CERT_UNTRUSTED: { status: 403, message: 'the client certificate was not issued by our CA' },
  ERR_CLIENT_CERT_REVOKED: { status: 403, message: 'the client certificate was revoked' },
  ERR_CLIENT_CERT_EXPIRED: { status: 403, message: 'the client certificate has expired or is not valid yet' },
  // Files (PROTOCOL.md A7): the managed file store and device downloads
  ERR_FILE_NAME_INVALID: { status: 400, message: 'a file name must be 1 to 128 letters, digits, ".", "_" or "-", not starting with "."' },
  ERR_FILE_NAME_RESERVED: { status: 400, message: 'this file name is a device, API or console path' },
  ERR_FILE_EXISTS: { status: 409, message: 'a file with this name exists (replace it explicitly)' },
  ERR_FILE_NOT_FOUND: { status: 404, message: 'no such file' },
  ERR_FILE_TOO_LARGE: { status: 413, message: 'the file is larger than the configured limit' },
  ERR_FILE_RANGE_UNSATISFIABLE: { status: 416, message: 'the requested range is outside the file' },
  ERR_FILE_RATE_LIMITED: { status: 429, message: 'too many file requests from this device; retry later' },
  ERR_FILE_SIGNATURE_MISMATCH: { status: 401, message: 'the signed request names another file' },
  // Connection hygiene (issue 11): requests Node's HTTP parser gives up on
  ERR_REQUEST_TIMEOUT: { status: 408, message: 'the request headers or body did not arrive in time' },
  // Backups of the embedded store (issue 12): `opentps backup` and `opentps restore`
  ERR_BACKUP_EXISTS: { status: 409, message: 'the backup file already exists; a backup never overwrites a file' },
  ERR_BACKUP_FAILED: { status: 500, message: 'the backup could not be made or written' },
  ERR_BACKUP_INVALID: { status: 400, message: 'the file is not a usable OpenTPS store backup' },
  ERR_STORE_IN_USE: { status: 409, message: 'a server (or another opentps command) has this data directory\'s store open' },
  // Metrics (issue 13): GET /metrics
  ERR_METRICS_DISABLED: { status: 404, message: 'metrics are off: start the server with --metrics-token (or OPENTPS_METRICS_TOKEN) to serve /metrics' },
  ERR_METRICS_TOKEN: { status: 401, message: 'send the --metrics-token as "Authorization: Bearer <token>"' },
  // Equipment models and data dictionaries (issue 15)
  ERR_MODEL_INVALID: { status: 400, message: 'the equipment model or its data dictionary is not valid' },
  ERR_MODEL_NOT_FOUND: { status: 404, message: 'no equipment model with this id' },
  ERR_MODEL_VERSION_CONFLICT: { status: 409, message: 'the model was changed since the version you edited; reload it and apply your change again' },
  ERR_MODEL_BUILTIN: { status: 409, message: 'a built-in model cannot be deleted (save a new version to change it)' },
  ERR_EQUIPMENT_NOT_FOUND: { status: 404, message: 'no equipment with this id has been seen' },
  ERR_SITE_NOT_FOUND: { status: 404, message: 'no site with this id' },
  ERR_SITE_NAME_TAKEN: { status: 409, message: 'another site has this name' },
  ERR_GATEWAY_MAC_INVALID: { status: 400, message: 'a gateway MAC must be 12 hex digits, optionally separated by ":" or "-" every 2 digits' },
  ERR_GATEWAY_MAC_TAKEN: { status: 409, message: 'this gateway MAC belongs to another site' },
  ERR_TAG_INVALID: { status: 400, message: 'a tag must be 1 to 64 letters, digits, ".", "_", ":", "/" or "-"' },
  // Alerts and notifications (issue 16)
  ERR_ALERT_RULE_INVALID: { status: 400, message: 'the alert rule is not valid' },
  ERR_CHANNEL_INVALID: { status: 400, message: 'the notification channel is not valid' },
  ERR_ALERT_RULE_NOT_FOUND: { status: 404, message: 'no alert rule with this id' },
  ERR_ALERT_NOT_FOUND: { status: 404, message: 'no alert with this id' },
  ERR_CHANNEL_NOT_FOUND: { status: 404, message: 'no notification channel with this id' },
  ERR_CHANNEL_NAME_TAKEN: { status: 409, message: 'another notification channel has this name' },
  ERR_SILENCE_INVALID: { status: 400, message: 'a silence needs exactly one of a rule, a site or a device, an end in the future and a reason' },
  ERR_SILENCE_NOT_FOUND: { status: 404, message: 'no silence with this id' },
  // Forwarding (issue 17)
  ERR_DESTINATION_INVALID: { status: 400, message: 'the forwarding destination is not valid' },
  ERR_FORWARD_FAILED: { status: 502, message: 'events were not delivered to the destination' },
  ERR_NOTIFICATION_NOT_DELIVERED: { status: 502, message: 'the notification was not delivered' },
} as const satisfies Record<string, { status: number; message: string }>;

/** Codes that were used once and must never be given a new meaning. */
export const RETIRED_ERROR_CODES: readonly string[] = [];

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The one error type OpenTPS throws on purpose: a catalogue code, its HTTP status and a specific message. */
export class OpenTpsError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    const entry = ERROR_CATALOGUE[code];
    super(detail ? `${entry.message}: ${detail}` : entry.message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OpenTpsError';
    this.code = code;
    this.status = entry.status;
    this.details = options?.details;
  }
}

/** True when `code` names an error of the catalogue (an error code read from outside: a message, a row). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/** True when `value` is an OpenTpsError carrying `code` (any code when omitted). */
export function isOpenTpsError(value: unknown, code?: ErrorCode): value is OpenTpsError {
  return value instanceof OpenTpsError && (code === undefined || value.code === code);
}
