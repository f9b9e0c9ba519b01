/**
 * AUTH - the front door authenticates first (RULES.md "AUTH"). Every protocol's client presents no
 * credentials or a wrong password; the front door must refuse it, and no mock CAS behind it may see a
 * request (or a mail login) for that user. Expectations are written here from seed 001 (the oracle rule).
 */
import { describe } from 'vitest';
import type { JournalEvent } from '../harness/journal/events.ts';
import { check, describeHttp, userRequests } from '../harness/verify/check.ts';
import { rule } from './support/rule.ts';
import { attempt, mailServed, type Attempt, type AuthProtocol, type Credentials } from './support/auth-attempts.ts';
import { requireEasServed } from './support/eas.ts';
import { presentRoles, roleName } from './support/roles.ts';
import { roleMissingReason, type SeedRole } from '../harness/topology/index.ts';

// Every protocol is tried for a user whose mailbox is in a site the front door proxies to (001 Blue,
// 003 User3): a front door that forwarded before authenticating would show it there. The other users of
// the seeds (a mailbox in the front door's own site; 001's 2007 mailbox) try the sign-in paths too.
// By seed role (suites/support/roles.ts), per profile: 001's roles for 2013/2010, 003's for 2007.
const MAIN_ROLE = { seed001: 'blue', seed003: 'user3' } as const satisfies Record<string, SeedRole>;
const OTHER_ROLES = { seed001: ['red', 'purple'], seed003: ['user1'] } as const satisfies Record<string, readonly SeedRole[]>;
const OTHER_ATTEMPTS: [AuthProtocol, Credentials][] = [['owa', 'wrong'], ['eas', 'wrong'], ['ews', 'missing']];

// Every protocol the front door carries (001: OWA, EAS, EWS, Autodiscover, OAB, Outlook Anywhere; and
// "When the Exchange 2013 Client Access server receives a POP or IMAP request, it will authenticate the user").
const ATTEMPTS: [AuthProtocol, Credentials][] = [
  ['owa', 'missing'], ['owa', 'wrong'],
  ['eas', 'missing'], ['eas', 'wrong'],
  ['ews', 'missing'], ['ews', 'wrong'],
  ['autodiscover', 'missing'], ['autodiscover', 'wrong'],
  ['oab', 'missing'], ['oab', 'wrong'],
  ['rpc-ntlm', 'missing'], ['rpc-ntlm', 'wrong'], ['rpc-basic', 'wrong'],
  ['imap4', 'wrong'], ['pop3', 'wrong'],
];

/**
 * A mail session of one of the rule's users on a mock other than the front door: keyed by the login the
 * client typed (issue 10 item 4), so a health check of a mail target (HC-09) is never taken for one.
 */
function mailOnLegacy(e: JournalEvent, frontDoorMock: string | null, sams: Set<string>): boolean {
  return e.kind === 'mail' && e.server !== frontDoorMock && e.user !== null && sams.has(e.user.toLowerCase().replace(/^.*\\/, ''));
}

const MAIL_PROTOCOLS: readonly AuthProtocol[] = ['imap4', 'pop3'];

// A user the front door must serve with the right password in every profile and build (a mailbox in the
// front door's own site: 001 Red, 003 User1): a refusal means something only from a front door that serves.
const SERVED_ROLE = { seed001: 'red', seed003: 'user1' } as const satisfies Record<string, SeedRole>;

