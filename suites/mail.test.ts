/**
 * MAIL: POP3 and IMAP4 through the front door (RULES.md "MAIL", seed 001 "IMAP & POP Coexistence",
 * seed 003's note on POP3/IMAP4). Expectations are written here, user by user, from the seeds and the
 * built-in figures (the oracle rule): which CAS a session must reach, on which listed endpoint, with
 * which method first. The journal's `mail` events (one per connection a mock CAS accepted) are the
 * front-door-to-CAS leg; the client transcript is the other.
 */
import { describe } from 'vitest';
import type { MailEvent } from '../harness/journal/events.ts';
import { check } from '../harness/verify/check.ts';
import { rule, type RuleContext } from './support/rule.ts';
import type { World } from './support/world.ts';
import { encrypted, mailThroughFrontDoor, type ClientMode, type MailRun } from './support/mail-client.ts';
import { describeMail, mailBackOn, mailOff, realMailPort, sessionConnections, sessionEvents, type MailMethodName, type MailProtocolName } from './support/mail-journal.ts';
import { HarnessOverloadedError } from '../harness/verify/lag.ts';
import { loginTypeOf, offeredMethods, sentCredentials, settingMethod } from './support/mail-config.ts';
import { isBuiltInTopology, roleMissingReason, situationOfTopology, roleServers, roleUser, RoleMissingError, type SeedRole } from '../harness/topology/index.ts';
import { presentRoles, roleFqdns, roleName, situationSpec } from './support/roles.ts';

const PROTOCOLS: readonly MailProtocolName[] = ['imap4', 'pop3'];
/** Rules here run up to 36 sequential sessions (each bounded at 10 s); a loaded CI host needs the room. */
const LONG = 120_000;

// 001 Figure 1, by role: the Client Access servers of each user role's mailbox site. Server roles name
// the CAS a seed case is about (built-in: red = cas2010.site1, orange = cas2010.site2, blueA / blueB =
// cas2010a / cas2010b of Site3, purple = cas2007.site1, grey = cas2007.site3); the role API says which
// server of the topology in use plays each (harness/topology/roles.ts), the cases below stay the seeds'.
type ServerRole = 'red' | 'orange' | 'blueA' | 'blueB' | 'purple' | 'grey';

/** The server playing each server role in the world's topology (absent roles left out). */
function serverRoles(w: World): Partial<Record<ServerRole, string>> {
  const nth = (role: SeedRole, i: number) => {
    try {
      return roleServers(w.lab.topology, role)[i]?.fqdn;
    } catch (err) {
      if (err instanceof RoleMissingError) return undefined;
      throw err;
    }
  };
  const out: Partial<Record<ServerRole, string>> = {};
  for (const [k, v] of [['red', nth('red', 0)], ['orange', nth('orange', 0)], ['blueA', nth('blue', 0)], ['blueB', nth('blue', 1)], ['purple', nth('purple', 0)], ['grey', nth('grey', 0)]] as const) if (v) out[k] = v;
  return out;
}

/** The server role a server plays, if any. */
function serverRoleOf(w: World, fqdn: string): ServerRole | undefined {
  return (Object.entries(serverRoles(w)) as [ServerRole, string][]).find(([, v]) => v === fqdn)?.[0];
}

/**
 * The endpoints each CAS lists. PROTOCOL-FACTS: Exchange's defaults `<fqdn>:993:SSL`, `<fqdn>:143:TLS`
 * (IMAP4) and `<fqdn>:995:SSL`, `<fqdn>:110:TLS` (POP3). RULES.md: one CAS2010 of Site3 and the CAS2007
 * of Site3 (server roles blueA and grey) also list a plaintext endpoint with LoginType PlainTextLogin
 * (the built-in topology writes it `<fqdn>:1143` / `<fqdn>:1110`).
 */
const DEFAULT_ENDPOINTS: Record<MailProtocolName, { port: number; method: MailMethodName }[]> = {
  imap4: [{ port: 993, method: 'ssl' }, { port: 143, method: 'tls' }],
  pop3: [{ port: 995, method: 'ssl' }, { port: 110, method: 'tls' }],
};
const PLAIN_ENDPOINT: Record<MailProtocolName, { port: number; method: MailMethodName }> = { imap4: { port: 1143, method: 'plain' }, pop3: { port: 1110, method: 'plain' } };
const WITH_PLAIN = new Set<ServerRole>(['blueA', 'grey']);

