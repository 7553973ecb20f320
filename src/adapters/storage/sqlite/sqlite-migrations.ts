// Versioned schema of the embedded store. Each step runs once, in order, inside a transaction;
// PRAGMA user_version records the last step applied. Never edit a released step: add one.

import type { Database } from 'better-sqlite3';

/** The system of record: devices, their state, OKMs and the message queue. */
export const RECORD_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    name TEXT,
    key TEXT,
    is_disabled INTEGER NOT NULL DEFAULT 0,
    time_zone TEXT,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER,
    last_remote_address TEXT,
    okm_count INTEGER NOT NULL DEFAULT 0,
    crc_failure_count INTEGER NOT NULL DEFAULT 0,
    next_message_id INTEGER NOT NULL DEFAULT 1,
    last_delivered_message INTEGER,
    typical_interval_ms INTEGER,
    last_cwm_heartbeat_at INTEGER
  ) STRICT;

  CREATE TABLE device_state (
    device_id TEXT PRIMARY KEY,
    cwm_id TEXT NOT NULL,
    first_seen_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    last_okm INTEGER,
    last_heartbeat TEXT,
    last_heartbeat_at INTEGER,
    latest_fields TEXT NOT NULL DEFAULT '{}'
  ) STRICT;
  CREATE INDEX device_state_by_cwm ON device_state(cwm_id);

  CREATE TABLE okms (
    id INTEGER PRIMARY KEY,
    cwm_id TEXT NOT NULL,
    origin_id TEXT NOT NULL,
    cmd TEXT,
    okm_id INTEGER,
    ts TEXT,
    ts_epoch_ms INTEGER,
    is_ts_local INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    crc_verdict TEXT NOT NULL,
    crc_received TEXT,
    crc_expected TEXT,
    auth TEXT NOT NULL,
    raw TEXT NOT NULL,
    payload TEXT,
    envelope TEXT NOT NULL,
    remote_address TEXT,
    dedup_key TEXT,
    answers_message INTEGER
  ) STRICT;
  CREATE UNIQUE INDEX okms_dedup ON okms(cwm_id, origin_id, dedup_key) WHERE dedup_key IS NOT NULL;
  CREATE INDEX okms_by_cwm ON okms(cwm_id, id);
  CREATE INDEX okms_by_origin_time ON okms(origin_id, received_at);
  CREATE INDEX okms_by_time ON okms(received_at);

  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    cwm_id TEXT NOT NULL,
    okm_id INTEGER NOT NULL,
    destination TEXT NOT NULL,
    target_id TEXT NOT NULL,
    cmd TEXT NOT NULL,
    payload TEXT NOT NULL,
    okm TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'answered', 'expired', 'cancelled')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    lease_until INTEGER,
    delivery_count INTEGER NOT NULL DEFAULT 0,
    delivered_at INTEGER,
    answered_at INTEGER,
    result TEXT,
    answer_okm INTEGER,
    ended_at INTEGER
  ) STRICT;
  CREATE INDEX messages_by_cwm_state ON messages(cwm_id, state, id);
  CREATE INDEX messages_by_cwm_expiry ON messages(cwm_id, state, expires_at);
  CREATE INDEX messages_by_answer ON messages(cwm_id, okm_id, state);

  `,
  `
  CREATE TABLE operators (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    is_disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    operator_name TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    operator_name TEXT NOT NULL,
    label TEXT,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  ) STRICT;

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT
  ) STRICT;
  `,
  // Files (PROTOCOL.md A7): metadata of the managed file store (bytes under --files-dir) and one row
  // per device download or ranged part.
  `
  CREATE TABLE files (
    name TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    md5 TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    crc16 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL
  ) STRICT;
  CREATE INDEX files_by_sha256 ON files(sha256);

  CREATE TABLE file_transfers (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    device_id TEXT,
    remote_address TEXT,
    range_start INTEGER NOT NULL,
    range_end INTEGER NOT NULL,
    bytes_sent INTEGER NOT NULL,
    status INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX file_transfers_by_file ON file_transfers(file_name, id);
  CREATE INDEX file_transfers_by_device ON file_transfers(device_id, id);

  -- One row per (file, content, client), updated with each download: summaries read these, not every part.
  -- (Counts and times here; the ranges sent in file_transfer_ranges, so a client fetching scattered parts
  -- costs one small row change per part, not a rewrite of all its ranges.)
  CREATE TABLE file_transfer_progress (
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    client_key TEXT NOT NULL,
    device_id TEXT,
    remote_address TEXT,
    requests INTEGER NOT NULL,
    bytes_served INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_progress_at INTEGER NOT NULL,
    PRIMARY KEY (file_name, file_sha256, client_key)
  ) STRICT;
  CREATE INDEX file_transfer_progress_by_device ON file_transfer_progress(device_id);
  -- The byte ranges each client has been sent, merged: disjoint, found by their start.
  CREATE TABLE file_transfer_ranges (
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    client_key TEXT NOT NULL,
    range_start INTEGER NOT NULL,
    range_end INTEGER NOT NULL,
    PRIMARY KEY (file_name, file_sha256, client_key, range_start)
  ) STRICT;
  `,
  // Replayed pulls (issue 11): each CWM's replay mark (pull-replay-guard.ts) and the replays refused.
  `
  ALTER TABLE devices ADD COLUMN pull_mark_ms INTEGER;
  ALTER TABLE devices ADD COLUMN pull_mark_tags TEXT NOT NULL DEFAULT '';
  ALTER TABLE devices ADD COLUMN replays_refused INTEGER NOT NULL DEFAULT 0;
  `,
  // Retention of the command queue and the audit log (issue 12): rows found by age.
  `
  CREATE INDEX messages_by_end ON messages(ended_at) WHERE ended_at IS NOT NULL;
  CREATE INDEX messages_delivered_by_time ON messages(delivered_at) WHERE state = 'delivered';
  CREATE INDEX audit_log_by_time ON audit_log(at);
  `,
  // Time partitions of OKMs (issue 12, sqlite-okm-partitions.ts). The OKMs stored so far stay where they
  // are, renamed: one read-only 'legacy' partition over their receive times (found through okms_by_time,
  // no scan), queried like the others and dropped whole once all of it is past retention. An empty one
  // is dropped at open. New OKMs go to compact partitions, one table per span of receive time.
  `
  CREATE TABLE okm_partitions (
    name TEXT PRIMARY KEY,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    layout TEXT NOT NULL CHECK (layout IN ('legacy', 'compact')),
    dictionary BLOB
  ) STRICT;
  CREATE TABLE device_refs (
    ref INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL UNIQUE
  ) STRICT;
  ALTER TABLE okms RENAME TO okms_legacy;
  INSERT INTO okm_partitions (name, start_ms, end_ms, layout)
    SELECT 'okms_legacy', lo, hi + 1, 'legacy'
    FROM (SELECT (SELECT min(received_at) FROM okms_legacy) AS lo, (SELECT max(received_at) FROM okms_legacy) AS hi)
    WHERE lo IS NOT NULL;
  `,
  // Rollups (issue 12, sqlite-rollup-repo.ts): per origin device and bucket, the statistics of every numeric
  // heartbeat field in one JSON row (stored-rows/rollup-fields.ts); the fleet's OKMs per minute.
  `
  CREATE TABLE rollup_minute (
    origin_ref INTEGER NOT NULL,
    bucket_ms INTEGER NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (origin_ref, bucket_ms)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX rollup_minute_by_bucket ON rollup_minute(bucket_ms);
  CREATE TABLE rollup_hour (
    origin_ref INTEGER NOT NULL,
    bucket_ms INTEGER NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (origin_ref, bucket_ms)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX rollup_hour_by_bucket ON rollup_hour(bucket_ms);
  CREATE TABLE fleet_minute (
    bucket_ms INTEGER PRIMARY KEY,
    okms INTEGER NOT NULL
  ) STRICT;
  `,
  // The console's fleet reads (issue 13, storage/fleet-sql/): queued messages per CWM and messages expired
  // per CWM, each read from the rows in that state only. At 100,000 CWMs with 105,000 messages, counting the
  // queued ones per CWM scanned all of messages_by_cwm_expiry (5 ms, growing with the message history), now
  // 0.4 ms; the expired ones of the last day 5 ms, now 0.2 ms. Neither is on the push path: a message row
  // enters or leaves them when it is queued, delivered, expired or cancelled.
  `
  CREATE INDEX messages_queued_by_cwm ON messages(cwm_id, expires_at) WHERE state = 'queued';
  CREATE INDEX messages_expired_by_cwm ON messages(cwm_id, ended_at) WHERE state = 'expired';
  `,
  // Equipment registry, models, sites and tags (issue 15).
  // - device_state.model_id: the model an origin id says (domain/equipment-model/equipment-id.ts; 'c000' is
  //   CWM_MODEL_ID, the CWM's own dictionary), computed when read (VIRTUAL), so the push path writes nothing
  //   more; indexed for the model filter and sort. device_state_by_cwm becomes (cwm_id, device_id), so a CWM's
  //   records come out in id order without a sort; last and first sightings are indexed for their sorts.
  // - equipment_cwm_history: each CWM an origin was seen behind, from when, written by triggers on
  //   device_state (the push path keeps its statements), backfilled from the current state.
  // - models and their versions; sites, their gateway MACs and each CWM's placement; tags.
  `
  ALTER TABLE device_state ADD COLUMN model_id TEXT GENERATED ALWAYS AS (
    CASE WHEN device_id = cwm_id THEN 'c000'
      WHEN length(device_id) = 16 AND device_id NOT GLOB '*[^0-9A-Fa-f]*' THEN lower(substr(device_id, 1, 4))
    END) VIRTUAL;
  CREATE INDEX device_state_by_model ON device_state(model_id, device_id);
  CREATE INDEX device_state_by_last_seen ON device_state(last_seen_at, device_id);
  CREATE INDEX device_state_by_first_seen ON device_state(first_seen_at, device_id);
  CREATE INDEX device_state_by_cwm_id ON device_state(cwm_id, device_id);
  DROP INDEX device_state_by_cwm;

  CREATE TABLE equipment_cwm_history (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    cwm_id TEXT NOT NULL,
    since_ms INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX equipment_cwm_history_by_device ON equipment_cwm_history(device_id, since_ms);
  INSERT INTO equipment_cwm_history (device_id, cwm_id, since_ms) SELECT device_id, cwm_id, first_seen_at FROM device_state ORDER BY device_id;
  CREATE TRIGGER device_state_first_cwm AFTER INSERT ON device_state BEGIN
    INSERT INTO equipment_cwm_history (device_id, cwm_id, since_ms) VALUES (new.device_id, new.cwm_id, new.first_seen_at);
  END;
  CREATE TRIGGER device_state_cwm_changed AFTER UPDATE OF cwm_id ON device_state WHEN old.cwm_id <> new.cwm_id BEGIN
    INSERT INTO equipment_cwm_history (device_id, cwm_id, since_ms) VALUES (new.device_id, new.cwm_id, new.last_seen_at);
  END;

  CREATE TABLE equipment_models (
    model_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    saved_at INTEGER NOT NULL,
    saved_by TEXT NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE TABLE equipment_model_versions (
    model_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    saved_at INTEGER NOT NULL,
    saved_by TEXT NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (model_id, version)
  ) STRICT;

  CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    address TEXT,
    time_zone TEXT,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE site_gateways (
    mac TEXT PRIMARY KEY,
    site_id INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX site_gateways_by_site ON site_gateways(site_id);
  ALTER TABLE devices ADD COLUMN site_id INTEGER;
  ALTER TABLE devices ADD COLUMN site_assignment TEXT CHECK (site_assignment IN ('gateway', 'operator'));
  ALTER TABLE devices ADD COLUMN gateway_mac_raw TEXT;
  ALTER TABLE devices ADD COLUMN gateway_mac_at INTEGER;
  CREATE INDEX devices_by_site ON devices(site_id);

  CREATE TABLE tags (
    kind TEXT NOT NULL,
    tag TEXT NOT NULL,
    target_id TEXT NOT NULL,
    PRIMARY KEY (kind, tag, target_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX tags_by_target ON tags(kind, target_id, tag);
  `,
  // Alerts and notifications (issue 16; adapters/storage/alert-sql/). AUTOINCREMENT: a deleted rule's or
  // channel's id is never given to a new one (alerts, silences and rules keep referring to it). At most one open
  // alert per rule and subject (the partial unique index: the insert that loses changes no row). change_seq comes
  // from the one-row alert_change_counter, so that a pruned alert never gives its number back. notify_due_at:
  // see NEVER_TOLD_SHIFT_MS (alert-rows.ts).
  `
  CREATE TABLE alert_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    severity TEXT NOT NULL,
    rule_scope TEXT NOT NULL,
    rule_condition TEXT NOT NULL,
    is_enabled INTEGER NOT NULL,
    channel_ids TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE alert_change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
  ) STRICT;
  INSERT INTO alert_change_counter (id, value) VALUES (1, 0);

  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id INTEGER NOT NULL,
    rule_version INTEGER NOT NULL,
    rule_name TEXT NOT NULL,
    severity TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    cwm_id TEXT NOT NULL,
    site_id INTEGER,
    state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
    opened_at INTEGER NOT NULL,
    fired_at INTEGER,
    resolved_at INTEGER,
    trigger_value TEXT NOT NULL,
    clear_value TEXT NOT NULL,
    summary TEXT NOT NULL,
    acknowledged_at INTEGER,
    acknowledged_by TEXT,
    acknowledgement_note TEXT,
    notified_at INTEGER,
    notify_due_at INTEGER,
    change_seq INTEGER NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX alerts_open_by_rule_subject ON alerts(rule_id, subject_id) WHERE state <> 'resolved';
  CREATE UNIQUE INDEX alerts_by_change ON alerts(change_seq);
  CREATE INDEX alerts_by_state ON alerts(state, change_seq);
  CREATE INDEX alerts_by_subject ON alerts(subject_id, change_seq);
  CREATE INDEX alerts_by_cwm ON alerts(cwm_id, change_seq);
  CREATE INDEX alerts_by_notify_due ON alerts(notify_due_at) WHERE notify_due_at IS NOT NULL;
  CREATE INDEX alerts_by_resolution ON alerts(state, resolved_at);

  CREATE TABLE alert_silences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id INTEGER,
    site_id INTEGER,
    device_id TEXT,
    until_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX alert_silences_by_until ON alert_silences(until_at);

  CREATE TABLE notification_channels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    target TEXT NOT NULL,
    secret TEXT,
    is_enabled INTEGER NOT NULL,
    min_severity TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_success_at INTEGER,
    last_failure_at INTEGER,
    last_failure TEXT
  ) STRICT;

  CREATE TABLE notification_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id INTEGER NOT NULL,
    rule_id INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'failed')),
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    last_error TEXT,
    delivered_at INTEGER
  ) STRICT;
  CREATE INDEX notification_outbox_due ON notification_outbox(next_attempt_at, id) WHERE state = 'queued';
  CREATE INDEX notification_outbox_by_channel ON notification_outbox(channel_id, id);
  CREATE INDEX notification_outbox_by_state ON notification_outbox(state, id);
  CREATE INDEX notification_outbox_ended ON notification_outbox(created_at) WHERE state <> 'queued';
  `,
];

/**
 * The traffic recorder's file: diagnostics kept apart from the system of record, so that its writes
 * (one per device request) need no fsync of their own and never slow down acknowledgements.
 */
export const TRAFFIC_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE traffic (
    id INTEGER PRIMARY KEY,
    bucket TEXT NOT NULL,
    claimed_device_id TEXT,
    received_at INTEGER NOT NULL,
    remote_address TEXT,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    duration_ms REAL NOT NULL,
    signature_verdict TEXT,
    crc_verdict TEXT,
    error_code TEXT
  ) STRICT;
  CREATE INDEX traffic_by_bucket ON traffic(bucket, id);
  `,
  // Custom-endpoint kit (issue 6): the client certificate each request presented over mutual TLS.
  `
  ALTER TABLE traffic ADD COLUMN client_cert_subject TEXT;
  ALTER TABLE traffic ADD COLUMN client_cert_serial TEXT;
  `,
];

/** Brings a schema up to date; safe to call on every open, from several processes. */
export function migrateSqlite(db: Database, migrations: readonly string[]): void {
  const apply = db.transaction(() => {
    const current = Number(db.pragma('user_version', { simple: true }));
    for (let version = current; version < migrations.length; version++) {
      db.exec(migrations[version] ?? '');
      db.pragma(`user_version = ${version + 1}`);
    }
  });
  // IMMEDIATE takes the write lock first, so two processes starting together migrate one after the other.
  apply.immediate();
}
