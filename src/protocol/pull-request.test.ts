import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenTpsError, type ErrorCode } from '../errors.js';
import { decodePullRequest } from './pull-request.js';

function assertCode(run: () => unknown, code: ErrorCode): void {
  assert.throws(run, (error: unknown) => isOpenTpsError(error, code) && error.status === 400);
}

describe('decodePullRequest', () => {
  test('decodes the vendor example request', () => {
    const text = '{"devid":"00000102030405060708","ts":"2020-09-16T12:13:47","lokm":true}';
    assert.deepEqual(decodePullRequest(text), {
      reqText: text,
      deviceId: '00000102030405060708',
      requestTs: '2020-09-16T12:13:47',
      lastOkmReceived: true,
      envelope: { devid: '00000102030405060708', ts: '2020-09-16T12:13:47', lokm: true },
    });
  });

  test('records lokm false, and null when lokm is absent or not a boolean', () => {
    assert.equal(decodePullRequest('{"devid":"X1","lokm":false}').lastOkmReceived, false);
    assert.equal(decodePullRequest('{"devid":"X1"}').lastOkmReceived, null);
    assert.equal(decodePullRequest('{"devid":"X1","lokm":"true"}').lastOkmReceived, null);
    assert.equal(decodePullRequest('{"devid":"X1","lokm":1}').lastOkmReceived, null);
  });

  test('gives a null request time when ts is absent or not a string', () => {
    assert.equal(decodePullRequest('{"devid":"X1"}').requestTs, null);
    assert.equal(decodePullRequest('{"devid":"X1","ts":1600258427}').requestTs, null);
  });

  test('keeps unknown envelope fields for the operator', () => {
    const pull = decodePullRequest('{"devid":"X1","ts":"t","gwmac":"88665a4a92c3","extra":{"n":[1]}}');
    assert.deepEqual(pull.envelope, { devid: 'X1', ts: 't', gwmac: '88665a4a92c3', extra: { n: [1] } });
  });

  test('tolerates whitespace around the JSON and keeps the request text as given', () => {
    const text = ' {\n "devid" : "X1" ,\t"lokm" : false }\n';
    const pull = decodePullRequest(text);
    assert.equal(pull.reqText, text);
    assert.equal(pull.deviceId, 'X1');
    assert.equal(pull.lastOkmReceived, false);
  });

  test('refuses text that is not JSON with ERR_REQUEST_NOT_JSON', () => {
    for (const text of ['', 'devid=X1', '{"devid":"X1"', "{'devid':'X1'}", '{"devid":"X1"}x']) {
      assertCode(() => decodePullRequest(text), 'ERR_REQUEST_NOT_JSON');
    }
  });

  test('refuses JSON that is not an object with ERR_REQUEST_NOT_OBJECT', () => {
    for (const text of ['[]', '[{"devid":"X1"}]', '"X1"', '1', 'null', 'true']) {
      assertCode(() => decodePullRequest(text), 'ERR_REQUEST_NOT_OBJECT');
    }
  });

  test('refuses a devid given twice with ERR_OKM_DUPLICATE_KEY, also when spelled with an escape', () => {
    for (const text of ['{"devid":"X1","devid":"X2"}', '{"devid":"X1","\\u0064evid":"X2"}', '{"devid":"X1","extra":{"n":1,"n":2}}']) {
      assertCode(() => decodePullRequest(text), 'ERR_OKM_DUPLICATE_KEY');
    }
  });

  test('refuses a missing or invalid devid with ERR_PULL_MISSING_DEVID', () => {
    for (const text of [
      '{}',
      '{"ts":"2020-09-16T12:13:47","lokm":true}',
      '{"devid":null}',
      '{"devid":102030405060708}',
      '{"devid":["X1"]}',
      '{"devid":""}',
      '{"devid":"X 1"}',
      `{"devid":"${'a'.repeat(65)}"}`,
      '{"DEVID":"X1"}',
    ]) {
      assertCode(() => decodePullRequest(text), 'ERR_PULL_MISSING_DEVID');
    }
  });
});
