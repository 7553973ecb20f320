// The storage port of the certificate authority: the root key and certificate, the issued certificates
// and their keys, and the index. Kept as files in the data directory (adapters/tls/ca-directory.ts),
// so it works the same with the SQLite and the PostgreSQL store.

import type { CaIndex, PemPair } from './ca-records.js';

export interface CaVault {
  /** Null when no CA was created. */
  readIndex(): CaIndex | null;
  /** Changes whenever the index is rewritten (by this process or another), for cheap reload checks. */
  changeStamp(): string;
  /** Creates the CA; refuses with ERR_CA_EXISTS (writing nothing) when one exists. */
  createRoot(root: PemPair, index: CaIndex): void;
  readRoot(): PemPair;
  /**
   * Writes an issued certificate and its key, then the index as `change` makes it from the index as it is
   * now. Index changes are serialised across processes (the CLI and a running server may both issue or
   * revoke): none is lost.
   */
  addIssued(serial: string, issued: PemPair, change: (latest: CaIndex) => CaIndex): void;
  readIssued(serial: string): PemPair;
  /** Rewrites the index as `change` makes it from the index as it is now (serialised as above); returns the result. */
  updateIndex(change: (latest: CaIndex) => CaIndex): CaIndex;
  /** Keeps a copy of the newest server certificate and key at a fixed path, for nginx's ssl_certificate. */
  publishServerIdentity(identity: PemPair): void;
}