/**
 * The mail-order situation (RULES.md MAIL-03/04, issue 10; harness/topology/situations.ts): endpoints that
 * leave a method out, written here from the built-in variant's description (by server role) so the whole of 001's order is judged, not only its first step.
 */
const MAILORDER_ENDPOINTS: Partial<Record<ServerRole, MailMethodName[]>> = {
  orange: ['tls', 'plain'],
  blueA: ['tls'],
  blueB: ['ssl', 'plain'],
  grey: ['tls'],
};
const PORT_OF: Record<MailProtocolName, Record<MailMethodName, number>> = { imap4: { ssl: 993, tls: 143, plain: 1143 }, pop3: { ssl: 995, tls: 110, plain: 1110 } };

/**
 * The endpoints a server lists. On a built-in topology (and its variants) the table above, written from the seeds;
 * on another organisation its own InternalConnectionSettings (input data, RULES.md "a target offers a
 * method when its InternalConnectionSettings list an endpoint with that encryption").
 */
function listedEndpoints(w: World, server: string, protocol: MailProtocolName): { port: number; method: MailMethodName }[] {
  const topology = w.lab.topology.name;
  if (!isBuiltInTopology(topology)) {
    const settings = w.lab.topology.servers.find((s) => s.fqdn === server)?.[protocol].internalConnectionSettings ?? [];
    if (!settings.length) return DEFAULT_ENDPOINTS[protocol];
    return settings.map((x) => ({ port: Number(x.split(':')[1]), method: settingMethod(x) }));
  }
  const role = serverRoleOf(w, server);
  if (situationOfTopology(topology) === 'mail-endpoints-leave-method-out' && role && MAILORDER_ENDPOINTS[role]) return MAILORDER_ENDPOINTS[role]!.map((method) => ({ port: PORT_OF[protocol][method], method }));
  return [...DEFAULT_ENDPOINTS[protocol], ...(role && WITH_PLAIN.has(role) ? [PLAIN_ENDPOINT[protocol]] : [])];
}

type FirstHop = { method: MailMethodName; servers: readonly ServerRole[] };
/**
 * 001: "If the incoming connection is over an encrypted channel, CAS2013 will try to locate an SSL proxy
 * target first" - every CAS lists SSL, so SSL for everyone. "If the incoming connection is over a
 * plaintext channel, CAS2013 will try to locate a plaintext proxy target first, SSL next" - plaintext
 * where the site offers it (Blue: only blueA; Grey: grey), SSL elsewhere.
 */
const FIRST_ENCRYPTED: Record<string, FirstHop> = {
  red: { method: 'ssl', servers: ['red'] },
  orange: { method: 'ssl', servers: ['orange'] },
  blue: { method: 'ssl', servers: ['blueA', 'blueB'] },
  purple: { method: 'ssl', servers: ['purple'] },
  grey: { method: 'ssl', servers: ['grey'] },
};
const FIRST_PLAINTEXT: Record<string, FirstHop> = {
  red: { method: 'ssl', servers: ['red'] },
  orange: { method: 'ssl', servers: ['orange'] },
  blue: { method: 'plain', servers: ['blueA'] },
  purple: { method: 'ssl', servers: ['purple'] },
  grey: { method: 'plain', servers: ['grey'] },
};

/**
 * The same two orders in the mail-order situation, case by case. Encrypted ("SSL first, TLS next, plaintext
 * lastly"): Orange's site offers TLS and plaintext -> TLS; Blue's site offers SSL only on blueB -> SSL
 * there, not blueA's TLS; Grey's CAS offers TLS only -> TLS. Plaintext ("plaintext first, SSL next, TLS
 * lastly"): Orange -> plaintext; Blue -> plaintext on blueB; Grey -> TLS, its only method; Red -> SSL
 * before TLS.
 */
