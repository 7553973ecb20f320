// The certificate authority's X.509 work, with @peculiar/x509 on WebCrypto: a CA root, server
// certificates (serverAuth, DNS/IP SANs) and client certificates (clientAuth). Private keys come out in
// the traditional PEM forms (PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY"), which embedded TLS stacks
// read most widely; node:tls reads them too.

// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, createPrivateKey, webcrypto } from 'node:crypto';
import type { KeyAlgorithm } from '../../domain/ca-records.js';
import type { CertificateMinter, LeafRequest, MintedCertificate, RootRequest } from '../../domain/certificate-minter.js';

type CryptoKey = webcrypto.CryptoKey;
type SigningAlgorithm =
  | { name: 'RSASSA-PKCS1-v1_5'; modulusLength: number; publicExponent: Uint8Array; hash: string }
  | { name: 'ECDSA'; namedCurve: string; hash: string };

function signingAlgorithm(algorithm: KeyAlgorithm): SigningAlgorithm {
  return algorithm === 'rsa-2048'
    ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
    : { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
}

async function generateKeys(algorithm: KeyAlgorithm): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(signingAlgorithm(algorithm), true, ['sign', 'verify']);
}

async function traditionalKeyPem(key: CryptoKey, algorithm: KeyAlgorithm): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const keyObject = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return keyObject.export({ format: 'pem', type: algorithm === 'rsa-2048' ? 'pkcs1' : 'sec1' }).toString();
}

async function importIssuerKey(keyPem: string, algorithm: KeyAlgorithm): Promise<CryptoKey> {
  const pkcs8 = createPrivateKey(keyPem).export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', pkcs8, signingAlgorithm(algorithm), false, ['sign']);
}

function algorithmOfKey(keyPem: string): KeyAlgorithm {
  return createPrivateKey(keyPem).asymmetricKeyType === 'ec' ? 'ecdsa-p256' : 'rsa-2048';
}

function describe(cert: x509.X509Certificate, keyPem: string): MintedCertificate {
  const certPem = `${cert.toString('pem')}\n`;
  const parsed = new X509Certificate(certPem);
  return { certPem, keyPem, subject: parsed.subject, sha256Fingerprint: parsed.fingerprint256 };
}

export function createX509Minter(): CertificateMinter {
  x509.cryptoProvider.set(webcrypto);
  return {
    async createRoot(request: RootRequest) {
      const algorithm = signingAlgorithm(request.algorithm);
      const keys = await generateKeys(request.algorithm);
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: request.serial,
        name: `CN=${request.commonName}, O=${request.organization}`,
        notBefore: request.notBefore,
        notAfter: request.notAfter,
        signingAlgorithm: algorithm,
        keys,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      return describe(cert, await traditionalKeyPem(keys.privateKey, request.algorithm));
    },

    async issue(request: LeafRequest) {
      const algorithm = signingAlgorithm(request.algorithm);
      const keys = await generateKeys(request.algorithm);
      const issuerCert = new x509.X509Certificate(request.issuer.certPem);
      const issuerKey = await importIssuerKey(request.issuer.keyPem, algorithmOfKey(request.issuer.keyPem));
      const isServer = request.kind === 'server';
      const keyUsage = x509.KeyUsageFlags.digitalSignature | (request.algorithm === 'rsa-2048' ? x509.KeyUsageFlags.keyEncipherment : 0);
      const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(keyUsage, true),
        new x509.ExtendedKeyUsageExtension([isServer ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
        await x509.AuthorityKeyIdentifierExtension.create(issuerCert),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ];
      if (request.names.length > 0) {
        extensions.push(new x509.SubjectAlternativeNameExtension(request.names.map((name) => ({ type: name.type, value: name.value }))));
      }
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: request.serial,
        subject: `CN=${request.commonName}, O=${request.organization}`,
        issuer: issuerCert.subject,
        notBefore: request.notBefore,
        notAfter: request.notAfter,
        signingAlgorithm: algorithm,
        publicKey: keys.publicKey,
        signingKey: issuerKey,
        extensions,
      });
      return describe(cert, await traditionalKeyPem(keys.privateKey, request.algorithm));
    },
  };
}