describe('AUTH', () => {
  rule('AUTH-01', { timeoutMs: 60_000 }, async (t) => {
    const w = await t.world();
    const org = t.profile === 'exchange2007' ? 'seed003' : 'seed001';
    const served = roleName(t, w, SERVED_ROLE[org]);
    // The main user's mailbox is in a site the front door proxies to: Blue (001) / User3 (003); on an
    // organisation without that role, another mailbox outside the front door's site plays it (noted).
    const fallback = (['orange', 'grey', 'user2'] as const).find((r) => !roleMissingReason(w.lab.topology, r));
    const mainRole = roleMissingReason(w.lab.topology, MAIN_ROLE[org]) && fallback ? fallback : MAIN_ROLE[org];
    if (mainRole !== MAIN_ROLE[org]) t.note(`${MAIN_ROLE[org]} not in your topology (${roleMissingReason(w.lab.topology, MAIN_ROLE[org])}): ${mainRole} tries every protocol instead`);
    const main = roleName(t, w, mainRole);
    const others = presentRoles(t, w, OTHER_ROLES[org]).map((r) => r.name);
    // Precondition 1: the front door serves a user with the right password (a refuse-everything or
    // answer-everything front door would otherwise "refuse" or fail for the wrong reason).
    if (t.inScope('http')) await requireEasServed(t, w, served);
    else {
      const [met, evidence, transcript] = await mailServed(w, served);
      t.client(transcript);
      t.observe(evidence);
      t.require(`${served} is served through the front door with the right password (IMAP4 login accepted by a CAS)`, met, evidence);
    }
    const since = w.mark();
    // Only the families the candidate fronts (an HTTP-only candidate has no IMAP/POP3 to judge).
    const fronted = (p: AuthProtocol) => t.inScope(MAIL_PROTOCOLS.includes(p) ? 'mail' : 'http');
    const plan: [string, AuthProtocol, Credentials][] = [
      ...ATTEMPTS.map(([p, c]): [string, AuthProtocol, Credentials] => [main, p, c]),
      ...others.flatMap((n) => OTHER_ATTEMPTS.map(([p, c]): [string, AuthProtocol, Credentials] => [n, p, c])),
    ].filter(([, p]) => fronted(p));
    const users = [...new Set(plan.map(([n]) => n))];
    const sams = new Set(users.map((n) => w.user(n).samAccountName.toLowerCase()));
    t.expect(`${plan.map(([n, p, c]) => `${n} ${p} (${c})`).join(', ')}: refused by the front door (status >= 400 other than 451; OWA stays on the sign-in page; IMAP NO, POP3 -ERR)`);
    t.expect('no mock CAS other than the front door receives a request for these users (or an unauthenticated one), and no legacy CAS sees a POP3/IMAP4 login of theirs');
    const attempts: Attempt[] = [];
    for (const [name, protocol, creds] of plan) {
      const a = await attempt(w, name, protocol, creds);
      t.client(a.transcript);
      t.observe(a.result);
      attempts.push(a);
    }
    // Precondition 2: a refusal is an answer: every attempt must have got one from the front door (RULES.md "refused"; a
    // connection the candidate closed is no refusal, and rule() already judges a closed HTTP connection so).
    const unanswered = attempts.filter((a) => !a.answered);
    t.require('the front door answered every attempt (an HTTP status; an IMAP/POP3 reply to the login)', unanswered.length === 0, unanswered.map((a) => a.result).join('\n'));
    const accepted = attempts.filter((a) => !a.refused).map((a) => a.result);
    // "no mock CAS receives a user request for them": requests naming these users, or carrying no identity at all.
    const leaked = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && (e.user === null || sams.has(e.user.toLowerCase())));
    const mail = w.lab.journal.since(since).filter((e) => mailOnLegacy(e, w.frontDoorMock, sams));
    t.observe(`requests on mock CAS behind the front door: ${leaked.length}; mail logins there: ${mail.length}`);
    check(accepted.length === 0, 'every attempt refused', accepted.join('\n'));
    check(leaked.length === 0, 'no request for these users reaches a mock CAS behind the front door', describeHttp(leaked));
    check(mail.length === 0, 'no POP3/IMAP4 login of these users reaches a legacy CAS', mail.map((e) => `${e.server} ${e.kind}${e.kind === 'mail' ? ` ${e.protocol} user=${e.user ?? '-'} login=${e.login}` : ''}`).join('\n'));
  });
});