const MAILORDER_ENCRYPTED: Record<string, FirstHop> = {
  ...FIRST_ENCRYPTED,
  orange: { method: 'tls', servers: ['orange'] },
  blue: { method: 'ssl', servers: ['blueB'] },
  grey: { method: 'tls', servers: ['grey'] },
};
const MAILORDER_PLAINTEXT: Record<string, FirstHop> = {
  ...FIRST_PLAINTEXT,
  orange: { method: 'plain', servers: ['orange'] },
  blue: { method: 'plain', servers: ['blueB'] },
  grey: { method: 'tls', servers: ['grey'] },
};
// The mail-order situation: a built-in variant with endpoints that leave a method out; the roles cannot derive it on another organisation (n/a there).
const mailorder = (t: RuleContext) => situationSpec(t, 'mail-endpoints-leave-method-out', { key: 'mail-order' });
/** The servers of a first-hop case, resolved in the world's topology. */
const hopServers = (w: World, hop: FirstHop) => hop.servers.map((r) => serverRoles(w)[r]).filter((x): x is string => !!x);

// The user roles of each default topology (RULES.md): 001's for 2013/2010, 003's (User1..3) for 2007.
const SEED_001_ROLES: readonly SeedRole[] = ['red', 'purple', 'blue', 'orange', 'grey'];
const SEED_003_ROLES: readonly SeedRole[] = ['user1', 'user2', 'user3'];

const present = presentRoles;

/**
 * Why a connection is not at a listed endpoint of one of `servers`: the right server, the listener of
 * the method it carried ("on the port of the chosen method"), that listener's real port, and the
 * server's FQDN in SNI when TLS is used (001: "maps to the server's FQDN"). Empty when all is well.
 */
function endpointProblems(w: World, e: MailEvent, servers: readonly string[], method?: MailMethodName): string[] {
  const p: string[] = [];
  if (!servers.includes(e.server)) return [`reached ${e.server}, expected ${servers.join(' or ')}`];
  if (method && e.method !== method) p.push(`method ${e.method}, expected ${method}`);
  if (e.listener !== e.method) p.push(`a ${e.method} session on the ${e.listener} listener (port ${e.localPort}), not on the port of its method`);
  const listed = listedEndpoints(w, e.server, e.protocol).find((x) => x.method === e.method);
  if (!listed) p.push(`${e.server} lists no ${e.method} endpoint for ${e.protocol}`);
  else {
    const port = realMailPort(w, e.server, e.protocol, listed.port);
    if (e.localPort !== port) p.push(`port ${e.localPort}, expected ${port} (${e.server}:${listed.port}${listed.method === 'plain' ? '' : `:${listed.method.toUpperCase()}`})`);
  }
  if (e.method !== 'plain' && e.sni !== e.server) p.push(`SNI ${e.sni ?? '(none)'}, expected ${e.server}`);
  return p;
}

/** A client session's bound: 10 s, times `--slow`. */
const SESSION_MS = 10_000;
/** A session's error that says it ran out of time (the IMAP and POP3 clients' wording). */
const TIMED_OUT = /within \d+ ?ms|timed? ?out/i;

/**
 * A session that ran out of time without one line from the front door (no greeting; with implicit TLS,
 * maybe no handshake): the candidate accepted and hangs. That is an `error` naming the hang, as an HTTP
 * request with no answer is (support/rule.ts), not a routing verdict. A front door that closes the
 * connection, refuses the login or greets and then stalls is judged as before.
 */
function stopIfHung(run: MailRun, name: string, protocol: MailProtocolName): void {
  if (run.ok || !TIMED_OUT.test(run.error ?? '') || run.transcript.some((l) => l.dir === 'S')) return;
  throw Object.assign(new Error(`${name}'s ${protocol} session: ${run.error} (not one line from the front door)`), { code: 'ETIMEDOUT' });
}

/**
 * One session and its journal events (this session's connections only: sessionConnections), recorded as
 * evidence. A session that ran out of time while the harness itself was late is an `error` with the lag.
 */
