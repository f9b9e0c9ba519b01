/**
 * AUTH-02..05 - identity isolation (RULES.md "AUTH"; issue 11). NTLM authenticates a TCP connection, not
 * a request (IIS binds the identity to the connection; 003: a CAS-CAS hop is per-connection state), so a
 * front door that hands a connection authenticated for one user to whoever comes next serves one user's
 * mailbox to another: the worst a front door can do against 001's "CAS2013 ... will authenticate the user".
 * Each rule establishes its own sign-ins in a world of its own, and judges from both ends: the journal
 * (which user each mock served each request as, on which of its connections) and the client (the lab-only
 * `X-Lab-Served-User` header and body token: whose data came back). Users come from the world's topology.
 */
import { describe } from 'vitest';
import type { HttpEvent } from '../harness/journal/events.ts';
import { JournalTimeoutError } from '../harness/errors.ts';
import { check } from '../harness/verify/check.ts';
import { isHealthCheck } from './support/hc-probes.ts';
import { rule, type RuleContext } from './support/rule.ts';
import { IdentityClient, Markers, NTLM_VDIRS, topologyUsers, VDIR_LABEL, type IdentityAnswer, type IdentityVdir } from './support/identity-client.ts';
import { collect, connectionHistory, connectionName, describeAnswer, describeEvent, labelsOf, servedAsAsker, violations, type Seen } from './support/identity-judge.ts';
import type { World } from './support/world.ts';
import { privateWorld } from './support/roles.ts';

/**
 * A world of the rule's own whose candidate checks at Exchange's real interval (WorldSpec.watchesChecks):
 * AUTH-02, 03 and 05 judge who users' and anonymous requests are served as, not checks, and need no
 * failover. A check every 2 s was load, and with a front door that pools hops across users (the
 * pool-auth-hops control) a check riding a pooled connection and closing it (Connection: close) could
 * take away the very connection whose identity leaks. AUTH-04 judges the candidate's own requests: fast.
 */
const quietWorld = (key: string) => ({ ...privateWorld(key), watchesChecks: false });

const stopIfCancelled = (t: RuleContext) => {
  if (t.signal.aborted) throw t.signal.reason;
};

/** One request by `user` (null: anonymous) on a client connection of its own, closed after. */
async function once(t: RuleContext, w: World, marks: Markers, user: IdentityClient['user'], vdir: IdentityVdir, clients: IdentityClient[]): Promise<IdentityAnswer> {
  stopIfCancelled(t);
  const c = new IdentityClient(w, marks, user, Math.round(10_000 * t.slow));
  try {
    return await c.call(vdir);
  } finally {
    clients.push(c);
    await c.close();
  }
}

/** The per-rule verdict: preconditions named by the caller, then no request served as anyone but its asker. */
function judgeIdentity(t: RuleContext, w: World, seen: Seen[], expected: string): void {
  const labels = labelsOf(seen.map((s) => s.answer));
  const bad = seen.flatMap((s) => violations(w, s, labels));
  const served = seen.filter((s) => s.events.some((e) => e.user)).length;
  t.observe(`${seen.length} requests; served as a user by a mock: ${served}; served as someone other than who asked: ${new Set(bad.map((b) => b.text.split(' (asked')[0])).size}`);
  for (const s of seen) t.observe(describeAnswer(s));
  check(bad.length === 0, expected, bad.map((b) => b.text).join('\n'));
}

/** Was `a`'s user served as that user by a mock behind the front door? */
const servedOk = (s: Seen | undefined) => !!s && !!servedAsAsker(s);

