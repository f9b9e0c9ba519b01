import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { HttpClientError, maskAuthorization, maskForm, recordedRequest, Transcript, describeSetCookie } from './transcript.ts';

let server: http.Server;
let silent: net.Server;
let base: string;
let silentBase: string;
const agent = new Agent();
const held = new Set<net.Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/big') return void res.end(Buffer.alloc(64 * 1024, 0x41));
    res.writeHead(404, [['Set-Cookie', 'sessionid=SECRET; path=/'], ['Set-Cookie', 'cadata=SECRET2; path=/; HttpOnly'], ['X-OWA-Version', '14.2.283.3'], ['Content-Length', '0']]).end();
  });
  // Accepts connections and never answers: a timeout must end the wait.
  silent = net.createServer((s) => held.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  silentBase = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await agent.destroy();
  for (const s of held) s.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => silent.close(r));
});

describe('transcript helpers', () => {
  it('mask credentials', () => {
    expect(maskAuthorization(`Basic ${Buffer.from('CONTOSO\\red:Red-P@ss1').toString('base64')}`)).toBe('Basic (user CONTOSO\\red, password masked)');
    expect(maskAuthorization('NTLM TlRMTVNTUAAB')).toBe('NTLM (12 characters, masked)');
    expect(maskForm([['username', 'red'], ['password', 'x'], ['passwd', 'y'], ['pin', 'z']], new Set(['pin']))).toBe('username=red&password=****&passwd=****&pin=****');
    expect(describeSetCookie('sessionid=abc; path=/; HttpOnly')).toBe('sessionid (path=/; HttpOnly)');
  });

  it('a status is returned, with key headers and cookie names (no values) in the transcript', async () => {
    const t = new Transcript();
    const r = await recordedRequest(agent, t, { url: `${base}/owa/`, headers: { authorization: 'Basic dTpw', cookie: 'a=SECRET3; b=2' } });
    expect(r.status).toBe(404);
    const lines = t.entries.map((e) => `${e.dir} ${e.line}`);
    expect(lines).toContain('C GET /owa/ HTTP/1.1');
    expect(lines).toContain('C Cookie: a, b (values omitted)');
    expect(lines).toContain('S HTTP/1.1 404');
    expect(lines).toContain('S X-OWA-Version: 14.2.283.3');
    expect(lines).toContain('S Set-Cookie: cadata (path=/; HttpOnly)');
    expect(lines.join('\n')).not.toMatch(/SECRET|dTpw/);
    expect(t.entries.every((e) => typeof e.at === 'number')).toBe(true);
  });

  it('a refused connection throws HttpClientError with the transcript', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = (await recordedRequest(agent, new Transcript(), { url: `http://127.0.0.1:${port}/` }).catch((e: unknown) => e)) as HttpClientError;
    expect(err).toBeInstanceOf(HttpClientError);
    expect(err.code).toBe('HTTP_CLIENT_TRANSPORT');
    expect(err.transcript.at(-1)!.line).toMatch(/no answer: .*ECONNREFUSED/);
  });

  it('a silent server ends in HTTP_CLIENT_TIMEOUT within the bound', async () => {
    const started = Date.now();
    const err = (await recordedRequest(agent, new Transcript(), { url: `${silentBase}/`, timeoutMs: 300 }).catch((e: unknown) => e)) as HttpClientError;
    expect(err.code).toBe('HTTP_CLIENT_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('an answer larger than the bound is refused', async () => {
    const err = (await recordedRequest(agent, new Transcript(), { url: `${base}/big`, maxBodyBytes: 1024 }).catch((e: unknown) => e)) as HttpClientError;
    expect(err.code).toBe('HTTP_CLIENT_BODY_TOO_LARGE');
  });

  it('a non-HTTP URL is refused before any packet', async () => {
    const err = (await recordedRequest(agent, new Transcript(), { url: 'ftp://127.0.0.1/' }).catch((e: unknown) => e)) as HttpClientError;
    expect(err.code).toBe('HTTP_CLIENT_BAD_URL');
  });
});
