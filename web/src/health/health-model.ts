// The typed shape of GET /api/v1/health (docs/api.md "Health"): the server's schema (health-schemas.ts).
import type { Static } from '@sinclair/typebox';
import type { NodeHealthSchema } from '../../../src/adapters/admin-api/schemas/health-schemas.js';

export type NodeHealth = Static<typeof NodeHealthSchema>;
export type NodeHealthStatus = NodeHealth['status'];
export type StoreHealth = NodeHealth['store'];
export type DirectorySpace = NodeHealth['disk']['directories'][number];
