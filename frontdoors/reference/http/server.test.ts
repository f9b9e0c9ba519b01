/**
 * The HTTPS listener on its own (real TLS on loopback, a trivial handler): slow heads get 408 within
 * the configured head timeout although the inner HTTP server never listens itself (RULES.md SEC-04),
 * and Content-Length with Transfer-Encoding is refused with 400 unless the defect `lenient-framing`
 * asks for Node's lenient parser (SEC-02).
 */
import tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCa, newKeyPair } from '../../../harness/pki/certs.ts';
import type { Logger } from '../log.ts';
import type { Limits } from '../options.ts';
import { listenHttps, type RunningListener } from './server.ts';

const silent: Logger = { write: () => undefined, close: async () => undefined };
let creds: { key: string; cert: string };
let running: RunningListener | undefined;

beforeAll(async () => {
  const keys = await newKeyPair();
  const { issued } = buildCa('front-door-test.invalid', keys);
  creds = { key: issued.keyPem, cert: issued.certPem };
});

afterEach(async () => {
  await running?.close();
  running = undefined;
});

function limits(over: Partial<Limits> = {}): Limits {
  return { maxHeaderBytes: 16 * 1024, maxOwnBodyBytes: 64 * 1024, headersTimeoutMs: 1_000, idleTimeoutMs: 60_000, hopHeadersTimeoutMs: 60_000, maxConnections: 100, lenientFraming: false, ...over };
}

async function start(l: Limits): Promise<number> {
  running = await listenHttps({
    host: '127.0.0.1', port: 0, ...creds, limits: l, log: silent,
    handler: (req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => {
        const body = `served ${req.method} ${req.url} body=${n}`;
        res.writeHead(200, 'OK', ['Content-Type', 'text/plain', 'Content-Length', String(body.length)]);
        res.end(body);
      });
    },
  });
  return running.port;
}

/** Open a TLS connection, write `first`, then one byte every `dripMs` (if given); collect what comes back until close or `capMs`. */
function exchange(port: number, first: string, o: { dripMs?: number; capMs: number }): Promise<{ text: string; ms: number; closed: boolean }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let text = '';
    let drip: NodeJS.Timeout | undefined;
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'front-door-test.invalid' });
    const done = (closed: boolean) => {
      clearInterval(drip);
      clearTimeout(cap);
      s.destroy();
      resolve({ text, ms: Date.now() - started, closed });
    };
    const cap = setTimeout(() => done(false), o.capMs);
    s.on('secureConnect', () => {
      s.write(first);
      if (o.dripMs) drip = setInterval(() => s.writable && s.write('X'), o.dripMs);
    });
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => done(true));
  });
}

describe('listenHttps', () => {
  it('answers a head sent one byte at a time with 408 within the head timeout, and keeps serving others', async () => {
    const port = await start(limits({ headersTimeoutMs: 1_000 }));
    const slow = exchange(port, 'GET /owa/ HTTP/1.1\r\nHost: mail.contoso.lab\r\nX-Slow: ', { dripMs: 200, capMs: 8_000 });
    const other = await exchange(port, 'GET /other HTTP/1.1\r\nHost: mail.contoso.lab\r\nConnection: close\r\n\r\n', { capMs: 5_000 });
    expect(other.text).toMatch(/^HTTP\/1\.1 200 [\s\S]*served GET \/other/);
    // A kept-alive answer still tells the client how long an idle connection is kept (client-idle.ts),
    // although Node's own keep-alive timer is off.
    const kept = await exchange(port, 'GET /kept HTTP/1.1\r\nHost: mail.contoso.lab\r\n\r\n', { capMs: 300 });
    expect(kept.text).toMatch(/\r\nKeep-Alive: timeout=120\r\n[\s\S]*served GET \/kept/i);
    expect(kept.closed).toBe(false);
    const r = await slow;
    expect(r.text).toMatch(/^HTTP\/1\.1 408 /);
    // The bound: head timeout plus Node's 1 s check interval, with room for a loaded machine.
    expect(r.ms).toBeLessThan(5_000);
  });

  it('refuses Content-Length with Transfer-Encoding (400); under lenient-framing serves it and the request smuggled behind it', async () => {
    const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: mail.contoso.lab\r\n\r\n';
    const req = `POST /eas HTTP/1.1\r\nHost: mail.contoso.lab\r\nContent-Length: ${5 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`;
    let port = await start(limits());
    const strict = await exchange(port, req, { capMs: 3_000 });
    expect(strict.text).toMatch(/^HTTP\/1\.1 400 /);
    expect(strict.text).not.toContain('served');
    await running!.close();
    port = await start(limits({ lenientFraming: true }));
    const lenient = await exchange(port, req, { capMs: 1_500 });
    // The defect: the POST is served (framed by Transfer-Encoding) and the smuggled GET after it too.
    expect(lenient.text).toContain('served POST /eas body=0');
    expect(lenient.text).toContain('served GET /smuggled');
    // ...but a control character in a header value is still refused, as by the strict parser.
    const ctl = await exchange(port, 'GET /owa/ HTTP/1.1\r\nHost: mail.contoso.lab\r\nX-Bad: a\x01b\r\n\r\n', { capMs: 3_000 });
    expect(ctl.text).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('with no head timeout (defect unbounded-requests) a slow head is not cut', async () => {
    const port = await start(limits({ headersTimeoutMs: 0, maxHeaderBytes: 2 ** 30 }));
    const r = await exchange(port, 'GET /owa/ HTTP/1.1\r\nHost: mail.contoso.lab\r\nX-Slow: ', { dripMs: 200, capMs: 2_500 });
    expect(r.closed).toBe(false);
    expect(r.text).toBe('');
  });
});
