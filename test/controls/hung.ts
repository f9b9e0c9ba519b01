/**
 * Hung guard: a candidate that completes TLS and never answers (test/controls/candidates/hang.mjs --tls)
 * gets an error naming the hang, never a fail, within one client timeout per rule (FRONTDOOR.md). One rule
 * for each way a rule meets the hang: AUTH-02 and VER-02 judge unanswered requests themselves
 * (suites/support/answer-watch.ts), MAIL-01 hears no greeting (mail.test.ts `stopIfHung`), HC-02 sees no
 * health check and asks the front door once (hc-steps.ts `answersClients`), OA-01's client times out under
 * a transport error (transport-failure.ts). Without those, AUTH-02 and VER-02 ran into their case
 * timeouts (180 s, 60 s), and MAIL-01, HC-02 and OA-01 failed the candidate.
 * Run by test/controls/lane-1.test.ts after that lane's control batches; the run is vacuity.ts's `fullRun`.
 */
import { describe, expect, test } from 'vitest';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fullRun } from './vacuity.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const RULES = ['AUTH-02', 'VER-02', 'MAIL-01', 'HC-02', 'OA-01'];

/** The guard's test (vitest `test`), defined where it is called. */
export function hungGuard(): void {
  describe('a hung candidate', () => {
    test(`${RULES.join(', ')} end with an error naming the hang (not at their case timeouts, not a fail)`, { timeout: 180_000 }, async () => {
      const r = await fullRun(`command:node ${join(ROOT, 'test/controls/candidates/hang.mjs')} --tls`, 'exchange2013', RULES.flatMap((id) => ['--rule', id]), 170_000);
      expect(r.code, r.output).toBe(2);
      for (const id of RULES) expect(r.rules.find((x) => x.id === id), `${id}\n${r.output}`).toMatchObject({ outcome: 'error', reason: expect.stringMatching(/did not answer \(hung\)/) });
    });
  });
}