describe('AUTH identity isolation', () => {
  rule('AUTH-02', { timeoutMs: 180_000 }, async (t) => {
    const w = await t.world(quietWorld('auth-02'));
    const since = w.mark();
    const marks = new Markers('AUTH-02');
    const users = topologyUsers(w, 3);
    // Every NTLM-hopped vdir on its own, and across vdirs: the handshake on EWS, the anonymous request on OWA.
    const pairs: [IdentityVdir, IdentityVdir][] = [...NTLM_VDIRS.map((v): [IdentityVdir, IdentityVdir] => [v, v]), ['ews', 'owa']];
    t.expect(`for each of ${users.map((u) => u.name).join(', ')} and each vdir (${pairs.map(([a, b]) => (a === b ? VDIR_LABEL[a] : `${VDIR_LABEL[a]} then ${VDIR_LABEL[b]}`)).join(', ')}): the user signs in through the front door (NTLM where it offers NTLM, else Basic; OWA by forms), closes the connection, then two anonymous requests, each on a fresh client connection`);
    t.expect('no anonymous request is served as that user (or any user): no mock journals it with a user, the client gets no X-Lab-Served-User and no user\'s data');
    const clients: IdentityClient[] = [];
    const cases: { user: string; sign: IdentityVdir; anon: IdentityVdir; signIn: IdentityAnswer; anons: IdentityAnswer[] }[] = [];
    for (const [sign, anon] of pairs) {
      for (const u of users) {
        const signIn = await once(t, w, marks, u, sign, clients);
        const anons = [await once(t, w, marks, null, anon, clients), await once(t, w, marks, null, anon, clients)];
        cases.push({ user: u.name, sign, anon, signIn, anons });
      }
    }
    for (const c of clients) t.client(c.transcript);
    const seen = collect(w, since, cases.flatMap((c) => [c.signIn, ...c.anons]));
    const of = (a: IdentityAnswer) => seen.find((s) => s.answer === a)!;
    const exercised = cases.filter((c) => servedOk(of(c.signIn)));
    const missing = cases.filter((c) => !servedOk(of(c.signIn)));
    if (missing.length) t.note(`sign-ins not served as their user by a mock (no authenticated upstream connection to leak; other rules judge why): ${missing.map((c) => `${c.signIn.label} -> ${c.signIn.error ?? c.signIn.status}`).join('; ')}`);
    const ews = exercised.filter((c) => c.sign === 'ews' && c.signIn.auth === 'ntlm');
    t.require('a user\'s NTLM handshake on EWS through the front door was served as that user by a mock', ews.length > 0,
      cases.filter((c) => c.sign === 'ews').map((c) => `${describeAnswer(of(c.signIn))}`).join('\n') || 'no EWS sign-in');
    t.require('sign-ins through the front door were served as their users on several vdirs', new Set(exercised.map((c) => c.sign)).size >= 2,
      `served: ${[...new Set(exercised.map((c) => VDIR_LABEL[c.sign]))].join(', ') || 'none'}`);
    const unanswered = cases.flatMap((c) => c.anons).filter((a) => a.error);
    t.require('every anonymous request got an HTTP answer (a refusal counts)', unanswered.length === 0, unanswered.map((a) => `${a.label}: ${a.error}`).join('\n'));
    judgeIdentity(t, w, seen, 'every anonymous request refused or served without a user (never as the user who signed in just before, nor anyone else)');
  });

  rule('AUTH-03', { timeoutMs: 180_000 }, async (t) => {
    const w = await t.world(quietWorld('auth-03'));
    const since = w.mark();
    const marks = new Markers('AUTH-03');
    const [ua, ub] = topologyUsers(w, 2) as [IdentityClient['user'] & object, IdentityClient['user'] & object];
    const timeout = Math.round(10_000 * t.slow);
    const answers: IdentityAnswer[] = [];
    const clients: IdentityClient[] = [];
    const open = (u: IdentityClient['user']) => {
      const c = new IdentityClient(w, marks, u, timeout);
      clients.push(c);
      return c;
    };
    const go = async (c: IdentityClient, vdir: IdentityVdir) => {
      stopIfCancelled(t);
      answers.push(await c.call(vdir));
    };
    // X: one anonymous keep-alive client connection for the whole rule (Apache's proxy-initial-not-pooled
    // only keeps a client connection's FIRST request off the pool: its later ones are exposed).
    const x = open(null);
    const ROUNDS = 3;
    t.expect(`one anonymous keep-alive client connection X, and keep-alive connections of ${ua.name} (A) and ${ub.name} (B), interleaved on EWS, EAS and OAB, ${ROUNDS} rounds: (1) X, A signs in, X, A again, X; (2) A signs in, B signs in, A, B, A, B on their own connections; (3) A signs in, X, B signs in, X, A, B, X; and across vdirs: A on EWS while X asks OWA`);
    t.expect('every request is served as its own user or refused: A\'s as A, B\'s as B, X\'s as nobody');
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of ['ews', 'eas', 'oab'] as const) {
        // (1) the proxy-initial-not-pooled order
        const a1 = open(ua);
        await go(x, v);
        await go(a1, v);
        await go(x, v);
        await go(a1, v);
        await go(x, v);
        await a1.close();
        // (2) two users, each on a connection of its own
        const a2 = open(ua);
        const b2 = open(ub);
        await go(a2, v);
        await go(b2, v);
        for (let i = 0; i < 2; i++) {
          await go(a2, v);
          await go(b2, v);
        }
        await Promise.all([a2.close(), b2.close()]);
        // (3) anonymous between the two users' handshakes
        const a3 = open(ua);
        const b3 = open(ub);
        await go(a3, v);
        await go(x, v);
        await go(b3, v);
        await go(x, v);
        await go(a3, v);
        await go(b3, v);
        await go(x, v);
        await Promise.all([a3.close(), b3.close()]);
      }
      // Across vdirs: A's EWS handshake, then X asks for OWA on its kept-alive connection.
      const a4 = open(ua);
      await go(a4, 'ews');
      await go(x, 'owa');
      await go(a4, 'ews');
      await go(x, 'owa');
      await a4.close();
    }
    await x.close();
    for (const c of clients) t.client(c.transcript);
    const seen = collect(w, since, answers);
    const servedAs = (sam: string) => seen.filter((s) => s.answer.asker === sam && servedOk(s));
    t.require(`${ua.name}'s sign-in through the front door was served as ${ua.samAccountName} by a mock`, servedAs(ua.samAccountName).length > 0, seen.filter((s) => s.answer.asker === ua.samAccountName).slice(0, 6).map(describeAnswer).join('\n'));
    t.require(`${ub.name}'s sign-in through the front door was served as ${ub.samAccountName} by a mock`, servedAs(ub.samAccountName).length > 0, seen.filter((s) => s.answer.asker === ub.samAccountName).slice(0, 6).map(describeAnswer).join('\n'));
    const unanswered = seen.filter((s) => s.answer.error);
    t.require('every request got an HTTP answer (a refusal counts)', unanswered.length === 0, unanswered.slice(0, 10).map((s) => `${s.answer.label}: ${s.answer.error}`).join('\n'));
    t.note(`the anonymous client used ${x.connections} connection(s) for ${seen.filter((s) => s.answer.asker === null).length} requests (1: kept alive throughout)`);
    judgeIdentity(t, w, seen, 'every request served as its own user or refused (anonymous: never as a user)');
  });

  rule('AUTH-04', { timeoutMs: 240_000 }, async (t) => {
    const w = await t.world(privateWorld('auth-04'));
    const since = w.mark();
    const marks = new Markers('AUTH-04');
    const users = topologyUsers(w, 3);
    const vdirs: IdentityVdir[] = ['ews', 'eas', 'autodiscover', 'oab', 'rpc'];
    const interval = w.healthIntervalMs;
    t.expect(`${users.map((u) => u.name).join(', ')} sign in through the front door on ${vdirs.map((v) => VDIR_LABEL[v]).join(', ')} (authenticated connections exist behind it); then, with no client request outstanding, the candidate's own requests (health probes) for up to 3 intervals (${3 * interval} ms) + 5 s`);
    t.expect('no request the candidate makes on its own is served as a user (a probe answered 200 where the vdir demands authentication, or journaled with a user, rode a pooled authenticated connection)');
    const clients: IdentityClient[] = [];
    const answers: IdentityAnswer[] = [];
    for (const u of users) {
      const c = new IdentityClient(w, marks, u, Math.round(10_000 * t.slow));
      clients.push(c);
      for (const v of vdirs) {
        stopIfCancelled(t);
        answers.push(await c.call(v));
        answers.push(await c.call(v));
      }
    }
    await Promise.all(clients.map((c) => c.close()));
    for (const c of clients) t.client(c.transcript);
    const seen = collect(w, since, answers);
    const served = seen.map((s) => servedAsAsker(s)).filter((e): e is HttpEvent => !!e);
    t.require('users\' sign-ins through the front door were served as those users by a mock', served.length > 0, seen.slice(0, 10).map(describeAnswer).join('\n'));
    // From here on no client request is outstanding: every request a mock journals is the candidate's own.
    const after = w.mark();
    const servers = [...new Set(served.map((e) => e.server))];
    const waitMs = Math.round((3 * interval + 5_000) * t.slow);
    const deadline = Date.now() + waitMs;
    for (const server of servers) {
      try {
        await w.lab.journal.waitFor((e) => e.kind === 'http' && e.server === server && !marks.owns((e as HttpEvent).userAgent), { sinceSeq: after, timeoutMs: Math.max(1, deadline - Date.now()), what: `a request of the candidate's own at ${server}` });
      } catch (err) {
        if (!(err instanceof JournalTimeoutError)) throw err;
      }
    }
    const own = w.lab.journal.since(after).filter((e): e is HttpEvent => e.kind === 'http' && !marks.owns(e.userAgent));
    if (!own.length) t.notApplicable(`the candidate sent no request of its own (no health probe) to any legacy CAS within ${waitMs} ms after the sign-ins: nothing to judge (HC-01 judges probing)`);
    const atServed = own.filter((e) => servers.includes(e.server));
    t.require('the candidate\'s own requests (probes) reached a CAS on which users were just served', atServed.length > 0,
      `users served at ${servers.join(', ')}; the candidate's own requests went to ${[...new Set(own.map((e) => e.server))].join(', ')}`);
    // Health checks the candidate made while users were signing in count too: a check that rode a pooled
    // connection then, and closed it (Connection: close), left none for the checks after the sign-ins (a
    // loaded npm test run passed the pool-auth-hops control that way). Only unmistakable checks: no
    // Authorization header and no cookie, GET/HEAD/OPTIONS, not our clients' (a proxy that rewrites the
    // User-Agent of users' hops must not turn them into "its own" requests).
    const during = w.lab.journal.since(since).filter((e): e is HttpEvent => e.seq <= after && isHealthCheck(e) && !marks.owns(e.userAgent));
    // The connection's own identity ("NTLM (connection)") is the pooled-connection leak; a mock's onward hop of the same probe follows it.
    const asUser = [...during, ...own].filter((e) => e.user !== null).sort((x, y) => Number(y.authScheme === 'NTLM (connection)') - Number(x.authScheme === 'NTLM (connection)') || x.seq - y.seq);
    const labels = labelsOf(answers);
    t.observe(`${during.length} health checks of the candidate's own while users signed in, ${during.filter((e) => e.user !== null).length} of them served as a user`);
    t.observe(`${own.length} requests of the candidate's own after the sign-ins (${new Set(own.map((e) => e.userAgent ?? '-')).size} User-Agent(s): ${[...new Set(own.map((e) => e.userAgent ?? '-'))].join(', ')}), at ${new Set(own.map((e) => e.server)).size} servers; served as a user: ${own.filter((e) => e.user !== null).length}`);
    for (const e of atServed.slice(0, 15)) t.observe(describeEvent(e));
    check(asUser.length === 0, 'no probe (or other request of the candidate\'s own) served as a user',
      asUser.slice(0, 8).map((e) => `${e.method} ${e.path} (User-Agent ${e.userAgent ?? '-'}: the candidate's own request, asked by no user) was served as ${e.user}: ${describeEvent(e)}; ${connectionHistory(w, e, labels)}`).join('\n'));
  });

  rule('AUTH-05', { timeoutMs: 180_000 }, async (t) => {
    const w = await t.world(quietWorld('auth-05'));
    const since = w.mark();
    const marks = new Markers('AUTH-05');
    const USERS = 4;
    const PER_USER = 2;
    const ANONYMOUS = 2;
    const MAX_PER_CLIENT = 24;
    const RECONNECT_EVERY = 6;
    const budgetMs = 10_000;
    // A leak shows only where a request meets a connection another user authenticated, so a round in
    // which the front door served few requests was a weak test: nginx (pooled keep-alive upstreams)
    // serves about 60 of a round's 192 signed-in requests under this concurrency (most NTLM handshakes
    // end in 401), and in 2 of 18 runs its one round showed no leak and AUTH-05 passed. Rounds go on
    // until MIN_SERVED requests were served as their own users, a leak shows, a round serves nobody
    // (more rounds cannot help), or MAX_ROUNDS. A round of nginx missed its leak about 3 times in 10
    // (7 of 24 first rounds), so 150 (three nginx rounds) still passed it once in 24 runs; 300 is about
    // five, and two rounds for a front door that serves every signed-in request (the reference 180 of
    // 192 a round, HAProxy 192).
    const MIN_SERVED = 300;
    const MAX_ROUNDS = 8;
    const users = topologyUsers(w, USERS);
    const vdirs: IdentityVdir[] = ['ews', 'eas', 'autodiscover', 'oab'];
    const anonVdirs: IdentityVdir[] = [...vdirs, 'owa'];
    t.expect(`rounds of ${USERS * PER_USER} clients (${users.map((u) => u.name).join(', ')}, ${PER_USER} each) and ${ANONYMOUS} anonymous clients at once, each on keep-alive connections (a new one every ${RECONNECT_EVERY} requests), rotating over ${vdirs.map((v) => VDIR_LABEL[v]).join(', ')} (anonymous: OWA too); at most ${MAX_PER_CLIENT} requests per client and ${budgetMs} ms a round; until ${MIN_SERVED} requests were served as their own users (at most ${MAX_ROUNDS} rounds)`);
    t.expect('zero responses carrying another user\'s data (X-Lab-Served-User or body token), and no mock serves any request as a user other than who asked');
    const answers: IdentityAnswer[] = [];
    const transcripts: IdentityClient[] = [];
    const round = async (r: number) => {
      const deadline = Date.now() + budgetMs;
      const worker = async (user: IdentityClient['user'], offset: number, list: IdentityVdir[]) => {
        let c = new IdentityClient(w, marks, user, Math.round(10_000 * t.slow));
        try {
          for (let i = 0; i < MAX_PER_CLIENT && Date.now() < deadline && !t.signal.aborted; i++) {
            if (i > 0 && i % RECONNECT_EVERY === 0) {
              await c.close();
              if (transcripts.length < 4) transcripts.push(c);
              c = new IdentityClient(w, marks, user, Math.round(10_000 * t.slow));
            }
            answers.push(await c.call(list[(i + offset + r) % list.length]!));
          }
        } finally {
          await c.close();
        }
      };
      const jobs: Promise<void>[] = [];
      users.forEach((u, i) => {
        for (let k = 0; k < PER_USER; k++) jobs.push(worker(u, i + k, vdirs));
      });
      for (let k = 0; k < ANONYMOUS; k++) jobs.push(worker(null, k, anonVdirs));
      await Promise.all(jobs);
      stopIfCancelled(t);
    };
    let seen: Seen[] = [];
    let rounds = 0;
    let servedOwn = 0;
    let leaked = false;
    while (rounds < MAX_ROUNDS) {
      const started = Date.now();
      const servedBefore = servedOwn;
      await round(rounds++);
      seen = collect(w, since, answers);
      servedOwn = seen.filter(servedOk).length;
      leaked = seen.some((s) => violations(w, s, labelsOf([])).length > 0);
      t.note(`round ${rounds}: ${answers.length} requests so far, ${servedOwn - servedBefore} served as their own users in ${Date.now() - started} ms`);
      if (leaked || servedOwn >= MIN_SERVED || servedOwn === servedBefore) break;
    }
    for (const c of transcripts) t.client(c.transcript);
    const servedUsers = users.filter((u) => seen.some((s) => s.answer.asker === u.samAccountName && servedOk(s)));
    t.require(`every user's requests were served as that user by a mock through the front door (${users.map((u) => u.name).join(', ')})`, servedUsers.length === users.length,
      `served: ${servedUsers.map((u) => u.name).join(', ') || 'nobody'}; ${seen.filter((s) => s.answer.asker).slice(0, 8).map(describeAnswer).join('\n')}`);
    const answered = seen.filter((s) => !s.answer.error);
    t.require('most requests got an HTTP answer under the load (a refusal counts)', answered.length >= seen.length * 0.9,
      `${seen.length - answered.length} of ${seen.length} without an answer: ${seen.filter((s) => s.answer.error).slice(0, 5).map((s) => `${s.answer.label}: ${s.answer.error}`).join('; ')}`);
    // A leak seen is the verdict whatever the count; without one, a pass needs enough served requests.
    if (!leaked) {
      t.require(`at least ${MIN_SERVED} requests served as their own users under the concurrency, so that a leak had the chance to show`, servedOwn >= MIN_SERVED,
        `${servedOwn} of ${seen.length} requests in ${rounds} round(s) were served as their own users; ${seen.filter((s) => s.answer.asker && !servedOk(s)).slice(0, 5).map(describeAnswer).join('\n')}`);
    }
    t.note(`${seen.length} requests in ${rounds} round(s); served as their own users: ${servedOwn}; per vdir: ${[...new Set(seen.map((s) => s.answer.vdir))].map((v) => `${VDIR_LABEL[v]} ${seen.filter((s) => s.answer.vdir === v).length}`).join(', ')}; connections named in the journal: ${new Set(seen.flatMap((s) => s.events.map(connectionName))).size}`);
    judgeIdentity(t, w, seen, 'zero responses carrying another user\'s data; every request served as its own user or refused');
  });
});

