// Decides who sent a signed device request and whether to believe it (PROTOCOL.md A3/A4).

import { OpenTpsError } from '../errors.js';
import { decodeFormComponentVariants } from '../protocol/form-encoding.js';
import { isWellFormedSignature, verifyRequestSignature } from '../protocol/request-signature.js';
import type { AuthMode } from './auth-mode.js';
import type { DeviceCredentials, DeviceStore } from './device-store.js';
import type { RequestObservation } from './request-observation.js';
import type { RequestRateLimiter } from './request-rate-limiter.js';
import type { AuthVerdict } from './telemetry-store.js';

export interface SignedRequestParams {
  /** The `req` value as it arrived, still percent-encoded. */
  readonly encodedReq: string;
  /** The `sha256hmac` value (decoded), when sent. */
  readonly signature: string | undefined;
}

export interface Authenticated<T> {
  readonly request: T;
  readonly device: DeviceCredentials | null;
  readonly verdict: AuthVerdict;
}

export interface AuthenticatorDeps {
  readonly store: DeviceStore;
  readonly authMode: AuthMode;
  /** Requests per device once authenticated (PROTOCOL.md Part C: per-device rate limits); none when absent. */
  readonly deviceRateLimiter?: RequestRateLimiter | undefined;
}

/**
 * Decodes `req` (trying each reading of a literal `+`, see form-encoding.ts) and authenticates it.
 * In `hmac` mode the device must be registered, enabled, and have signed one reading of `req`.
 * In `open` mode anything decodable is accepted and its verdict says why; disabled devices stay out.
 * A device past its request rate is refused only once authenticated: a request claiming another device's
 * id cannot use up that device's allowance (in `open` mode, where nothing proves the id, it can).
 * @throws OpenTpsError ERR_REQUEST_* / ERR_OKM_* (decoding), ERR_DEVICE_UNKNOWN, ERR_DEVICE_DISABLED, ERR_SIGNATURE_*,
 *   ERR_DEVICE_RATE_LIMITED (details.retryAfterS)
 */
export async function authenticateSignedRequest<T extends { readonly reqText: string }>(
  deps: AuthenticatorDeps,
  params: SignedRequestParams,
  decode: (reqText: string) => T,
  deviceIdOf: (request: T) => string,
  observation: RequestObservation,
): Promise<Authenticated<T>> {
  const authenticated = await authenticateSignature(deps, params, decode, deviceIdOf, observation);
  takeDeviceRequest(deps, deviceIdOf(authenticated.request));
  return authenticated;
}

/**
 * Counts one request against the device's rate.
 * @throws OpenTpsError ERR_DEVICE_RATE_LIMITED (details.retryAfterS)
 */
export function takeDeviceRequest(deps: AuthenticatorDeps, deviceId: string): void {
  const admission = deps.deviceRateLimiter?.take(deviceId);
  if (admission !== undefined && !admission.isAllowed) {
    throw new OpenTpsError('ERR_DEVICE_RATE_LIMITED', deviceId, { details: { retryAfterS: admission.retryAfterS } });
  }
}

/** authenticateSignedRequest without the rate limit, for a caller that must refuse some requests first. */
export async function authenticateSignature<T extends { readonly reqText: string }>(
  deps: AuthenticatorDeps,
  params: SignedRequestParams,
  decode: (reqText: string) => T,
  deviceIdOf: (request: T) => string,
  observation: RequestObservation,
): Promise<Authenticated<T>> {
  const decoded: T[] = [];
  let firstError: unknown;
  for (const text of decodeFormComponentVariants(params.encodedReq)) {
    try {
      decoded.push(decode(text));
    } catch (error) {
      firstError ??= error;
    }
  }
  const primary = decoded[0];
  if (primary === undefined) throw firstError;

  const claimedId = deviceIdOf(primary);
  observation.claimedDeviceId = claimedId;
  const device = await deps.store.findDeviceCredentials(claimedId);
  if (device) observation.deviceId = device.id;
  if (device?.isDisabled) throw new OpenTpsError('ERR_DEVICE_DISABLED', claimedId);

  const signatureVerdict = checkSignature(params.signature, device, decoded, deviceIdOf);
  observation.signatureVerdict = signatureVerdict.verdict;

  if (deps.authMode === 'hmac') {
    if (!device || device.key === null) throw new OpenTpsError('ERR_DEVICE_UNKNOWN', claimedId);
    if (signatureVerdict.verdict === 'missing') throw new OpenTpsError('ERR_SIGNATURE_MISSING');
    if (signatureVerdict.verdict === 'malformed') throw new OpenTpsError('ERR_SIGNATURE_MALFORMED');
    if (signatureVerdict.match === undefined) throw new OpenTpsError('ERR_SIGNATURE_INVALID');
    return { request: signatureVerdict.match, device, verdict: 'hmac' };
  }

  if (signatureVerdict.match !== undefined) return { request: signatureVerdict.match, device, verdict: 'hmac' };
  const verdict: AuthVerdict =
    !device || device.key === null ? 'unknown-device' : signatureVerdict.verdict === 'missing' ? 'unsigned' : 'bad-signature';
  return { request: primary, device, verdict };
}

function checkSignature<T extends { readonly reqText: string }>(
  signature: string | undefined,
  device: DeviceCredentials | null,
  decoded: readonly T[],
  deviceIdOf: (request: T) => string,
): { verdict: 'valid' | 'missing' | 'malformed' | 'invalid' | 'not-checked'; match?: T } {
  if (signature === undefined || signature === '') return { verdict: 'missing' };
  if (!isWellFormedSignature(signature)) return { verdict: 'malformed' };
  if (!device || device.key === null) return { verdict: 'not-checked' };
  for (const request of decoded) {
    // Each reading must name the same device as the one whose key we hold.
    if (deviceIdOf(request) === device.id && verifyRequestSignature(request.reqText, signature, device.key)) {
      return { verdict: 'valid', match: request };
    }
  }
  return { verdict: 'invalid' };
}
