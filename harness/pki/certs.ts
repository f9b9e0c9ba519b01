/**
 * Certificate building with node-forge. Key pairs come from Node's native crypto: RSA key
 * generation in pure JavaScript is slow (LIBRARIES.md: ~250 ms native per RSA-2048 key), and the
 * native calls run on libuv's thread pool, so a whole lab's keys are generated concurrently.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { CertPlan } from './plan.ts';

const DAY_MS = 86_400_000;
const ORG = 'cas-conformance lab';

export interface KeyPair {
  /** PKCS#8 PEM, as Node, nginx and HAProxy all read it. */
  readonly keyPem: string;
  readonly privateKey: forge.pki.rsa.PrivateKey;
  readonly publicKey: forge.pki.rsa.PublicKey;
}

export interface IssuedCert {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notAfter: Date;
}

export interface Issuer {
  readonly cert: forge.pki.Certificate;
  readonly privateKey: forge.pki.rsa.PrivateKey;
}

/** One RSA-2048 key pair from Node's native crypto, converted for forge. */
export function newKeyPair(): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } },
      (err, _publicPem, keyPem) => {
        if (err) return reject(err);
        const privateKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
        resolve({ keyPem, privateKey, publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e) });
      },
    );
  });
}

/** The lab CA: self-signed, 10 years, may sign certificates only. */
export function buildCa(commonName: string, keys: KeyPair, now = Date.now()): { issuer: Issuer; issued: IssuedCert } {
  const cert = baseCert(keys, now, 10 * 365);
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: ORG },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { issuer: { cert, privateKey: keys.privateKey }, issued: finish(cert, keys) };
}

/**
 * A server certificate for one plan entry: signed by the lab CA, or self-signed when the plan says
 * so (Exchange's default certificate carries no IP address and is its own issuer).
 */
export function buildLeaf(plan: CertPlan, keys: KeyPair, ca: Issuer, now = Date.now()): IssuedCert {
  const cert = baseCert(keys, now, 2 * 365);
  const altNames: { type: number; value?: string; ip?: string }[] = plan.names.map((value) => ({ type: 2, value }));
  if (plan.selfSigned) {
    const subject = [{ name: 'commonName', value: plan.commonName }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    // No keyUsage extension: with one lacking keyCertSign, OpenSSL would not see the certificate as
    // its own issuer, and clients that pin it (trust it as its own CA) need that.
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    return finish(cert, keys);
  }
  altNames.push({ type: 7, ip: plan.address });
  cert.setSubject([
    { name: 'commonName', value: plan.commonName },
    { name: 'organizationName', value: ORG },
  ]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());
  return finish(cert, keys);
}

function baseCert(keys: KeyPair, now: number, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  // From yesterday: a clock a little behind ours still accepts the certificate.
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now - DAY_MS + days * DAY_MS);
  return cert;
}

/** 16 random bytes, positive and minimally encoded (first byte 0x40..0x7f) as DER INTEGER wants. */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x3f) | 0x40;
  return b.toString('hex');
}

function finish(cert: forge.pki.Certificate, keys: KeyPair): IssuedCert {
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem, notAfter: cert.validity.notAfter };
}
