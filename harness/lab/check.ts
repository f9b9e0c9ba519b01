/**
 * `lab check`: exercise every endpoint of every mock with real clients (undici over TLS for the vdirs,
 * imapflow and our POP3 client for mail) and report one line per endpoint.
 */
import { request } from 'undici';
import type { Lab } from './lab.ts';
import { mailboxOf, type ServerSpec, type UserSpec } from '../topology/index.ts';
import { getBuild } from '../../mocks/builds/catalogue.ts';
import { checkMailEndpoint } from './check-mail.ts';

export interface CheckResult {
  server: string;
  endpoint: string;
  ok: boolean;
  detail: string;
}

/** A user whose mailbox this server serves itself (same site, same product), if any. */
export function localUser(lab: Lab, s: ServerSpec): UserSpec | undefined {
  const product = getBuild(s.build).product;
  return lab.topology.users.find((u) => {
    const m = mailboxOf(lab.topology, u);
    return m.site === s.site && getBuild(m.build).product === product;
  });
}

type Probe = { endpoint: string; method: string; path: string; expect: (status: number, headers: Record<string, string | string[] | undefined>, body: string) => string | null; body?: string; auth?: boolean; contentType?: string };

function probes(s: ServerSpec, folder: string, user: UserSpec | undefined): Probe[] {
  const build = getBuild(s.build);
  const status = (want: number) => (st: number) => (st === want ? null : `expected ${want}, got ${st}`);
  const list: Probe[] = [
    {
      endpoint: 'owa', method: 'GET', path: '/owa/',
      expect: (st, h) => (st !== 302 ? `expected 302, got ${st}` : !String(h.location).includes('/owa/auth/logon.aspx?url=') ? `bad Location ${h.location}` : h['x-owa-version'] !== build.build ? `X-OWA-Version ${h['x-owa-version']}` : null),
    },
    { endpoint: 'owa logon page', method: 'GET', path: '/owa/auth/logon.aspx?url=%2fowa%2f&reason=0', expect: (st, _h, b) => (st !== 200 ? `got ${st}` : b.includes(`<title>${build.owa.title}</title>`) ? null : 'wrong title') },
    { endpoint: 'owa resources', method: 'GET', path: `/owa/${folder}/${build.owa.resources[0]}`, expect: status(200) },
    { endpoint: 'eas', method: 'OPTIONS', path: '/Microsoft-Server-ActiveSync', expect: status(401) },
    { endpoint: 'eas probe', method: 'HEAD', path: '/Microsoft-Server-ActiveSync/default.eas', expect: status(401) },
    { endpoint: 'ews', method: 'HEAD', path: '/EWS', expect: status(401) },
    { endpoint: 'autodiscover', method: 'POST', path: '/Autodiscover/Autodiscover.xml', expect: status(401) },
    { endpoint: 'oab', method: 'HEAD', path: '/OAB', expect: status(401) },
    { endpoint: 'rpc', method: 'RPC_IN_DATA', path: '/rpc/rpcproxy.dll', expect: status(401) },
  ];
  if (build.hasEcp) list.push({ endpoint: 'ecp', method: 'HEAD', path: '/ecp', expect: status(401) }, { endpoint: 'powershell', method: 'HEAD', path: '/PowerShell', expect: status(401) });
  if (user) {
    list.push(
      {
        endpoint: 'eas (authenticated)', method: 'OPTIONS', path: '/Microsoft-Server-ActiveSync', auth: true,
        expect: (st, h) => (st !== 200 ? `got ${st}` : h['ms-asprotocolversions'] === build.eas.protocolVersions ? null : `MS-ASProtocolVersions ${h['ms-asprotocolversions']}`),
      },
      {
        endpoint: 'autodiscover (authenticated)', method: 'POST', path: '/Autodiscover/Autodiscover.xml', auth: true, contentType: 'text/xml',
        body: `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${user.email}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`,
        expect: (st, _h, b) => (st !== 200 ? `got ${st}` : b.includes('<Action>settings</Action>') ? null : 'no settings in POX'),
      },
      {
        endpoint: 'ews (authenticated)', method: 'POST', path: '/EWS/Exchange.asmx', auth: true, contentType: 'text/xml; charset=utf-8',
        body: '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetFolder xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"/></soap:Body></soap:Envelope>',
        expect: (st, _h, b) => (st !== 200 ? `got ${st}` : b.includes(`MajorBuildNumber="${build.build.split('.')[2]}"`) ? null : 'no ServerVersionInfo of the build'),
      },
    );
  }
  return list;
}

