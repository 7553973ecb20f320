// Reading admin API input: the JSON body as an object, optional typed fields, query numbers.

import type { FastifyRequest } from 'fastify';
import { invalid } from './api-errors.js';

export type JsonBody = Record<string, unknown>;

export function bodyOf(request: FastifyRequest): JsonBody {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('the body must be a JSON object');
  return body as JsonBody;
}

export function optionalString(body: JsonBody, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`"${name}" must be a string`);
  return value;
}

export function queryOf(request: FastifyRequest): Record<string, string> {
  const query = request.query;
  const result: Record<string, string> = {};
  if (typeof query === 'object' && query !== null) {
    for (const [key, value] of Object.entries(query)) if (typeof value === 'string') result[key] = value;
  }
  return result;
}

export function queryInteger(query: Record<string, string>, name: string, fallback: number, min: number, max: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw invalid(`"${name}" must be a whole number from ${min} to ${max}`);
  return value;
}

export function queryTime(query: Record<string, string>, name: string, fallbackMs: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallbackMs;
  const value = Date.parse(raw);
  if (Number.isNaN(value)) throw invalid(`"${name}" must be an ISO-8601 time`);
  return value;
}
