/**
 * parseTopology(): schema validation plus the cross-references a schema cannot express
 * (a server's site exists, a user's mailbox server exists, builds are in the catalogue...).
 * Every problem is reported, each with its JSON path, in one TopologyError.
 */
import { TopologySchema, type Topology } from './schema.ts';
import { TopologyError } from '../errors.ts';
import { BUILDS, findBuild } from '../../mocks/builds/catalogue.ts';
import { roleMarkIssues } from './roles.ts';

type Issue = { path: string; message: string };

/** `servers[3].vdirs.owa.internalUrl` from zod's path array. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

/**
 * Validate a topology document.
 * @example
 * const topo = parseTopology(JSON.parse(readFileSync('my-org.json', 'utf8')), 'my-org.json');
 */
export function parseTopology(doc: unknown, source = 'topology'): Topology {
  const early = shapeCheck(doc);
  const parsed = TopologySchema.safeParse(doc);
  if (!parsed.success || early.length) {
    const seen = new Set(early.map((i) => i.path));
    const rest = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })).filter((i) => !seen.has(i.path));
    throw new TopologyError([...early, ...rest], source);
  }
  const issues = crossCheck(parsed.data);
  if (issues.length) throw new TopologyError(issues, source);
  return parsed.data;
}

/** Known build ids, for messages (mocks/builds/catalogue.ts). */
function knownBuilds(): string {
  return BUILDS.map((b) => b.id).join(', ');
}

/**
 * What the schema's defaults would hide: a server whose `vdirs` is missing or empty (issue 13: a CAS
 * without its virtual directories is a broken export, never setup's defaults).
 */
function shapeCheck(doc: unknown): Issue[] {
  const servers = (doc as { servers?: unknown } | null)?.servers;
  if (!Array.isArray(servers)) return [];
  const issues: Issue[] = [];
  servers.forEach((s, i) => {
    if (!s || typeof s !== 'object') return;
    const v = (s as { vdirs?: unknown }).vdirs;
    const name = typeof (s as { fqdn?: unknown }).fqdn === 'string' ? ` (${(s as { fqdn: string }).fqdn})` : '';
    if (v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) {
      issues.push({ path: `servers[${i}].vdirs`, message: `server${name} has no virtual directories: give owa, eas, ews, autodiscover, oab and rpc (ecp and powershell on 2010) with their URLs and authentication` });
    }
  });
  return issues;
}

function crossCheck(t: Topology): Issue[] {
  const issues: Issue[] = [];
  const sites = new Set(t.sites.map((s) => s.name));
  const names = new Map<string, string>();
  const addresses = new Map<string, string>();
  const claim = (name: string, path: string) => {
    const prev = names.get(name);
    if (prev) issues.push({ path, message: `name ${name} is already used at ${prev}` });
    else names.set(name, path);
  };
  const claimAddress = (address: string, path: string) => {
    const prev = addresses.get(address);
    if (prev) issues.push({ path, message: `address ${address} is already used at ${prev}` });
    else addresses.set(address, path);
  };
  t.sites.forEach((s, i) => {
    if (t.sites.findIndex((o) => o.name === s.name) !== i) issues.push({ path: `sites[${i}].name`, message: `duplicate site ${s.name}` });
  });
  if (!sites.has(t.frontDoor.site)) issues.push({ path: 'frontDoor.site', message: `unknown site "${t.frontDoor.site}"` });
  // A server may sit at the front door's address and answer its namespaces: that is the 2010/2007 profiles'
  // candidate, a mock CAS placed at the front door (harness/frontdoor/profile-topology.ts).
  const fdServer = t.servers.find((s) => s.address === t.frontDoor.address);
  if (!fdServer) {
    claimAddress(t.frontDoor.address, 'frontDoor.address');
    t.frontDoor.namespaces.forEach((n, i) => claim(n, `frontDoor.namespaces[${i}]`));
  }

  const fqdns = new Set(t.servers.map((s) => s.fqdn));
  t.servers.forEach((s, i) => {
    const p = `servers[${i}]`;
    claim(s.fqdn, `${p}.fqdn`);
    s.aliases.forEach((a, j) => claim(a, `${p}.aliases[${j}]`));
    claimAddress(s.address, `${p}.address`);
    if (!sites.has(s.site)) issues.push({ path: `${p}.site`, message: `unknown site "${s.site}"` });
    const build = findBuild(s.build);
    if (!build) {
      issues.push({ path: `${p}.build`, message: `unknown Exchange build "${s.build}" (known: ${knownBuilds()})` });
      return;
    }
    if (build.product === 2007) {
      // 001: "note that this feature does not exist on Exchange 2007"
      if (s.isOutOfService !== undefined) issues.push({ path: `${p}.isOutOfService`, message: 'IsOutOfService does not exist on Exchange 2007' });
      if (s.vdirs.ecp) issues.push({ path: `${p}.vdirs.ecp`, message: '/ecp does not exist on Exchange 2007' });
      if (s.vdirs.powershell) issues.push({ path: `${p}.vdirs.powershell`, message: '/PowerShell does not exist on Exchange 2007' });
    }
    for (const svc of ['pop3', 'imap4'] as const) {
      s[svc].internalConnectionSettings.forEach((c, j) => {
        const host = c.split(':')[0]!;
        if (host !== s.fqdn && !s.aliases.includes(host)) {
          issues.push({ path: `${p}.${svc}.internalConnectionSettings[${j}]`, message: `host ${host} is neither the server's FQDN nor one of its aliases` });
        }
      });
    }
  });
  t.namespaces.forEach((n, i) => {
    const p = `namespaces[${i}]`;
    if (!sites.has(n.site)) issues.push({ path: `${p}.site`, message: `unknown site "${n.site}"` });
    if (n.target !== 'front-door' && !fqdns.has(n.target.slice('server:'.length))) {
      issues.push({ path: `${p}.target`, message: `no server ${n.target.slice('server:'.length)}` });
    }
  });
  t.nlb.forEach((n, i) => {
    claim(n.name, `nlb[${i}].name`);
    claimAddress(n.address, `nlb[${i}].address`);
    n.servers.forEach((s, j) => {
      if (!fqdns.has(s)) issues.push({ path: `nlb[${i}].servers[${j}]`, message: `no server ${s}` });
    });
  });
  const mbx = new Set<string>();
  t.mailboxServers.forEach((m, i) => {
    mbx.add(m.name);
    if (!sites.has(m.site)) issues.push({ path: `mailboxServers[${i}].site`, message: `unknown site "${m.site}"` });
    if (!findBuild(m.build)) issues.push({ path: `mailboxServers[${i}].build`, message: `unknown Exchange build "${m.build}" (known: ${knownBuilds()})` });
  });
  const accounts = new Set<string>();
  t.users.forEach((u, i) => {
    if (!mbx.has(u.mailboxServer)) issues.push({ path: `users[${i}].mailboxServer`, message: `no mailbox server ${u.mailboxServer} in mailboxServers (known: ${[...mbx].join(', ') || 'none'})` });
    if (accounts.has(u.samAccountName)) issues.push({ path: `users[${i}].samAccountName`, message: `duplicate account ${u.samAccountName}` });
    accounts.add(u.samAccountName);
  });
  // Marked seed roles (users[].role) must fit the seed's definition (roles.ts), once per role.
  if (!issues.length) issues.push(...roleMarkIssues(t));
  return issues;
}
