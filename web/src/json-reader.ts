// Narrows untyped JSON from the API into typed values; a wrong shape throws one ApiShapeError naming the path.

export type JsonObject = Record<string, unknown>;

/** The server answered with JSON the console does not understand (a contract mismatch). */
export class ApiShapeError extends Error {
  constructor(path: string, expected: string, received: unknown) {
    super(`${path}: expected ${expected}, received ${describeJson(received)}`);
    this.name = 'ApiShapeError';
  }
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readObject(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw new ApiShapeError(path, 'object', value);
  return value;
}

export function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ApiShapeError(path, 'array', value);
  return value;
}

export function readString(object: JsonObject, key: string, path: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw new ApiShapeError(`${path}.${key}`, 'string', value);
  return value;
}

export function readOptionalString(object: JsonObject, key: string, path: string): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ApiShapeError(`${path}.${key}`, 'string or null', value);
  return value;
}

export function readNumber(object: JsonObject, key: string, path: string): number {
  const value = object[key];
  if (typeof value !== 'number') throw new ApiShapeError(`${path}.${key}`, 'number', value);
  return value;
}

export function readOptionalNumber(object: JsonObject, key: string, path: string): number | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number') throw new ApiShapeError(`${path}.${key}`, 'number or null', value);
  return value;
}

export function readBoolean(object: JsonObject, key: string, path: string): boolean {
  const value = object[key];
  if (typeof value !== 'boolean') throw new ApiShapeError(`${path}.${key}`, 'boolean', value);
  return value;
}

export function readStringArray(object: JsonObject, key: string, path: string): string[] {
  return readArray(object[key], `${path}.${key}`).map((item, index) => {
    if (typeof item !== 'string') throw new ApiShapeError(`${path}.${key}[${index}]`, 'string', item);
    return item;
  });
}

export function readEnum<T extends string>(object: JsonObject, key: string, allowed: readonly T[], path: string): T {
  const value = object[key];
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw new ApiShapeError(`${path}.${key}`, allowed.join('|'), value);
  return match;
}
