/**
 * TLS-07 (hardened): an impostor in a CAS's place. The real mock is taken off its HTTPS socket with
 * the lab's `refuse` fault, and this server listens on the same loopback address and port with a
 * certificate the topology does not allow for that CAS (another name's, or another issuer's). It
 * answers like an IIS vdir (401 with NTLM/Negotiate, as PROTOCOL-FACTS says legacy vdirs do) so a
 * candidate that accepts the certificate sees a healthy CAS and sends the user's request: that
 * request, recorded here, is the failure. A candidate that refuses the certificate leaves only failed
 * handshakes.
 * @example
 * const imp = await TlsImpostor.start({ host: '127.0.1.11', port: 20443, cert: other.certPem, key: other.keyPem });
 * await imp.waitFor((i) => i.handshakesDone > 0, 5000);
 * imp.summary(); // '1 connection(s), 0 handshake(s) accepted by the client, 1 refused (...), 0 request(s)'
 * await imp.close();
 */
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { newKeyPair, buildCa, buildLeaf } from '../../harness/pki/certs.ts';
import type { CertKey } from '../../harness/pki/index.ts';

export interface ImpostorRequest {
  method: string;
  path: string;
  host: string;
  sni: string | null;
}

export interface ImpostorOptions {
  /** The real CAS's bind address (loopback only). */
  host: string;
  port: number;
  cert: string;
  key: string;
}

const MAX_LOG = 200;

export class TlsImpostor {
  connections = 0;
  readonly handshakeErrors: string[] = [];
  handshakesOk = 0;
  readonly requests: ImpostorRequest[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #waiters = new Set<() => void>();

  /** Handshakes that ended, either way (the client accepted the certificate, or refused it). */
  get handshakesDone(): number {
    return this.handshakesOk + this.handshakeErrors.length;
  }

  /** The client accepted the certificate: a finished handshake or any request on it. */
  get accepted(): boolean {
    return this.handshakesOk > 0 || this.requests.length > 0;
  }

  #changed(): void {
    for (const w of this.#waiters) w();
  }

  private constructor(readonly server: Server) {}

  /** Listen on the CAS's address and port. */
  static async start(o: ImpostorOptions): Promise<TlsImpostor> {
    if (!o.host.startsWith('127.')) throw new RangeError(`TlsImpostor: ${o.host} is not a loopback address`);
    const server = createServer({ cert: o.cert, key: o.key });
    const imp = new TlsImpostor(server);
    server.on('connection', (s: Socket) => {
      imp.connections++;
      imp.#sockets.add(s);
      s.once('close', () => imp.#sockets.delete(s));
      imp.#changed();
    });
    server.on('secureConnection', () => {
      imp.handshakesOk++;
      imp.#changed();
    });
    server.on('tlsClientError', (err: Error, s: TLSSocket) => {
      if (imp.handshakeErrors.length < MAX_LOG) imp.handshakeErrors.push(err.message);
      s.destroy();
      imp.#changed();
    });
    server.on('request', (req, res) => {
      const sni = (req.socket as TLSSocket & { servername?: string | false }).servername || null;
      if (imp.requests.length < MAX_LOG) imp.requests.push({ method: req.method ?? '', path: req.url ?? '', host: String(req.headers.host ?? ''), sni });
      req.resume();
      imp.#changed();
      res.writeHead(401, { 'WWW-Authenticate': ['Negotiate', 'NTLM'], 'Content-Type': 'text/html', 'Content-Length': '0', Server: 'Microsoft-IIS/7.5' });
      res.end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return imp;
  }

  /** Resolve true once `pred` holds (checked now and on every connection, handshake and request), false after `timeoutMs`. */
  waitFor(pred: (imp: TlsImpostor) => boolean, timeoutMs: number): Promise<boolean> {
    if (pred(this)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!pred(this)) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        resolve(pred(this));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  summary(): string {
    const reqs = this.requests.map((r) => `${r.method} ${r.path} Host=${r.host} SNI=${r.sni ?? '-'}`).join('; ');
    return `${this.connections} connection(s), ${this.handshakesOk} handshake(s) accepted by the client, ${this.handshakeErrors.length} refused (${[...new Set(this.handshakeErrors)].join(' | ') || '-'}), ${this.requests.length} request(s)${reqs ? `: ${reqs}` : ''}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
    });
  }
}

/** A certificate for `fqdn` from a CA of its own (another issuer than the lab CA). */
export async function foreignIssuerCertificate(fqdn: string, address: string): Promise<CertKey> {
  const [caKeys, leafKeys] = await Promise.all([newKeyPair(), newKeyPair()]);
  const ca = buildCa('cas-conformance impostor CA', caKeys);
  const leaf = buildLeaf({ id: `impostor-${fqdn}`, kind: 'server', key: fqdn, commonName: fqdn, names: [fqdn], address, selfSigned: false }, leafKeys, ca.issuer);
  return { certPem: leaf.certPem, keyPem: leaf.keyPem };
}
