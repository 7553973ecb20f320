import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors.js';
import { encodeDeviceError, encodeIdlePullAnswer, encodePullAnswer, encodePushAnswer } from './device-answers.js';
import { sealOkmCrc, verifyOkmCrc } from './okm-crc.js';

const DOWNSTREAM = '{"_dst":["0002010203040506"],"_cmd":"rd","_id":4,"_ts":"2020-09-21T17:20:58Z","_crc":"56E2","_pld":{"_ping":true}}';

describe('encodePushAnswer', () => {
  test('acknowledges the push and says whether a pull is pending', () => {
    assert.equal(encodePushAnswer(true), '{"push":true,"pull":true}');
    assert.equal(encodePushAnswer(false), '{"push":true,"pull":false}');
  });
});

describe('encodePullAnswer', () => {
  test('embeds the stored OKM text verbatim, then the pull flag', () => {
    assert.equal(encodePullAnswer(DOWNSTREAM, false), `{"okm":${DOWNSTREAM},"pull":false}`);
    assert.equal(encodePullAnswer(DOWNSTREAM, true), `{"okm":${DOWNSTREAM},"pull":true}`);
  });

  test('produces JSON whose okm text still carries a valid CRC, even with the vendor spacing', () => {
    const spaced = sealOkmCrc('{"_dst": ["0002010203040506"],"_cmd": "rd","_id": 4,"_ts": "2020-09-21T17:20:58Z","_crc": "0000","_pld": {"_ping": true}}');
    const answer = encodePullAnswer(spaced, false);
    assert.deepEqual(JSON.parse(answer), { okm: JSON.parse(spaced), pull: false });
    const embedded = answer.slice('{"okm":'.length, answer.length - ',"pull":false}'.length);
    assert.equal(embedded, spaced);
    assert.equal(verifyOkmCrc(embedded).verdict, 'valid');
  });
});

describe('encodeIdlePullAnswer', () => {
  test('answers {"pull":false}', () => {
    assert.equal(encodeIdlePullAnswer(), '{"pull":false}');
  });
});

describe('encodeDeviceError', () => {
  test('never claims the push succeeded and names the code', () => {
    assert.equal(encodeDeviceError('ERR_SIGNATURE_INVALID'), '{"push":false,"pull":false,"error":"ERR_SIGNATURE_INVALID"}');
    assert.equal(encodeDeviceError('ERR_OVERLOADED'), '{"push":false,"pull":false,"error":"ERR_OVERLOADED"}');
  });

  test('produces valid JSON for every code in the catalogue', () => {
    for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) {
      assert.deepEqual(JSON.parse(encodeDeviceError(code)), { push: false, pull: false, error: code });
    }
  });
});
