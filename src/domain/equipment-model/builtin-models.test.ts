import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EquipmentModel } from './data-dictionary.js';
import { validateEquipmentModel } from './dictionary-validation.js';
import { BUILTIN_MODELS, CWM_HEARTBEAT_MODEL, EXAMPLE_COMBI_OVEN_MODEL, EXAMPLE_FRYER_MODEL } from './builtin-models.js';
import { decodeField, type DecodedField } from './field-decoding.js';

/** Decodes every member of a heartbeat with the model's dictionary, as the equipment page will. */
function decodeHeartbeat(model: EquipmentModel, heartbeat: Record<string, unknown>): Record<string, DecodedField> {
  return Object.fromEntries(Object.entries(heartbeat).map(([key, raw]) => [key, decodeField(model.fields.find((field) => field.key === key), raw)]));
}

function displays(decoded: Record<string, DecodedField>): Record<string, string> {
  return Object.fromEntries(Object.entries(decoded).map(([key, field]) => [key, field.display]));
}

test('every built-in model passes dictionary validation with no problem', () => {
  for (const model of BUILTIN_MODELS) assert.deepEqual(validateEquipmentModel(model), [], model.name);
});

test('built-in model ids are distinct and avoid every id prefix of PROTOCOL.md and the simulator', () => {
  const ids = BUILTIN_MODELS.map((model) => model.modelId);
  assert.equal(new Set(ids).size, ids.length);
  for (const taken of ['0000', '0002', '0003', '0102', '0363', '0412', '0520', '0611']) assert.ok(!ids.includes(taken), taken);
});

test('a CWM heartbeat as the simulator sends it decodes every field with no mismatch', () => {
  const heartbeat = {
    ti: 38.4, diag: [120, 0, 2, 1], cfgpend: false, scan: false, port: '232', baud: 115200, sidx: 0, smax: 19, txp: true,
    msf: [100, 20, 10], rcon: '0003', '5v': 5012, '12v': 12010, if: 'eth', emac: [400, 1, 350, 1, 340, 2, 0, 0, 9],
  };
  const decoded = decodeHeartbeat(CWM_HEARTBEAT_MODEL, heartbeat);
  assert.deepEqual(Object.entries(decoded).filter(([, field]) => field.isMismatch), []);
  assert.deepEqual(displays(decoded), {
    ti: '38.4 °C',
    diag: 'OKM queue reads: 120, reads without _crc: 0, reads with invalid _crc: 2, reads with invalid JSON: 1',
    cfgpend: 'false',
    scan: 'false',
    port: 'RS-232',
    baud: '115200 Bd',
    sidx: '0',
    smax: '19',
    txp: 'true',
    msf: 'telemetry: 100, priority: 20, inbound: 10',
    rcon: '0003',
    '5v': '5012 mV',
    '12v': '12010 mV',
    if: 'Ethernet',
    emac: 'numInterrupts: 400, lastGetFrmTxOk: 1, sentPacketsE: 350, lastGetFrmRxOk: 1, recPacketsE: 340, lastGetFrmPktCount: 2, lastGetFrmRxOvflow: 0, lastGetFrmFcsError: 0, [8]: 9',
  });
  assert.deepEqual(decoded.emac?.value, heartbeat.emac, 'emac stays the raw array');
  assert.equal(decoded['5v']?.unit, 'mV');
});

test('a CWM heartbeat that names the queue array msp decodes like msf', () => {
  assert.equal(decodeHeartbeat(CWM_HEARTBEAT_MODEL, { msp: [100, 20, 10] }).msp?.display, 'telemetry: 100, priority: 20, inbound: 10');
});

test('a fryer heartbeat decodes to temperatures in °C, times in s and the program mode label; oil temperature is HACCP', () => {
  const decoded = decodeHeartbeat(EXAMPLE_FRYER_MODEL, {
    serial_no: '34d0b8df1f05', vat_volume: 25, program_mode: 4, set_temp: 1800, oil_temp: 1762, set_time: 180, remaining_time: 95,
    basket_lifted: false, alarms: 0b1000, cook_cycles: 312, door: 56,
  });
  assert.deepEqual(displays(decoded), {
    serial_no: '34d0b8df1f05', vat_volume: '25.0 L', program_mode: 'cooking', set_temp: '180.0 °C', oil_temp: '176.2 °C', set_time: '180 s',
    remaining_time: '95 s', basket_lifted: 'false', alarms: 'low oil level', cook_cycles: '312', door: '56',
  });
  assert.equal(decoded.oil_temp?.value, 176.2);
  assert.deepEqual(decoded.door, { raw: 56, value: 56, display: '56', unit: null, isMismatch: false }, 'a field not in the dictionary stays raw');
  assert.deepEqual(EXAMPLE_FRYER_MODEL.fields.filter((field) => field.haccp).map((field) => field.key), ['oil_temp']);
});

test('a fryer heartbeat with a bad value marks only that value as a mismatch', () => {
  const decoded = decodeHeartbeat(EXAMPLE_FRYER_MODEL, { program_mode: 9, oil_temp: 'hot', set_temp: 1800 });
  assert.equal(decoded.program_mode?.isMismatch, true);
  assert.equal(decoded.oil_temp?.isMismatch, true);
  assert.equal(decoded.oil_temp?.display, 'hot');
  assert.equal(decoded.set_temp?.isMismatch, false);
});

test('a combi oven heartbeat decodes cabinet and core temperatures, humidity, energy and mode; core temperature is HACCP', () => {
  const decoded = decodeHeartbeat(EXAMPLE_COMBI_OVEN_MODEL, {
    program_mode: 3, set_temp: 160, cabinet_temp: 158, set_core_temp: 720, core_temp: 655, humidity: 45, set_time: 2400,
    remaining_time: 1310, door_open: 0, energy: 1234,
  });
  assert.deepEqual(Object.values(decoded).filter((field) => field.isMismatch), []);
  assert.deepEqual(displays(decoded), {
    program_mode: 'combi', set_temp: '160 °C', cabinet_temp: '158 °C', set_core_temp: '72.0 °C', core_temp: '65.5 °C', humidity: '45%',
    set_time: '2400 s', remaining_time: '1310 s', door_open: 'false', energy: '12.34 kWh',
  });
  assert.deepEqual(EXAMPLE_COMBI_OVEN_MODEL.fields.filter((field) => field.haccp).map((field) => field.key), ['core_temp']);
});
