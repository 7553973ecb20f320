import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidDeviceId } from '../../protocol/device-id.js';
import { isModelId, parseEquipmentId } from './equipment-id.js';

test('the vendor example id splits into model 0363 and serial 34d0b8df1f05', () => {
  assert.deepEqual(parseEquipmentId('036334d0b8df1f05'), { modelId: '0363', serial: '34d0b8df1f05' });
});

test('hex digits in upper case are accepted and returned in lower case', () => {
  assert.deepEqual(parseEquipmentId('0A6F34D0B8DF1F05'), { modelId: '0a6f', serial: '34d0b8df1f05' });
});

test('a Virtual ConnectWare id (prefix 0003) parses like any other 16-digit id', () => {
  assert.deepEqual(parseEquipmentId('000334d0b8df1f05'), { modelId: '0003', serial: '34d0b8df1f05' });
});

test('ids that are valid device ids but not 16 hex digits have no model and return null', () => {
  for (const id of ['00000102030405060708', '23334d0b8df1898', 'cwm-1', '036334d0b8df1f0g', '036334d0b8df1f0']) {
    assert.ok(isValidDeviceId(id), id);
    assert.equal(parseEquipmentId(id), null, id);
  }
});

test('empty, whitespace-padded and non-ASCII ids return null instead of throwing', () => {
  for (const id of ['', ' 036334d0b8df1f05', '036334d0b8df1f05\n', '０３６３34d0b8df1f05', '0363-34d0b8df1f0']) {
    assert.equal(parseEquipmentId(id), null, JSON.stringify(id));
  }
});

test('a model id is exactly 4 hex digits', () => {
  assert.ok(isModelId('0363'));
  assert.ok(isModelId('F1eA'));
  for (const bad of ['', '363', '03633', '03g3', ' 363', '0x63']) assert.ok(!isModelId(bad), bad);
});
