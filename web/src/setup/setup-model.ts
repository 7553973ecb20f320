// The shapes of the CA and setup API (docs/api.md, "Certificate authority and CWM setup"): the server's schemas.
import type { Static } from '@sinclair/typebox';
import type { CaStatusSchema, CertificateSchema, ExportListSchema } from '../../../src/adapters/admin-api/schemas/ca-schemas.js';

export type Certificate = Static<typeof CertificateSchema>;
export type CaStatus = Static<typeof CaStatusSchema>;
export type CaRoot = NonNullable<CaStatus['root']>;
export type ClientAuthMode = CaStatus['clientAuthMode'];
export type ExportFileInfo = Static<typeof ExportListSchema>['files'][number];
