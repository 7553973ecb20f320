// The files a CWM needs for its custom endpoints (PROTOCOL.md Part B 3.1), one PEM per file, named for
// the order they are entered in the OKE Simulator, each checked to be under the CWM's 4096-byte limit,
// plus a README.txt with the steps.

import { OpenTpsError } from '../errors.js';
import type { CertificateAuthority } from './certificate-authority.js';

/** "PEM X.509, each <4096 bytes" (Part B 3.1). */
export const MAX_PEM_BYTES = 4096;

export interface ExportFile {
  readonly name: string;
  /** The CWM setting the file goes into. */
  readonly slot: string;
  readonly content: string;
  readonly bytes: number;
  readonly isSecret: boolean;
}

export const EXPORT_FILE_NAMES = {
  serverRoot: '1-server-root-ca.pem',
  clientCert: '2-client-provisioning-cert.pem',
  clientKey: '3-client-provisioning-key.pem',
  clientRoot: '4-client-root-ca.pem',
  readme: 'README.txt',
} as const;

export function isExportFileName(name: string): boolean {
  return (Object.values(EXPORT_FILE_NAMES) as string[]).includes(name);
}

function file(name: string, slot: string, content: string, isSecret = false): ExportFile {
  return { name, slot, content, bytes: new TextEncoder().encode(content).length, isSecret };
}

/** The setup steps, in order, for README.txt (the console's setup page and docs/cwm-setup.md say the same). */
export function setupGuideText(endpoint: string, caName: string, clientLabel: string): string {
  return `OpenTPS files for a ConnectWare module (CWM2) - CA "${caName}", client certificate "${clientLabel}"

Before you start: the CWM2 firmware must be version 130 or later. Use the latest OKE Simulator from the
Connectware repository (custom endpoints enabled), connected to the CWM by USB or serial.

1. Endpoints: OKE Simulator commands 'p' (provision), '>' (push) and '<' (pull). Enter the same bare
   value in all three:
       ${endpoint}
   No "https://", no path, no ":port", no "?query" - the CWM always uses HTTPS on port 443.
2. Server root CA (verifies the provisioning, push and pull servers): ${EXPORT_FILE_NAMES.serverRoot}
3. Client provisioning certificate: ${EXPORT_FILE_NAMES.clientCert}
4. Client provisioning private key: ${EXPORT_FILE_NAMES.clientKey}   (secret: delete it once entered)
5. Root CA for the client certificate: ${EXPORT_FILE_NAMES.clientRoot}
   Each file is one PEM under 4096 bytes; enter each on its own (CWMs take no bundles).
6. Check with the simulator's 'c' command that all three endpoints are set: the CWM only calls the
   server once all three are configured.
7. Network: with custom endpoints the CWM no longer uses a SAP. Set a WiFi network with the simulator's
   '3' command, or plug in Ethernet.
8. From a browser, open https://${endpoint}/pull : it must answer {"pull":false}.
9. Connect the CWM to the OKE. If the OKE uses another port than the simulator cable (usb, ttl, 232,
   485), queue the Port command to the CWM: _dst ["<CWM id>"], _cmd wr,
   _pld {"oke":{"port":"232","baud":115200}} (console: setup page, "Port command").

The OKE Simulator's key letters for the certificate settings (steps 2-5) are not in the vendor's public
documentation; they are entered in the same custom-endpoint menu. File names follow the order above.
`;
}

/**
 * Every file for one client certificate (the newest usable one, or the one labelled `label`).
 * @throws OpenTpsError ERR_CA_MISSING, ERR_CERT_NOT_FOUND, ERR_PEM_TOO_LARGE (nothing is returned then)
 */
export function buildCwmExport(ca: CertificateAuthority, label?: string): ExportFile[] {
  const status = ca.status();
  const rootPem = ca.rootCertificatePem();
  if (status.root === null || rootPem === null) throw new OpenTpsError('ERR_CA_MISSING');
  const client = ca.findClientCertificate(label);
  const endpoint = status.serverCertificate?.names[0] ?? '<the DNS name or IP address of this server>';
  const files = [
    file(EXPORT_FILE_NAMES.serverRoot, 'Root CA for the provisioning, push and pull servers', rootPem),
    file(EXPORT_FILE_NAMES.clientCert, 'Client provisioning certificate', client.certPem),
    file(EXPORT_FILE_NAMES.clientKey, 'Client provisioning private key', client.keyPem, true),
    file(EXPORT_FILE_NAMES.clientRoot, 'Root CA for the client provisioning certificate', rootPem),
  ];
  const tooLarge = files.filter((f) => f.bytes >= MAX_PEM_BYTES);
  if (tooLarge.length > 0) throw new OpenTpsError('ERR_PEM_TOO_LARGE', tooLarge.map((f) => `${f.name} is ${f.bytes} bytes`).join(', '));
  return [...files, file(EXPORT_FILE_NAMES.readme, 'The steps, in order', setupGuideText(endpoint, status.root.name, client.certificate.label))];
}
