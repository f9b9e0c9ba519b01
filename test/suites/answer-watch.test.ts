/**
 * A hung front door ends a rule within one client timeout (suites/support/answer-watch.ts): the watch's
 * own cases, and against a candidate that accepts connections and never answers
 * (test/controls/candidates/hang.mjs) the rules that keep going past unanswered requests (AUTH-02, VER-02)
 * a mail rule (MAIL-01: no greeting is a hang, mail.test.ts `stopIfHung`) and a health rule (HC-02: no
 * check and no answer is a hang, hc-steps.ts `answersClients`), each an error naming it.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnswerWatch, isTimeout } from '../../suites/support/answer-watch.ts';
import { HttpClientError } from '../../harness/clients/transcript.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const timeoutError = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
const wrapped = (cause: unknown) => new Error('POST https://mail/EWS failed', { cause });

describe('AnswerWatch', () => {
  it.each([
    { what: 'the HTTP client\'s timeout', err: new HttpClientError('HTTP_CLIENT_TIMEOUT', 'no answer within 10000 ms', []), timeout: true },
    { what: 'an AbortSignal.timeout under a client error', err: wrapped(timeoutError()), timeout: true },
    { what: 'undici\'s connect timeout two causes down', err: wrapped(wrapped(Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }))), timeout: true },
    { what: 'a reset', err: wrapped(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), timeout: false },
    { what: 'a refusal', err: new HttpClientError('HTTP_CLIENT_TRANSPORT', 'connect ECONNREFUSED', []), timeout: false },
  ])('$what: a timeout is $timeout', ({ err, timeout }) => {
    expect(isTimeout(err)).toBe(timeout);
    const watch = new AnswerWatch();
    if (timeout) expect(() => watch.unanswered(err)).toThrow(expect.objectContaining({ code: 'HTTP_CLIENT_TIMEOUT' }));
    else expect(() => watch.unanswered(err)).not.toThrow();
    watch.answered();
    expect(() => watch.unanswered(err)).not.toThrow();
  });
});

describe('a hung candidate', () => {
  it('AUTH-02, VER-02, MAIL-01 and HC-02 end with an error naming the hang (not at their case timeouts, not a fail)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cas-hang-'));
    try {
      const code = await new Promise<number>((done) => {
        execFile(process.execPath, [join(ROOT, 'bin/cas-conformance.js'), 'run', '--quiet', '--front-door', `command:node ${join(ROOT, 'test/controls/candidates/hang.mjs')}`, '--rule', 'AUTH-02', '--rule', 'VER-02', '--rule', 'MAIL-01', '--rule', 'HC-02', '--out', out],
          { cwd: ROOT, timeout: 170_000, env: { ...process.env, CAS_RUN_OPTIONS: '' } }, (err) => done(err ? Number((err as { code?: number }).code ?? -1) : 0));
      });
      const rules = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { rules: { id: string; outcome: string; reason?: string }[] }).rules;
      expect(code).toBe(2);
      for (const id of ['AUTH-02', 'VER-02', 'MAIL-01', 'HC-02']) {
        expect(rules.find((r) => r.id === id), id).toMatchObject({ outcome: 'error', reason: expect.stringMatching(/did not answer \(hung\)/) });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
