/**
 * TLS facts of the HTTPS endpoint from one handshake of its own: protocol and cipher negotiated
 * with a client that accepts TLS 1.0 (what Exchange on Windows 2003/2008 R2 offers), whether the
 * chain verifies, and the certificate's public facts. Never its SAN names or dates (only their
 * count and the validity length): those go into redaction (names) or nowhere.
 */
import { connect, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { guardHost, legacyTlsOptions, type ConnectionNote, type ProbeTls } from './transport.ts';
import { describeError } from './http-step.ts';
import type { TlsFacts } from './schema.ts';

export interface TlsProbeResult {
  facts: TlsFacts;
  /** DNS names of the certificate (subject CN and SAN DNS entries), for redaction only. */
  names: string[];
}

const DAY_MS = 86_400_000;

/** One TLS handshake with host:port (SNI = host when it is a name), then close. */
export async function probeTls(host: string, port: number, tls: ProbeTls, log: ConnectionNote[], timeoutMs = 10_000): Promise<TlsProbeResult> {
  guardHost(host, port, [host], log, 'tls-facts');
  let socket: TLSSocket | undefined;
  try {
    socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = connect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...legacyTlsOptions(tls) });
      const timer = setTimeout(() => {
        s.destroy();
        reject(Object.assign(new Error('timeout'), { code: 'timeout' }));
      }, timeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return readFacts(socket, host);
  } catch (err) {
    return { facts: { protocol: null, cipher: null, authorized: false, authorizationError: null, certificate: null, error: describeError(err) }, names: [] };
  } finally {
    socket?.destroy();
  }
}

function readFacts(s: TLSSocket, host: string): TlsProbeResult {
  const peer = s.getPeerCertificate(true);
  const base = {
    protocol: s.getProtocol() ?? null,
    cipher: s.getCipher()?.name ?? null,
    authorized: s.authorized,
    authorizationError: s.authorizationError ? String((s.authorizationError as unknown as { code?: string }).code ?? s.authorizationError) : null,
  };
  if (!peer?.raw) return { facts: { ...base, certificate: null }, names: [] };
  const x = new X509Certificate(peer.raw);
  const san = (x.subjectAltName ?? '').split(/,\s*/).filter(Boolean);
  const dnsNames = san.filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4));
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1];
  const notBefore = Date.parse(x.validFrom);
  const notAfter = Date.parse(x.validTo);
  const details = x.publicKey.asymmetricKeyDetails;
  return {
    facts: {
      ...base,
      certificate: {
        subject: x.subject.split('\n').join(', '),
        issuer: x.issuer.split('\n').join(', '),
        selfSigned: x.subject === x.issuer && x.checkIssued(x) && x.verify(x.publicKey),
        sanCount: san.length,
        matchesHost: (isIP(host) ? x.checkIP(host) : x.checkHost(host)) !== undefined,
        keyType: x.publicKey.asymmetricKeyType ?? null,
        keyBits: details?.modulusLength ?? null,
        validityDays: Math.round((notAfter - notBefore) / DAY_MS),
        expired: Date.now() > notAfter,
      },
    },
    names: [...(cn ? [cn] : []), ...dnsNames],
  };
}
