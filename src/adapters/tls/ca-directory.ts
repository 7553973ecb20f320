// The certificate authority's files in DATA/ca/: root-cert.pem, root-key.pem (0600), issued/<serial>-cert.pem
// and -key.pem (0600), index.json, and server-cert.pem/server-key.pem (the newest server certificate, at a
// fixed path for nginx). Every write goes to a temporary file, is fsync'd, then renamed, so a
// crash leaves the old file or the new one, never half of one. Files (not the store) so that the CA
// works alike with SQLite and PostgreSQL: in a cluster, every node needs the same DATA/ca/ (or nginx
// terminates mutual TLS, see deploy/nginx/).

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CaIndex, PemPair } from '../../domain/ca-records.js';
import type { CaVault } from '../../domain/ca-vault.js';
import { OpenTpsError } from '../../errors.js';

const SECRET_MODE = 0o600;
const PUBLIC_MODE = 0o644;
/** A lock older than this was left by a process that died holding it (an index change takes milliseconds). */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `work` holding DATA/ca/index.lock, created exclusively: the CLI and a running server (or two CLI
 * commands) change the index one after the other, each from the other's result.
 */
function withIndexLock<T>(lockPath: string, work: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx', SECRET_MODE));
      break;
    } catch (cause) {
      if (!(cause instanceof Error && 'code' in cause && cause.code === 'EEXIST')) throw cause;
      try {
        if (Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS) rmSync(lockPath, { force: true });
      } catch {
        // Released meanwhile: try again.
      }
      if (Date.now() > deadline) throw new OpenTpsError('ERR_CA_FILES', `${lockPath} is held by another process`);
      sleepSync(10);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

/** Writes `path` atomically: temp file, fsync, rename, fsync of the directory. */
export function writeFileAtomic(path: string, content: string, mode: number): void {
  const dir = join(path, '..');
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

function parseIndex(text: string, path: string): CaIndex {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || !('version' in parsed) || parsed.version !== 1 || !('root' in parsed) || !('issued' in parsed) || !Array.isArray(parsed.issued)) {
    throw new OpenTpsError('ERR_CA_FILES', `${path} is not an OpenTPS CA index`);
  }
  // The index is written only by this module, from CaIndex values.
  return parsed as CaIndex;
}

function caFailure(action: string, cause: unknown): OpenTpsError {
  if (cause instanceof OpenTpsError) return cause;
  return new OpenTpsError('ERR_CA_FILES', `${action}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}

export function openCaDirectory(dir: string): CaVault {
  const indexPath = join(dir, 'index.json');
  const lockPath = join(dir, 'index.lock');
  const rootCertPath = join(dir, 'root-cert.pem');
  const rootKeyPath = join(dir, 'root-key.pem');
  const issuedDir = join(dir, 'issued');
  const issuedPath = (serial: string, part: 'cert' | 'key'): string => join(issuedDir, `${serial}-${part}.pem`);

  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (cause) {
      throw caFailure(`cannot read ${path}`, cause);
    }
  };

  const updateIndex = (change: (latest: CaIndex) => CaIndex): CaIndex => {
    try {
      return withIndexLock(lockPath, () => {
        const latest = parseIndex(read(indexPath), indexPath);
        const next = change(latest);
        writeFileAtomic(indexPath, `${JSON.stringify(next, null, 2)}\n`, PUBLIC_MODE);
        return next;
      });
    } catch (cause) {
      throw caFailure(`cannot update ${indexPath}`, cause);
    }
  };

  return {
    readIndex() {
      if (!existsSync(indexPath)) return null;
      try {
        return parseIndex(read(indexPath), indexPath);
      } catch (cause) {
        throw caFailure(`cannot parse ${indexPath}`, cause);
      }
    },

    changeStamp() {
      // Called on every device request (the client-auth mode depends on whether a CA exists): without a CA,
      // a throwing stat built an ENOENT error with its stack each time, measured at 8-11 % of a closed loop.
      try {
        const stat = statSync(indexPath, { bigint: true, throwIfNoEntry: false });
        return stat === undefined ? 'none' : `${stat.ino}:${stat.mtimeNs}:${stat.size}`;
      } catch {
        return 'none';
      }
    },

    createRoot(root, index) {
      // The index is written last: until it exists there is no CA, so a crash half-way leaves none, and
      // a second `ca init` finds the stale files and replaces them.
      if (existsSync(indexPath)) throw new OpenTpsError('ERR_CA_EXISTS', dir);
      try {
        mkdirSync(issuedDir, { recursive: true, mode: 0o700 });
        writeFileAtomic(rootKeyPath, root.keyPem, SECRET_MODE);
        writeFileAtomic(rootCertPath, root.certPem, PUBLIC_MODE);
      } catch (cause) {
        throw caFailure(`cannot write the CA root in ${dir}`, cause);
      }
      // Two `ca init` racing: only one may create the index.
      let fd: number;
      try {
        fd = openSync(indexPath, 'wx', PUBLIC_MODE);
      } catch (cause) {
        if (cause instanceof Error && 'code' in cause && cause.code === 'EEXIST') throw new OpenTpsError('ERR_CA_EXISTS', dir);
        throw caFailure(`cannot create ${indexPath}`, cause);
      }
      try {
        writeSync(fd, `${JSON.stringify(index, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },

    readRoot() {
      return { certPem: read(rootCertPath), keyPem: read(rootKeyPath) };
    },

    addIssued(serial, issued: PemPair, change) {
      try {
        mkdirSync(issuedDir, { recursive: true, mode: 0o700 });
        writeFileAtomic(issuedPath(serial, 'key'), issued.keyPem, SECRET_MODE);
        writeFileAtomic(issuedPath(serial, 'cert'), issued.certPem, PUBLIC_MODE);
      } catch (cause) {
        throw caFailure(`cannot write certificate ${serial}`, cause);
      }
      updateIndex(change);
    },

    readIssued(serial) {
      return { certPem: read(issuedPath(serial, 'cert')), keyPem: read(issuedPath(serial, 'key')) };
    },

    publishServerIdentity(identity) {
      try {
        writeFileAtomic(join(dir, 'server-key.pem'), identity.keyPem, SECRET_MODE);
        writeFileAtomic(join(dir, 'server-cert.pem'), identity.certPem, PUBLIC_MODE);
      } catch (cause) {
        throw caFailure('cannot write server-cert.pem', cause);
      }
    },

    updateIndex,
  };
}
