// The server's cost over the fleet's measured window, read from /proc: the CPU of its main thread (the
// event loop: at 100 % requests queue there, whatever the other cores do) and of the whole process (with
// the SQLite checkpoint worker, libuv's pool and GC threads), its memory, and its write-ahead log.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { readCpuSeconds, readPeakRssMb, readRssMb, readThreadCpuSeconds } from './process-usage.js';

/** The store's write-ahead log over the window, in MB; `label` says which figure that is. */
export interface WalGauge {
  readonly label: string;
  open(): Promise<void>;
  close(): Promise<number>;
}

export interface ServerWindowUsage {
  readonly seconds: number;
  readonly cpuPercent: number;
  readonly mainThreadCpuPercent: number;
  /** At the window's close, and the most the process ever held (VmHWM). */
  readonly rssMb: number;
  readonly peakRssMb: number;
  readonly walMb: number;
}

interface CpuReading {
  readonly atMs: number;
  readonly processS: number;
  readonly mainThreadS: number;
}

const MB = 2 ** 20;

function readCpu(pid: number): CpuReading {
  return { atMs: performance.now(), processS: readCpuSeconds(pid), mainThreadS: readThreadCpuSeconds(pid, pid) };
}

/** Opened and closed by the simulator's window lines (synchronous /proc reads, so the edges are exact). */
export function watchServerWindow(pid: number, wal: WalGauge): { open(): void; close(): void; result(): Promise<ServerWindowUsage | null> } {
  let opened: { cpu: CpuReading; wal: Promise<void> } | null = null;
  let closed: { cpu: CpuReading; rssMb: number; peakRssMb: number; walMb: Promise<number> } | null = null;
  return {
    open() {
      opened ??= { cpu: readCpu(pid), wal: wal.open() };
    },
    close() {
      if (opened === null || closed !== null) return;
      const walOpened = opened.wal;
      closed = { cpu: readCpu(pid), rssMb: readRssMb(pid), peakRssMb: readPeakRssMb(pid), walMb: walOpened.then(() => wal.close()) };
    },
    async result() {
      if (opened === null || closed === null) return null;
      const seconds = (closed.cpu.atMs - opened.cpu.atMs) / 1000;
      return {
        seconds,
        cpuPercent: ((closed.cpu.processS - opened.cpu.processS) / seconds) * 100,
        mainThreadCpuPercent: ((closed.cpu.mainThreadS - opened.cpu.mainThreadS) / seconds) * 100,
        rssMb: closed.rssMb,
        peakRssMb: closed.peakRssMb,
        walMb: await closed.walMb,
      };
    },
  };
}

/** SQLite: the largest total size of the data directory's `*-wal` files, checked every second of the window. */
export function sqliteWalGauge(dataDir: string): WalGauge {
  const readBytes = (): number =>
    readdirSync(dataDir)
      .filter((name) => name.endsWith('-wal'))
      .reduce((sum, name) => sum + (statSync(join(dataDir, name), { throwIfNoEntry: false })?.size ?? 0), 0);
  let largest = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    label: 'largest size of the *-wal files in the window',
    async open() {
      largest = readBytes();
      timer = setInterval(() => (largest = Math.max(largest, readBytes())), 1000);
    },
    async close() {
      clearInterval(timer);
      return Math.max(largest, readBytes()) / MB;
    },
  };
}

/** PostgreSQL: WAL written during the window (pg_current_wal_lsn moves; pg_wal's size is recycled segments). */
export function postgresWalGauge(connectionString: string): WalGauge {
  let openedLsn = '';
  const currentLsn = async (): Promise<string> => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      const result = await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      return result.rows[0]?.lsn ?? '0/0';
    } finally {
      await client.end();
    }
  };
  return {
    label: 'WAL PostgreSQL wrote in the window (the whole cluster)',
    async open() {
      openedLsn = await currentLsn();
    },
    async close() {
      return (lsnBytes(await currentLsn()) - lsnBytes(openedLsn)) / MB;
    },
  };
}

/** `16/B374D848` -> bytes. */
function lsnBytes(lsn: string): number {
  const [high = '0', low = '0'] = lsn.split('/');
  return parseInt(high, 16) * 2 ** 32 + parseInt(low, 16);
}
