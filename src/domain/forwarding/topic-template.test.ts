import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenTpsError } from '../../errors.js';
import type { ForwardedEvent } from './forwarded-event.js';
import { parseTopicTemplate, topicLevelOf } from './topic-template.js';

const EVENT: ForwardedEvent = { id: 'okm-7', kind: 'telemetry', cwmId: '0002517e00000001', deviceId: 'e0f1000000000042', modelId: 'e0f1', siteId: 3, atMs: 0, body: {} };

test('a template renders each placeholder as one topic level', () => {
  const template = parseTopicTemplate('opentps/{site}/{model}/{deviceId}/{kind}');
  assert.equal(template.render(EVENT), 'opentps/3/e0f1/e0f1000000000042/telemetry');
  assert.equal(template.render({ ...EVENT, siteId: null, modelId: null }), 'opentps/no-site/no-model/e0f1000000000042/telemetry');
  assert.equal(parseTopicTemplate('fleet/{cwmId}-{kind}').render(EVENT), 'fleet/0002517e00000001-telemetry');
});

test('a device id with /, +, # or control characters cannot add a level or a wildcard: it is percent-encoded', () => {
  const template = parseTopicTemplate('t/{deviceId}/x');
  assert.equal(template.render({ ...EVENT, deviceId: 'a/b+c#d%e\u0000' }), 't/a%2Fb%2Bc%23d%25e%00/x');
  assert.equal(topicLevelOf(''), '-', 'an empty value would make an empty level');
});

test('templates that would publish somewhere unintended are refused, naming the problem', () => {
  const refusals: Array<[string, RegExp]> = [
    ['opentps/{room}/x', /unknown placeholder \{room\}/],
    ['opentps/+/x', /wildcards/],
    ['opentps/#', /wildcards/],
    ['/opentps/{kind}', /empty level/],
    ['opentps//{kind}', /empty level/],
    ['opentps/{kind}/', /empty level/],
    ['$SYS/{kind}', /broker's own/],
    ['opentps/{kind', /\{ or \}/],
    ['', /1 to 512/],
  ];
  for (const [text, message] of refusals) {
    assert.throws(() => parseTopicTemplate(text), (error: unknown) => isOpenTpsError(error) && error.code === 'ERR_DESTINATION_INVALID' && message.test(error.message), text);
  }
});
