// GET /api/v1/health: what /healthz decides, with the detail, and free disk space (docs/api.md "Health (operators)").

import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable, StringEnum } from './common-schemas.js';

export const NodeHealthSchema = Type.Object({
  status: StringEnum(['ok', 'warning', 'unavailable'] as const),
  store: Type.Object({
    isAvailable: Type.Boolean(),
    error: Nullable(Type.String({ description: 'ERR_STORE_UNAVAILABLE while the store cannot write' })),
    reason: Nullable(Type.String({ description: 'disk full, I/O error, not answering, ...' })),
    failingSince: Nullable(IsoTime()),
    lastFailureAt: Nullable(IsoTime()),
    failedWrites: Type.Integer(),
  }),
  disk: Type.Object({
    minFreeBytes: Type.Integer({ description: '--min-free-disk-mb in bytes; 0 when warnings are off' }),
    directories: Type.Array(
      Type.Object({
        role: StringEnum(['data', 'files'] as const),
        path: Type.String(),
        freeBytes: Nullable(Type.Integer()),
        totalBytes: Nullable(Type.Integer()),
        isLow: Type.Boolean(),
      }),
    ),
  }),
});
