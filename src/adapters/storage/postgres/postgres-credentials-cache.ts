// Device credentials are read on every device request. Each node keeps the ones it has read, for as
// long as the database's change announcements (LISTEN, see migration 2) can tell it when they change:
// while the listener is down, every read goes to the database and nothing is kept. Unknown ids are
// never cached, so a device registered on another node is found at once.

import type { DeviceCredentials } from '../../../domain/device-store.js';
import { startNotificationListener, type NotificationListener } from './postgres-notification-listener.js';
import { DEVICE_CHANGE_CHANNEL } from './postgres-migrations.js';

/** Entries kept at most (oldest read first out): about 150 bytes each. */
const MAX_ENTRIES = 200_000;

export interface CredentialsCache {
  /** The cached credentials of `id`, or `load()`'s answer (kept when nothing changed meanwhile). */
  read(id: string, load: () => Promise<DeviceCredentials | null>): Promise<DeviceCredentials | null>;
  /** This node changed the device: drop it now rather than when the announcement comes back. */
  forget(id: string): void;
  /** This node changed what many devices' credentials derive from (a site's time zone): drop every entry. */
  forgetAll(): void;
  close(): Promise<void>;
}

export function createCredentialsCache(connectionString: string): CredentialsCache {
  const entries = new Map<string, DeviceCredentials>();
  // Bumped by every announcement and gap: a load that overlapped one may have read the old value.
  let generation = 0;
  let listener: NotificationListener | null = null;

  const forgetAll = (): void => {
    generation++;
    entries.clear();
  };

  const startListening = (): NotificationListener =>
    startNotificationListener({
      connectionString,
      channel: DEVICE_CHANGE_CHANNEL,
      onNotification(id) {
        // An empty payload (no device id is empty): a site changed, the time zone of any of its CWMs may have.
        if (id === '') {
          forgetAll();
          return;
        }
        generation++;
        entries.delete(id);
      },
      onGap: forgetAll,
    });

  return {
    async read(id, load) {
      // Started on first use: a CLI command that never authenticates a device opens no extra connection.
      listener ??= startListening();
      if (listener.isListening) {
        const cached = entries.get(id);
        if (cached) return cached;
      }
      const before = generation;
      const loaded = await load();
      if (loaded !== null && listener.isListening && generation === before) {
        if (entries.size >= MAX_ENTRIES) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) entries.delete(oldest);
        }
        entries.set(id, loaded);
      }
      return loaded;
    },
    forget(id) {
      generation++;
      entries.delete(id);
    },
    forgetAll,
    async close() {
      forgetAll();
      await listener?.close();
    },
  };
}
