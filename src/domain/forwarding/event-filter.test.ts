import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ForwardedEvent } from './forwarded-event.js';
import { compileEventFilter } from './event-filter.js';

const EVENT: ForwardedEvent = { id: 'okm-7', kind: 'telemetry', cwmId: 'cwm-1', deviceId: 'e0f1000000000042', modelId: 'e0f1', siteId: 3, atMs: 0, body: {} };
const NO_TAGS = (): readonly string[] => [];

test('kinds always, and each other list only when present', () => {
  assert.equal(compileEventFilter({ kinds: ['telemetry'] }).matches(EVENT, NO_TAGS), true);
  assert.equal(compileEventFilter({ kinds: ['alert'] }).matches(EVENT, NO_TAGS), false);
  assert.equal(compileEventFilter({ kinds: ['telemetry'], modelIds: ['E0F1'] }).matches(EVENT, NO_TAGS), true, 'model ids in any case');
  assert.equal(compileEventFilter({ kinds: ['telemetry'], modelIds: ['e0c1'] }).matches(EVENT, NO_TAGS), false);
  assert.equal(compileEventFilter({ kinds: ['telemetry'], siteIds: [3, 4] }).matches(EVENT, NO_TAGS), true);
  assert.equal(compileEventFilter({ kinds: ['telemetry'], siteIds: [4] }).matches({ ...EVENT, siteId: null }, NO_TAGS), false, 'a CWM at no site is at none of the sites');
});

test('a tag matches on the equipment or on its CWM', () => {
  const filter = compileEventFilter({ kinds: ['telemetry'], tags: ['pilot'] });
  assert.deepEqual(filter.tags, ['pilot']);
  assert.equal(filter.matches(EVENT, (id) => (id === 'cwm-1' ? ['pilot'] : [])), true);
  assert.equal(filter.matches(EVENT, (id) => (id === EVENT.deviceId ? ['pilot'] : [])), true);
  assert.equal(filter.matches(EVENT, () => ['other']), false);
});
