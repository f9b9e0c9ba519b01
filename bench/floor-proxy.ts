/**
 * The front-door bench's floor: the stack the reference is built on (its HTTPS listener with its own
 * HTTP/1.1 reader, frontdoors/reference/http/server.ts; the hop's own HTTP/1.1 client
 * frontdoors/reference/wire on keep-alive connections; TLS both legs) and nothing else.
 * No routing, authentication, header rules, health or log: what any Node proxy on this stack pays per
 * request. The bench reports the reference against it as well as against nginx, so a reader sees how
 * much of the gap to nginx is the platform's and how much is the reference's own work.
 *
 * Until the tenth session the floor (and the reference's hop) was undici's `Pool.dispatch`, the issue's
 * prescription: 1.7-2.1x nginx's CPU per request and +156-203 us of added p50 (bench/RESULTS.md). Until
 * the twelfth its listener was Node's HTTP server (1.6-1.8x nginx).
 *
 * Started by bench/frontdoor.ts from its bundle (bin/bundle.js), as the reference is: through tsx every
 * named closure costs a defineProperty, which would not be the floor's cost.
 * Environment: the front-door contract's CAS_KEY_FILE, CAS_CERT_FILE, CAS_LISTEN_ADDRESS, and
 * FLOOR_ORIGIN (https://127.0.0.1:port) and FLOOR_HOST (the origin's name: Host and SNI).
 */
import { readFileSync } from 'node:fs';
import { buildConnector } from '../frontdoors/reference/net/undici.ts';
import { WireAgent } from '../frontdoors/reference/wire/agent.ts';
import { ownReads } from '../frontdoors/reference/wire/own-reads.ts';
import type { WireHandler } from '../frontdoors/reference/wire/exchange.ts';
import { listenHttps } from '../frontdoors/reference/http/server.ts';
import type { FrontRequest, FrontResponse } from '../frontdoors/reference/http/front-types.ts';

const env = process.env;
const origin = env.FLOOR_ORIGIN!;
const host = env.FLOOR_HOST!;
// Its sockets read into buffers of their own, as the reference's hop connector's do (net/connector.ts).
const connect = buildConnector({ rejectUnauthorized: false, onread: ownReads } as Parameters<typeof buildConnector>[0]);
const agent = new WireAgent((opts, cb) => connect({ ...opts, servername: host }, cb), { connections: 64, keepAliveTimeout: 30_000 });

/** Every request header but Host and Connection, then the origin's Host. */
function hopHeaders(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name !== 'host' && name !== 'connection') out.push(raw[i]!, raw[i + 1]!);
  }
  out.push('host', host);
  return out;
}

function serve(req: FrontRequest, res: FrontResponse): void {
  let resume: (() => void) | undefined;
  const handler: WireHandler = {
    onConnect() {},
    onHeaders(status, raw, resumeHop, statusText) {
      const headers: string[] = [];
      for (let i = 0; i < raw.length; i += 2) headers.push(String(raw[i]), String(raw[i + 1]));
      res.writeHead(status, statusText, headers);
      resume = resumeHop;
      return true;
    },
    onData(chunk) {
      if (res.write(chunk)) return true;
      res.once('drain', () => resume?.());
      return false;
    },
    onComplete() {
      res.end();
    },
    onError(err) {
      if (res.headersSent) res.destroy(err);
      else {
        res.writeHead(502, 'Bad Gateway', ['Content-Length', '0']);
        res.end();
      }
    },
  };
  agent.dispatch({ origin, method: req.method ?? 'GET', path: req.url ?? '/', headers: hopHeaders(req.rawHeaders), body: req.method === 'GET' || req.method === 'HEAD' ? null : req, headersTimeout: 120_000, bodyTimeout: 120_000 }, handler);
}

const limits = { maxHeaderBytes: 16 * 1024, maxOwnBodyBytes: 64 * 1024, headersTimeoutMs: 60_000, idleTimeoutMs: 3_600_000, hopHeadersTimeoutMs: 120_000, maxConnections: 10_000, lenientFraming: false };
const log = { write: () => undefined, close: async () => undefined };
const listener = await listenHttps({ host: env.CAS_LISTEN_ADDRESS ?? '127.0.0.1', port: 0, key: readFileSync(env.CAS_KEY_FILE!, 'utf8'), cert: readFileSync(env.CAS_CERT_FILE!, 'utf8'), handler: serve, limits, log });
console.log(`READY https=${listener.port}`);

// Exit normally on SIGTERM, as the reference does: a `--cpu-prof` profile is written only then.
process.on('SIGTERM', () => process.exit(0));
