import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveClientAuthMode, isClientCertificateRequired } from './client-auth-mode.js';
import { NO_CLIENT_CERTIFICATE, judgeClientCertificate, normalizeSerial } from './client-certificate-verdict.js';

const verified = { isPresented: true, isChainVerified: true, verifyError: null, subject: 'CN=k', serial: '00ab12' };
const never = (): boolean => false;

test('a verified certificate passes unless its serial is revoked, compared without case or leading zeros', () => {
  assert.equal(judgeClientCertificate(verified, never), 'verified');
  assert.equal(judgeClientCertificate(verified, (serial) => serial === 'AB12'), 'revoked');
  assert.equal(normalizeSerial('00:ab:12'), 'AB12');
  assert.equal(normalizeSerial('0'), '0');
});

test('missing, untrusted and expired certificates get their own verdicts', () => {
  assert.equal(judgeClientCertificate(NO_CLIENT_CERTIFICATE, never), 'missing');
  assert.equal(judgeClientCertificate({ ...verified, isChainVerified: false, verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, never), 'untrusted');
  assert.equal(judgeClientCertificate({ ...verified, isChainVerified: false, verifyError: 'CERT_HAS_EXPIRED' }, never), 'expired');
  assert.equal(judgeClientCertificate({ ...verified, isChainVerified: false, verifyError: 'CERT_NOT_YET_VALID' }, never), 'expired');
  assert.equal(judgeClientCertificate({ ...verified, serial: null }, never), 'untrusted');
});

test('auto requires certificates on /provision once a CA exists; all covers every device path', () => {
  assert.equal(effectiveClientAuthMode('auto', false), 'none');
  assert.equal(effectiveClientAuthMode('auto', true), 'provision');
  assert.equal(effectiveClientAuthMode('none', true), 'none');
  assert.equal(isClientCertificateRequired('provision', '/provision'), true);
  assert.equal(isClientCertificateRequired('provision', '/provision/ProvisionAPI'), true);
  assert.equal(isClientCertificateRequired('provision', '/provisioning'), false);
  assert.equal(isClientCertificateRequired('provision', '/push'), false);
  assert.equal(isClientCertificateRequired('all', '/push'), true);
  assert.equal(isClientCertificateRequired('none', '/provision'), false);
});
