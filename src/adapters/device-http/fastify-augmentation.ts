// Per-request state the device transport keeps on Fastify's request object.

import type { RequestObservation } from '../../domain/request-observation.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the domain learnt about this request (device, verdicts), for the traffic recorder. */
    observation: RequestObservation;
    receivedAtMs: number;
    /** True for admin API and console requests, which the device hooks leave alone. */
    isOperatorRequest: boolean;
    /** The raw body text as received (empty for none). */
    rawBodyText: string;
    /** The body we answered with, captured for the traffic recorder. */
    answeredBody: string;
    /** The error code we answered with, if any. */
    answeredErrorCode: string | null;
  }
}

export {};
