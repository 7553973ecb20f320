// Who may download a stored file, and what is recorded (PROTOCOL.md A7, our profile):
// - unsigned downloads are served in both auth modes (the vendor example serves its files to anyone,
//   and nothing public says a CWM signs a file fetch), unless `requireSignature` is set in `hmac` mode;
// - a device may sign like a /pull: `req={"devid":..,"file":<name>,"ts":..}&sha256hmac=..`; a present
//   signature is checked as on /pull (a bad one is refused in `hmac` mode) and names the device;
// - each client (device id, else remote address) has a request rate limit.

import { OpenTpsError } from '../errors.js';
import { decodeFileRequest } from '../protocol/file-request.js';
import type { AuthMode } from './auth-mode.js';
import { authenticateSignedRequest } from './device-authenticator.js';
import type { DeviceStore } from './device-store.js';
import type { RequestRateLimiter } from './request-rate-limiter.js';
import type { FileStore, FileTransferRecord, StoredFile } from './file-store.js';
import type { RequestObservation } from './request-observation.js';

export interface FileDownloadsDeps {
  readonly store: FileStore & DeviceStore;
  readonly authMode: AuthMode;
  readonly requireSignature: boolean;
  readonly limiter: RequestRateLimiter;
}

export interface DownloadParams {
  readonly name: string;
  readonly encodedReq: string | undefined;
  readonly signature: string | undefined;
  readonly remoteAddress: string | null;
}

export interface DownloadGrant {
  readonly file: StoredFile;
  /** The registered device that signed, or null. */
  readonly deviceId: string | null;
}

export interface FileDownloads {
  /** The stored file, or null (so the root-path fallback can answer "no such path" instead). */
  findFile(name: string): Promise<StoredFile | null>;
  /**
   * @throws OpenTpsError ERR_SIGNATURE_*, ERR_DEVICE_*, ERR_FILE_SIGNATURE_MISMATCH, ERR_FILE_RATE_LIMITED (details.retryAfterS)
   */
  authorize(file: StoredFile, params: DownloadParams, observation: RequestObservation): Promise<DownloadGrant>;
  record(transfer: FileTransferRecord): Promise<void>;
}

export function createFileDownloads(deps: FileDownloadsDeps): FileDownloads {
  return {
    findFile: (name) => deps.store.findFile(name),
    async authorize(file, params, observation) {
      let deviceId: string | null = null;
      if (params.encodedReq !== undefined || params.signature !== undefined) {
        if (params.encodedReq === undefined) throw new OpenTpsError('ERR_REQUEST_MISSING_REQ');
        const { request, device, verdict } = await authenticateSignedRequest(
          deps,
          { encodedReq: params.encodedReq, signature: params.signature },
          decodeFileRequest,
          (fileRequest) => fileRequest.deviceId,
          observation,
        );
        if (request.fileName !== null && request.fileName !== file.name) {
          throw new OpenTpsError('ERR_FILE_SIGNATURE_MISMATCH', `req names ${JSON.stringify(request.fileName.slice(0, 200))}`);
        }
        if (deps.authMode === 'hmac' && deps.requireSignature && verdict !== 'hmac') throw new OpenTpsError('ERR_SIGNATURE_MISSING');
        deviceId = verdict === 'hmac' && device !== null ? device.id : null;
      } else if (deps.authMode === 'hmac' && deps.requireSignature) {
        throw new OpenTpsError('ERR_SIGNATURE_MISSING');
      }
      const clientKey = deviceId !== null ? `device:${deviceId}` : `address:${params.remoteAddress ?? '-'}`;
      const taken = deps.limiter.take(clientKey);
      if (!taken.isAllowed) throw new OpenTpsError('ERR_FILE_RATE_LIMITED', undefined, { details: { retryAfterS: taken.retryAfterS } });
      return { file, deviceId };
    },
    record: (transfer) => deps.store.recordFileTransfer(transfer),
  };
}
