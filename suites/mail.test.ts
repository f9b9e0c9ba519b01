/**
 * MAIL: POP3 and IMAP4 through the front door (RULES.md "MAIL", seed 001 "IMAP & POP Coexistence",
 * seed 003's note on POP3/IMAP4). Expectations are written here, user by user, from the seeds and the
 * contoso figures (the oracle rule): which CAS a session must reach, on which listed endpoint, with
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
import { loginTypeOf, offeredMethods, sentCredentials } from './support/mail-config.ts';

const PROTOCOLS: readonly MailProtocolName[] = ['imap4', 'pop3'];
/** Rules here run up to 36 sequential sessions (each bounded at 10 s); a loaded CI host needs the room. */
const LONG = 120_000;

// 001 Figure 1 (RULES.md `contoso`): the Client Access servers of each user's mailbox site.
const CAS2010_SITE1 = 'cas2010.site1.contoso.lab';
const CAS2010_SITE2 = 'cas2010.site2.contoso.lab';
const CAS2010A_SITE3 = 'cas2010a.site3.contoso.lab';
const CAS2010B_SITE3 = 'cas2010b.site3.contoso.lab';
const CAS2007_SITE1 = 'cas2007.site1.contoso.lab';
const CAS2007_SITE3 = 'cas2007.site3.contoso.lab';
/** 001: "If the target mailbox is E2010, CAS2013 will enumerate ... each Exchange 2010 Client Access server within the mailbox's site." */
const CAS2010_OF: Record<string, readonly string[]> = { Red: [CAS2010_SITE1], Orange: [CAS2010_SITE2], Blue: [CAS2010A_SITE3, CAS2010B_SITE3] };
/** 001: "If the target mailbox is E2007, CAS2013 will enumerate each Exchange 2007 Client Access server's server FQDN within the mailbox's site." */
const CAS2007_OF: Record<string, string> = { Purple: CAS2007_SITE1, Grey: CAS2007_SITE3 };

/**
 * The endpoints each CAS lists. PROTOCOL-FACTS: Exchange's defaults `<fqdn>:993:SSL`, `<fqdn>:143:TLS`
 * (IMAP4) and `<fqdn>:995:SSL`, `<fqdn>:110:TLS` (POP3). RULES.md: one CAS2010 of Site3 and the CAS2007
 * of Site3 also list a plaintext endpoint with LoginType PlainTextLogin (contoso writes it `<fqdn>:1143` /
 * `<fqdn>:1110`).
 */
const DEFAULT_ENDPOINTS: Record<MailProtocolName, { port: number; method: MailMethodName }[]> = {
  imap4: [{ port: 993, method: 'ssl' }, { port: 143, method: 'tls' }],
  pop3: [{ port: 995, method: 'ssl' }, { port: 110, method: 'tls' }],
};
const PLAIN_ENDPOINT: Record<MailProtocolName, { port: number; method: MailMethodName }> = { imap4: { port: 1143, method: 'plain' }, pop3: { port: 1110, method: 'plain' } };
const WITH_PLAIN = new Set([CAS2010A_SITE3, CAS2007_SITE3]);

/**
 * contoso-mailorder (RULES.md MAIL-03/04, issue 10): endpoints that leave a method out, written here
 * from the variant's description so the whole of 001's order is judged, not only its first step.
 */
const MAILORDER_ENDPOINTS: Record<string, MailMethodName[]> = {
  [CAS2010_SITE2]: ['tls', 'plain'],
  [CAS2010A_SITE3]: ['tls'],
  [CAS2010B_SITE3]: ['ssl', 'plain'],
  [CAS2007_SITE3]: ['tls'],
};
const PORT_OF: Record<MailProtocolName, Record<MailMethodName, number>> = { imap4: { ssl: 993, tls: 143, plain: 1143 }, pop3: { ssl: 995, tls: 110, plain: 1110 } };

function listedEndpoints(server: string, protocol: MailProtocolName, topology = 'contoso') {
  if (topology === 'contoso-mailorder' && MAILORDER_ENDPOINTS[server]) return MAILORDER_ENDPOINTS[server]!.map((method) => ({ port: PORT_OF[protocol][method], method }));
  return [...DEFAULT_ENDPOINTS[protocol], ...(WITH_PLAIN.has(server) ? [PLAIN_ENDPOINT[protocol]] : [])];
}

