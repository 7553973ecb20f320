// Versioned schema of the PostgreSQL store. Each step runs once, in order, in the one transaction that
// migrates at open; schema_migrations records the steps applied. Never edit a released step: add one.

import type pg from 'pg';

/*
 * Conventions, so that results match the embedded store exactly:
 * - epoch-millisecond instants and counters are BIGINT (read back as JS numbers, see postgres-store.ts);
 * - device ids are TEXT COLLATE "C": compared and ordered bytewise, as SQLite does;
 * - JSON is kept as the TEXT JSON.stringify wrote. jsonb would reorder keys and refuses "\u0000" in
 *   strings, which a device may send: a push that cannot be stored is retried by the CWM forever.
 */
/** The notification channel on which the database announces a changed or deleted device (payload: its id). */
export const DEVICE_CHANGE_CHANNEL = 'opentps_device_changed';

export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE devices (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT,
    key TEXT,
    is_disabled BOOLEAN NOT NULL DEFAULT false,
    time_zone TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT,
    last_remote_address TEXT,
    okm_count BIGINT NOT NULL DEFAULT 0,
    crc_failure_count BIGINT NOT NULL DEFAULT 0,
    next_message_id INTEGER NOT NULL DEFAULT 1,
    last_delivered_message BIGINT,
    typical_interval_ms BIGINT,
    last_cwm_heartbeat_at BIGINT
  );

  CREATE TABLE device_state (
    device_id TEXT COLLATE "C" PRIMARY KEY,
    cwm_id TEXT COLLATE "C" NOT NULL,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    last_okm BIGINT,
    last_heartbeat TEXT,
    last_heartbeat_at BIGINT,
    latest_fields TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX device_state_by_cwm ON device_state (cwm_id);

  CREATE TABLE okms (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cwm_id TEXT COLLATE "C" NOT NULL,
    origin_id TEXT COLLATE "C" NOT NULL,
    cmd TEXT,
    okm_id BIGINT,
    ts TEXT,
    ts_epoch_ms BIGINT,
    is_ts_local BOOLEAN NOT NULL,
    received_at BIGINT NOT NULL,
    crc_verdict TEXT NOT NULL,
    crc_received TEXT,
    crc_expected TEXT,
    auth TEXT NOT NULL,
    raw TEXT NOT NULL,
    payload TEXT,
    envelope TEXT NOT NULL,
    remote_address TEXT,
    dedup_key TEXT,
    answers_message BIGINT,
    -- NULLs are distinct: an OKM without a dedup key never conflicts.
    CONSTRAINT okms_dedup UNIQUE (cwm_id, origin_id, dedup_key)
  );
  CREATE INDEX okms_by_cwm ON okms (cwm_id, id);
  CREATE INDEX okms_by_origin ON okms (origin_id, id);
  CREATE INDEX okms_by_origin_time ON okms (origin_id, received_at);
  CREATE INDEX okms_by_time ON okms (received_at);

  CREATE TABLE messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cwm_id TEXT COLLATE "C" NOT NULL,
    okm_id INTEGER NOT NULL CHECK (okm_id BETWEEN 1 AND 65535),
    destination TEXT NOT NULL,
    target_id TEXT COLLATE "C" NOT NULL,
    cmd TEXT NOT NULL,
    payload TEXT NOT NULL,
    okm TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'answered', 'expired', 'cancelled')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    lease_until BIGINT,
    delivery_count INTEGER NOT NULL DEFAULT 0,
    delivered_at BIGINT,
    answered_at BIGINT,
    result TEXT,
    answer_okm BIGINT,
    ended_at BIGINT
  );
  CREATE INDEX messages_by_cwm_state ON messages (cwm_id, state, id);
  CREATE INDEX messages_by_answer ON messages (cwm_id, okm_id, state);
  CREATE INDEX messages_queued_by_expiry ON messages (expires_at) WHERE state = 'queued';
  -- The allocation rule held by the database too: an outstanding _id is never given to a second message.
  CREATE UNIQUE INDEX messages_outstanding_okm_id ON messages (cwm_id, okm_id) WHERE state IN ('queued', 'delivered');
  `,
  `
  CREATE TABLE operators (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_disabled BOOLEAN NOT NULL DEFAULT false,
    created_at BIGINT NOT NULL
  );
  -- Operator names are case-insensitive: one account per name whatever its case.
  CREATE UNIQUE INDEX operators_by_name ON operators (lower(name));

  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    operator_name TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);

  CREATE TABLE api_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    operator_name TEXT NOT NULL,
    label TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
  );

  CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT
  );
  `,
  `
  CREATE TABLE traffic (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bucket TEXT COLLATE "C" NOT NULL,
    claimed_device_id TEXT,
    received_at BIGINT NOT NULL,
    remote_address TEXT,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    duration_ms DOUBLE PRECISION NOT NULL,
    signature_verdict TEXT,
    crc_verdict TEXT,
    error_code TEXT
  );
  CREATE INDEX traffic_by_bucket ON traffic (bucket, id);
  `,
  // 2: every node caches device credentials; a change to them (or a deletion) is announced to all nodes
  // at commit, so that a rotated key or a disabled device takes effect everywhere at once.
  `
  CREATE FUNCTION opentps_announce_device_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('${DEVICE_CHANGE_CHANNEL}', OLD.id);
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER devices_credentials_changed AFTER UPDATE OF key, is_disabled, time_zone OR DELETE ON devices
    FOR EACH ROW EXECUTE FUNCTION opentps_announce_device_change();
  `,
  // 3: custom-endpoint kit (issue 6): the client certificate each request presented over mutual TLS.
  `
  ALTER TABLE traffic ADD COLUMN client_cert_subject TEXT;
  ALTER TABLE traffic ADD COLUMN client_cert_serial TEXT;
  `,
  // 4: files (PROTOCOL.md A7): metadata of the managed file store (bytes in the --files-dir every node
  // shares) and one row per device download or ranged part.
  `
  CREATE TABLE files (
    name TEXT COLLATE "C" PRIMARY KEY,
    size BIGINT NOT NULL,
    md5 TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    crc16 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL
  );
  CREATE INDEX files_by_sha256 ON files (sha256);

  CREATE TABLE file_transfers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_name TEXT COLLATE "C" NOT NULL,
    file_sha256 TEXT NOT NULL,
    device_id TEXT COLLATE "C",
    remote_address TEXT,
    range_start BIGINT NOT NULL,
    range_end BIGINT NOT NULL,
    bytes_sent BIGINT NOT NULL,
    status INTEGER NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL
  );
  CREATE INDEX file_transfers_by_file ON file_transfers (file_name, id);
  CREATE INDEX file_transfers_by_device ON file_transfers (device_id, id);

  -- One row per (file, content, client), updated with each download: summaries read these, not every part.
  -- (Counts and times here; the ranges sent in file_transfer_ranges, so a client fetching scattered parts
  -- costs one small row change per part, not a rewrite of all its ranges.)
  CREATE TABLE file_transfer_progress (
    file_name TEXT COLLATE "C" NOT NULL,
    file_sha256 TEXT NOT NULL,
    client_key TEXT COLLATE "C" NOT NULL,
    device_id TEXT COLLATE "C",
    remote_address TEXT,
    requests BIGINT NOT NULL,
    bytes_served BIGINT NOT NULL,
    first_at BIGINT NOT NULL,
    last_progress_at BIGINT NOT NULL,
    PRIMARY KEY (file_name, file_sha256, client_key)
  );
  CREATE INDEX file_transfer_progress_by_device ON file_transfer_progress (device_id);
  -- The byte ranges each client has been sent, merged: disjoint, found by their start.
  CREATE TABLE file_transfer_ranges (
    file_name TEXT COLLATE "C" NOT NULL,
    file_sha256 TEXT NOT NULL,
    client_key TEXT COLLATE "C" NOT NULL,
    range_start BIGINT NOT NULL,
    range_end BIGINT NOT NULL,
    PRIMARY KEY (file_name, file_sha256, client_key, range_start)
  );
  `,
  // Replayed pulls (issue 11): each CWM's replay mark (pull-replay-guard.ts) and the replays refused.
  `
  ALTER TABLE devices ADD COLUMN pull_mark_ms BIGINT;
  ALTER TABLE devices ADD COLUMN pull_mark_tags TEXT NOT NULL DEFAULT '';
  ALTER TABLE devices ADD COLUMN replays_refused BIGINT NOT NULL DEFAULT 0;
  `,
  // Retention of the command queue and the audit log (issue 12): rows found by age.
  `
  CREATE INDEX messages_by_end ON messages (ended_at) WHERE ended_at IS NOT NULL;
  CREATE INDEX messages_delivered_by_time ON messages (delivered_at) WHERE state = 'delivered';
  CREATE INDEX audit_log_by_time ON audit_log (at);
  `,
  // 8: stored OKMs in time partitions, compact (issue 12). okms becomes a table PARTITION BY RANGE
  // (received_at); its partitions, with their indexes, are made by postgres-okm-partitions.ts. A row keeps
  // only what the queries need: the OKM text once (cmd, _id, _ts and the payload are read out of it), the
  // verdicts, where it came from, its dedup identity and the answer it matched. The envelope ({ts, gwmac?})
  // is no longer kept: nothing ever read it.
  //
  // The existing table is kept as it is, as the partition "okms_legacy" covering the receive times it
  // holds, rather than copied: its rows stay where they are, its indexes are reused as that partition's
  // own (a copy would rewrite every row and rebuild every index, and write all of it to the WAL). Its
  // dropped columns are only marked dropped (no rewrite); they free their space when retention drops
  // the partition. ATTACH reads the table once to check the range holds every row: a CHECK constraint
  // added NOT VALID and then VALIDATEd would read it once too, inside this same transaction, so it would
  // save nothing here. Cost on a big table: one sequential read of its heap under the migration's lock,
  // no write besides the catalog. An empty table (a new database) is simply dropped.
  `
  ALTER TABLE okms RENAME TO okms_legacy;
  ALTER TABLE okms_legacy
    DROP COLUMN cmd, DROP COLUMN okm_id, DROP COLUMN ts, DROP COLUMN ts_epoch_ms, DROP COLUMN is_ts_local,
    DROP COLUMN crc_received, DROP COLUMN crc_expected, DROP COLUMN payload, DROP COLUMN envelope;
  -- Its identity sequence goes; the new table's identity continues after its highest id (below).
  ALTER TABLE okms_legacy ALTER COLUMN id DROP IDENTITY;

  CREATE TABLE okms (
    id BIGINT GENERATED ALWAYS AS IDENTITY,
    received_at BIGINT NOT NULL,
    answers_message BIGINT,
    cwm_id TEXT COLLATE "C" NOT NULL,
    origin_id TEXT COLLATE "C" NOT NULL,
    crc_verdict TEXT NOT NULL,
    auth TEXT NOT NULL,
    raw TEXT NOT NULL,
    remote_address TEXT,
    -- NULL for an OKM without _id: NULLs are distinct, such an OKM never conflicts.
    dedup_key TEXT
  ) PARTITION BY RANGE (received_at);

  DO $$
  DECLARE
    first_at BIGINT;
    last_at BIGINT;
    top_id BIGINT;
  BEGIN
    -- Both ends from okms_by_time, the highest id from the primary key: index lookups, no scan.
    SELECT min(received_at), max(received_at) INTO first_at, last_at FROM okms_legacy;
    SELECT max(id) INTO top_id FROM okms_legacy;
    IF first_at IS NULL THEN
      DROP TABLE okms_legacy;
    ELSE
      PERFORM setval(pg_get_serial_sequence('okms', 'id'), top_id);
      EXECUTE format('ALTER TABLE okms ATTACH PARTITION okms_legacy FOR VALUES FROM (%s) TO (%s)', first_at, last_at + 1);
    END IF;
  END
  $$;
  `,
  // Rollups (issue 12): one row per origin device and minute or hour holding every numeric field's
  // statistics as the JSON of stored-rows/rollup-fields.ts, found by device and bucket (a device's range
  // is one index range) and pruned by bucket; and the fleet's OKMs per minute.
  `
  CREATE TABLE rollup_minute (
    origin_id TEXT COLLATE "C" NOT NULL,
    bucket_ms BIGINT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (origin_id, bucket_ms)
  );
  CREATE INDEX rollup_minute_by_bucket ON rollup_minute (bucket_ms);

  CREATE TABLE rollup_hour (
    origin_id TEXT COLLATE "C" NOT NULL,
    bucket_ms BIGINT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (origin_id, bucket_ms)
  );
  CREATE INDEX rollup_hour_by_bucket ON rollup_hour (bucket_ms);

  CREATE TABLE fleet_minute (
    bucket_ms BIGINT PRIMARY KEY,
    okms BIGINT NOT NULL
  );
  `,
  // The console's fleet reads (issue 13, storage/fleet-sql/): queued messages per CWM and messages expired
  // per CWM, each read from an index of the rows in that state only (index-only). At 100,000 CWMs, the CWMs
  // with a backlog took 5.7 ms through messages_queued_by_expiry and the heap, now 1.1 ms; the expired ones
  // of the last day are read in 0.5 ms. Neither is on the push path.
  `
  CREATE INDEX messages_queued_by_cwm ON messages (cwm_id, expires_at) WHERE state = 'queued';
  CREATE INDEX messages_expired_by_cwm ON messages (cwm_id, ended_at) WHERE state = 'expired';
  `,
  // Equipment registry, models, sites and tags (issue 15); as in the embedded store (sqlite-migrations.ts).
  // model_id is STORED (PostgreSQL 15 has no virtual generated columns): computed in the push's own upsert,
  // no statement added. Its index sorts records without a model first, as SQLite's does. A CWM's placement
  // or its site's time zone changes its credentials' time zone: both are announced like a credentials change
  // (a site's change as an empty payload: every cached entry is dropped).
  // No index on last_seen_at here, unlike the embedded store: every stored OKM moves it, and an index on a
  // column an UPDATE changes rules out PostgreSQL's heap-only updates, so each push batch would write every
  // device_state index (measured: 17,000 state updates 547-669 ms with it, 151-290 ms without). Sorting the
  // registry by last seen scans it instead (about 40 ms at 150,000 records): a console read, not the push path.
  `
  ALTER TABLE device_state ADD COLUMN model_id TEXT COLLATE "C" GENERATED ALWAYS AS (
    CASE WHEN device_id = cwm_id THEN 'c000'
      WHEN device_id ~ '^[0-9A-Fa-f]{16}$' THEN lower(substr(device_id, 1, 4))
    END) STORED;
  CREATE INDEX device_state_by_model ON device_state (model_id NULLS FIRST, device_id);
  CREATE INDEX device_state_by_first_seen ON device_state (first_seen_at, device_id);
  CREATE INDEX device_state_by_cwm_id ON device_state (cwm_id, device_id);
  DROP INDEX device_state_by_cwm;

  CREATE TABLE equipment_cwm_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id TEXT COLLATE "C" NOT NULL,
    cwm_id TEXT COLLATE "C" NOT NULL,
    since_ms BIGINT NOT NULL
  );
  CREATE INDEX equipment_cwm_history_by_device ON equipment_cwm_history (device_id, since_ms);
  INSERT INTO equipment_cwm_history (device_id, cwm_id, since_ms) SELECT device_id, cwm_id, first_seen_at FROM device_state ORDER BY device_id;
  CREATE FUNCTION opentps_record_first_cwm() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO equipment_cwm_history (device_id, cwm_id, since_ms) VALUES (NEW.device_id, NEW.cwm_id, NEW.first_seen_at);
    RETURN NULL;
  END
  $$;
  CREATE FUNCTION opentps_record_cwm_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO equipment_cwm_history (device_id, cwm_id, since_ms) VALUES (NEW.device_id, NEW.cwm_id, NEW.last_seen_at);
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER device_state_first_cwm AFTER INSERT ON device_state
    FOR EACH ROW EXECUTE FUNCTION opentps_record_first_cwm();
  CREATE TRIGGER device_state_cwm_changed AFTER UPDATE OF cwm_id ON device_state
    FOR EACH ROW WHEN (OLD.cwm_id <> NEW.cwm_id) EXECUTE FUNCTION opentps_record_cwm_change();

  CREATE TABLE equipment_models (
    model_id TEXT COLLATE "C" PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    saved_by TEXT NOT NULL,
    is_deleted BOOLEAN NOT NULL DEFAULT false
  );
  CREATE TABLE equipment_model_versions (
    model_id TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    saved_by TEXT NOT NULL,
    is_deleted BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (model_id, version)
  );

  CREATE TABLE sites (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT,
    time_zone TEXT,
    created_at BIGINT NOT NULL
  );
  CREATE UNIQUE INDEX sites_by_name ON sites (lower(name));
  CREATE TABLE site_gateways (
    mac TEXT COLLATE "C" PRIMARY KEY,
    site_id BIGINT NOT NULL
  );
  CREATE INDEX site_gateways_by_site ON site_gateways (site_id);
  ALTER TABLE devices ADD COLUMN site_id BIGINT;
  ALTER TABLE devices ADD COLUMN site_assignment TEXT CHECK (site_assignment IN ('gateway', 'operator'));
  ALTER TABLE devices ADD COLUMN gateway_mac_raw TEXT;
  ALTER TABLE devices ADD COLUMN gateway_mac_at BIGINT;
  CREATE INDEX devices_by_site ON devices (site_id);

  CREATE TRIGGER devices_site_changed AFTER UPDATE OF site_id ON devices
    FOR EACH ROW WHEN (OLD.site_id IS DISTINCT FROM NEW.site_id) EXECUTE FUNCTION opentps_announce_device_change();
  CREATE FUNCTION opentps_announce_site_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('${DEVICE_CHANGE_CHANNEL}', '');
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER sites_time_zone_changed AFTER UPDATE OF time_zone OR DELETE ON sites
    FOR EACH ROW EXECUTE FUNCTION opentps_announce_site_change();

  CREATE TABLE tags (
    kind TEXT COLLATE "C" NOT NULL,
    tag TEXT COLLATE "C" NOT NULL,
    target_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, tag, target_id)
  );
  CREATE INDEX tags_by_target ON tags (kind, target_id, tag);
  `,
  // Alerts and notifications (issue 16); as in the embedded store (sqlite-migrations.ts). change_seq comes from
  // the one-row alert_change_counter, updated first in every transaction that changes alerts: its row lock is
  // held to COMMIT, so changes become visible in change_seq order and a node following them with
  // listAlertChanges never passes a number whose change is still to commit (a SEQUENCE hands numbers out
  // before commit, in any commit order). Alert changes are rare beside pushes: the one lock costs nothing there.
  `
  CREATE TABLE alert_rules (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    severity TEXT NOT NULL,
    rule_scope TEXT NOT NULL,
    rule_condition TEXT NOT NULL,
    is_enabled BOOLEAN NOT NULL,
    channel_ids TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );

  CREATE TABLE alert_change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
  );
  INSERT INTO alert_change_counter (id, value) VALUES (1, 0);

  CREATE TABLE alerts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id BIGINT NOT NULL,
    rule_version INTEGER NOT NULL,
    rule_name TEXT NOT NULL,
    severity TEXT NOT NULL,
    subject_id TEXT COLLATE "C" NOT NULL,
    cwm_id TEXT COLLATE "C" NOT NULL,
    site_id BIGINT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
    opened_at BIGINT NOT NULL,
    fired_at BIGINT,
    resolved_at BIGINT,
    trigger_value TEXT NOT NULL,
    clear_value TEXT NOT NULL,
    summary TEXT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT,
    acknowledgement_note TEXT,
    notified_at BIGINT,
    notify_due_at BIGINT,
    change_seq BIGINT NOT NULL
  );
  CREATE UNIQUE INDEX alerts_open_by_rule_subject ON alerts (rule_id, subject_id) WHERE state <> 'resolved';
  CREATE UNIQUE INDEX alerts_by_change ON alerts (change_seq);
  CREATE INDEX alerts_by_state ON alerts (state, change_seq);
  CREATE INDEX alerts_by_subject ON alerts (subject_id, change_seq);
  CREATE INDEX alerts_by_cwm ON alerts (cwm_id, change_seq);
  CREATE INDEX alerts_by_notify_due ON alerts (notify_due_at) WHERE notify_due_at IS NOT NULL;
  CREATE INDEX alerts_by_resolution ON alerts (state, resolved_at);

  CREATE TABLE alert_silences (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id BIGINT,
    site_id BIGINT,
    device_id TEXT COLLATE "C",
    until_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX alert_silences_by_until ON alert_silences (until_at);

  CREATE TABLE notification_channels (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    target TEXT NOT NULL,
    secret TEXT,
    is_enabled BOOLEAN NOT NULL,
    min_severity TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_success_at BIGINT,
    last_failure_at BIGINT,
    last_failure TEXT
  );
  CREATE UNIQUE INDEX notification_channels_by_name ON notification_channels (lower(name));

  CREATE TABLE notification_outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    message_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'failed')),
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_attempt_at BIGINT,
    last_error TEXT,
    delivered_at BIGINT
  );
  CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at, id) WHERE state = 'queued';
  CREATE INDEX notification_outbox_by_channel ON notification_outbox (channel_id, id);
  CREATE INDEX notification_outbox_by_state ON notification_outbox (state, id);
  CREATE INDEX notification_outbox_ended ON notification_outbox (created_at) WHERE state <> 'queued';
  `,
];

/** Quotes an identifier for SQL text (schema names cannot be bound as parameters). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Brings the schema up to date; safe on every open, from several nodes at once: the transaction-scoped
 * advisory lock makes them migrate one after the other, and the later ones find nothing left to do.
 * `schema` is created when missing (null: the connection's default schema).
 */
export async function migratePostgres(client: pg.ClientBase, schema: string | null, migrations: readonly string[] = POSTGRES_MIGRATIONS): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('opentps schema migrations'))");
    if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const current = await client.query<{ version: number }>('SELECT coalesce(max(version), 0)::integer AS version FROM schema_migrations');
    const applied = current.rows[0]?.version ?? 0;
    for (let version = applied; version < migrations.length; version++) {
      await client.query(migrations[version] ?? '');
      await client.query(
        'INSERT INTO schema_migrations (version, applied_at) VALUES ($1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)',
        [version + 1],
      );
    }
    await client.query('COMMIT');
    return Math.max(0, migrations.length - applied);
  } catch (error) {
    // The migration error is the one to report; a failed ROLLBACK only means the connection is gone.
    // The migration's own error is thrown below; a ROLLBACK on a broken connection adds nothing to it.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
