// Handles one /pull (PROTOCOL.md A4): the oldest deliverable message of the CWM, leased until the
// response is fully written (then `delivered`) or released when the connection fails first.

import { OpenTpsError } from '../errors.js';
import { encodeIdlePullAnswer, encodePullAnswer } from '../protocol/device-answers.js';
import { decodePullRequest } from '../protocol/pull-request.js';
import type { GatewayMacRecorder } from './sites/gateway-mac-recorder.js';
import { gatewayMacOfRequest } from './sites/request-gateway-mac.js';
import type { AuthMode } from './auth-mode.js';
import type { RequestRateLimiter } from './request-rate-limiter.js';
import type { Clock } from './clock.js';
import type { EventBus } from './event-bus.js';
import { authenticateSignature, takeDeviceRequest } from './device-authenticator.js';
import { deviceClockReadingMs } from '../protocol/device-clock-reading.js';
import { signatureTag } from './pull-replay-guard.js';
import type { RequestObservation } from './request-observation.js';
import type { Store } from './store.js';

export interface MessageDeliveryDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly authMode: AuthMode;
  /** Requests per authenticated device; unlimited when absent. */
  readonly deviceRateLimiter?: RequestRateLimiter | undefined;
  /** How long a message handed to a response stays reserved for it (a crash mid-write frees it after this). */
  readonly deliveryLeaseMs: number;
  readonly events?: EventBus | undefined;
  /** The zone a device's zone-less `ts` is read in when none is set for it (the /time default). */
  readonly defaultTimeZone: string;
  /** Records the gateway MAC the request carried; none when absent. */
  readonly gatewayMacs?: Pick<GatewayMacRecorder, 'note'> | undefined;
}

export interface PullParams {
  readonly encodedReq: string | undefined;
  readonly signature: string | undefined;
  readonly remoteAddress: string | null;
  /** The `gwmac` parameter of the request, as sent. */
  readonly gatewayMac?: string | undefined;
}

export interface PullResult {
  readonly body: string;
  /** The queue entry in the body, which the transport must settle with confirm or release. */
  readonly leasedMessageId: number | null;
}

export interface MessageDelivery {
  servePull(params: PullParams, observation: RequestObservation): Promise<PullResult>;
  /** Call once the response carrying the message was fully written. */
  confirmDelivery(messageId: number): Promise<void>;
  /** Call when the response carrying the message could not be written. */
  releaseDelivery(messageId: number): Promise<void>;
}

export function createMessageDelivery(deps: MessageDeliveryDeps): MessageDelivery {
  return {
    async servePull(params, observation) {
      // A bare `GET /pull` is the vendor's browser smoke test: answer it, touch nothing.
      if (params.encodedReq === undefined && params.signature === undefined) {
        return { body: encodeIdlePullAnswer(), leasedMessageId: null };
      }
      if (params.encodedReq === undefined) throw new OpenTpsError('ERR_REQUEST_MISSING_REQ');
      const { request, device, verdict } = await authenticateSignature(
        deps,
        { encodedReq: params.encodedReq, signature: params.signature },
        decodePullRequest,
        (pull) => pull.deviceId,
        observation,
      );
      const nowMs = deps.clock.nowMs();
      if (verdict === 'hmac' && params.signature !== undefined) {
        // A signed pull is taken once (pull-replay-guard.ts); a refused one is answered before it can
        // deliver, redeliver or acknowledge anything, and does not use up the device's request rate.
        if (request.requestTs === null) throw new OpenTpsError('ERR_PULL_MISSING_TS');
        const deviceMs = deviceClockReadingMs(request.requestTs, device?.timeZone ?? deps.defaultTimeZone, nowMs);
        if (deviceMs === null) throw new OpenTpsError('ERR_PULL_MISSING_TS', `"${request.requestTs.slice(0, 40)}" is not an ISO-8601 date-time`);
        const admission = await deps.store.admitSignedPull(request.deviceId, { deviceMs, tag: signatureTag(params.signature), nowMs }, params.remoteAddress);
        if (!admission.isAdmitted) {
          throw new OpenTpsError('ERR_REPLAYED_REQUEST', admission.reason, { details: { retryAfterS: admission.retryAfterS, reason: admission.reason } });
        }
        takeDeviceRequest(deps, request.deviceId);
      } else {
        takeDeviceRequest(deps, request.deviceId);
        if (!device) {
          await deps.store.addDiscoveredDevice(request.deviceId, nowMs);
          observation.deviceId = request.deviceId;
        }
        await deps.store.touchDevice(request.deviceId, nowMs, params.remoteAddress);
      }
      const gatewayMac = gatewayMacOfRequest(params.gatewayMac, request.envelope);
      if (gatewayMac !== null) deps.gatewayMacs?.note(request.deviceId, gatewayMac);
      // `lokm:false` right after a delivery: the CWM says the last OKM did not arrive well; give it again.
      if (request.lastOkmReceived === false) await deps.store.requeueLastDelivery(request.deviceId);
      const leased = await deps.store.leaseNextMessage(request.deviceId, nowMs, nowMs + deps.deliveryLeaseMs);
      if (!leased) return { body: encodeIdlePullAnswer(), leasedMessageId: null };
      return { body: encodePullAnswer(leased.message.okmText, leased.isMorePending), leasedMessageId: leased.message.id };
    },
    async confirmDelivery(messageId) {
      await deps.store.confirmDelivery(messageId, deps.clock.nowMs());
      if (deps.events) {
        const message = await deps.store.findMessage(messageId);
        if (message) deps.events.publish({ type: 'message-state', message });
      }
    },
    async releaseDelivery(messageId) {
      await deps.store.releaseLease(messageId);
    },
  };
}
