// Finds the protocol parameters of a device request (`req`, `sha256hmac`) in the query string and,
// for form posts, the body (PROTOCOL.md A3 accepts both). A parameter given twice is refused: which
// copy was signed would be a guess.

import type { FastifyRequest } from 'fastify';
import { OpenTpsError } from '../../errors.js';
import { decodeFormComponent, splitEncodedParams, type EncodedParams } from '../../protocol/form-encoding.js';

export interface ProtocolParams {
  /** `req`, still percent-encoded (decoded later, in every reading the HMAC may have used). */
  readonly encodedReq: string | undefined;
  readonly signature: string | undefined;
  /**
   * The `gwmac` query or form parameter, decoded: the MAC of the site's gateway (PROTOCOL.md: "accept and
   * store an extra gwmac query parameter"). Not signed: it only suggests a site, never grants anything.
   */
  readonly gatewayMac: string | undefined;
}

function queryText(url: string): string {
  const mark = url.indexOf('?');
  return mark === -1 ? '' : url.slice(mark + 1);
}

function isFormBody(request: FastifyRequest): boolean {
  const type = request.headers['content-type'] ?? '';
  return type.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function single(params: EncodedParams[], name: string): string | undefined {
  const values = params.flatMap((p) => p.get(name) ?? []);
  if (values.length > 1) throw new OpenTpsError('ERR_REQUEST_DUPLICATE_PARAM', name);
  return values[0];
}

/** A `gwmac` whose encoding is broken is ignored rather than refused: the request itself is fine. */
function gatewayMacOf(encoded: string | undefined): string | undefined {
  if (encoded === undefined) return undefined;
  try {
    return decodeFormComponent(encoded, true);
  } catch {
    return undefined;
  }
}

/** @throws OpenTpsError ERR_REQUEST_ENCODING, ERR_REQUEST_DUPLICATE_PARAM */
export function extractProtocolParams(request: FastifyRequest): ProtocolParams {
  const sources = [splitEncodedParams(queryText(request.raw.url ?? ''))];
  if (request.rawBodyText.length > 0 && isFormBody(request)) sources.push(splitEncodedParams(request.rawBodyText));
  const encodedReq = single(sources, 'req');
  const encodedSignature = single(sources, 'sha256hmac');
  const encodedGatewayMac = sources.flatMap((p) => p.get('gwmac') ?? [])[0];
  // Validate the encoding of `req` now so a malformed one is a 400 before any lookup.
  if (encodedReq !== undefined) decodeFormComponent(encodedReq, false);
  return {
    encodedReq,
    signature: encodedSignature === undefined ? undefined : decodeFormComponent(encodedSignature, true),
    gatewayMac: gatewayMacOf(encodedGatewayMac),
  };
}
