// Decodes the `req` of a /pull (PROTOCOL.md A4): `{"devid":"<CWM id>","ts":"...","lokm":true}`.

import { OpenTpsError } from '../errors.js';
import { isValidDeviceId } from './device-id.js';
import { parseReqJson } from './push-request.js';
import type { JsonObject } from './upstream-okm.js';

export interface PullRequest {
  readonly reqText: string;
  readonly deviceId: string;
  readonly requestTs: string | null;
  /** `lokm` as sent: true/false, or null when absent or not a boolean (its meaning is unconfirmed). */
  readonly lastOkmReceived: boolean | null;
  readonly envelope: JsonObject;
}

/**
 * @throws OpenTpsError ERR_REQUEST_NOT_JSON, ERR_REQUEST_NOT_OBJECT, ERR_OKM_DUPLICATE_KEY, ERR_PULL_FOREIGN_REQ, ERR_PULL_MISSING_DEVID
 */
export function decodePullRequest(reqText: string): PullRequest {
  const req = parseReqJson(reqText);
  // The same key signs a push's `req` (`okm`) and a file download's (`devid`, `file`): one of those,
  // recorded and sent to /pull, must not be taken for a pull (its `ts` may well be newer than the last pull's).
  if ('okm' in req || 'file' in req) throw new OpenTpsError('ERR_PULL_FOREIGN_REQ');
  const devid = req['devid'];
  if (typeof devid !== 'string' || !isValidDeviceId(devid)) throw new OpenTpsError('ERR_PULL_MISSING_DEVID');
  const ts = req['ts'];
  const lokm = req['lokm'];
  return {
    reqText,
    deviceId: devid,
    requestTs: typeof ts === 'string' ? ts : null,
    lastOkmReceived: typeof lokm === 'boolean' ? lokm : null,
    envelope: req,
  };
}