async function checkHttp(lab: Lab, s: ServerSpec): Promise<CheckResult[]> {
  const agent = lab.agent();
  const origin = lab.origin(s.fqdn);
  const user = localUser(lab, s);
  const folder = lab.mock(s.fqdn).ctx.build.owa.resourceFolder;
  const out: CheckResult[] = [];
  try {
    for (const p of probes(s, folder, user)) {
      try {
        const headers: Record<string, string> = {};
        if (p.auth && user) headers.authorization = `Basic ${Buffer.from(`${user.samAccountName}:${user.password}`).toString('base64')}`;
        if (p.contentType) headers['content-type'] = p.contentType;
        const res = await request(origin + p.path, { method: p.method as 'GET', headers, body: p.body, dispatcher: agent, headersTimeout: 5000, bodyTimeout: 5000 });
        const body = await res.body.text();
        const problem = p.expect(res.statusCode, res.headers, body);
        out.push({ server: s.fqdn, endpoint: `https ${p.endpoint}`, ok: !problem, detail: problem ?? `${p.method} ${p.path} -> ${res.statusCode}` });
      } catch (err) {
        out.push({ server: s.fqdn, endpoint: `https ${p.endpoint}`, ok: false, detail: (err as Error).message });
      }
    }
    if (user) out.push(await formsRoundTrip(lab, s, user, origin, agent));
    if (lab.mock(s.fqdn).ports.http) {
      try {
        const res = await request(lab.origin(s.fqdn, 'http') + '/owa/', { dispatcher: agent, headersTimeout: 5000 });
        await res.body.dump();
        out.push({ server: s.fqdn, endpoint: 'http owa', ok: res.statusCode === 302, detail: `GET /owa/ over http -> ${res.statusCode}` });
      } catch (err) {
        out.push({ server: s.fqdn, endpoint: 'http owa', ok: false, detail: (err as Error).message });
      }
    }
  } finally {
    await agent.close();
  }
  return out;
}

/** Forms sign-in with a user the server serves: logon page, post, session cookies, mailbox page. */
async function formsRoundTrip(lab: Lab, s: ServerSpec, user: UserSpec, origin: string, agent: ReturnType<Lab['agent']>): Promise<CheckResult> {
  const build = getBuild(s.build);
  const endpoint = 'https owa forms sign-in';
  try {
    const form = new URLSearchParams({ destination: `${origin}/owa/`, flags: '4', forcedownlevel: '0', trusted: '4', username: `${lab.topology.organisation.netbiosDomain}\\${user.samAccountName}`, password: user.password, SubmitCreds: 'Sign in', ...(build.product === 2010 ? { isUtf8: '1' } : {}) });
    const post = await request(origin + build.owa.formsPostPath, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, dispatcher: agent });
    await post.body.dump();
    const cookies = ([] as string[]).concat(post.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
    if (post.statusCode !== 302 || !cookies.some((c) => c.startsWith('sessionid=')) || !cookies.some((c) => c.startsWith('cadata='))) {
      return { server: s.fqdn, endpoint, ok: false, detail: `post -> ${post.statusCode}, cookies ${cookies.map((c) => c.split('=')[0]).join(',')}` };
    }
    const page = await request(origin + '/owa/', { headers: { cookie: cookies.join('; ') }, dispatcher: agent });
    const body = await page.body.text();
    const ok = page.statusCode === 200 && body.includes(`data-user="${user.samAccountName}"`);
    return { server: s.fqdn, endpoint, ok, detail: `${user.samAccountName}: post 302, mailbox ${page.statusCode}` };
  } catch (err) {
    return { server: s.fqdn, endpoint, ok: false, detail: (err as Error).message };
  }
}

/** Check every endpoint of every mock; servers in parallel, endpoints of one server in order. */
export async function checkLab(lab: Lab): Promise<CheckResult[]> {
  const perServer = await Promise.all(
    lab.topology.servers.map(async (s) => {
      const http = await checkHttp(lab, s);
      const mail: CheckResult[] = [];
      for (const m of lab.mock(s.fqdn).mail) mail.push(await checkMailEndpoint(lab, s, m, localUser(lab, s)));
      return [...http, ...mail];
    }),
  );
  return perServer.flat();
}
