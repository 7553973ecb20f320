// /api/v1/ca: the private CA of the custom-endpoint kit and the files a CWM needs (docs/api.md
// "Certificate authority and CWM setup").

import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable, StringEnum } from './common-schemas.js';

export const KEY_ALGORITHM_VALUES = ['rsa-2048', 'ecdsa-p256'] as const;
export const CLIENT_AUTH_MODE_VALUES = ['none', 'provision', 'all'] as const;

export const CertificateSchema = Type.Object({
  serial: Type.String(),
  kind: StringEnum(['server', 'client'] as const),
  label: Type.String(),
  subject: Type.String(),
  names: Type.Array(Type.String()),
  issuedAt: IsoTime(),
  notAfter: IsoTime(),
  revokedAt: Nullable(IsoTime()),
  state: StringEnum(['valid', 'expired', 'revoked'] as const),
});

export const CaStatusSchema = Type.Object({
  exists: Type.Boolean(),
  root: Nullable(
    Type.Object({
      name: Type.String(),
      subject: Type.String(),
      serial: Type.String(),
      algorithm: StringEnum(KEY_ALGORITHM_VALUES),
      createdAt: IsoTime(),
      notAfter: IsoTime(),
      sha256Fingerprint: Type.String(),
    }),
  ),
  serverCertificate: Nullable(CertificateSchema),
  clientCertificates: Type.Array(CertificateSchema),
  clientAuthMode: StringEnum(CLIENT_AUTH_MODE_VALUES),
  isServingTlsDirectly: Type.Boolean(),
  isUsingOperatorCertificate: Type.Boolean(),
});

export const NewCaBody = Type.Object(
  { name: Type.Optional(Type.String()), algorithm: Type.Optional(StringEnum(KEY_ALGORITHM_VALUES, { description: 'rsa-2048 by default' })) },
  { additionalProperties: false },
);

export const CreatedCaSchema = Type.Object({
  name: Type.String(),
  serial: Type.String(),
  algorithm: StringEnum(KEY_ALGORITHM_VALUES),
  notAfter: IsoTime(),
  sha256Fingerprint: Type.String(),
});

export const ServerCertificateBody = Type.Object(
  { names: Type.Array(Type.String(), { description: 'DNS names and IP addresses the CWMs will call' }) },
  { additionalProperties: false },
);

export const ClientCertificateBody = Type.Object({ label: Type.String() }, { additionalProperties: false });

export const IssuedClientCertificateSchema = Type.Object({ certificate: CertificateSchema, certPem: Type.String() });

export const CertificateListSchema = Type.Object({ items: Type.Array(CertificateSchema, { description: 'newest first' }) });

export const SerialParams = Type.Object({ serial: Type.String() });

export const ExportQuery = Type.Object({ label: Type.Optional(Type.String({ description: 'the client certificate label; the newest valid one by default' })) });

export const ExportListSchema = Type.Object({
  maxPemBytes: Type.Integer(),
  files: Type.Array(Type.Object({ name: Type.String(), slot: Type.String(), bytes: Type.Integer(), isSecret: Type.Boolean(), isUnderLimit: Type.Boolean() })),
});

export const ExportFileParams = Type.Object({ name: Type.String({ description: 'an export file name' }) });

export const ExportFileSchema = Type.String({ description: 'the PEM file or README.txt' });
