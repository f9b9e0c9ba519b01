import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { request } from 'undici';
import { hostsEntries, loadTopology } from '../topology/index.ts';
import { ensureLabPki } from '../pki/index.ts';
import { createLabAgent, isLoopback, labLookup, refuseNonLoopbackLiteral } from './lab-agent.ts';

const topology = loadTopology('contoso');
const hosts = hostsEntries(topology);

/** Call a lookup and settle on its result (lookups answer asynchronously). */
function resolveWith(lookup: ReturnType<typeof labLookup>, name: string, options: object): Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
  return new Promise((resolve) => lookup(name, options, (err, address, family) => resolve({ err, address, family })));
}

describe('labLookup', () => {
  const lookup = labLookup(hosts);

  it('resolves lab names from the hosts list, with and without options.all', async () => {
    expect(await resolveWith(lookup, 'cas2010.site1.contoso.lab', {})).toEqual({ err: null, address: '127.0.1.11', family: 4 });
    expect(await resolveWith(lookup, 'MAIL.contoso.lab.', { all: true })).toEqual({ err: null, address: [{ address: '127.0.1.10', family: 4 }], family: undefined });
    expect((await resolveWith(lookup, 'legacy.contoso.lab', {})).address).toBe('127.0.1.12');
    expect((await resolveWith(lookup, 'localhost', {})).address).toBe('127.0.0.1');
  });

  it('answers asynchronously', () => {
    let called = false;
    lookup('cas2010.site1.contoso.lab', {}, () => (called = true));
    expect(called).toBe(false);
  });

  it('lets loopback IP literals through and answers ENOTFOUND for unknown names or families', async () => {
    expect((await resolveWith(lookup, '127.0.4.11', {})).address).toBe('127.0.4.11');
    const unknown = await resolveWith(lookup, 'www.example.com', {});
    expect(unknown.err?.code).toBe('ENOTFOUND');
    expect(unknown.err?.message).toContain('www.example.com');
    expect((await resolveWith(lookup, 'cas2010.site1.contoso.lab', { family: 6 })).err?.code).toBe('ENOTFOUND');
  });

  it('refuses results outside loopback', async () => {
    const bad = labLookup([{ name: 'outside.contoso.lab', address: '192.0.2.7' }]);
    const r = await resolveWith(bad, 'outside.contoso.lab', { all: true });
    expect(r.err?.code).toBe('ERR_LAB_NOT_LOOPBACK');
    expect(r.address).toEqual([]);
    expect((await resolveWith(lookup, '10.1.2.3', {})).err?.code).toBe('ERR_LAB_NOT_LOOPBACK');
  });

  it('tells loopback from everything else', () => {
    for (const a of ['127.0.0.1', '127.255.1.2', '::1', '::ffff:127.0.1.11']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['128.0.0.1', '10.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost', '']) expect(isLoopback(a), a).toBe(false);
    expect(refuseNonLoopbackLiteral('[2001:db8::1]')?.code).toBe('ERR_LAB_NOT_LOOPBACK');
    expect(refuseNonLoopbackLiteral('[::1]')).toBeUndefined();
    expect(refuseNonLoopbackLiteral('cas2010.site1.contoso.lab')).toBeUndefined();
  });
});

describe('createLabAgent against a real HTTPS server on 127.0.1.11', () => {
  let server: https.Server;
  let port: number;
  let ca: string;
  const seen: { host?: string; sni?: string | false | null }[] = [];
  beforeAll(async () => {
    const pki = await ensureLabPki(topology);
    ca = pki.ca.certPem;
    const creds = pki.server('cas2010.site1.contoso.lab');
    server = https.createServer({ cert: creds.certPem, key: creds.keyPem }, (req, res) => {
      seen.push({ host: req.headers.host, sni: (req.socket as TLSSocket).servername });
      res.end('hello from cas2010');
    });
    server.on('tlsClientError', () => {}); // the untrusted-client test makes the client hang up
    await new Promise<void>((r) => server.listen(0, '127.0.1.11', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('reaches the server by its lab name with the lab CA, sending the name as SNI', async () => {
    const agent = createLabAgent({ hosts, ca, connections: 1 });
    try {
      const res = await request(`https://cas2010.site1.contoso.lab:${port}/`, { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('hello from cas2010');
      expect(seen.at(-1)).toEqual({ host: `cas2010.site1.contoso.lab:${port}`, sni: 'cas2010.site1.contoso.lab' });
      // The IP literal works too: the certificate carries the address.
      const byIp = await request(`https://127.0.1.11:${port}/`, { dispatcher: agent });
      expect(byIp.statusCode).toBe(200);
      await byIp.body.text();
    } finally {
      await agent.close();
    }
  });

  it('fails without the lab CA', async () => {
    const agent = createLabAgent({ hosts, keepAlive: false });
    try {
      const err = await request(`https://cas2010.site1.contoso.lab:${port}/`, { dispatcher: agent }).catch((e: NodeJS.ErrnoException) => e);
      expect((err as NodeJS.ErrnoException).code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      await agent.close();
    }
  });

  it('fails with ENOTFOUND for a name outside the lab', async () => {
    const agent = createLabAgent({ hosts, ca });
    try {
      const err = await request(`https://nope.contoso.lab:${port}/`, { dispatcher: agent }).catch((e: NodeJS.ErrnoException) => e);
      expect((err as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
    } finally {
      await agent.close();
    }
  });

  it('checks its options', () => {
    expect(() => createLabAgent({ hosts, connections: 0 })).toThrow(/connections/);
    expect(() => createLabAgent({} as never)).toThrow(/hosts/);
  });
});
