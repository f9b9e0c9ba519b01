/**
 * Read the lab's directory (CAS_DIRECTORY_URL, loopback HTTP JSON) once at launch, and check a
 * password (POST /auth) for adapters that run an auth service (nginx mail auth_http). node:http
 * only, bounded by a timeout; every failure is a DirectoryFetchError naming the route.
 */
import { request } from 'node:http';
import { DirectoryFetchError } from './errors.ts';
import type { DirectorySnapshot, DirFrontDoor, DirServer, DirSite, DirUser } from '../../harness/topology/directory-contract.ts';

interface Answer {
  status: number;
  body: unknown;
}

function call(base: string, method: 'GET' | 'POST', path: string, body: unknown, timeoutMs: number): Promise<Answer> {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  if (url.protocol !== 'http:') return Promise.reject(new DirectoryFetchError(`directory ${base}: only http:// is supported`));
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, timeout: timeoutMs, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 16 * 1024 * 1024) req.destroy(new Error('answer larger than 16 MiB'));
        else chunks.push(c);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        } catch {
          reject(new DirectoryFetchError(`directory ${method} ${path}: answer is not JSON`));
        }
      });
      res.on('error', (e) => reject(new DirectoryFetchError(`directory ${method} ${path}: ${e.message}`)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new DirectoryFetchError(`directory ${method} ${path}: ${e.message}`, { cause: e })));
    req.end(payload);
  });
}

async function get<T>(base: string, path: string, timeoutMs: number, check: (v: unknown) => boolean): Promise<T> {
  const a = await call(base, 'GET', path, undefined, timeoutMs);
  if (a.status !== 200) throw new DirectoryFetchError(`directory GET ${path}: status ${a.status}`);
  if (!check(a.body)) throw new DirectoryFetchError(`directory GET ${path}: unexpected shape`);
  return a.body as T;
}

/**
 * Servers, users, sites and the front door's entry, read in parallel.
 * @example
 * const dir = await fetchDirectory(contract.directoryUrl);
 * const site1 = dir.servers.filter((s) => s.site === dir.frontDoor.site);
 */
export async function fetchDirectory(base: string, timeoutMs = 5000): Promise<DirectorySnapshot> {
  const [servers, users, sites, frontDoor] = await Promise.all([
    get<DirServer[]>(base, 'servers', timeoutMs, Array.isArray),
    get<DirUser[]>(base, 'users', timeoutMs, Array.isArray),
    get<DirSite[]>(base, 'sites', timeoutMs, Array.isArray),
    get<DirFrontDoor>(base, 'front-door', timeoutMs, (v) => !!v && typeof (v as DirFrontDoor).site === 'string'),
  ]);
  return { servers, users, sites, frontDoor };
}

/**
 * Check credentials (POST /auth): the user on 200, null on 401/400/404; DirectoryFetchError otherwise.
 * @example
 * const who = await checkCredentials(url, 'CONTOSO\\red', 'Red-P@ss1');
 */
export async function checkCredentials(base: string, user: string, password: string, timeoutMs = 5000): Promise<DirUser | null> {
  const a = await call(base, 'POST', 'auth', { user, password }, timeoutMs);
  if (a.status === 401 || a.status === 400 || a.status === 404) return null;
  const u = (a.body as { user?: DirUser } | null)?.user;
  if (a.status !== 200 || !u || typeof u.site !== 'string') throw new DirectoryFetchError(`directory POST /auth: status ${a.status}`);
  return u;
}
