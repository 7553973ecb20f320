// Our private certificate authority (PROTOCOL.md Part B 3.1: "run your own signing authority"): one
// long-lived root, the server certificate for the names CWMs use, client provisioning certificates,
// revocation, and the files a CWM needs. Keys and X.509 come through ports (ca-vault, certificate-minter).

import { OpenTpsError } from '../errors.js';
import { checkEndpointName } from '../protocol/endpoint-name.js';
import type { CaIndex, CaRootRecord, IssuedCertificate, KeyAlgorithm, PemPair } from './ca-records.js';
import type { CaVault } from './ca-vault.js';
import type { CertificateMinter, SubjectName } from './certificate-minter.js';
import { normalizeSerial } from './client-certificate-verdict.js';
import type { Clock } from './clock.js';

const DAY_MS = 86_400_000;
/** CWM root-CA slots are few and reconfiguring one needs the OKE Simulator: the root outlives the hardware. */
const ROOT_VALIDITY_DAYS = 25 * 365;
/** Client certificates live in the CWM, so they are long-lived too. */
const CLIENT_VALIDITY_DAYS = 10 * 365;
/** Apple platforms refuse TLS server certificates valid longer than 825 days, even from a private CA. */
const SERVER_VALIDITY_DAYS = 825;
/** A CWM that has not yet asked /time may run a little behind. */
const BACKDATE_MS = DAY_MS;
const MAX_SERVER_NAMES = 20;
const NAME_PATTERN = /^[^\u0000-\u001f\u007f"\\=,+;<>#]{1,64}$/;
const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
export const DEFAULT_CA_NAME = 'OpenTPS';

export interface CaStatus {
  readonly root: CaRootRecord | null;
  /** The certificate `opentps serve` uses: the newest one neither revoked nor expired. */
  readonly serverCertificate: IssuedCertificate | null;
  readonly clientCertificates: readonly IssuedCertificate[];
}

export interface IssuedWithKey {
  readonly certificate: IssuedCertificate;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CertificateAuthorityDeps {
  readonly vault: CaVault;
  readonly minter: CertificateMinter;
  readonly clock: Clock;
  /** A random positive serial of at least 64 bits, upper-case hex. */
  readonly newSerial: () => string;
}

export interface CertificateAuthority {
  /** True once `init` ran (cheap: checked on every device request). */
  exists(): boolean;
  status(): CaStatus;
  init(options?: { name?: string | undefined; algorithm?: KeyAlgorithm | undefined }): Promise<CaRootRecord>;
  issueServerCertificate(names: readonly string[]): Promise<IssuedCertificate>;
  issueClientCertificate(label: string): Promise<IssuedWithKey>;
  list(): readonly IssuedCertificate[];
  revoke(serial: string): IssuedCertificate;
  /** The newest client certificate with `label` (any label when absent) that is neither revoked nor expired, with its key. */
  findClientCertificate(label?: string): IssuedWithKey;
  /** The PEM pair `opentps serve` should use, or null to fall back to the self-signed one. */
  serverIdentity(): PemPair | null;
  rootCertificatePem(): string | null;
  /** Reads the revocation list again when the index changed (another process may have revoked). */
  isRevoked(serial: string): boolean;
  /** Changes when any process changes the CA (for reloading the TLS context). */
  changeStamp(): string;
}

function isUsable(certificate: IssuedCertificate, nowMs: number): boolean {
  return certificate.revokedAtMs === null && certificate.notAfterMs > nowMs;
}

function newestFirst(list: readonly IssuedCertificate[]): IssuedCertificate[] {
  return [...list].sort((a, b) => b.issuedAtMs - a.issuedAtMs);
}

export function createCertificateAuthority(deps: CertificateAuthorityDeps): CertificateAuthority {
  const { vault, minter, clock } = deps;
  let cachedStamp: string | null = null;
  let cachedIndex: CaIndex | null = null;

  /** The index as of now; re-read only when the files changed. */
  const currentIndex = (): CaIndex | null => {
    const stamp = vault.changeStamp();
    if (stamp !== cachedStamp) {
      cachedIndex = vault.readIndex();
      cachedStamp = stamp;
    }
    return cachedIndex;
  };
  const requireIndex = (): CaIndex => {
    const index = currentIndex();
    if (index === null) throw new OpenTpsError('ERR_CA_MISSING');
    return index;
  };

  const issueLeaf = async (
    kind: IssuedCertificate['kind'], label: string, names: readonly SubjectName[], validityDays: number,
  ): Promise<IssuedWithKey> => {
    const index = requireIndex();
    const issuer = vault.readRoot();
    const nowMs = clock.nowMs();
    const serial = normalizeSerial(deps.newSerial());
    const minted = await minter.issue({
      issuer, kind, commonName: label, organization: index.root.name, names, serial,
      notBefore: new Date(nowMs - BACKDATE_MS), notAfter: new Date(nowMs + validityDays * DAY_MS), algorithm: index.root.algorithm,
    });
    const certificate: IssuedCertificate = {
      serial, kind, label, subject: minted.subject, names: names.map((name) => name.value),
      issuedAtMs: nowMs, notBeforeMs: nowMs - BACKDATE_MS, notAfterMs: nowMs + validityDays * DAY_MS, revokedAtMs: null,
    };
    // Applied to the index as it is when written (after the slow key generation), under the vault's lock:
    // a certificate issued or revoked meanwhile by another process is kept.
    vault.addIssued(serial, minted, (latest) => ({ ...latest, issued: [...latest.issued, certificate] }));
    return { certificate, certPem: minted.certPem, keyPem: minted.keyPem };
  };

  const authority: CertificateAuthority = {
    exists() {
      return currentIndex() !== null;
    },

    status() {
      const index = currentIndex();
      if (index === null) return { root: null, serverCertificate: null, clientCertificates: [] };
      const nowMs = clock.nowMs();
      const ordered = newestFirst(index.issued);
      return {
        root: index.root,
        serverCertificate: ordered.find((c) => c.kind === 'server' && isUsable(c, nowMs)) ?? null,
        clientCertificates: ordered.filter((c) => c.kind === 'client'),
      };
    },

    async init(options = {}) {
      const name = (options.name ?? DEFAULT_CA_NAME).trim();
      if (!NAME_PATTERN.test(name)) throw new OpenTpsError('ERR_CA_NAME_INVALID', JSON.stringify(options.name ?? ''));
      if (currentIndex() !== null) throw new OpenTpsError('ERR_CA_EXISTS');
      const algorithm = options.algorithm ?? 'rsa-2048';
      const nowMs = clock.nowMs();
      const serial = normalizeSerial(deps.newSerial());
      const notAfterMs = nowMs + ROOT_VALIDITY_DAYS * DAY_MS;
      const minted = await minter.createRoot({
        commonName: `${name} root CA`.slice(0, 64), organization: name, serial,
        notBefore: new Date(nowMs - BACKDATE_MS), notAfter: new Date(notAfterMs), algorithm,
      });
      const root: CaRootRecord = { name, subject: minted.subject, serial, algorithm, createdAtMs: nowMs, notAfterMs, sha256Fingerprint: minted.sha256Fingerprint };
      vault.createRoot(minted, { version: 1, root, issued: [] });
      return root;
    },

    async issueServerCertificate(rawNames) {
      const names = [...new Set(rawNames.map((name) => name.trim().toLowerCase()))];
      if (names.length === 0 || names.length > MAX_SERVER_NAMES) throw new OpenTpsError('ERR_CERT_NAMES_INVALID', `${names.length} names given`);
      const subjectNames = names.map((name): SubjectName => {
        const check = checkEndpointName(name);
        if (!check.isValid) throw new OpenTpsError('ERR_CERT_NAMES_INVALID', `${JSON.stringify(name)}: ${check.reason}`);
        return { type: check.kind === 'dns' ? 'dns' : 'ip', value: check.value.replace(/\.$/, '') };
      });
      requireIndex();
      const first = subjectNames[0]?.value ?? 'server';
      const issued = await issueLeaf('server', first, subjectNames, SERVER_VALIDITY_DAYS);
      vault.publishServerIdentity(issued);
      return issued.certificate;
    },

    async issueClientCertificate(rawLabel) {
      const label = rawLabel.trim();
      if (!LABEL_PATTERN.test(label)) throw new OpenTpsError('ERR_CERT_LABEL_INVALID', JSON.stringify(rawLabel));
      return issueLeaf('client', label, [], CLIENT_VALIDITY_DAYS);
    },

    list() {
      return newestFirst(requireIndex().issued);
    },

    revoke(rawSerial) {
      const serial = normalizeSerial(rawSerial);
      requireIndex();
      let revoked: IssuedCertificate | null = null;
      // Decided on the index as it is under the lock: another process may have revoked it a moment ago.
      vault.updateIndex((latest) => {
        const found = latest.issued.find((c) => c.serial === serial);
        if (found === undefined || serial === '') throw new OpenTpsError('ERR_CERT_NOT_FOUND', JSON.stringify(rawSerial));
        if (found.revokedAtMs !== null) throw new OpenTpsError('ERR_CERT_ALREADY_REVOKED', serial);
        const marked: IssuedCertificate = { ...found, revokedAtMs: clock.nowMs() };
        revoked = marked;
        return { ...latest, issued: latest.issued.map((c) => (c.serial === serial ? marked : c)) };
      });
      if (revoked === null) throw new OpenTpsError('ERR_CERT_NOT_FOUND', JSON.stringify(rawSerial));
      return revoked;
    },

    findClientCertificate(label) {
      const nowMs = clock.nowMs();
      const found = newestFirst(requireIndex().issued).find((c) => c.kind === 'client' && isUsable(c, nowMs) && (label === undefined || c.label === label));
      if (found === undefined) {
        throw new OpenTpsError('ERR_CERT_NOT_FOUND', label === undefined ? 'no client certificate yet: run `opentps ca client-cert <label>`' : `no usable client certificate labelled ${JSON.stringify(label)}`);
      }
      return { certificate: found, ...vault.readIssued(found.serial) };
    },

    serverIdentity() {
      const server = authority.status().serverCertificate;
      return server === null ? null : vault.readIssued(server.serial);
    },

    rootCertificatePem() {
      return currentIndex() === null ? null : vault.readRoot().certPem;
    },

    isRevoked(serial) {
      const index = currentIndex();
      const wanted = normalizeSerial(serial);
      return index?.issued.some((c) => c.serial === wanted && c.revokedAtMs !== null) ?? false;
    },

    changeStamp() {
      return vault.changeStamp();
    },
  };
  return authority;
}
