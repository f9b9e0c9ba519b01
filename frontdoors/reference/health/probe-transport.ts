/**
 * How a probe reaches a CAS. The prober's own transport opens one TLS connection per probe (001's ping:
 * no keep-alive), writes the request line and headers, reads the status line and closes: what a probe
 * needs of HTTP and nothing more. Through undici it cost twice the CPU (2.4-2.7 ms against 1.2 ms a
 * probe, paired on one machine): a client, a request object, a parser instance per connection and an
 * error object for every reset connection, per probe, and a probing front door sends about 19 probes a
 * second to a six-CAS organisation in the lab's fast mode. TLS is the hops' own: SNI and the verified
 * name are the FQDN, trust per name (net/connector.ts: the lab CA, or any certificate for a CAS that
 * keeps Exchange's self-signed one), TLS sessions resumed per name as undici's connector does.
 *
 * `dispatcherTransport` keeps probes on an undici dispatcher: defect pool-auth-hops sends them over the
 * hops' shared connections.
 * @example
 * const probe = rawTransport({ hosts, ca, trustOf });
 * const r = await probe({ fqdn: 'cas2010.site1.contoso.lab', port: 8443, method: 'HEAD', path: '/EWS', headers: { 'User-Agent': PROBE_USER_AGENT }, timeoutMs: 5000, signal });
 */
import { connect, createSecureContext, type TLSSocket } from 'node:tls';
import type { Dispatcher } from 'undici';
import { request } from '../net/undici.ts';
import type { HostsTable } from '../net/hosts.ts';
import type { Trust } from '../net/connector.ts';

export interface ProbeRequest {
  fqdn: string;
  port: number;
  method: string;
  path: string;
  /** Besides Host and Connection: close, which every probe carries. */
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ProbeResult {
  status: number | null;
  error?: string;
}

export type ProbeTransport = (r: ProbeRequest) => Promise<ProbeResult>;

/** TLS sessions kept for resumption, one per name (the lab has a few dozen names). */
const MAX_SESSIONS = 256;

/** The prober's own transport: a TLS connection per probe, the status line read, the connection closed. */
export function rawTransport(o: { hosts: HostsTable; ca: string | undefined; trustOf: (hostname: string) => Trust }): ProbeTransport {
  const verifying = createSecureContext(o.ca ? { ca: o.ca } : {});
  const lenient = createSecureContext({});
  const sessions = new Map<string, Buffer>();
  return (r) =>
    new Promise<ProbeResult>((resolve) => {
      const address = o.hosts.resolve(r.fqdn);
      if (!address) return resolve({ status: null, error: `ENOTFOUND: ${r.fqdn} is not in the lab's hosts file` });
      if (r.signal.aborted) return resolve({ status: null, error: 'AbortError: the prober stopped' });
      const verify = o.trustOf(r.fqdn) === 'verify';
      const key = `${r.fqdn}:${r.port}`;
      let socket: TLSSocket;
      let done = false;
      let head = '';
      const finish = (res: ProbeResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        r.signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve(res);
      };
      const onAbort = () => finish({ status: null, error: 'AbortError: the prober stopped' });
      const timer = setTimeout(() => finish({ status: null, error: `ETIMEDOUT: no answer within ${r.timeoutMs} ms` }), r.timeoutMs);
      r.signal.addEventListener('abort', onAbort, { once: true });
      socket = connect({
        host: address, port: r.port, servername: r.fqdn, secureContext: verify ? verifying : lenient, rejectUnauthorized: verify,
        session: sessions.get(key), ALPNProtocols: ['http/1.1'],
      });
      socket.on('session', (s: Buffer) => {
        sessions.delete(key);
        if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
        sessions.set(key, s);
      });
      socket.once('secureConnect', () => {
        const lines = [`${r.method} ${r.path} HTTP/1.1`, `Host: ${r.fqdn}`, 'Connection: close', ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`)];
        socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
      });
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        head += chunk;
        const eol = head.indexOf('\r\n');
        if (eol < 0) {
          if (head.length > 8192) finish({ status: null, error: 'EPROTO: no HTTP status line in 8 KiB' });
          return;
        }
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(head.slice(0, eol));
        finish(m ? { status: Number(m[1]) } : { status: null, error: `EPROTO: not an HTTP status line: ${head.slice(0, Math.min(eol, 80))}` });
      });
      socket.once('end', () => finish({ status: null, error: 'ECONNRESET: the connection closed before an answer' }));
      socket.once('error', (err: NodeJS.ErrnoException) => {
        // A session the server would not resume is not offered again.
        sessions.delete(key);
        finish({ status: null, error: `${err.code ?? err.name}: ${err.message}` });
      });
    });
}

/** Probes through an undici dispatcher (defect pool-auth-hops: the hops' shared connections). */
export function dispatcherTransport(dispatcher: Dispatcher): ProbeTransport {
  return async (r) => {
    try {
      const res = await request(`https://${r.fqdn}:${r.port}${r.path}`, {
        method: r.method as Dispatcher.HttpMethod,
        dispatcher,
        headers: { host: r.fqdn, connection: 'close', ...r.headers },
        signal: AbortSignal.any([AbortSignal.timeout(r.timeoutMs), r.signal]),
        headersTimeout: r.timeoutMs,
        bodyTimeout: r.timeoutMs,
      });
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { status: res.statusCode };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { status: null, error: `${e.code ?? e.name}: ${e.message}` };
    }
  };
}
