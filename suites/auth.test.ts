/**
 * AUTH - the front door authenticates first (RULES.md "AUTH"). Every protocol's client presents no
 * credentials or a wrong password; the front door must refuse it, and no mock CAS behind it may see a
 * request (or a mail login) for that user. Expectations are written here from seed 001 (the oracle rule).
 */
import { describe } from 'vitest';
import type { JournalEvent } from '../harness/journal/events.ts';
import { check, describeHttp, userRequests } from '../harness/verify/check.ts';
import { rule } from './support/rule.ts';
import { attempt, type AuthProtocol, type Credentials } from './support/auth-attempts.ts';

// Every protocol is tried for a user whose mailbox is in a site the front door proxies to (001 Blue,
// 003 User3): a front door that forwarded before authenticating would show it there. The other users of
// the seeds (a mailbox in the front door's own site; 001's 2007 mailbox) try the sign-in paths too.
const MAIN_USER = { contoso: 'Blue', 'contoso-2007': 'User3' } as const;
const OTHER_USERS = { contoso: ['Red', 'Purple'], 'contoso-2007': ['User1'] } as const;
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

/** A mail session or a mail TLS handshake on a mock other than the front door. */
function mailOnLegacy(e: JournalEvent, frontDoorMock: string | null): boolean {
  if (e.server === frontDoorMock) return false;
  return e.kind === 'mail' || (e.kind === 'tls' && e.service !== 'https');
}

describe('AUTH', () => {
  rule('AUTH-01', { timeoutMs: 60_000 }, async (t) => {
    const w = await t.world();
    const since = w.mark();
    const org = t.profile === 'exchange2007' ? 'contoso-2007' : 'contoso';
    const plan: [string, AuthProtocol, Credentials][] = [
      ...ATTEMPTS.map(([p, c]): [string, AuthProtocol, Credentials] => [MAIN_USER[org], p, c]),
      ...OTHER_USERS[org].flatMap((n) => OTHER_ATTEMPTS.map(([p, c]): [string, AuthProtocol, Credentials] => [n, p, c])),
    ];
    const users = [...new Set(plan.map(([n]) => n))];
    const sams = new Set(users.map((n) => w.user(n).samAccountName.toLowerCase()));
    t.expect(`${MAIN_USER[org]}: every protocol (${[...new Set(ATTEMPTS.map(([p]) => p))].join(', ')}), and ${OTHER_USERS[org].join(', ')}: ${OTHER_ATTEMPTS.map(([p, c]) => `${p} ${c}`).join(', ')}, with missing or wrong credentials, are refused by the front door (status >= 400 other than 451; OWA stays on the sign-in page; IMAP NO, POP3 -ERR)`);
    t.expect('no mock CAS other than the front door receives a request for these users (or an unauthenticated one), and no legacy CAS sees a POP3/IMAP4 connection');
    const accepted: string[] = [];
    for (const [name, protocol, creds] of plan) {
      const a = await attempt(w, name, protocol, creds);
      t.client(a.transcript);
      t.observe(a.result);
      if (!a.refused) accepted.push(a.result);
    }
    // "no mock CAS receives a user request for them": requests naming these users, or carrying no identity at all.
    const leaked = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && (e.user === null || sams.has(e.user.toLowerCase())));
    const mail = w.lab.journal.since(since).filter((e) => mailOnLegacy(e, w.frontDoorMock));
    t.observe(`requests on mock CAS behind the front door: ${leaked.length}; mail connections there: ${mail.length}`);
    check(accepted.length === 0, 'every attempt refused', accepted.join('\n'));
    check(leaked.length === 0, 'no request for these users reaches a mock CAS behind the front door', describeHttp(leaked));
    check(mail.length === 0, 'no POP3/IMAP4 connection reaches a legacy CAS', mail.map((e) => `${e.server} ${e.kind}${e.kind === 'mail' ? ` ${e.protocol} user=${e.user ?? '-'} login=${e.login}` : ''}`).join('\n'));
  });
});
