// CPU and memory of another process, read from /proc (Linux): CPU seconds used, current and peak RSS;
// and the whole machine's busy CPU seconds, to tell what other work ran beside a benchmark.

import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_S = 100;

/** CPU seconds of every thread of the process. */
export function readCpuSeconds(pid: number): number {
  return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** CPU seconds of one thread; the main thread (a Node process's event loop) has the process's own id. */
export function readThreadCpuSeconds(pid: number, threadId: number): number {
  return cpuSecondsOfStat(readFileSync(`/proc/${pid}/task/${threadId}/stat`, 'utf8'));
}

function cpuSecondsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of /proc/pid/stat (11 and 12 after the command name).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

export function readPeakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

export function readRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** CPU seconds every core of the machine spent busy so far (all of /proc/stat's `cpu` line but idle and iowait). */
export function readMachineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const busy = ticks.slice(0, 8).reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0);
  return busy / CLOCK_TICKS_PER_S;
}

/** CPU seconds used so far by every live process whose command is `name` (e.g. the PostgreSQL server's). */
export function readCpuSecondsByCommand(name: string): Map<number, number> {
  const usage = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== name) continue;
      usage.set(Number(entry), readCpuSeconds(Number(entry)));
    } catch {
      // The process ended while we looked.
    }
  }
  return usage;
}

/** CPU seconds those processes used between two readings (processes started meanwhile count whole). */
export function cpuSecondsBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}
