/**
 * How the rules name a failure to talk to the front door (suites/support/transport-failure.ts): refused,
 * hung or closed. The name decides between a candidate's `fail` (it closed the connection) and an `error`
 * (it hangs or is not there).
 */
import { describe, expect, it } from 'vitest';
import { transportFailure } from '../../suites/support/transport-failure.ts';
import { HttpClientError } from '../../harness/clients/transcript.ts';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });
const timeout = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError', code: 23 });

describe('transportFailure', () => {
  it.each([
    { what: 'a refused connection', err: coded('ECONNREFUSED'), kind: 'refused' },
    { what: 'the HTTP client\'s timeout', err: new HttpClientError('HTTP_CLIENT_TIMEOUT', 'no answer within 10000 ms', []), kind: 'hung' },
    { what: 'undici\'s headers timeout under a client error', err: new Error('GET failed', { cause: coded('UND_ERR_HEADERS_TIMEOUT') }), kind: 'hung' },
    // Outlook Anywhere's client: a transport error whose cause is an AbortSignal.timeout (a front door that
    // completed TLS and never answered RPC_IN_DATA was failed for "closed the connection").
    { what: 'an AbortSignal.timeout under a transport error', err: new HttpClientError('HTTP_CLIENT_TRANSPORT', 'RPC_IN_DATA failed: The operation was aborted due to timeout', [], { cause: timeout() }), kind: 'hung' },
    { what: 'a reset', err: new Error('failed', { cause: coded('ECONNRESET') }), kind: 'closed' },
    { what: 'a transport error with no cause', err: new HttpClientError('HTTP_CLIENT_TRANSPORT', 'other side closed', []), kind: 'closed' },
    { what: 'not a transport failure', err: new Error('expected 200, got 502'), kind: null },
  ])('$what: $kind', ({ err, kind }) => {
    expect(transportFailure(err)).toBe(kind);
  });
});
