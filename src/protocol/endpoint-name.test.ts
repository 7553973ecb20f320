import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkEndpointName, type EndpointProblem } from './endpoint-name.js';

test('the seed document\'s valid examples are accepted as they are', () => {
  assert.deepEqual(checkEndpointName('tps.mycompany.com'), { isValid: true, value: 'tps.mycompany.com', kind: 'dns' });
  assert.deepEqual(checkEndpointName('192.168.2.100'), { isValid: true, value: '192.168.2.100', kind: 'ipv4' });
});

test('the seed document\'s invalid examples are refused with the reason and the bare host to use instead', () => {
  const cases: Array<[string, EndpointProblem]> = [
    ['https://tps.mycompany.com', 'has-scheme'],
    ['tps.mycompany.com/servlet', 'has-path'],
    ['tps.mycompany.com?redirect=true', 'has-query'],
    ['https://tps.mycompany.com/servlet?redirect=true', 'has-scheme'],
  ];
  for (const [value, problem] of cases) {
    const check = checkEndpointName(value);
    assert.equal(check.isValid, false, value);
    if (check.isValid) continue;
    assert.equal(check.problem, problem, value);
    assert.equal(check.suggestion, 'tps.mycompany.com', value);
    assert.ok(check.reason.length > 10);
  }
});

test('ports, credentials, fragments, spaces and empty values are refused, each with its own problem', () => {
  const cases: Array<[string, EndpointProblem, string | null]> = [
    ['tps.mycompany.com:443', 'has-port', 'tps.mycompany.com'],
    ['192.168.2.100:8443', 'has-port', '192.168.2.100'],
    ['[2001:db8::1]:443', 'has-port', '2001:db8::1'],
    ['http://192.168.2.100:8443/pull', 'has-scheme', '192.168.2.100'],
    ['admin@tps.mycompany.com', 'has-credentials', 'tps.mycompany.com'],
    ['tps.mycompany.com#x', 'has-fragment', 'tps.mycompany.com'],
    [' tps.mycompany.com', 'has-whitespace', 'tps.mycompany.com'],
    ['', 'empty', null],
    ['   ', 'empty', null],
  ];
  for (const [value, problem, suggestion] of cases) {
    const check = checkEndpointName(value);
    assert.equal(check.isValid ? 'valid' : check.problem, problem, JSON.stringify(value));
    if (!check.isValid) assert.equal(check.suggestion, suggestion, JSON.stringify(value));
  }
});

test('names longer than the 64 characters a CWM holds are refused; 64 is accepted', () => {
  const name64 = `${'a'.repeat(60)}.com`;
  assert.equal(name64.length, 64);
  assert.equal(checkEndpointName(name64).isValid, true);
  const check = checkEndpointName(`a${name64}`);
  assert.equal(check.isValid ? 'valid' : check.problem, 'too-long');
});

test('malformed names and addresses are refused; IPv6 and a trailing root dot are accepted', () => {
  const refused: Array<[string, EndpointProblem]> = [
    ['tps..example.com', 'bad-label'],
    ['-tps.example.com', 'bad-label'],
    ['tps_1.example.com', 'bad-characters'],
    ['tpsé.example.com', 'bad-characters'],
    ['192.168.2.300', 'bad-ip'],
    ['192.168.2', 'bad-ip'],
    ['2001:db8:::1', 'bad-ip'],
  ];
  for (const [value, problem] of refused) {
    const check = checkEndpointName(value);
    assert.equal(check.isValid ? 'valid' : check.problem, problem, value);
  }
  assert.deepEqual(checkEndpointName('2001:db8::1'), { isValid: true, value: '2001:db8::1', kind: 'ipv6' });
  assert.deepEqual(checkEndpointName('::ffff:192.0.2.1'), { isValid: true, value: '::ffff:192.0.2.1', kind: 'ipv6' });
  assert.equal(checkEndpointName('tps.example.com.').isValid, true);
  assert.equal(checkEndpointName('localhost').isValid, true);
});