/**
 * 001: "If the incoming connection is over an encrypted channel, CAS2013 will try to locate an SSL proxy
 * target first" - every CAS lists SSL, so SSL for everyone. "If the incoming connection is over a
 * plaintext channel, CAS2013 will try to locate a plaintext proxy target first, SSL next" - plaintext
 * where the site offers it (Blue: only cas2010a.site3; Grey: cas2007.site3), SSL elsewhere.
 */
const FIRST_ENCRYPTED: Record<string, { method: MailMethodName; servers: readonly string[] }> = {
  Red: { method: 'ssl', servers: [CAS2010_SITE1] },
  Orange: { method: 'ssl', servers: [CAS2010_SITE2] },
  Blue: { method: 'ssl', servers: [CAS2010A_SITE3, CAS2010B_SITE3] },
  Purple: { method: 'ssl', servers: [CAS2007_SITE1] },
  Grey: { method: 'ssl', servers: [CAS2007_SITE3] },
};
const FIRST_PLAINTEXT: Record<string, { method: MailMethodName; servers: readonly string[] }> = {
  Red: { method: 'ssl', servers: [CAS2010_SITE1] },
  Orange: { method: 'ssl', servers: [CAS2010_SITE2] },
  Blue: { method: 'plain', servers: [CAS2010A_SITE3] },
  Purple: { method: 'ssl', servers: [CAS2007_SITE1] },
  Grey: { method: 'plain', servers: [CAS2007_SITE3] },
};

/**
 * The same two orders in contoso-mailorder, case by case. Encrypted ("SSL first, TLS next, plaintext
 * lastly"): Orange's site offers TLS and plaintext -> TLS; Blue's site offers SSL only on cas2010b -> SSL
 * there, not cas2010a's TLS; Grey's CAS offers TLS only -> TLS. Plaintext ("plaintext first, SSL next, TLS
 * lastly"): Orange -> plaintext; Blue -> plaintext on cas2010b; Grey -> TLS, its only method; Red -> SSL
 * before TLS.
 */
const MAILORDER_ENCRYPTED: Record<string, { method: MailMethodName; servers: readonly string[] }> = {
  ...FIRST_ENCRYPTED,
  Orange: { method: 'tls', servers: [CAS2010_SITE2] },
  Blue: { method: 'ssl', servers: [CAS2010B_SITE3] },
  Grey: { method: 'tls', servers: [CAS2007_SITE3] },
};
const MAILORDER_PLAINTEXT: Record<string, { method: MailMethodName; servers: readonly string[] }> = {
  ...FIRST_PLAINTEXT,
  Orange: { method: 'plain', servers: [CAS2010_SITE2] },
  Blue: { method: 'plain', servers: [CAS2010B_SITE3] },
  Grey: { method: 'tls', servers: [CAS2007_SITE3] },
};
const MAILORDER = { variant: 'contoso-mailorder', key: 'mail-order' } as const;