async function session(t: RuleContext, w: World, protocol: MailProtocolName, name: string, mode: ClientMode, o: { loginOnly?: boolean } = {}): Promise<{ run: MailRun; events: MailEvent[]; since: number }> {
  const since = w.mark();
  const started = Date.now();
  const from = performance.now();
  const bound = SESSION_MS * t.slow;
  const run = await mailThroughFrontDoor(w, protocol, name, mode, { loginOnly: o.loginOnly ?? true, timeoutMs: bound });
  const ms = Date.now() - started;
  t.client(run.transcript);
  // Not listening is a dead or absent candidate (an `error`), not a routing verdict.
  if (!run.ok && /ECONNREFUSED/.test(run.error ?? '')) throw Object.assign(new Error(`${name}'s ${protocol} session: ${run.error}`), { code: 'ECONNREFUSED' });
  if (!run.ok && TIMED_OUT.test(run.error ?? '') && t.lag(from) > bound / 10) throw new HarnessOverloadedError(t.lag(from), `${name}'s ${protocol} session within ${bound} ms`);
  stopIfHung(run, name, protocol);
  const events = sessionConnections(await sessionEvents(w, since, run.ok, { user: w.user(name).samAccountName }), w.user(name).samAccountName);
  t.observe(`${name} ${protocol} (${mode}): ${run.ok ? 'ok' : `failed: ${run.error}`} in ${ms} ms\n${describeMail(events)}`);
  return { run, events, since };
}

function loggedIn(events: MailEvent[], name: string, w: World): MailEvent | undefined {
  const sam = w.user(name).samAccountName.toLowerCase();
  return events.find((e) => e.login === 'ok' && (e.user ?? '').toLowerCase().replace(/^.*\\/, '') === sam);
}

