import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpenTpsError } from '../errors.js';
import { ensureFirstOperator, type FirstOperatorDeps } from './first-operator.js';

/** Operators and audit entries in memory, with what was shown once. */
function fakeDeps(options: { operatorCount: number; adminPassword: string | null; isAddRefused?: boolean }) {
  const added: Array<{ name: string; password: string }> = [];
  const audited: Array<{ action: string; details: unknown }> = [];
  const shown: string[] = [];
  const deps: FirstOperatorDeps = {
    store: { countOperators: async () => options.operatorCount + added.length },
    auth: {
      async addOperator(name, password) {
        if (options.isAddRefused === true) throw new OpenTpsError('ERR_OPERATOR_EXISTS', 'an operator with this name exists');
        added.push({ name, password });
      },
    },
    audit: { record: async (_actor, action, _target, details) => void audited.push({ action, details }) },
    adminPassword: options.adminPassword,
    showOnce: (text) => shown.push(text),
  };
  return { deps, added, audited, shown };
}

test('on first start admin gets a generated password, shown once and audited as generated', async () => {
  const fake = fakeDeps({ operatorCount: 0, adminPassword: null });
  await ensureFirstOperator(fake.deps);
  await ensureFirstOperator(fake.deps);
  assert.equal(fake.added.length, 1, 'a second start adds nobody');
  const [admin] = fake.added;
  assert.equal(admin?.name, 'admin');
  assert.match(admin?.password ?? '', /^[A-Za-z0-9_-]{24}$/);
  assert.equal(fake.shown.length, 1);
  assert.ok(fake.shown[0]?.includes(admin?.password ?? 'missing'));
  assert.deepEqual(fake.audited, [{ action: 'operator.add', details: { generatedPassword: true } }]);
});

test('with OPENTPS_ADMIN_PASSWORD admin gets it and nothing is shown', async () => {
  const fake = fakeDeps({ operatorCount: 0, adminPassword: 'correct horse battery' });
  await ensureFirstOperator(fake.deps);
  assert.deepEqual(fake.added, [{ name: 'admin', password: 'correct horse battery' }]);
  assert.deepEqual(fake.shown, []);
  assert.deepEqual(fake.audited, [{ action: 'operator.add', details: { generatedPassword: false } }]);
});

test('a store that has operators already is left alone', async () => {
  const fake = fakeDeps({ operatorCount: 2, adminPassword: null });
  await ensureFirstOperator(fake.deps);
  assert.deepEqual([fake.added, fake.audited, fake.shown], [[], [], []]);
});

test('another node creating admin first (ERR_OPERATOR_EXISTS) is not an error, and nothing is shown', async () => {
  const fake = fakeDeps({ operatorCount: 0, adminPassword: null, isAddRefused: true });
  await ensureFirstOperator(fake.deps);
  assert.deepEqual([fake.audited, fake.shown], [[], []]);
});
