// Which device a request says it comes from, read before (or without) authenticating it: for the
// traffic log only, never trusted. `devid` for /pull, /time and /provision; the CWM in `okm._src`
// for /push (PROTOCOL.md A3: `_src[1]`, or `_src[0]` when it has one element).

import { OpenTpsError } from '../errors.js';
import { decodeFormComponent } from './form-encoding.js';
import { cwmIdFromSource } from './device-id.js';
import { describeDuplicateMember, findDuplicateMember } from './json-duplicate-members.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The claimed device id in a still percent-encoded `req`, or null when it names none or cannot be read.
 * @throws OpenTpsError ERR_OKM_DUPLICATE_KEY when `req` is JSON with a member name twice in one object:
 *   it then claims two devices at once (JSON.parse and a first-wins parser would name different ones).
 */
export function claimedDeviceIdOf(encodedReq: string | undefined): string | null {
  if (encodedReq === undefined) return null;
  let reqText: string;
  let req: unknown;
  try {
    reqText = decodeFormComponent(encodedReq, true);
    req = JSON.parse(reqText);
  } catch {
    return null;
  }
  const duplicate = findDuplicateMember(reqText);
  if (duplicate !== null) throw new OpenTpsError('ERR_OKM_DUPLICATE_KEY', describeDuplicateMember(duplicate, 'req'));
  if (!isObject(req)) return null;
  if (typeof req['devid'] === 'string') return req['devid'];
  const okm = req['okm'];
  if (!isObject(okm)) return null;
  const source = okm['_src'];
  if (!Array.isArray(source) || source.length === 0 || !source.every((id) => typeof id === 'string')) return null;
  return cwmIdFromSource(source as string[]);
}
