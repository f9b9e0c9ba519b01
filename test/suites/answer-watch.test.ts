/**
 * A hung front door ends a rule within one client timeout (suites/support/answer-watch.ts): the watch's
 * own cases. The rules against a candidate that never answers: test/controls/hung.ts (both control lanes).
 */
import { describe, expect, it } from 'vitest';
import { AnswerWatch, isTimeout } from '../../suites/support/answer-watch.ts';
import { HttpClientError } from '../../harness/clients/transcript.ts';

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
