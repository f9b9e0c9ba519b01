/**
 * Negative controls for MAIL and SEC (docs/negative-controls/mail-sec.md): every rule must come out
 * `fail` (R) or `warn` (S) under a candidate that breaks it.
 */
import type { ControlArea, ControlRow } from '../run-control.ts';

/** MAIL-03/04/07/08 at once: reversed order, and the hardened add-on's mail routing switched off. */
const routing: ControlRow = {
  profile: 'exchange2013', hardened: true, defects: ['mail-order-reversed', 'mail-no-hardening'], rules: ['MAIL-03', 'MAIL-04', 'MAIL-07', 'MAIL-08'],
  why: 'methods tried in reverse order, one connection only: an encrypted session for Blue goes to plaintext first, and nothing falls back',
};

const rows: ControlRow[] = [
  routing,
  {
    profile: 'exchange2013', defects: ['mail-wrong-site'], rules: ['MAIL-01', 'MAIL-02', 'MAIL-05'],
    why: 'POP/IMAP go to a CAS of the front door\'s own site, whatever the mailbox\'s site: Blue, Orange and Grey land on the wrong CAS, which refuses them',
  },
  {
    profile: 'exchange2013', defects: ['mail-plain-before-tls'], rules: ['MAIL-03'],
    why: 'an encrypted session tries plaintext before TLS: invisible where every CAS offers SSL, caught on contoso-mailorder where Orange\'s site offers TLS and plaintext only',
  },
  { profile: 'exchange2007', defects: ['mock-pop-imap-any-site'], rules: ['MAIL-06'], why: 'the 2007 front door serves POP/IMAP for User2 (Europe) and User3 (Hub)' },
  {
    profile: 'exchange2010', hardened: true, frontDoor: 'reference', rules: ['SEC-01', 'SEC-04'],
    why: 'the in-lab Exchange 2010 mock is not hardened: its hop passes the client\'s Via and X-Forwarded-For unchanged, and it closes a 256 KiB request target without an answer',
  },
  {
    profile: 'exchange2013', hardened: true, defects: ['keep-hop-headers', 'lenient-framing', 'probe-credentials', 'unbounded-requests'], rules: ['SEC-01', 'SEC-02', 'SEC-03', 'SEC-04'],
    why: 'hop-by-hop headers forwarded and X-Forwarded-For replaced, CL+TE accepted, probes sent with a user\'s Basic credentials, no limits on heads, bodies or slow clients',
  },
];

export const MAIL_SEC: ControlArea = { area: 'MAIL, SEC', doc: 'docs/negative-controls/mail-sec.md', rows };
