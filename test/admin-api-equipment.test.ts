// Issue 15 through the admin API (Fastify inject on a real SQLite store): models and their versions, the
// equipment registry with decoded values, sites placed by the gwmac a CWM sends, tags, decoded telemetry; and for
// each refusal, that nothing was written.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { CWM_HEARTBEAT_MODEL, EXAMPLE_FRYER_MODEL } from '../src/domain/equipment-model/builtin-models.js';
import { createDeviceAppHarness, createManualClock, TEST_KEY, type DeviceAppHarness } from './device-app-harness.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';

const CWM = '0002010203040506';
const CWM_2 = '0002010203040507';
const FRYER = 'e0f1aabbccddee01';
const FRYER_BAD = 'e0f1aabbccddee02';
const ODD = 'oke-without-model';
const PASSWORD = 'correct horse battery staple';
const MAC = '02:00:5e:10:20:30';

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

async function session(h: DeviceAppHarness): Promise<Session> {
  const response = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'admin', password: PASSWORD } });
  assert.equal(response.statusCode, 200, response.body);
  return { cookie: String(response.headers['set-cookie']).split(';')[0] ?? '', csrf: (response.json() as { csrfToken: string }).csrfToken };
}

function call(h: DeviceAppHarness, s: Session, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, withCsrf = true): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { cookie: s.cookie };
  if (withCsrf && method !== 'GET') headers['x-csrf-token'] = s.csrf;
  return h.deviceApp.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

let nextOkmId = 1;
async function push(h: DeviceAppHarness, cwmId: string, originId: string | undefined, heartbeat: Record<string, unknown>, query = ''): Promise<void> {
  const okm = buildUpstreamOkm({ cwmId, ...(originId === undefined ? {} : { okeId: originId }), id: nextOkmId++, payload: { _hbt: heartbeat } });
  const url = `${signedPath('/push', pushReqText(okm), TEST_KEY)}${query}`;
  const response = await h.deviceApp.app.inject({ method: 'POST', url });
  assert.equal(response.statusCode, 200, response.body);
}

/** A model of `fields` valid number fields, for tests that edit one. */
function smallModel(modelId: string, name = 'Test griddle') {
  return { modelId, name, maker: 'Test maker', kind: 'griddle', fields: [{ key: 'plate_temp', label: 'Plate temperature', class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, precision: 1 }] };
}

