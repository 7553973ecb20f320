// The shapes of the CA and setup API (docs/api.md, "Certificate authority and CWM setup"), parsed once here.
import { readArray, readBoolean, readEnum, readNumber, readObject, readOptionalString, readString, readStringArray } from '../json-reader.js';

export const CLIENT_AUTH_MODES = ['none', 'provision', 'all'] as const;
export type ClientAuthMode = (typeof CLIENT_AUTH_MODES)[number];

export interface Certificate {
  readonly serial: string;
  readonly kind: 'server' | 'client';
  readonly label: string;
  readonly subject: string;
  readonly names: readonly string[];
  readonly notAfter: string;
  readonly revokedAt: string | null;
  readonly state: 'valid' | 'expired' | 'revoked';
}

export interface CaRoot {
  readonly name: string;
  readonly algorithm: string;
  readonly serial: string;
  readonly notAfter: string;
  readonly sha256Fingerprint: string;
}

export interface CaStatus {
  readonly root: CaRoot | null;
  readonly serverCertificate: Certificate | null;
  readonly clientCertificates: readonly Certificate[];
  readonly clientAuthMode: ClientAuthMode;
  readonly isServingTlsDirectly: boolean;
  readonly isUsingOperatorCertificate: boolean;
}

export interface ExportFileInfo {
  readonly name: string;
  readonly slot: string;
  readonly bytes: number;
  readonly isSecret: boolean;
  readonly isUnderLimit: boolean;
}

export function parseCertificate(value: unknown, path = 'certificate'): Certificate {
  const object = readObject(value, path);
  return {
    serial: readString(object, 'serial', path),
    kind: readEnum(object, 'kind', ['server', 'client'] as const, path),
    label: readString(object, 'label', path),
    subject: readString(object, 'subject', path),
    names: readStringArray(object, 'names', path),
    notAfter: readString(object, 'notAfter', path),
    revokedAt: readOptionalString(object, 'revokedAt', path),
    state: readEnum(object, 'state', ['valid', 'expired', 'revoked'] as const, path),
  };
}

export function parseCaStatus(value: unknown): CaStatus {
  const object = readObject(value, 'ca');
  const rootValue = object['root'];
  const root = rootValue === null || rootValue === undefined ? null : readObject(rootValue, 'ca.root');
  return {
    root:
      root === null
        ? null
        : {
            name: readString(root, 'name', 'ca.root'),
            algorithm: readString(root, 'algorithm', 'ca.root'),
            serial: readString(root, 'serial', 'ca.root'),
            notAfter: readString(root, 'notAfter', 'ca.root'),
            sha256Fingerprint: readString(root, 'sha256Fingerprint', 'ca.root'),
          },
    serverCertificate: object['serverCertificate'] === null ? null : parseCertificate(object['serverCertificate'], 'ca.serverCertificate'),
    clientCertificates: readArray(object['clientCertificates'], 'ca.clientCertificates').map((item, index) => parseCertificate(item, `ca.clientCertificates[${index}]`)),
    clientAuthMode: readEnum(object, 'clientAuthMode', CLIENT_AUTH_MODES, 'ca'),
    isServingTlsDirectly: readBoolean(object, 'isServingTlsDirectly', 'ca'),
    isUsingOperatorCertificate: readBoolean(object, 'isUsingOperatorCertificate', 'ca'),
  };
}

export function parseExportFiles(value: unknown): ExportFileInfo[] {
  const object = readObject(value, 'export');
  return readArray(object['files'], 'export.files').map((item, index) => {
    const path = `export.files[${index}]`;
    const file = readObject(item, path);
    return {
      name: readString(file, 'name', path),
      slot: readString(file, 'slot', path),
      bytes: readNumber(file, 'bytes', path),
      isSecret: readBoolean(file, 'isSecret', path),
      isUnderLimit: readBoolean(file, 'isUnderLimit', path),
    };
  });
}
