import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenTpsError } from '../../errors.js';
import { formatGatewayMac, normalizeGatewayMac, parseGatewayMac } from './gateway-mac.js';
import { gatewayMacOfRequest } from './request-gateway-mac.js';

test('a MAC in any usual spelling has one normal form', () => {
  for (const raw of ['00:1A:2B:3C:4D:5E', '00-1a-2b-3c-4d-5e', '001a2b3c4d5e', ' 001A2B3C4D5E ']) assert.equal(normalizeGatewayMac(raw), '001a2b3c4d5e', raw);
  assert.equal(formatGatewayMac('001a2b3c4d5e'), '00:1a:2b:3c:4d:5e');
});

test('what is not a MAC has no normal form, and parsing it names the error', () => {
  for (const raw of ['', '00:1a:2b:3c:4d', '00:1a:2b:3c:4d:5e:6f', '00:1a-2b:3c:4d:5e', '00:1a:2b:3c:4d:5g', '001a.2b3c.4d5e', 'gwmac']) {
    assert.equal(normalizeGatewayMac(raw), null, raw);
    assert.throws(() => parseGatewayMac(raw), (error) => isOpenTpsError(error, 'ERR_GATEWAY_MAC_INVALID'), raw);
  }
});

test('a request\'s gwmac comes from the parameter first, else from a string member of req; blanks are none', () => {
  assert.equal(gatewayMacOfRequest('00:1a:2b:3c:4d:5e', { gwmac: '11:22:33:44:55:66' }), '00:1a:2b:3c:4d:5e');
  assert.equal(gatewayMacOfRequest(undefined, { gwmac: '11:22:33:44:55:66' }), '11:22:33:44:55:66');
  assert.equal(gatewayMacOfRequest('  ', { gwmac: '11:22:33:44:55:66' }), '11:22:33:44:55:66');
  assert.equal(gatewayMacOfRequest(undefined, { gwmac: 42 }), null);
  assert.equal(gatewayMacOfRequest(undefined, { gwmac: '' }), null);
  assert.equal(gatewayMacOfRequest(undefined, {}), null);
});