describe('admin API: models and dictionaries', () => {
  let h: DeviceAppHarness;
  let s: Session;
  before(async () => {
    h = await createDeviceAppHarness();
    await h.services.auth.addOperator('admin', PASSWORD);
    await h.services.modelCatalog.installBuiltins();
    s = await session(h);
  });
  after(() => h.close());

  test('the built-in models are listed: the CWM heartbeat, the example fryer and combi oven', async () => {
    const list = (await call(h, s, 'GET', '/api/v1/models')).json() as { items: Array<{ modelId: string; isBuiltin: boolean; version: number; savedBy: string }> };
    assert.deepEqual(list.items.map((m) => m.modelId), ['c000', 'e0c1', 'e0f1']);
    assert.ok(list.items.every((m) => m.isBuiltin && m.version === 1 && m.savedBy === 'opentps'));
    const fryer = (await call(h, s, 'GET', '/api/v1/models/E0F1')).json() as { model: { fields: unknown[] } };
    assert.equal(fryer.model.fields.length, EXAMPLE_FRYER_MODEL.fields.length);
  });

  test('a save is a new version, audited with who and which version; the history keeps each one', async () => {
    const first = await call(h, s, 'PUT', '/api/v1/models/D0A1', smallModel('d0a1'));
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().version, 1);
    assert.equal(first.json().model.modelId, 'd0a1');
    const second = await call(h, s, 'PUT', '/api/v1/models/d0a1?expectedVersion=1', smallModel('d0a1', 'Renamed griddle'));
    assert.equal(second.json().version, 2);
    const versions = (await call(h, s, 'GET', '/api/v1/models/d0a1/versions')).json() as { items: Array<{ version: number; savedBy: string; model: { name: string } }> };
    assert.deepEqual(versions.items.map((v) => [v.version, v.savedBy, v.model.name]), [[2, 'admin', 'Renamed griddle'], [1, 'admin', 'Test griddle']]);
    const audit = await h.services.store.listAudit(20);
    assert.ok(audit.some((entry) => entry.action === 'model.save' && entry.target === 'd0a1' && entry.actor === 'admin' && entry.details?.['version'] === 2));
  });

  test('a body without modelId takes the path\'s; one naming another model is refused', async () => {
    const { modelId: _omitted, ...withoutId } = smallModel('d0a2');
    assert.equal((await call(h, s, 'PUT', '/api/v1/models/d0a2', withoutId)).json().model.modelId, 'd0a2');
    const other = await call(h, s, 'PUT', '/api/v1/models/d0a3', smallModel('d0a4'));
    assert.equal(other.statusCode, 400);
    assert.equal(other.json().error, 'ERR_MODEL_INVALID');
    assert.equal((await call(h, s, 'GET', '/api/v1/models/d0a3')).statusCode, 404);
    assert.equal((await call(h, s, 'GET', '/api/v1/models/d0a4')).statusCode, 404);
  });

  test('a bad dictionary is refused with every bad field named, and nothing is saved', async () => {
    const bad = {
      ...smallModel('d0a1'),
      fields: [
        { key: 'a', label: 'A', class: 'telemetry', type: 'number', unit: 'degC' },
        { key: 'b', label: 'B', class: 'measurement', type: 'number' },
        { key: 'c', label: 'C', class: 'telemetry', type: 'enum' },
        { key: 'd', label: 'D', class: 'telemetry', type: 'number', min: 10, max: 1 },
      ],
    };
    const response = await call(h, s, 'PUT', '/api/v1/models/d0a1', bad);
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'ERR_MODEL_INVALID');
    for (const path of ['fields[0].unit', 'fields[1].class', 'fields[2].enumLabels', 'fields[3]']) assert.ok(response.json().message.includes(path), `${path} in ${response.json().message}`);
    assert.equal((await call(h, s, 'GET', '/api/v1/models/d0a1')).json().version, 2);
    const check = (await call(h, s, 'POST', '/api/v1/models/check', bad)).json() as { isValid: boolean; problems: Array<{ path: string }> };
    assert.equal(check.isValid, false);
    assert.ok(check.problems.some((p) => p.path === 'fields[0].unit'));
    assert.deepEqual((await call(h, s, 'POST', '/api/v1/models/check', smallModel('d0a9'))).json(), { isValid: true, problems: [] });
  });

  test('a save over someone else\'s (stale expectedVersion) is 409 and keeps theirs', async () => {
    const stale = await call(h, s, 'PUT', '/api/v1/models/d0a1?expectedVersion=1', smallModel('d0a1', 'Stale edit'));
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error, 'ERR_MODEL_VERSION_CONFLICT');
    const current = (await call(h, s, 'GET', '/api/v1/models/d0a1')).json() as { version: number; model: { name: string } };
    assert.deepEqual([current.version, current.model.name], [2, 'Renamed griddle']);
    const create = await call(h, s, 'PUT', '/api/v1/models/d0a1?expectedVersion=0', smallModel('d0a1'));
    assert.equal(create.statusCode, 409, 'expectedVersion=0 creates only');
  });

  test('a built-in model cannot be deleted; another is deleted as a version, its history kept', async () => {
    const builtin = await call(h, s, 'DELETE', '/api/v1/models/e0f1');
    assert.equal(builtin.statusCode, 409);
    assert.equal(builtin.json().error, 'ERR_MODEL_BUILTIN');
    assert.equal((await call(h, s, 'DELETE', '/api/v1/models/d0a2')).statusCode, 204);
    assert.equal((await call(h, s, 'GET', '/api/v1/models/d0a2')).json().error, 'ERR_MODEL_NOT_FOUND');
    assert.equal((await call(h, s, 'DELETE', '/api/v1/models/d0a2')).statusCode, 404);
    const versions = (await call(h, s, 'GET', '/api/v1/models/d0a2/versions')).json() as { items: Array<{ version: number; isDeletion: boolean }> };
    assert.deepEqual(versions.items.map((v) => [v.version, v.isDeletion]), [[2, true], [1, false]]);
    // Saved again after the deletion, it continues the numbering.
    assert.equal((await call(h, s, 'PUT', '/api/v1/models/d0a2?expectedVersion=0', smallModel('d0a2'))).json().version, 3);
  });

  test('writes need the CSRF token; a model id that is not 4 hex digits is refused', async () => {
    const noCsrf = await call(h, s, 'PUT', '/api/v1/models/d0b1', smallModel('d0b1'), false);
    assert.equal(noCsrf.statusCode, 403);
    assert.equal((await call(h, s, 'GET', '/api/v1/models/d0b1')).statusCode, 404);
    const badId = await call(h, s, 'PUT', '/api/v1/models/xyz1', smallModel('xyz1'));
    assert.equal(badId.statusCode, 400);
    assert.equal(badId.json().error, 'ERR_MODEL_INVALID');
  });

  test('the JSON Schema of a model file is published', async () => {
    const schema = await call(h, s, 'GET', '/api/v1/schemas/equipment-model.json');
    assert.equal(schema.statusCode, 200);
    assert.equal(schema.json().$id, 'https://opentps.dev/schemas/equipment-model.json');
    assert.ok(schema.json().properties.fields);
  });
});

