// What client certificate a device request came with: from the TLS socket (mutual TLS served by us), or,
// only when the peer is a configured proxy, from the headers nginx sets after verifying it
// (X-Client-Verify, X-Client-Subject, X-Client-Serial; deploy/nginx/). From anyone else those headers
// are ignored, so a device cannot claim a certificate it does not hold.

import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { NO_CLIENT_CERTIFICATE, type PresentedClientCertificate } from '../../domain/client-certificate-verdict.js';

export const CLIENT_VERIFY_HEADER = 'x-client-verify';
export const CLIENT_SUBJECT_HEADER = 'x-client-subject';
export const CLIENT_SERIAL_HEADER = 'x-client-serial';

/** Matches peer addresses against --trusted-proxies (IPs or CIDRs, IPv4 or IPv6). */
export function createProxyMatcher(trustedProxies: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const entry of trustedProxies) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    if (address === undefined || trustedProxies.length === 0) return false;
    const mapped = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const type = isIP(mapped) === 6 ? 'ipv6' : 'ipv4';
    return isIP(mapped) !== 0 && list.check(mapped, type);
  };
}

function headerText(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? null : text;
}

/** nginx's $ssl_client_verify: SUCCESS, NONE, or FAILED:<OpenSSL reason>. */
function fromProxyHeaders(request: FastifyRequest, verify: string): PresentedClientCertificate {
  if (verify === 'NONE') return NO_CLIENT_CERTIFICATE;
  const reason = verify.startsWith('FAILED:') ? verify.slice('FAILED:'.length) : verify;
  const isVerified = verify === 'SUCCESS';
  return {
    isPresented: true,
    isChainVerified: isVerified,
    verifyError: isVerified ? null : /expired/i.test(reason) ? 'CERT_HAS_EXPIRED' : /not yet valid/i.test(reason) ? 'CERT_NOT_YET_VALID' : reason,
    subject: headerText(request, CLIENT_SUBJECT_HEADER),
    serial: headerText(request, CLIENT_SERIAL_HEADER),
  };
}

function isTlsSocket(socket: unknown): socket is TLSSocket {
  return typeof socket === 'object' && socket !== null && 'getPeerCertificate' in socket && typeof socket.getPeerCertificate === 'function';
}

function distinguishedName(parts: object | undefined): string | null {
  if (parts === undefined) return null;
  const text = Object.entries(parts).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`).join(', ');
  return text === '' ? null : text;
}

function fromTlsSocket(socket: TLSSocket): PresentedClientCertificate {
  const certificate = socket.getPeerCertificate();
  if (certificate === null || Object.keys(certificate).length === 0) return NO_CLIENT_CERTIFICATE;
  // node:tls reports the verification failure as an OpenSSL code string (typed as Error).
  const error: unknown = socket.authorizationError;
  const verifyError = error === null || error === undefined ? null : error instanceof Error && 'code' in error ? String(error.code) : String(error);
  return {
    isPresented: true,
    isChainVerified: socket.authorized,
    verifyError: socket.authorized ? null : verifyError,
    subject: distinguishedName(certificate.subject),
    serial: certificate.serialNumber ?? null,
  };
}

export function readClientCertificate(request: FastifyRequest, isTrustedProxy: (address: string | undefined) => boolean): PresentedClientCertificate {
  const socket: unknown = request.raw.socket;
  const peer = request.raw.socket?.remoteAddress;
  if (isTrustedProxy(peer)) {
    const verify = headerText(request, CLIENT_VERIFY_HEADER);
    if (verify !== null) return fromProxyHeaders(request, verify);
  }
  return isTlsSocket(socket) ? fromTlsSocket(socket) : NO_CLIENT_CERTIFICATE;
}
