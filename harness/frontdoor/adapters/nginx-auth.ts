/**
 * The auth_http service the nginx adapter runs for nginx's mail module, in the harness process, on
 * loopback (127.0.0.1, ephemeral port). nginx sends `GET /auth` with Auth-* headers; the answer is an
 * empty 200 with Auth-Status (and Auth-Server / Auth-Port, or Auth-Wait). The decision itself lives
 * with the candidate (frontdoors/nginx/mail-auth.ts); this file only owns the socket.
 * Bad input never crashes it: a request without the headers gets a temporary failure, oversized or
 * slow requests are cut by Node's limits and the timeouts below.
 * @example
 * const auth = await startNginxAuth({ directoryUrl, servers: dir.servers, hosts: hostsMap(hostsFile) });
 * // nginx.conf: auth_http ${auth.url};
 * await auth.close();
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkCredentials } from '../../../frontdoors/shared/directory-fetch.ts';
import type { DirServer } from '../../topology/directory-contract.ts';
import { decideMailAuth, mailAuthHeaders, parseMailAuthRequest, STATUS_TEMPORARY } from '../../../frontdoors/nginx/mail-auth.ts';

export interface NginxAuthOptions {
  directoryUrl: string;
  servers: DirServer[];
  hosts: Map<string, string>;
  /** Where each decision is written (one line, never a password). */
  log?: (line: string) => void;
}

export interface NginxAuthService {
  /** `http://127.0.0.1:<port>/auth` for nginx's auth_http directive. */
  url: string;
  /** How many requests it answered. */
  answered(): number;
  close(): Promise<void>;
}

/** Start the service; resolves when it listens. */
export async function startNginxAuth(o: NginxAuthOptions): Promise<NginxAuthService> {
  let count = 0;
  const log = o.log ?? (() => {});
  const server = createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 10_000, headersTimeout: 5_000 }, (req, res) => {
    const send = (headers: [string, string][]) => {
      count++;
      res.writeHead(200, [...headers.flat(), 'Content-Length', '0']);
      res.end();
    };
    req.resume(); // nginx sends no body; drain anything anyway
    if (req.method !== 'GET' || !req.url?.startsWith('/auth')) {
      res.writeHead(404, { 'Content-Length': '0' }).end();
      return;
    }
    const ask = parseMailAuthRequest(req.headers);
    if (!ask) {
      log('auth_http: request without Auth-User/Auth-Pass/Auth-Protocol: refused');
      send([['Auth-Status', STATUS_TEMPORARY]]);
      return;
    }
    decideMailAuth(ask, { check: (u, p) => checkCredentials(o.directoryUrl, u, p), servers: o.servers, hosts: o.hosts })
      .then((a) => {
        log(`auth_http: ${a.note}`);
        send(mailAuthHeaders(a));
      })
      .catch((err: Error) => {
        log(`auth_http: ${err.message}`);
        send([['Auth-Status', STATUS_TEMPORARY]]);
      });
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/auth`,
    answered: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