describe('admin API: equipment, sites and tags', () => {
  let h: DeviceAppHarness;
  let s: Session;
  const clock = createManualClock();
  before(async () => {
    h = await createDeviceAppHarness({ 'time-zone': 'UTC' }, clock);
    await h.services.auth.addOperator('admin', PASSWORD);
    await h.services.modelCatalog.installBuiltins();
    await h.addDevice(CWM);
    await h.addDevice(CWM_2);
    s = await session(h);
    await push(h, CWM, undefined, { ti: 41.5, '5v': 4990, '12v': 12050 });
    await push(h, CWM, FRYER, { serial_no: 'FRY-001', oil_temp: 1770, set_temp: 1770, program_mode: 3, basket_lifted: 0, mystery: 'x' });
    await push(h, CWM, FRYER_BAD, { oil_temp: 'hot', program_mode: 99 });
    await push(h, CWM_2, ODD, { temp: 20 });
    await h.settle();
  });
  after(() => h.close());

  test('every origin seen is an equipment record: OKEs and a CWM that sent its own OKM, with model and serial', async () => {
    const page = (await call(h, s, 'GET', '/api/v1/equipment')).json() as { total: number; items: Array<{ id: string; modelId: string | null; serial: string | null; isCwm: boolean; cwmId: string; status: string; model: { name: string } | null }> };
    // CWM_2 only relayed an OKE's OKM: it is a device, not an origin, so not an equipment record (yet).
    assert.deepEqual(page.items.map((item) => item.id).sort(), [CWM, FRYER, FRYER_BAD, ODD].sort());
    assert.equal(page.total, 4);
    const byId = new Map(page.items.map((item) => [item.id, item]));
    assert.deepEqual([byId.get(CWM)?.modelId, byId.get(CWM)?.isCwm, byId.get(CWM)?.model?.name], ['c000', true, CWM_HEARTBEAT_MODEL.name]);
    assert.deepEqual([byId.get(FRYER)?.modelId, byId.get(FRYER)?.serial, byId.get(FRYER)?.cwmId, byId.get(FRYER)?.status], ['e0f1', 'aabbccddee01', CWM, 'online']);
    assert.deepEqual([byId.get(ODD)?.modelId, byId.get(ODD)?.model], [null, null]);
  });

  test('the table\'s key values are decoded with the raw value beside; filters narrow it in the store', async () => {
    const page = (await call(h, s, 'GET', '/api/v1/equipment?model=E0F1&sort=id')).json() as { total: number; items: Array<{ id: string; keyValues: Array<{ key: string; display: string; raw: unknown; isHaccp: boolean; isMismatch: boolean }> }> };
    assert.deepEqual(page.items.map((item) => item.id), [FRYER, FRYER_BAD]);
    const oil = page.items[0]?.keyValues.find((v) => v.key === 'oil_temp');
    assert.deepEqual([oil?.display, oil?.raw, oil?.isHaccp], ['177.0 °C', 1770, true]);
    assert.equal(page.items[1]?.keyValues.find((v) => v.key === 'oil_temp')?.isMismatch, true);
    assert.equal((await call(h, s, 'GET', `/api/v1/equipment?cwm=${CWM_2}`)).json().total, 1);
    assert.equal((await call(h, s, 'GET', '/api/v1/equipment?search=AABBCCDDEE0')).json().total, 2);
    assert.equal((await call(h, s, 'GET', '/api/v1/equipment?status=offline')).json().total, 0);
    const bad = await call(h, s, 'GET', '/api/v1/equipment?model=e0f&sort=size');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, 'ERR_API_INVALID');
  });

  test('one equipment: every value decoded, unknown fields raw, mismatches marked and counted for the model', async () => {
    const fryer = (await call(h, s, 'GET', `/api/v1/equipment/${FRYER}`)).json() as { values: Array<{ key: string; label: string | null; value: unknown; display: string; fieldClass: string | null }>; cwmHistory: Array<{ cwmId: string }> };
    const byKey = new Map(fryer.values.map((v) => [v.key, v]));
    assert.equal(byKey.get('program_mode')?.display, 'ready');
    assert.equal(byKey.get('serial_no')?.fieldClass, 'nameplate');
    assert.deepEqual([byKey.get('mystery')?.label, byKey.get('mystery')?.value], [null, 'x']);
    assert.deepEqual(fryer.cwmHistory.map((stint) => stint.cwmId), [CWM]);
    const bad = (await call(h, s, 'GET', `/api/v1/equipment/${FRYER_BAD}`)).json() as { values: Array<{ key: string; isMismatch: boolean; display: string }>; modelMismatches: Array<{ key: string; count: number }> };
    assert.deepEqual(bad.values.filter((v) => v.isMismatch).map((v) => [v.key, v.display]), [['program_mode', '99'], ['oil_temp', 'hot']]);
    assert.deepEqual(bad.modelMismatches.map((m) => [m.key, m.count]), [['oil_temp', 1], ['program_mode', 1]]);
    const models = (await call(h, s, 'GET', '/api/v1/models')).json() as { items: Array<{ modelId: string; mismatchCount: number }> };
    assert.equal(models.items.find((m) => m.modelId === 'e0f1')?.mismatchCount, 2);
    const missing = await call(h, s, 'GET', '/api/v1/equipment/e0f1000000000000');
    assert.deepEqual([missing.statusCode, missing.json().error], [404, 'ERR_EQUIPMENT_NOT_FOUND']);
  });

  test('an equipment moved to another CWM keeps its history, newest first', async () => {
    clock.advanceMs(60_000);
    await push(h, CWM_2, FRYER, { oil_temp: 1760 });
    await h.settle();
    const fryer = (await call(h, s, 'GET', `/api/v1/equipment/${FRYER}`)).json() as { cwmId: string; cwmHistory: Array<{ cwmId: string }> };
    assert.equal(fryer.cwmId, CWM_2);
    assert.deepEqual(fryer.cwmHistory.map((stint) => stint.cwmId), [CWM_2, CWM]);
  });

  test('tags are replaced as a set, filter the table, and a bad one changes nothing', async () => {
    assert.deepEqual((await call(h, s, 'PUT', `/api/v1/equipment/${FRYER}/tags`, { tags: ['pilot', 'region:north', 'pilot'] })).json(), { tags: ['pilot', 'region:north'] });
    const bad = await call(h, s, 'PUT', `/api/v1/equipment/${FRYER}/tags`, { tags: ['ok', 'not ok'] });
    assert.deepEqual([bad.statusCode, bad.json().error], [400, 'ERR_TAG_INVALID']);
    const page = (await call(h, s, 'GET', '/api/v1/equipment?tag=pilot')).json() as { items: Array<{ id: string; tags: string[] }> };
    assert.deepEqual(page.items.map((item) => [item.id, item.tags]), [[FRYER, ['pilot', 'region:north']]]);
    assert.deepEqual((await call(h, s, 'GET', '/api/v1/tags?kind=equipment')).json(), { items: [{ tag: 'pilot', count: 1 }, { tag: 'region:north', count: 1 }] });
    const unknown = await call(h, s, 'PUT', '/api/v1/equipment/nobody/tags', { tags: ['x'] });
    assert.equal(unknown.json().error, 'ERR_EQUIPMENT_NOT_FOUND');
    assert.equal((await call(h, s, 'PUT', `/api/v1/devices/${CWM}/tags`, { tags: ['lab'] })).statusCode, 200);
    assert.deepEqual((await call(h, s, 'GET', `/api/v1/devices/${CWM}/tags`)).json(), { tags: ['lab'] });
    assert.equal((await call(h, s, 'GET', '/api/v1/devices/0002ffffffffffff/tags')).json().error, 'ERR_DEVICE_NOT_FOUND');
    assert.equal((await call(h, s, 'PUT', '/api/v1/devices/0002ffffffffffff/tags', { tags: ['lab'] })).json().error, 'ERR_DEVICE_NOT_FOUND');
  });

  test('sites: bad MACs, zones and names are refused naming the error, and leave nothing', async () => {
    const badMac = await call(h, s, 'POST', '/api/v1/sites', { name: 'Main Street', gatewayMacs: ['02:00:5e:10:20'] });
    assert.deepEqual([badMac.statusCode, badMac.json().error], [400, 'ERR_GATEWAY_MAC_INVALID']);
    const badZone = await call(h, s, 'POST', '/api/v1/sites', { name: 'Main Street', timeZone: 'Mars/Olympus' });
    assert.deepEqual([badZone.statusCode, badZone.json().error], [400, 'ERR_TIME_ZONE_INVALID']);
    assert.equal((await call(h, s, 'GET', '/api/v1/sites')).json().total, 0);
  });

  test('a CWM that sends its site\'s gateway MAC is placed there, and the site\'s zone answers its /time', async () => {
    const created = await call(h, s, 'POST', '/api/v1/sites', { name: 'Main Street', address: '1 Main St', timeZone: 'Asia/Kolkata', gatewayMacs: [MAC.toUpperCase()] });
    assert.equal(created.statusCode, 201, created.body);
    const site = created.json() as { id: number; gatewayMacs: string[]; cwmCount: number };
    assert.deepEqual([site.gatewayMacs, site.cwmCount], [[MAC], 0]);
    const taken = await call(h, s, 'POST', '/api/v1/sites', { name: 'Second Street', gatewayMacs: ['02-00-5E-10-20-30'] });
    assert.deepEqual([taken.statusCode, taken.json().error], [409, 'ERR_GATEWAY_MAC_TAKEN']);
    const sameName = await call(h, s, 'POST', '/api/v1/sites', { name: 'main street' });
    assert.deepEqual([sameName.statusCode, sameName.json().error], [409, 'ERR_SITE_NAME_TAKEN']);

    await push(h, CWM, undefined, { ti: 40 }, `&gwmac=${encodeURIComponent(MAC)}`);
    await h.services.gatewayMacs.settle();
    await h.settle();
    assert.equal((await call(h, s, 'GET', `/api/v1/sites/${site.id}`)).json().cwmCount, 1);
    const devices = (await call(h, s, 'GET', `/api/v1/devices?site=${site.id}`)).json() as { total: number; items: Array<{ id: string; siteId: number | null }> };
    assert.deepEqual(devices.items.map((d) => [d.id, d.siteId]), [[CWM, site.id]]);
    assert.equal((await call(h, s, 'GET', '/api/v1/devices?tag=lab')).json().items[0]?.id, CWM);
    const atSite = (await call(h, s, 'GET', `/api/v1/equipment?site=${site.id}`)).json() as { items: Array<{ id: string; site: { name: string } | null }> };
    assert.deepEqual(atSite.items.map((item) => [item.id, item.site?.name]).sort(), [[CWM, 'Main Street'], [FRYER_BAD, 'Main Street']].sort());
    const time = await h.deviceApp.app.inject({ method: 'GET', url: signedPath('/time', JSON.stringify({ devid: CWM, ts: '2026-11-24T12:00:05' }), TEST_KEY) });
    assert.equal(JSON.parse(time.body).tz, 'Asia/Kolkata');
    const other = await h.deviceApp.app.inject({ method: 'GET', url: signedPath('/time', JSON.stringify({ devid: CWM_2, ts: '2026-11-24T12:00:05' }), TEST_KEY) });
    assert.equal(JSON.parse(other.body).tz, 'UTC');
  });

  test('a gwmac inside req places a CWM too; an operator\'s placement is not moved by a later gwmac', async () => {
    const second = (await call(h, s, 'POST', '/api/v1/sites', { name: 'Harbour', gatewayMacs: ['02:00:5e:99:99:99'] })).json() as { id: number };
    const okm = buildUpstreamOkm({ cwmId: CWM_2, id: nextOkmId++, payload: { _hbt: { ti: 39 } } });
    const req = `{"okm":${okm},"ts":"2026-11-24T12:00:01","gwmac":"02:00:5e:99:99:99"}`;
    assert.equal((await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', req, TEST_KEY) })).statusCode, 200);
    await h.services.gatewayMacs.settle();
    assert.equal((await call(h, s, 'GET', `/api/v1/sites/${second.id}`)).json().cwmCount, 1);

    const placed = await call(h, s, 'PUT', `/api/v1/devices/${CWM_2}/site`, { siteId: null });
    assert.deepEqual([placed.json().siteId, placed.json().reportedGatewayMac], [null, '02:00:5e:99:99:99']);
    const byHand = (await call(h, s, 'PUT', `/api/v1/devices/${CWM_2}/site`, { siteId: second.id })).json() as { assignment: string };
    assert.equal(byHand.assignment, 'operator');
    await push(h, CWM_2, undefined, { ti: 39 }, `&gwmac=${encodeURIComponent(MAC)}`);
    await h.services.gatewayMacs.settle();
    assert.equal((await call(h, s, 'GET', `/api/v1/sites/${second.id}`)).json().cwmCount, 1, 'the operator\'s placement holds');
    const noSite = await call(h, s, 'PUT', `/api/v1/devices/${CWM_2}/site`, { siteId: 999 });
    assert.deepEqual([noSite.statusCode, noSite.json().error], [404, 'ERR_SITE_NOT_FOUND']);
    const noDevice = await call(h, s, 'PUT', '/api/v1/devices/0002ffffffffffff/site', { siteId: second.id });
    assert.deepEqual([noDevice.statusCode, noDevice.json().error], [404, 'ERR_DEVICE_NOT_FOUND']);
  });

  test('a charted field gets its label, unit and decoded statistics; exports carry decoded values', async () => {
    const series = (await call(h, s, 'GET', `/api/v1/devices/${CWM}/telemetry?origin=${FRYER}&field=oil_temp&from=2026-11-24T11:00:00Z&to=2026-11-24T13:00:00Z`)).json() as {
      dictionaryField: { label: string; unitSymbol: string; isHaccp: boolean } | null; points: Array<{ avg: number | null; value: { avg: number } | null }>;
    };
    assert.deepEqual(series.dictionaryField && [series.dictionaryField.label, series.dictionaryField.unitSymbol, series.dictionaryField.isHaccp], ['Oil temperature', '°C', true]);
    const point = series.points.find((p) => p.avg !== null);
    assert.deepEqual([point?.avg, point?.value?.avg], [1770, 177]);
    const ndjson = await call(h, s, 'GET', `/api/v1/devices/${CWM}/okms?format=ndjson&from=2026-11-24T00:00:00Z`);
    const fryerLine = ndjson.body.trim().split('\n').map((line) => JSON.parse(line) as { originId: string; decoded?: Record<string, { display: string; isMismatch?: boolean }> }).find((line) => line.originId === FRYER);
    assert.equal(fryerLine?.decoded?.['oil_temp']?.display, '177.0 °C');
    assert.equal(fryerLine?.decoded?.['mystery']?.display, 'x');
    const csv = await call(h, s, 'GET', `/api/v1/devices/${CWM}/okms?format=csv&layout=fields&from=2026-11-24T00:00:00Z`);
    const lines = csv.body.trim().split('\n');
    assert.equal(lines[0], 'received_at,cwm_id,origin_id,okm_id,field,label,raw,value,unit,display,mismatch,haccp');
    assert.ok(lines.some((line) => line.includes(`,${FRYER},`) && line.includes(',oil_temp,Oil temperature,1770,177,Cel,177.0 °C,false,true')), csv.body);
    assert.ok(lines.some((line) => line.includes(',program_mode,Program mode,99,99,,99,true,false')), csv.body);
  });

  test('a site\'s OKMs export as one file, decoded; an unknown site is 404', async () => {
    const sites = (await call(h, s, 'GET', '/api/v1/sites?search=main')).json() as { items: Array<{ id: number }> };
    const siteId = sites.items[0]?.id;
    const csv = await call(h, s, 'GET', `/api/v1/sites/${siteId}/okms?format=csv&layout=fields&from=2026-11-24T00:00:00Z`);
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(String(csv.headers['content-disposition']), /main-street-2026-11-24-fields\.csv/);
    const origins = new Set(csv.body.trim().split('\n').slice(1).map((line) => line.split(',')[2]));
    assert.deepEqual([...origins].sort(), [CWM, FRYER, FRYER_BAD].sort(), 'every OKM the site\'s CWM carried, whoever the origin');
    const missing = await call(h, s, 'GET', '/api/v1/sites/999/okms');
    assert.deepEqual([missing.statusCode, missing.json().error], [404, 'ERR_SITE_NOT_FOUND']);
  });

  test('a fleet chart can name a model (and a site) instead of devices, and is then decoded', async () => {
    const series = (await call(h, s, 'GET', '/api/v1/series?field=oil_temp&model=E0F1&from=2026-11-24T11:00:00Z&to=2026-11-24T13:00:00Z')).json() as { devices: number; dictionaryField: { label: string } | null };
    assert.deepEqual([series.devices, series.dictionaryField?.label], [2, 'Oil temperature']);
    const none = await call(h, s, 'GET', '/api/v1/series?field=oil_temp&model=ffff');
    assert.deepEqual([none.statusCode, none.json().error], [400, 'ERR_API_INVALID']);
    const neither = await call(h, s, 'GET', '/api/v1/series?field=oil_temp');
    assert.deepEqual([neither.statusCode, neither.json().error], [400, 'ERR_API_INVALID']);
  });
});
