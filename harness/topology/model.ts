/**
 * Read-only questions asked of a validated topology: who is where, which mail endpoints a server
 * offers. Shared by the lab, the directory and (as types and parsing only) front doors; it holds
 * no routing decision (the oracle rule of ARCHITECTURE.md).
 */
import type { MailServiceSpec, ServerSpec, Topology, UserSpec } from './schema.ts';

export type MailProtocol = 'imap4' | 'pop3';
/** SSL = implicit TLS, TLS = STARTTLS/STLS, plain = neither (PROTOCOL-FACTS.md). */
export type MailMethod = 'ssl' | 'tls' | 'plain';

export interface MailEndpoint {
  readonly host: string;
  /** Logical port as written in InternalConnectionSettings (993, 143, ...). */
  readonly port: number;
  readonly method: MailMethod;
  /** The setting as Exchange prints it. */
  readonly setting: string;
}

/** Exchange's defaults when InternalConnectionSettings is empty (PROTOCOL-FACTS.md). */
export function defaultConnectionSettings(fqdn: string, protocol: MailProtocol): string[] {
  return protocol === 'imap4' ? [`${fqdn}:993:SSL`, `${fqdn}:143:TLS`] : [`${fqdn}:995:SSL`, `${fqdn}:110:TLS`];
}

/** Parse `host:port:SSL` into an endpoint. */
export function parseConnectionSetting(setting: string): MailEndpoint {
  const [host = '', port = '', enc] = setting.split(':');
  const method: MailMethod = enc === 'SSL' ? 'ssl' : enc === 'TLS' ? 'tls' : 'plain';
  return { host, port: Number(port), method, setting };
}

/** The endpoints a server's POP3 or IMAP4 service offers (none when the service is disabled). */
export function mailEndpoints(server: ServerSpec, protocol: MailProtocol): MailEndpoint[] {
  const svc: MailServiceSpec = server[protocol];
  if (!svc.enabled) return [];
  const settings = svc.internalConnectionSettings.length ? svc.internalConnectionSettings : defaultConnectionSettings(server.fqdn, protocol);
  return settings.map(parseConnectionSetting);
}

export function findUser(t: Topology, login: string): UserSpec | undefined {
  const l = login.toLowerCase();
  const bare = l.includes('\\') ? l.slice(l.indexOf('\\') + 1) : l;
  return t.users.find((u) => u.samAccountName === bare || u.email.toLowerCase() === bare || u.name.toLowerCase() === bare);
}

export function mailboxOf(t: Topology, user: UserSpec) {
  const m = t.mailboxServers.find((x) => x.name === user.mailboxServer);
  if (!m) throw new RangeError(`user ${user.name}: no mailbox server ${user.mailboxServer}`);
  return m;
}

export function serversInSite(t: Topology, site: string): ServerSpec[] {
  return t.servers.filter((s) => s.site === site);
}

export function findServer(t: Topology, name: string): ServerSpec | undefined {
  const n = name.toLowerCase();
  return t.servers.find((s) => s.fqdn === n || s.aliases.includes(n) || s.namespaces.includes(n));
}

/** Every DNS name of the lab and the loopback address it resolves to (the lab's hosts file). */
export function hostsEntries(t: Topology): { name: string; address: string }[] {
  const out: { name: string; address: string }[] = [];
  for (const n of t.frontDoor.namespaces) out.push({ name: n, address: t.frontDoor.address });
  for (const s of t.servers) {
    for (const n of [s.fqdn, ...s.aliases, ...s.namespaces]) out.push({ name: n, address: s.address });
  }
  for (const n of t.nlb) out.push({ name: n.name, address: n.address });
  for (const ns of t.namespaces) {
    if (out.some((o) => o.name === ns.name)) continue;
    const address = ns.target === 'front-door' ? t.frontDoor.address : t.servers.find((s) => `server:${s.fqdn}` === ns.target)?.address;
    if (address) out.push({ name: ns.name, address });
  }
  return out;
}
