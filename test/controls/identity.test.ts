/**
 * Negative control of the identity rules AUTH-02..05 (docs/negative-controls/identity.md): the reference
 * front door with defect `pool-auth-hops` (one keep-alive hop connection per target shared by every user,
 * the anonymous requests it relays and its probes; a connection's NTLM identity trusted for whatever comes
 * next) must fail all four, with reasons naming the user served and the user who asked; the unmodified
 * reference must pass all four (so the failures are the defect's, not the rules').
 */
import { describe, expect, test } from 'vitest';
import { negativeControls, runControls, type ControlRow } from './run-control.ts';

const RULES = ['AUTH-02', 'AUTH-03', 'AUTH-04', 'AUTH-05'];

const rows: ControlRow[] = [
  {
    profile: 'exchange2013',
    defects: ['pool-auth-hops'],
    rules: RULES,
    why: 'hop connections are shared per target across users: anonymous requests, other users\' requests and probes are served as whoever authenticated the connection last',
  },
];

negativeControls('identity (AUTH-02..05)', rows);

describe('identity rules: the unmodified reference', () => {
  test(`${RULES.join(', ')} pass for the reference front door without defects (exchange2013)`, { timeout: 400_000 }, async () => {
    // Two runs of 190 s at most fit the test's 400 s (a voided batch runs twice; one takes about 20 s).
    const r = await runControls({ profile: 'exchange2013' }, Object.fromEntries(RULES.map((id) => [id, []])), 190_000);
    for (const id of RULES) expect(r.outcomes[id], `${id}: ${r.reasons[id] ?? ''}\n${r.output.slice(-2000)}`).toBe('pass');
    expect(r.exitCode, r.output.slice(-2000)).toBe(0);
  });
});
