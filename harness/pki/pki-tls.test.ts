import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { loadTopology } from '../topology/index.ts';
import { ensureLabPki, type LabPki } from './index.ts';

// Real TLS handshakes on loopback with the lab's certificates (the lab's own cache folder).
const topology = loadTopology('contoso');

/** Connect and settle on the handshake result: 'ok' or the error code. Bounded by a timeout. */
function handshake(port: number, opts: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...opts });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, 5_000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.end();
      resolve(socket.authorized ? 'ok' : String(socket.authorizationError));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ?? err.message);
    });
  });
}

describe('lab certificates in TLS handshakes', () => {
  let pki: LabPki;
  const servers: tls.Server[] = [];
  const listen = async (creds: { certPem: string; keyPem: string }) => {
    const server = tls.createServer({ cert: creds.certPem, key: creds.keyPem }, (s) => s.end());
    server.on('tlsClientError', () => {}); // a client refusing our certificate is the point of some tests
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  };
  beforeAll(async () => {
    pki = await ensureLabPki(topology);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('a CA-signed server is trusted for its FQDN and refused for another name', async () => {
    const port = await listen(pki.server('cas2010.site1.contoso.lab'));
    expect(await handshake(port, { ca: pki.ca.certPem, servername: 'cas2010.site1.contoso.lab' })).toBe('ok');
    expect(await handshake(port, { ca: pki.ca.certPem, servername: 'cas2010.site2.contoso.lab' })).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await handshake(port, { servername: 'cas2010.site1.contoso.lab' })).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('the front door is trusted for every namespace it serves', async () => {
    const port = await listen(pki.frontDoor());
    for (const name of topology.frontDoor.namespaces) expect(await handshake(port, { ca: pki.ca.certPem, servername: name }), name).toBe('ok');
  });

  it('a self-signed server is not trusted through the lab CA, only when pinned', async () => {
    const creds = pki.server('cas2010b.site3.contoso.lab');
    const port = await listen(creds);
    expect(await handshake(port, { ca: pki.ca.certPem, servername: 'cas2010b.site3.contoso.lab' })).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(await handshake(port, { ca: creds.certPem, servername: 'cas2010b.site3.contoso.lab' })).toBe('ok');
  });
});
