// GET /api/v1/fleet (docs/api.md "Fleet").

import { Type } from '@sinclair/typebox';
import { IsoTime, StringEnum } from './common-schemas.js';

export const PROBLEM_KIND_VALUES = ['offline', 'crc-failures', 'queue-backlog', 'messages-expired'] as const;

export const FleetProblemSchema = Type.Object({ deviceId: Type.String(), kind: StringEnum(PROBLEM_KIND_VALUES), detail: Type.String() });

export const FleetSummarySchema = Type.Object({
  counts: Type.Object({ total: Type.Integer(), online: Type.Integer(), offline: Type.Integer(), neverSeen: Type.Integer() }),
  pushesPerMinute: Type.Array(Type.Object({ t: IsoTime(), n: Type.Integer() }), { description: 'the last 60 minutes, oldest first' }),
  problems: Type.Array(FleetProblemSchema, { description: 'at most 10 devices of each kind, the worst first' }),
  problemTotals: Type.Object(
    { offline: Type.Integer(), 'crc-failures': Type.Integer(), 'queue-backlog': Type.Integer(), 'messages-expired': Type.Integer() },
    { description: 'every device with each kind of problem' },
  ),
});
