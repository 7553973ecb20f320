// One dedicated connection per node that LISTENs on a channel and hands each notification's payload to
// the node. It says whether it is listening: while it is not (not yet connected, connection lost), the
// node must not trust anything it cached on the strength of notifications, since some may be missed.

import pg from 'pg';

export interface NotificationListener {
  /** True once LISTEN succeeded, false again from the moment the connection fails until it is back. */
  readonly isListening: boolean;
  close(): Promise<void>;
}

export interface NotificationListenerOptions {
  readonly connectionString: string;
  /** Channels are per database, not per schema: stores in other schemas of one database hear each other (harmless for a cache). */
  readonly channel: string;
  readonly onNotification: (payload: string) => void;
  /** Called when listening stops or starts again: whatever was cached is no longer covered. */
  readonly onGap: () => void;
  readonly reconnectDelayMs?: number;
  /** How often the connection is checked with a query; no answer by the next check counts as lost. */
  readonly checkEveryMs?: number;
}

export function startNotificationListener(options: NotificationListenerOptions): NotificationListener {
  let client: pg.Client | null = null;
  let isListening = false;
  let isClosed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  // A connection can die silently (a network partition): notifications would stop with no error. A
  // query every few seconds that must be answered before the next one bounds how long that goes unseen.
  let isCheckPending = false;
  const checkTimer = setInterval(() => {
    const current = client;
    if (!isListening || current === null) return;
    if (isCheckPending) {
      lose();
      return;
    }
    isCheckPending = true;
    current.query('SELECT 1').then(
      () => {
        if (client === current) isCheckPending = false;
      },
      () => {
        if (client === current) lose();
      },
    );
  }, options.checkEveryMs ?? 5000);
  checkTimer.unref();

  const lose = (): void => {
    if (isListening) options.onGap();
    isListening = false;
    isCheckPending = false;
    const broken = client;
    client = null;
    broken?.removeAllListeners();
    broken?.on('error', () => undefined);
    // Closing a connection already lost (onGap told the cache); its end() fails as often as not.
    void broken?.end().catch(() => undefined);
    if (!isClosed && retryTimer === null) {
      retryTimer = setTimeout(() => {
        retryTimer = null;
        void connect();
      }, options.reconnectDelayMs ?? 1000);
      retryTimer.unref();
    }
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.connectionString, application_name: 'opentps-listener' });
    client = next;
    next.on('error', lose);
    next.on('end', () => {
      if (client === next) lose();
    });
    next.on('notification', (message) => {
      if (message.channel === options.channel && message.payload !== undefined) options.onNotification(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${options.channel}`);
      if (isClosed || client !== next) {
        // Closed or replaced meanwhile: this connection is surplus, and a failure to end it loses nothing.
        await next.end().catch(() => undefined);
        return;
      }
      // Anything cached before this point may have changed unannounced.
      options.onGap();
      isListening = true;
    } catch {
      if (client === next) lose();
    }
  }

  // connect() cannot reject: a failure is a lost connection (lose), retried after reconnectDelayMs.
  void connect();
  return {
    get isListening() {
      return isListening;
    },
    async close() {
      isClosed = true;
      clearInterval(checkTimer);
      if (retryTimer !== null) clearTimeout(retryTimer);
      isListening = false;
      const open = client;
      client = null;
      open?.removeAllListeners();
      open?.on('error', () => undefined);
      await open?.end().catch(() => undefined);
    },
  };
}
