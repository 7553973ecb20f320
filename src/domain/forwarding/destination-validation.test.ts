import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenTpsError } from '../../errors.js';
import { parseBrokerUrl, parseDestination, parseDestinationWebhookUrl } from './destination-validation.js';

function refusedWith(pattern: RegExp): (error: unknown) => boolean {
  return (error) => isOpenTpsError(error) && error.code === 'ERR_DESTINATION_INVALID' && pattern.test(error.message);
}

const MQTT = { name: 'Data lake', target: { kind: 'mqtt', url: 'mqtts://broker.example.com:8883', username: 'tps', password: 'secret', topicTemplate: 'opentps/{site}/{model}/{deviceId}/{kind}' }, filter: { kinds: ['telemetry', 'alert'] } };

test('webhook URLs: https anywhere, http to loopback only, no credentials', () => {
  assert.equal(parseDestinationWebhookUrl('https://erp.example.com/in').hostname, 'erp.example.com');
  assert.equal(parseDestinationWebhookUrl('http://127.0.0.1:9000/in').port, '9000');
  assert.throws(() => parseDestinationWebhookUrl('http://erp.example.com/in'), refusedWith(/must be https/));
  assert.throws(() => parseDestinationWebhookUrl('https://u:p@erp.example.com/in'), refusedWith(/user name or password/));
  assert.throws(() => parseDestinationWebhookUrl('erp.example.com'), refusedWith(/not an absolute URL/));
});

test('broker URLs: mqtts and wss anywhere, mqtt and ws to loopback only, credentials in their own members', () => {
  assert.equal(parseBrokerUrl('mqtts://broker.example.com:8883').port, '8883');
  assert.equal(parseBrokerUrl('wss://broker.example.com/mqtt').protocol, 'wss:');
  assert.equal(parseBrokerUrl('mqtt://localhost:1883').hostname, 'localhost');
  assert.throws(() => parseBrokerUrl('mqtt://broker.example.com:1883'), refusedWith(/use mqtts:\/\//));
  assert.throws(() => parseBrokerUrl('ws://broker.example.com/mqtt'), refusedWith(/use wss:\/\//));
  assert.throws(() => parseBrokerUrl('https://broker.example.com'), refusedWith(/mqtts:\/\/ or wss:\/\//));
  assert.throws(() => parseBrokerUrl('mqtts://tps:secret@broker.example.com'), refusedWith(/"username" and "password"/));
});

test('a destination is checked whole: shape, URL and topic template, each refusal naming its member', () => {
  assert.equal(parseDestination(MQTT).name, 'Data lake');
  assert.throws(() => parseDestination({ ...MQTT, target: { ...MQTT.target, topicTemplate: 'opentps/{room}' } }), refusedWith(/topicTemplate: unknown placeholder/));
  assert.throws(() => parseDestination({ ...MQTT, filter: { kinds: [] } }), refusedWith(/: filter\.kinds/));
  assert.throws(() => parseDestination({ ...MQTT, filter: { kinds: ['okm'] } }), refusedWith(/filter\.kinds/));
  assert.throws(() => parseDestination({ ...MQTT, target: { ...MQTT.target, qos: 2 } }), refusedWith(/target/));
  assert.throws(() => parseDestination({ name: 'Hook', target: { kind: 'webhook', url: 'http://erp.example.com' }, filter: { kinds: ['alert'] } }), refusedWith(/target\.url: must be https/));
  assert.equal(parseDestination({ name: 'Hook', target: { kind: 'webhook', url: 'https://erp.example.com', maxBatchEvents: 500 }, filter: { kinds: ['alert'], siteIds: [2] } }).target.kind, 'webhook');
});
