import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpenTpsError } from '../../errors.js';
import type { NewSilence, SilenceRecord } from './alert-store.js';
import { createSilenceDirectory, MAX_SILENCE_DURATION_MS } from './silence-directory.js';

const NOW_MS = Date.UTC(2026, 11, 2, 12);

function recordingDirectory() {
  const written: NewSilence[] = [];
  const directory = createSilenceDirectory({
    clock: { nowMs: () => NOW_MS },
    store: {
      listSilences: async () => [],
      addSilence: async (silence): Promise<SilenceRecord> => {
        written.push(silence);
        return { ...silence, id: written.length };
      },
      deleteSilence: async () => undefined,
      findAlertRule: async (id) => (id === 7 ? { id: 7, version: 1, name: 'r', severity: 'major', scope: { kind: 'all' }, condition: { kind: 'offline', intervals: 3 }, isEnabled: true, channelIds: [], createdAtMs: 0, updatedAtMs: 0 } : null),
    },
  });
  return { directory, written };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  assert.ok(error instanceof OpenTpsError);
  return error.code;
}

test('a silence of one target until a future time, with a reason, is written with who set it and when', async () => {
  const { directory, written } = recordingDirectory();
  await directory.add({ ruleId: 7, untilMs: NOW_MS + 3_600_000, reason: ' maintenance ' }, 'ana');
  assert.deepEqual(written, [{ ruleId: 7, siteId: null, deviceId: null, untilMs: NOW_MS + 3_600_000, reason: 'maintenance', createdBy: 'ana', createdAtMs: NOW_MS }]);
});

test('a silence with no target or two, an end not in the future or too far, an empty reason, or a missing rule is refused and not written', async () => {
  const { directory, written } = recordingDirectory();
  const until = NOW_MS + 60_000;
  assert.equal(await codeOf(directory.add({ untilMs: until, reason: 'r' }, 'ana')), 'ERR_SILENCE_INVALID');
  assert.equal(await codeOf(directory.add({ deviceId: 'cwm', siteId: 3, untilMs: until, reason: 'r' }, 'ana')), 'ERR_SILENCE_INVALID');
  assert.equal(await codeOf(directory.add({ deviceId: 'cwm', untilMs: NOW_MS, reason: 'r' }, 'ana')), 'ERR_SILENCE_INVALID');
  assert.equal(await codeOf(directory.add({ deviceId: 'cwm', untilMs: NOW_MS + MAX_SILENCE_DURATION_MS + 1, reason: 'r' }, 'ana')), 'ERR_SILENCE_INVALID');
  assert.equal(await codeOf(directory.add({ deviceId: 'cwm', untilMs: until, reason: ' ' }, 'ana')), 'ERR_SILENCE_INVALID');
  assert.equal(await codeOf(directory.add({ deviceId: 'cwm', untilMs: until, reason: 'x'.repeat(501) }, 'ana')), 'ERR_SILENCE_INVALID');
  assert.equal(await codeOf(directory.add({ ruleId: 8, untilMs: until, reason: 'r' }, 'ana')), 'ERR_ALERT_RULE_NOT_FOUND');
  assert.deepEqual(written, []);
});
