/**
 * Test helpers for the listener's tests and the HTTP benchmark (not used by the product): a
 * throwaway self-signed certificate made with node-forge, a raw TLS exchange that returns the exact
 * bytes of an answer, an undici Agent trusting the certificate, and a listener fixture.
 */
import forge from 'node-forge';
import { connect, type TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import type { HandlerSet } from './handler-set.ts';
import { listenHttp, type AnswerInfo, type RunningHttp } from './listener.ts';
import type { RequestContext } from './request-context.ts';

/** PEM key and certificate. */
export interface TestCert {
  key: string;
  cert: string;
}

/**
 * A self-signed RSA-2048 certificate for `names` (SAN DNS) and 127.0.0.1 (SAN IP), valid one day.
 * node-forge uses Node's native key generation here (~0.2 s, LIBRARIES.md "Certificates").
 * @example
 * const { key, cert } = selfSignedCert(['cas01.site1.contoso.lab']);
 */
export function selfSignedCert(names: string[]): TestCert {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const c = forge.pki.createCertificate();
  c.publicKey = keys.publicKey;
  c.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(8));
  c.validity.notBefore = new Date(Date.now() - 60_000);
  c.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const subject = [{ name: 'commonName', value: names[0] ?? 'localhost' }];
  c.setSubject(subject);
  c.setIssuer(subject);
  c.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...names.map((value) => ({ type: 2, value })), { type: 7, ip: '127.0.0.1' }] },
  ]);
  c.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(c) };
}

/** An undici Agent that trusts `cert` and sends `servername` as SNI. */
export function trustingAgent(cert: string, servername: string, opts: { connections?: number } = {}): Agent {
  return new Agent({ connect: { ca: cert, servername }, ...(opts.connections ? { connections: opts.connections } : {}) });
}

/**
 * Send `request` bytes over TLS and collect everything until the server closes (or `timeoutMs`).
 * Use `Connection: close` in the request so the server ends the exchange.
 */
export function rawTlsExchange(opts: { port: number; cert: string; servername: string; request: string | Buffer; timeoutMs?: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket: TLSSocket = connect({ host: '127.0.0.1', port: opts.port, ca: opts.cert, servername: opts.servername }, () => socket.write(opts.request));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(chunks));
    }, opts.timeoutMs ?? 5_000);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      if (chunks.length > 0) resolve(Buffer.concat(chunks));
      else reject(e);
    });
  });
}

/** Split a raw HTTP/1.1 answer into its status line and header lines (names as on the wire). */
export function headLines(raw: Buffer): { statusLine: string; headers: string[] } {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end < 0 ? text.length : end).split('\r\n');
  return { statusLine: lines[0] ?? '', headers: lines.slice(1) };
}

/** A listener on 127.0.0.1:0 with a throwaway certificate, recording what it journals. */
export interface ListenerFixture {
  cert: TestCert;
  web: RunningHttp;
  agent: Agent;
  answers: { ctx: RequestContext; info: AnswerInfo }[];
  clientErrors: string[];
  tlsErrors: string[];
  /** An undici request to 127.0.0.1 with Host (and so SNI) = the server name unless overridden. */
  get(path: string, opts?: { method?: string; headers?: Record<string, string>; body?: string }): ReturnType<typeof request>;
  /** Raw bytes in, raw bytes out (end the request with `Connection: close`). */
  raw(wire: string): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * @example
 * const fx = await startListenerFixture({ server: 'cas01.site1.contoso.lab', handlers: new HandlerSet([...]) });
 * const res = await fx.get('/owa/');
 */
export async function startListenerFixture(opts: { server: string; handlers: HandlerSet; names?: string[]; maxBodyBytes?: number }): Promise<ListenerFixture> {
  const cert = selfSignedCert([opts.server, ...(opts.names ?? [])]);
  const answers: ListenerFixture['answers'] = [];
  const clientErrors: string[] = [];
  const tlsErrors: string[] = [];
  const web = await listenHttp({
    host: '127.0.0.1', port: 0, server: opts.server, tls: cert, handlers: opts.handlers,
    ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
    onAnswer: (ctx, info) => answers.push({ ctx, info }),
    onClientError: (i) => clientErrors.push(i.error),
    onTlsError: (i) => tlsErrors.push(i.error),
  });
  const agent = trustingAgent(cert.cert, opts.server);
  return {
    cert, web, agent, answers, clientErrors, tlsErrors,
    get: (path, o = {}) =>
      request(`https://127.0.0.1:${web.port}${path}`, { dispatcher: agent, method: (o.method ?? 'GET') as 'GET', headers: { host: opts.server, ...o.headers }, body: o.body }),
    raw: (wire) => rawTlsExchange({ port: web.port, cert: cert.cert, servername: opts.server, request: wire }),
    close: async () => {
      await agent.close();
      await web.close();
    },
  };
}
