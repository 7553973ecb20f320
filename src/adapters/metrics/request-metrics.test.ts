import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequestObservation, type RequestObservation } from '../../domain/request-observation.js';
import { createEventMetrics, type EventMetrics } from './event-metrics.js';
import { recordAnsweredRequest, type AnsweredRequest } from './request-metrics.js';
import { parsePrometheusText, sampleValue } from '../../../test/support/prometheus-text.js';

async function valueOf(metrics: EventMetrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  return sampleValue(parsePrometheusText(await metrics.registry.metrics()), name, labels);
}

function devicePush(changes: Partial<RequestObservation>, answered: Partial<AnsweredRequest> = {}): AnsweredRequest {
  return { method: 'POST', route: '/push', status: 200, elapsedMs: 3, observation: { ...createRequestObservation(), ...changes }, errorCode: null, ...answered };
}

test('an acknowledged push moves the request counter, the stored OKMs and the push latency histogram', async () => {
  const metrics = createEventMetrics();
  recordAnsweredRequest(metrics, devicePush({ signatureVerdict: 'valid', crcVerdict: 'valid', okmOutcome: 'stored' }));
  assert.equal(await valueOf(metrics, 'opentps_http_requests_total', { method: 'POST', route: '/push', status: '200' }), 1);
  assert.equal(await valueOf(metrics, 'opentps_okms_stored_total'), 1);
  assert.equal(await valueOf(metrics, 'opentps_okm_duplicates_total'), 0);
  assert.equal(await valueOf(metrics, 'opentps_push_duration_seconds_bucket', { le: '0.005' }), 1);
  assert.equal(await valueOf(metrics, 'opentps_push_duration_seconds_bucket', { le: '0.0025' }), 0);
});

test('a duplicate, a CRC mismatch and a bad HMAC each count under their own name, and a shed push under its code without latency', async () => {
  const metrics = createEventMetrics();
  recordAnsweredRequest(metrics, devicePush({ okmOutcome: 'duplicate', crcVerdict: 'mismatch' }));
  recordAnsweredRequest(metrics, devicePush({ signatureVerdict: 'invalid' }, { status: 401, errorCode: 'ERR_SIGNATURE_INVALID' }));
  recordAnsweredRequest(metrics, devicePush({}, { status: 503, errorCode: 'ERR_OVERLOADED' }));
  assert.equal(await valueOf(metrics, 'opentps_okm_duplicates_total'), 1);
  assert.equal(await valueOf(metrics, 'opentps_okms_stored_total'), 0);
  assert.equal(await valueOf(metrics, 'opentps_okm_crc_failures_total', { verdict: 'mismatch' }), 1);
  assert.equal(await valueOf(metrics, 'opentps_hmac_failures_total', { verdict: 'invalid' }), 1);
  assert.equal(await valueOf(metrics, 'opentps_requests_shed_total', { code: 'ERR_OVERLOADED' }), 1);
  assert.equal(await valueOf(metrics, 'opentps_push_duration_seconds_count'), 1, 'only the acknowledged duplicate is timed');
});

test('an operator request moves only the request counter', async () => {
  const metrics = createEventMetrics();
  recordAnsweredRequest(metrics, { method: 'GET', route: '/api/v1/devices/:id', status: 503, elapsedMs: 1, observation: null, errorCode: null });
  assert.equal(await valueOf(metrics, 'opentps_http_requests_total', { route: '/api/v1/devices/:id', status: '503' }), 1);
  assert.equal(await valueOf(metrics, 'opentps_requests_shed_total', { code: 'ERR_OVERLOADED' }), 0);
});
