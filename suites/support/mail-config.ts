/**
 * What a target CAS's own POP3/IMAP4 configuration says, read from the lab's topology (the input the
 * lab was built from, not any decision logic): the methods its InternalConnectionSettings offer and its
 * LoginType. MAIL-07 needs these facts for whatever topology a run uses (user topologies included).
 * RULES.md: "A target offers a method when its InternalConnectionSettings list an endpoint with that
 * encryption (SSL, TLS, or none = plaintext)."
 * @example
 * offeredMethods(w, 'cas2010a.site3.example.lab', 'imap4') // Set { 'ssl', 'tls', 'plain' }
 */
import type { MailMethodName, MailProtocolName } from './mail-journal.ts';
import type { World } from './world.ts';

function serverSpec(w: World, fqdn: string) {
  return w.lab.topology.servers.find((s) => s.fqdn === fqdn);
}

/** `host:port:SSL` -> ssl, `host:port:TLS` -> tls, `host:port` -> plain (PROTOCOL-FACTS "IMAP4 / POP3"). */
export function settingMethod(setting: string): MailMethodName {
  const enc = setting.split(':')[2]?.trim().toUpperCase();
  return enc === 'SSL' ? 'ssl' : enc === 'TLS' ? 'tls' : 'plain';
}

/** Methods a server's settings list for a protocol; Exchange's defaults (SSL and TLS) when none are written. */
export function offeredMethods(w: World, fqdn: string, protocol: MailProtocolName): Set<MailMethodName> {
  const s = serverSpec(w, fqdn);
  if (!s) return new Set();
  const settings = s[protocol].internalConnectionSettings;
  return new Set(settings.length ? settings.map(settingMethod) : (['ssl', 'tls'] as const));
}

/** The server's LoginType for the protocol (SecureLogin when the server is not in the topology). */
export function loginTypeOf(w: World, fqdn: string, protocol: MailProtocolName): string {
  return serverSpec(w, fqdn)?.[protocol].loginType ?? 'SecureLogin';
}

/** Verbs that carry a password (IMAP LOGIN / AUTHENTICATE, POP3 PASS / AUTH / APOP). */
export function sentCredentials(commands: readonly string[]): boolean {
  return commands.some((c) => /^(LOGIN|AUTHENTICATE|PASS|AUTH|APOP)\b/i.test(c));
}
