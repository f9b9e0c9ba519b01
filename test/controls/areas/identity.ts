/**
 * Negative control of the identity rules AUTH-02..05 (docs/negative-controls/identity.md): the reference
 * front door with defect `pool-auth-hops` (one keep-alive hop connection per target shared by every user,
 * the anonymous requests it relays and its probes; a connection's NTLM identity trusted for whatever comes
 * next) must fail all four, with reasons naming the user served and the user who asked; the unmodified
 * reference must pass all four (so the failures are the defect's, not the rules').
 */
import type { ControlArea, ControlRow } from '../run-control.ts';

const RULES = ['AUTH-02', 'AUTH-03', 'AUTH-04', 'AUTH-05'];

const rows: ControlRow[] = [
  {
    profile: 'exchange2013',
    defects: ['pool-auth-hops'],
    rules: RULES,
    why: 'hop connections are shared per target across users: anonymous requests, other users\' requests and probes are served as whoever authenticated the connection last',
  },
  // The positive half: the same rules pass for the unmodified reference, so the failures above are the defect's.
  { profile: 'exchange2013', defects: [], expect: 'pass', rules: RULES, why: 'the unmodified reference keeps every user\'s identity on its own hop connections' },
];

export const IDENTITY: ControlArea = { area: 'identity (AUTH-02..05)', doc: 'docs/negative-controls/identity.md', rows };
