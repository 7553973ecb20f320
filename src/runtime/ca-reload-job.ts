// Follows the CA files while the server runs: when `opentps ca ...` (or the console) creates the CA or a
// server certificate, new TLS connections get it within one interval, without a restart. --cert/--key are
// never replaced.

import type { Logger } from 'pino';
import type { TlsIdentity } from '../adapters/tls/self-signed-certificate.js';
import type { TlsContextUpdate } from '../adapters/device-http/device-app.js';
import type { OpenTpsConfig } from '../config/config-schema.js';
import type { CertificateAuthority } from '../domain/certificate-authority.js';
import { effectiveClientAuthMode } from '../domain/client-auth-mode.js';
import type { PeriodicJob } from './periodic-jobs.js';

/** How often a running server looks for CA changes (a new server certificate, a new CA) made by the CLI or console. */
export const CA_RELOAD_CHECK_MS = 1000;

export interface CaReloadDeps {
  readonly config: Pick<OpenTpsConfig, 'certFile' | 'clientAuth'>;
  readonly ca: Pick<CertificateAuthority, 'changeStamp' | 'serverIdentity' | 'rootCertificatePem' | 'exists'>;
  /** The identity served at start; null over plain HTTP, where there is nothing to reload. */
  readonly tls: TlsIdentity | null;
  readonly updateTlsContext: (update: TlsContextUpdate) => void;
  readonly logger: Pick<Logger, 'info'>;
}

/** A job comparing the CA's change stamp at each run; a change swaps the TLS settings of new connections. */
export function createCaReloadJob(deps: CaReloadDeps): PeriodicJob {
  const { config, ca, tls } = deps;
  let lastStamp = ca.changeStamp();
  return {
    name: 'ca-reload',
    intervalMs: CA_RELOAD_CHECK_MS,
    failureMessage: 'reloading the TLS settings after a CA change failed; keeping the previous ones',
    run() {
      const stamp = ca.changeStamp();
      if (stamp === lastStamp || tls === null) return;
      // Taken before the swap: a swap that throws (a half-written file) is reported, and the previous
      // settings stay until the next change.
      lastStamp = stamp;
      const fromCa = config.certFile !== null ? null : ca.serverIdentity();
      const identity = fromCa ?? { certPem: tls.certPem, keyPem: tls.keyPem };
      deps.updateTlsContext({ ...identity, clientCaPem: ca.rootCertificatePem() });
      deps.logger.info(
        { certificate: fromCa !== null ? 'our CA server certificate' : tls.source, clientAuth: effectiveClientAuthMode(config.clientAuth, ca.exists()) },
        'certificate authority changed: TLS settings reloaded for new connections',
      );
    },
  };
}