describe('MAIL', () => {
  rule('MAIL-01', { timeoutMs: LONG }, async (t) => {
    const w = await t.world();
    // 001: "If the target mailbox is E2010, CAS2013 will enumerate ... each Exchange 2010 Client Access server within the mailbox's site."
    for (const { role, name } of present(t, w, ['red', 'orange', 'blue'])) {
      const cas = roleFqdns(t, w, role);
      t.expect(`${name} (${role}): IMAP4 and POP3 sessions (implicit TLS and plaintext) reach ${cas.join(' or ')} at an endpoint its InternalConnectionSettings list`);
      for (const protocol of PROTOCOLS) {
        for (const mode of ['implicit', 'plain'] as const) {
          const { run, events } = await session(t, w, protocol, name, mode);
          const e = loggedIn(events, name, w);
          t.require(`${name} ${protocol} (${mode}): the session logged in at a mock CAS through the front door`, run.ok && !!e, run.ok ? `the client logged in, but no mock CAS logged ${name} in: ${describeMail(events)}` : `client: ${run.error}\n${describeMail(events)}`);
          const problems = endpointProblems(w, e!, cas);
          check(!problems.length, `${name} ${protocol} (${mode}): a listed endpoint of ${cas.join(' or ')}`, problems.join('; '));
        }
      }
    }
  });

  rule('MAIL-02', { timeoutMs: LONG }, async (t) => {
    const w = await t.world();
    // 001: "If the target mailbox is E2007, CAS2013 will enumerate each Exchange 2007 Client Access server's server FQDN within the mailbox's site."
    for (const { role, name } of present(t, w, ['purple', 'grey'])) {
      const cas = roleFqdns(t, w, role).join(' or ');
      t.expect(`${name} (${role}): IMAP4 and POP3 sessions (implicit TLS and plaintext) reach ${cas} by FQDN (SNI the CAS's FQDN when TLS), on the port of the method used`);
      for (const protocol of PROTOCOLS) {
        for (const mode of ['implicit', 'plain'] as const) {
          const { run, events } = await session(t, w, protocol, name, mode);
          const e = loggedIn(events, name, w);
          t.require(`${name} ${protocol} (${mode}): the session logged in at a mock CAS through the front door`, run.ok && !!e, run.ok ? `the client logged in, but no mock CAS logged ${name} in: ${describeMail(events)}` : `client: ${run.error}\n${describeMail(events)}`);
          const problems = endpointProblems(w, e!, roleFqdns(t, w, role));
          check(!problems.length, `${name} ${protocol} (${mode}): ${cas} by FQDN on the port of the chosen method`, problems.join('; '));
        }
      }
    }
  });

  rule('MAIL-03', { timeoutMs: LONG }, async (t) => {
    const w = await t.world(mailorder(t));
    for (const { role, name } of present(t, w, SEED_001_ROLES)) {
      const want = { method: MAILORDER_ENCRYPTED[role]!.method, servers: hopServers(w, MAILORDER_ENCRYPTED[role]!) };
      t.expect(`${name}, encrypted client sessions (implicit TLS and STARTTLS/STLS): the first connection is ${want.method.toUpperCase()} to ${want.servers.join(' or ')}`);
      for (const protocol of PROTOCOLS) {
        for (const mode of ['implicit', 'starttls'] as const) {
          const { events } = await session(t, w, protocol, name, mode);
          const first = events[0];
          t.require(`${name} ${protocol} (${mode}): the front door opened a session to a mock CAS`, !!first, first ? `first connection: ${first.server} ${first.method}` : 'no connection of this session reached any mock CAS');
          const problems = endpointProblems(w, first!, want.servers, want.method);
          check(!problems.length, `${name} ${protocol} (${mode}): first connection ${want.method.toUpperCase()} at a listed endpoint`, problems.join('; '));
        }
      }
    }
  });

  rule('MAIL-04', { timeoutMs: LONG }, async (t) => {
    const w = await t.world(mailorder(t));
    for (const { role, name } of present(t, w, SEED_001_ROLES)) {
      const want = { method: MAILORDER_PLAINTEXT[role]!.method, servers: hopServers(w, MAILORDER_PLAINTEXT[role]!) };
      t.expect(`${name}, plaintext client session: the first connection is ${want.method === 'plain' ? 'plaintext' : want.method.toUpperCase()} to ${want.servers.join(' or ')}`);
      for (const protocol of PROTOCOLS) {
        const { events } = await session(t, w, protocol, name, 'plain');
        const first = events[0];
        t.require(`${name} ${protocol} (plain): the front door opened a session to a mock CAS`, !!first, first ? `first connection: ${first.server} ${first.method}` : 'no connection of this session reached any mock CAS');
        const problems = endpointProblems(w, first!, want.servers, want.method);
        check(!problems.length, `${name} ${protocol} (plain): first connection ${want.method} at a listed endpoint`, problems.join('; '));
      }
    }
  });

  rule('MAIL-05', { timeoutMs: LONG }, async (t) => {
    const w = await t.world();
    for (const { name } of present(t, w, SEED_001_ROLES)) {
      const subjects = w.user(name).messages.map((m) => m.subject);
      t.expect(`${name}: IMAP (login, LIST, SELECT INBOX, FETCH) sees INBOX with ${subjects.length} messages (${subjects.join(' | ')}); POP3 (STAT, LIST, RETR 1) the same count and a message of ${name}'s`);
      const bound = { timeoutMs: SESSION_MS * t.slow };
      const from = performance.now();
      const mark = w.mark();
      const imap = await mailThroughFrontDoor(w, 'imap4', name, 'implicit', bound);
      t.client(imap.transcript);
      if (!imap.ok && t.lag(from) > bound.timeoutMs / 10) throw new HarnessOverloadedError(t.lag(from), `${name}'s IMAP session within ${bound.timeoutMs} ms`);
      stopIfHung(imap, name, 'imap4');
      const imapAt = loggedIn(sessionConnections(await sessionEvents(w, mark, imap.ok, { user: w.user(name).samAccountName }), w.user(name).samAccountName), name, w);
      t.require(`${name}'s IMAP session logged in at a mock CAS through the front door`, !!imapAt, imap.ok ? `the client got answers, but no mock CAS logged ${name} in` : `client: ${imap.error}`);
      t.observe(`${name} IMAP: ${imap.ok ? `ok, mailboxes ${imap.mailboxes?.join(',')}, EXISTS ${imap.exists}, subjects ${imap.subjects?.join(' | ')}` : `failed: ${imap.error}`}`);
      check(imap.ok, `${name} IMAP session completes`, imap.error ?? '');
      check(!!imap.mailboxes?.some((m) => m.toUpperCase() === 'INBOX'), `${name} LIST shows INBOX`, `LIST: ${imap.mailboxes?.join(', ') ?? '(none)'}`);
      check(imap.exists === subjects.length, `${name} SELECT INBOX: ${subjects.length} EXISTS`, `EXISTS ${imap.exists}`);
      check(subjects.every((s) => imap.subjects?.includes(s)), `${name} FETCH: ${subjects.join(' | ')}`, `FETCH: ${imap.subjects?.join(' | ') ?? '(none)'}`);
      const popMark = w.mark();
      const pop = await mailThroughFrontDoor(w, 'pop3', name, 'implicit', bound);
      t.client(pop.transcript);
      stopIfHung(pop, name, 'pop3');
      const popAt = loggedIn(sessionConnections(await sessionEvents(w, popMark, pop.ok, { user: w.user(name).samAccountName }), w.user(name).samAccountName), name, w);
      t.require(`${name}'s POP3 session logged in at a mock CAS through the front door`, !!popAt, pop.ok ? `the client got answers, but no mock CAS logged ${name} in` : `client: ${pop.error}`);
      t.observe(`${name} POP3: ${pop.ok ? `ok, STAT ${pop.count}, LIST ${pop.listed}, RETR 1 ${pop.firstMessage?.length ?? 0} bytes` : `failed: ${pop.error}`}`);
      check(pop.ok, `${name} POP3 session completes`, pop.error ?? '');
      check(pop.count === subjects.length && pop.listed === subjects.length, `${name} STAT and LIST: ${subjects.length} messages`, `STAT ${pop.count}, LIST ${pop.listed}`);
      const subject = /^Subject: (.*)$/m.exec(pop.firstMessage ?? '')?.[1]?.trim();
      check(!!subject && subjects.includes(subject), `${name} RETR 1: one of ${name}'s messages`, `Subject: ${subject ?? '(none)'}`);
    }
  });

  rule('MAIL-06', { timeoutMs: LONG }, async (t) => {
    const w = await t.world();
    // 003: User1's mailbox is in the front door's own site (2007 built-in: USA): served. User2 (another
    // Internet-facing site, 2007 built-in: Europe) and User3 (a site without ExternalURL, 2007 built-in: Hub): refused.
    const user1 = roleName(t, w, 'user1');
    const refused = present(t, w, ['user2', 'user3']);
    t.expect(`User1 (${user1}, the front door's site): IMAP4 and POP3 logins succeed; ${refused.map((r) => `${r.role} (${r.name})`).join(' and ')}: the login is refused (NO / -ERR) and no CAS lets them in`);
    for (const protocol of PROTOCOLS) {
      const { run, events } = await session(t, w, protocol, user1, 'implicit');
      // The refusals below mean something only if the front door serves its own site's mailbox.
      t.require(`${user1} ${protocol}: served by a mock CAS (mailbox in the front door's site)`, run.ok && !!loggedIn(events, user1, w), run.ok ? `no mock CAS logged ${user1} in: ${describeMail(events)}` : run.error ?? '');
    }
    for (const { name } of refused) {
      for (const protocol of PROTOCOLS) {
        const { run, events } = await session(t, w, protocol, name, 'implicit');
        check(!run.ok && run.loginRefused, `${name} ${protocol}: login refused (${protocol === 'imap4' ? 'NO' : '-ERR'})`, run.ok ? 'the session logged in' : `not a refusal: ${run.error}`);
        const inside = events.filter((e) => e.login === 'ok');
        check(!inside.length, `${name} ${protocol}: no CAS logs ${name} in`, describeMail(inside));
      }
    }
  });

  rule('MAIL-07', { timeoutMs: LONG }, async (t) => {
    const w = await t.world({ key: 'mail-faults' });
    const users = present(t, w, t.profile === 'exchange2007' ? SEED_003_ROLES : SEED_001_ROLES).map((r) => r.name);
    t.expect('no target CAS under SecureLogin receives credentials on a plaintext connection, and no encrypted client session is carried to a CAS on plaintext while that CAS offers SSL or TLS');
    for (const name of users) {
      for (const protocol of PROTOCOLS) {
        for (const mode of ['plain', 'implicit', 'starttls'] as const) {
          const { run, events } = await session(t, w, protocol, name, mode);
          t.require(`${name} ${protocol} (${mode}): the session reached a mock CAS`, events.length > 0, run.ok ? 'the client logged in, but no connection reached any mock CAS' : `client: ${run.error}`);
          const problems = cleartextProblems(w, events, encrypted(mode));
          check(!problems.length, `${name} ${protocol} (${mode}): nothing in cleartext that must not be`, problems.join('; '));
        }
      }
    }
    // The SSL and TLS endpoints of Blue's and Grey's CAS down (built-in: the Site3 CAS), their plaintext
    // endpoints (built-in: cas2010a, cas2007.site3) up: an encrypted session for Blue or Grey must fail
    // rather than be carried on plaintext. Only where such a plaintext endpoint is listed is there a case
    // (the 2007 topology lists none: 13/10).
    const inner = ['blue', 'grey'].filter((r) => !roleMissingReason(w.lab.topology, r as SeedRole)) as SeedRole[];
    const site3 = inner.flatMap((r) => roleServers(w.lab.topology, r).map((s) => s.fqdn));
    if (!site3.some((s) => PROTOCOLS.some((p) => offeredMethods(w, s, p).has('plain')))) return t.note(`no CAS of Blue's or Grey's site lists a plaintext endpoint in ${w.lab.topology.name}: the fallback-to-plaintext case has nothing to judge`);
    const innerNames = inner.map((r) => roleUser(w.lab.topology, r).name);
    t.expect(`with the SSL and TLS endpoints of ${site3.join(', ')} switched off: ${innerNames.join(' and ')} in encrypted sessions are not carried on their plaintext endpoints`);
    try {
      for (const s of site3) for (const p of PROTOCOLS) for (const m of ['ssl', 'tls'] as const) await mailOff(w, s, p, m);
      t.note(`faults: ${site3.join(', ')} imap4/pop3 ssl+tls switched off (connection refused)`);
      for (const name of innerNames) {
        for (const protocol of PROTOCOLS) {
          const { events } = await session(t, w, protocol, name, 'implicit');
          const problems = cleartextProblems(w, events, true);
          check(!problems.length, `${name} ${protocol} (implicit TLS, SSL/TLS of the site's CAS down): not carried on plaintext`, problems.join('; '));
        }
      }
    } finally {
      await mailBackOn(w, site3);
    }
  });

  rule('MAIL-08', { timeoutMs: LONG }, async (t) => {
    const w = await t.world({ key: 'mail-faults' });
    const name = roleName(t, w, t.profile === 'exchange2007' ? 'user1' : 'red');
    for (const protocol of PROTOCOLS) {
      t.expect(`${name} ${protocol}: with the method and endpoint the front door chose switched off on that CAS, the next session still works through another method or endpoint`);
      const base = await session(t, w, protocol, name, 'implicit');
      const chosen = loggedIn(base.events, name, w);
      t.require(`${name} ${protocol}: a working session through the front door to start from`, base.run.ok && !!chosen, base.run.ok ? describeMail(base.events) : `client: ${base.run.error}`);
      if (chosen!.server === w.frontDoorMock) t.notApplicable(`the front door served ${name}'s ${protocol} session itself (no legacy target to fall back from)`);
      try {
        await mailOff(w, chosen!.server, protocol, chosen!.method);
        t.note(`fault: ${chosen!.server} ${protocol}:${chosen!.method} switched off (connection refused)`);
        const again = await session(t, w, protocol, name, 'implicit');
        const used = loggedIn(again.events, name, w);
        check(again.run.ok && !!used, `${name} ${protocol}: the session works with ${chosen!.server} ${chosen!.method} down`, again.run.ok ? describeMail(again.events) : `client: ${again.run.error}\n${describeMail(again.events)}`);
        check(!(used!.server === chosen!.server && used!.method === chosen!.method), 'another method or endpoint', `${used!.server} ${used!.method}`);
      } finally {
        await mailBackOn(w, [chosen!.server]);
      }
    }
  });
});

/** MAIL-07's two prohibitions, judged on the target connections (not the front door's own listeners). */
function cleartextProblems(w: World, events: readonly MailEvent[], clientEncrypted: boolean): string[] {
  const p: string[] = [];
  for (const e of events) {
    if (e.server === w.frontDoorMock || e.method !== 'plain') continue;
    const secureLogin = loginTypeOf(w, e.server, e.protocol) === 'SecureLogin';
    if (e.login === 'disabled' || (secureLogin && (e.login !== 'none' || sentCredentials(e.commands)))) {
      p.push(`credentials in cleartext to ${e.server} ${e.protocol} port ${e.localPort} (LoginType ${loginTypeOf(w, e.server, e.protocol)}, login ${e.login})`);
    }
    const offered = offeredMethods(w, e.server, e.protocol);
    if (clientEncrypted && (offered.has('ssl') || offered.has('tls'))) {
      p.push(`an encrypted client session carried on plaintext to ${e.server} ${e.protocol} port ${e.localPort}, which offers ${[...offered].join('/')}`);
    }
  }
  return p;
}
