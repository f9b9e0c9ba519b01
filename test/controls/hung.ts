/**
 * Hung guard: a candidate that completes TLS and never answers (test/controls/candidates/hang.mjs --tls)
 * gets an error naming the hang, never a fail, within one client timeout per rule (FRONTDOOR.md). One rule
 * for each way a rule meets the hang: AUTH-02 and VER-02 judge unanswered requests themselves
 * (suites/support/answer-watch.ts), MAIL-01 hears no greeting (mail.test.ts `stopIfHung`), HC-02 sees no
 * health check and asks the front door once (hc-steps.ts `answersClients`), OA-01's client times out under
 * a transport error (transport-failure.ts). Without those, AUTH-02 and VER-02 ran into their case
 * timeouts (180 s, 60 s), and MAIL-01, HC-02 and OA-01 failed the candidate.
 * The rules are split between the two control lanes, each a CLI run after its lane's batches (vacuity.ts's
 * `fullRun`): one run of all five was 32 s at the end of lane 1, then npm test's long pole (153-163 s against
 * lane 2's 116-128 s).
 */
import { describe, expect, test } from 'vitest';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fullRun } from './vacuity.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Each lane's share of the guard: every way a rule meets the hang is in one of them. */
export const HUNG_RULES = { 'lane-1': ['AUTH-02', 'VER-02'], 'lane-2': ['MAIL-01', 'HC-02', 'OA-01'] } as const;

/** The guard's test (vitest `test`) for `rules`, defined where it is called. */
export function hungGuard(rules: readonly string[]): void {
  describe('a hung candidate', () => {
    test(`${rules.join(', ')} end with an error naming the hang (not at their case timeouts, not a fail)`, { timeout: 180_000 }, async () => {
      const r = await fullRun(`command:node ${join(ROOT, 'test/controls/candidates/hang.mjs')} --tls`, 'exchange2013', rules.flatMap((id) => ['--rule', id]), 170_000);
      expect(r.code, r.output).toBe(2);
      for (const id of rules) expect(r.rules.find((x) => x.id === id), `${id}\n${r.output}`).toMatchObject({ outcome: 'error', reason: expect.stringMatching(/did not answer \(hung\)/) });
    });
  });
}
