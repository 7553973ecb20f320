// The optional signed `req` of a file download (our profile, PROTOCOL.md A7): a device may sign
// `{"devid":"<CWM id>","file":"<name>","ts":"..."}` with its key exactly as it signs a /pull.

import { OpenTpsError } from '../errors.js';
import { isValidDeviceId } from './device-id.js';
import { parseReqJson } from './push-request.js';

export interface FileRequest {
  readonly reqText: string;
  readonly deviceId: string;
  /** The file the signature covers; null when `req` names none (then any file may be fetched with it). */
  readonly fileName: string | null;
}

/** @throws OpenTpsError ERR_REQUEST_NOT_JSON, ERR_OKM_DUPLICATE_KEY, ERR_REQUEST_NOT_OBJECT, ERR_PULL_MISSING_DEVID */
export function decodeFileRequest(reqText: string): FileRequest {
  const req = parseReqJson(reqText);
  const devid = req['devid'];
  if (typeof devid !== 'string' || !isValidDeviceId(devid)) throw new OpenTpsError('ERR_PULL_MISSING_DEVID');
  const file = req['file'];
  return { reqText, deviceId: devid, fileName: typeof file === 'string' ? file : null };
}
