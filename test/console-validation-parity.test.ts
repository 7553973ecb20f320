// The console checks a raw message before sending it; the server checks it again. Both must agree, or
// an operator sees "valid" and then a refusal (or the reverse). Same inputs through both rule sets.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateMessageRequest, parseMessageJson } from '../src/domain/message-request.js';
import { OpenTpsError } from '../src/errors.js';
import { okePortMessage, pingMessage, relayMessage } from '../web/src/device/message-templates.js';
import { validateRawMessage } from '../web/src/device/message-validation.js';

const CWM = '0002010203040506';
const OKE = '1122334455667788';

function serverAccepts(destinationText: string, cmd: string, payloadText: string, ttlText: string): boolean {
  try {
    const destination = parseMessageJson('_dst', destinationText);
    const request = validateMessageRequest(
      { destination, cmd, payload: parseMessageJson('_pld', payloadText), ...(ttlText === '' ? {} : { ttlSeconds: /^\d+$/.test(ttlText) ? Number(ttlText) : ttlText }) },
      86_400,
    );
    return request.cwmId === CWM;
  } catch {
    return false;
  }
}

const CASES: Array<[string, string, string, string]> = [
  [`["${OKE}","${CWM}"]`, 'rd', '{"_ping":true}', ''],
  [`["${CWM}"]`, 'wr', '{"oke":{"port":"232","baud":115200}}', '600'],
  [`["${CWM}"]`, 'wr', '{}', ''],
  ['[]', 'wr', '{}', ''],
  ['["a b"]', 'wr', '{}', ''],
  [`"${CWM}"`, 'wr', '{}', ''],
  [`["${CWM}"`, 'wr', '{}', ''],
  [`["${CWM}"]`, 'xx', '{}', ''],
  [`["${CWM}"]`, 'wr', '[1]', ''],
  [`["${CWM}"]`, 'wr', '"text"', ''],
  [`["${CWM}"]`, 'wr', '{"cmd": {"relay": 1}', ''],
  [`["${CWM}"]`, 'wr', '{}', '0'],
  [`["${CWM}"]`, 'wr', '{}', '1.5'],
  [`["${CWM}"]`, 'wr', '{}', '31536001'],
  [`["${OKE}","0002ffffffffffff"]`, 'wr', '{}', ''],
  // Member names given twice (JSON.parse would keep the last): refused by both, at any depth, after unescaping.
  [`["${CWM}"]`, 'wr', '{"cmd":{"relay":1},"cmd":{"relay":0}}', ''],
  [`["${CWM}"]`, 'wr', '{"cmd":{"relay":1,"relay":0}}', ''],
  [`["${CWM}"]`, 'wr', '{"oke":{"port":"232","\\u0070ort":"485"}}', ''],
  [`["${CWM}"]`, 'wr', '{"list":[{"a":1},{"a":2,"a":3}]}', ''],
  [`[{"a":1,"a":2}]`, 'wr', '{}', ''],
  // Near-duplicates and the same name in sibling objects are fine for both.
  [`["${CWM}"]`, 'wr', '{"a":1,"A":2,"a ":3,"x":{"a":4},"y":[{"a":5},{"a":6}]}', ''],
];

test('the console and the server accept and refuse the same raw messages', () => {
  for (const [destinationText, cmd, payloadText, ttlText] of CASES) {
    const console = validateRawMessage({ destinationText, cmd, payloadText, ttlText }, CWM).isValid;
    assert.equal(console, serverAccepts(destinationText, cmd, payloadText, ttlText), `${destinationText} ${cmd} ${payloadText} ttl=${ttlText}`);
  }
});

test('the send panel templates are messages the server accepts, in the shapes of PROTOCOL.md', () => {
  for (const message of [pingMessage(OKE, CWM), pingMessage(CWM, CWM), okePortMessage(CWM, '485', 9600), relayMessage(OKE, CWM, true)]) {
    const request = validateMessageRequest({ destination: message.destination, cmd: message.cmd, payload: message.payload }, 60);
    assert.equal(request.cwmId, CWM);
  }
  assert.deepEqual(okePortMessage(CWM, '232', 115200), { destination: [CWM], cmd: 'wr', payload: { oke: { port: '232', baud: 115200 } } });
  assert.deepEqual(relayMessage(OKE, CWM, false).payload, { cmd: { relay: 0 } });
});

test('a member name given twice is refused by the console in the very words of the server', () => {
  for (const [field, destinationText, payloadText] of [
    ['_pld', `["${CWM}"]`, '{"cmd":{"relay":1,"relay":0}}'],
    ['_pld', `["${CWM}"]`, '{"\\u0063md":1,"cmd":2}'],
    ['_dst', `[{"id":"${CWM}","id":"x"}]`, '{}'],
  ] as const) {
    const verdict = validateRawMessage({ destinationText, cmd: 'wr', payloadText, ttlText: '' }, CWM);
    assert.equal(verdict.isValid, false);
    let serverError: unknown;
    try {
      parseMessageJson(field, field === '_dst' ? destinationText : payloadText);
    } catch (error) {
      serverError = error;
    }
    assert.ok(serverError instanceof OpenTpsError && serverError.code === 'ERR_JSON_DUPLICATE_KEY', String(serverError));
    const consoleErrors = verdict.isValid ? [] : verdict.errors;
    assert.equal(consoleErrors.length, 1);
    assert.ok(serverError.message.endsWith(`: ${consoleErrors[0]}`), `${serverError.message} / ${consoleErrors[0]}`);
  }
});