// The users each default topology names (RULES.md): contoso for 2013/2010, contoso-2007 (003) for 2007.
const CONTOSO_USERS = ['Red', 'Purple', 'Blue', 'Orange', 'Grey'];
const CONTOSO_2007_USERS = ['User1', 'User2', 'User3'];

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
  const listed = listedEndpoints(e.server, e.protocol, w.lab.topology.name).find((x) => x.method === e.method);
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
  if (!run.ok && /within \d+ ?ms|timed? ?out/i.test(run.error ?? '') && t.lag(from) > bound / 10) throw new HarnessOverloadedError(t.lag(from), `${name}'s ${protocol} session within ${bound} ms`);
  const events = sessionConnections(await sessionEvents(w, since, run.ok), w.user(name).samAccountName);
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
    for (const name of Object.keys(CAS2010_OF)) {
      t.expect(`${name}: IMAP4 and POP3 sessions (implicit TLS and plaintext) reach ${CAS2010_OF[name]!.join(' or ')} at an endpoint its InternalConnectionSettings list`);
      for (const protocol of PROTOCOLS) {
        for (const mode of ['implicit', 'plain'] as const) {
          const { run, events } = await session(t, w, protocol, name, mode);
          const e = loggedIn(events, name, w);
          t.require(`${name} ${protocol} (${mode}): the session logged in at a mock CAS through the front door`, run.ok && !!e, run.ok ? `the client logged in, but no mock CAS logged ${name} in: ${describeMail(events)}` : `client: ${run.error}\n${describeMail(events)}`);
          const problems = endpointProblems(w, e!, CAS2010_OF[name]!);
          check(!problems.length, `${name} ${protocol} (${mode}): a listed endpoint of ${CAS2010_OF[name]!.join(' or ')}`, problems.join('; '));
        }
      }
    }
  });

  rule('MAIL-02', { timeoutMs: LONG }, async (t) => {
    const w = await t.world();
    for (const name of Object.keys(CAS2007_OF)) {
      const cas = CAS2007_OF[name]!;
      t.expect(`${name}: IMAP4 and POP3 sessions (implicit TLS and plaintext) reach ${cas} by FQDN (SNI ${cas} when TLS), on the port of the method used`);
      for (const protocol of PROTOCOLS) {
        for (const mode of ['implicit', 'plain'] as const) {
          const { run, events } = await session(t, w, protocol, name, mode);
          const e = loggedIn(events, name, w);
          t.require(`${name} ${protocol} (${mode}): the session logged in at a mock CAS through the front door`, run.ok && !!e, run.ok ? `the client logged in, but no mock CAS logged ${name} in: ${describeMail(events)}` : `client: ${run.error}\n${describeMail(events)}`);
          const problems = endpointProblems(w, e!, [cas]);
          check(!problems.length, `${name} ${protocol} (${mode}): ${cas} by FQDN on the port of the chosen method`, problems.join('; '));
        }
      }
    }
  });

  rule('MAIL-03', { timeoutMs: LONG }, async (t) => {
    const w = await t.world(MAILORDER);
    for (const name of CONTOSO_USERS) {
      const want = MAILORDER_ENCRYPTED[name]!;
      t.expect(`${name}, encrypted client sessions (implicit TLS and STARTTLS/STLS): the first connection is ${want.method.toUpperCase()} to ${want.servers.join(' or ')}`);
      for (const protocol of PROTOCOLS) {
        for (const mode of ['implicit', 'starttls'] as const) {
          const { events } = await session(t, w, protocol, name, mode);
          const first = events[0];
          t.require(`${name} ${protocol} (${mode}): the front door opened a session to a mock CAS`, !!first, 'no connection of this session reached any mock CAS');
          const problems = endpointProblems(w, first!, want.servers, want.method);
          check(!problems.length, `${name} ${protocol} (${mode}): first connection ${want.method.toUpperCase()} at a listed endpoint`, problems.join('; '));
        }
      }
    }
  });

  rule('MAIL-04', { timeoutMs: LONG }, async (t) => {
    const w = await t.world(MAILORDER);
    for (const name of CONTOSO_USERS) {
      const want = MAILORDER_PLAINTEXT[name]!;
      t.expect(`${name}, plaintext client session: the first connection is ${want.method === 'plain' ? 'plaintext' : want.method.toUpperCase()} to ${want.servers.join(' or ')}`);
      for (const protocol of PROTOCOLS) {
        const { events } = await session(t, w, protocol, name, 'plain');
        const first = events[0];
        t.require(`${name} ${protocol} (plain): the front door opened a session to a mock CAS`, !!first, 'no connection of this session reached any mock CAS');
        const problems = endpointProblems(w, first!, want.servers, want.method);
        check(!problems.length, `${name} ${protocol} (plain): first connection ${want.method} at a listed endpoint`, problems.join('; '));
      }
    }
  });

  rule('MAIL-05', { timeoutMs: LONG }, async (t) => {
    const w = await t.world();
    for (const name of CONTOSO_USERS) {
      const subjects = w.user(name).messages.map((m) => m.subject);
      t.expect(`${name}: IMAP (login, LIST, SELECT INBOX, FETCH) sees INBOX with ${subjects.length} messages (${subjects.join(' | ')}); POP3 (STAT, LIST, RETR 1) the same count and a message of ${name}'s`);
      const bound = { timeoutMs: SESSION_MS * t.slow };
      const from = performance.now();
      const mark = w.mark();
      const imap = await mailThroughFrontDoor(w, 'imap4', name, 'implicit', bound);
      t.client(imap.transcript);
      if (!imap.ok && t.lag(from) > bound.timeoutMs / 10) throw new HarnessOverloadedError(t.lag(from), `${name}'s IMAP session within ${bound.timeoutMs} ms`);
      const imapAt = loggedIn(sessionConnections(await sessionEvents(w, mark, imap.ok), w.user(name).samAccountName), name, w);
      t.require(`${name}'s IMAP session logged in at a mock CAS through the front door`, !!imapAt, imap.ok ? `the client got answers, but no mock CAS logged ${name} in` : `client: ${imap.error}`);
      t.observe(`${name} IMAP: ${imap.ok ? `ok, mailboxes ${imap.mailboxes?.join(',')}, EXISTS ${imap.exists}, subjects ${imap.subjects?.join(' | ')}` : `failed: ${imap.error}`}`);
      check(imap.ok, `${name} IMAP session completes`, imap.error ?? '');
      check(!!imap.mailboxes?.some((m) => m.toUpperCase() === 'INBOX'), `${name} LIST shows INBOX`, `LIST: ${imap.mailboxes?.join(', ') ?? '(none)'}`);
      check(imap.exists === subjects.length, `${name} SELECT INBOX: ${subjects.length} EXISTS`, `EXISTS ${imap.exists}`);
      check(subjects.every((s) => imap.subjects?.includes(s)), `${name} FETCH: ${subjects.join(' | ')}`, `FETCH: ${imap.subjects?.join(' | ') ?? '(none)'}`);
      const popMark = w.mark();
      const pop = await mailThroughFrontDoor(w, 'pop3', name, 'implicit', bound);
      t.client(pop.transcript);
      const popAt = loggedIn(sessionConnections(await sessionEvents(w, popMark, pop.ok), w.user(name).samAccountName), name, w);
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
    // 003: User1's mailbox is in the front door's own site (USA): served. User2 (Europe) and User3 (Hub): refused.
    t.expect('User1 (USA, the front door\'s site): IMAP4 and POP3 logins succeed; User2 (Europe) and User3 (Hub): the login is refused (NO / -ERR) and no CAS lets them in');
    for (const protocol of PROTOCOLS) {
      const { run, events } = await session(t, w, protocol, 'User1', 'implicit');
      // The refusals below mean something only if the front door serves its own site's mailbox.
      t.require(`User1 ${protocol}: served by a mock CAS (mailbox in the front door's site)`, run.ok && !!loggedIn(events, 'User1', w), run.ok ? `no mock CAS logged User1 in: ${describeMail(events)}` : run.error ?? '');
    }
    for (const name of ['User2', 'User3']) {
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
    const users = t.profile === 'exchange2007' ? CONTOSO_2007_USERS : CONTOSO_USERS;
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
    if (t.profile === 'exchange2007') return t.note('contoso-2007 lists no plaintext endpoint: the fallback-to-plaintext case needs contoso (13/10)');
    // Site3's SSL and TLS endpoints down, its plaintext endpoints (cas2010a, cas2007.site3) up: an
    // encrypted session for Blue or Grey must fail rather than be carried on plaintext.
    const site3 = [CAS2010A_SITE3, CAS2010B_SITE3, CAS2007_SITE3];
    t.expect('with the SSL and TLS endpoints of Site3 switched off: Blue and Grey in encrypted sessions are not carried on Site3\'s plaintext endpoints');
    try {
      for (const s of site3) for (const p of PROTOCOLS) for (const m of ['ssl', 'tls'] as const) await mailOff(w, s, p, m);
      t.note(`faults: ${site3.join(', ')} imap4/pop3 ssl+tls switched off (connection refused)`);
      for (const name of ['Blue', 'Grey']) {
        for (const protocol of PROTOCOLS) {
          const { events } = await session(t, w, protocol, name, 'implicit');
          const problems = cleartextProblems(w, events, true);
          check(!problems.length, `${name} ${protocol} (implicit TLS, Site3 SSL/TLS down): not carried on plaintext`, problems.join('; '));
        }
      }
    } finally {
      await mailBackOn(w, site3);
    }
  });

  rule('MAIL-08', { timeoutMs: LONG }, async (t) => {
    const w = await t.world({ key: 'mail-faults' });
    const name = t.profile === 'exchange2007' ? 'User1' : 'Red';
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
