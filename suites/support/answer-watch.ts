/**
 * A hung front door stops a rule at once. Rules that make many requests and judge the unanswered ones
 * themselves (identity isolation, the version matrix) caught every client timeout and went on: against a
 * candidate that accepts connections and never answers, AUTH-02..04 each ran into their case timeout
 * (185-245 s) and VER-02 into its own (60 s); a full run took 643 s against 11 s for a candidate that
 * closes every connection. While the front door has answered none of a rule's requests, a timeout is
 * rethrown as the client's timeout error: rule.ts makes it the rule's `error`, "the candidate did not
 * answer (hung)", within one client timeout. After a first answer, timeouts are the rule's to judge.
 * @example
 * const watch = new AnswerWatch();
 * try { const r = await call(); watch.answered(); } catch (err) { watch.unanswered(err); ... }
 */
import { HttpClientError } from '../../harness/clients/transcript.ts';
import { transportFailure } from './transport-failure.ts';

/** Did the request time out (a client's timeout code or an AbortSignal.timeout, anywhere down the cause chain)? */
export function isTimeout(err: unknown): boolean {
  return transportFailure(err) === 'hung';
}

/** One rule's requests to the front door: has any got an HTTP answer yet? */
export class AnswerWatch {
  #answered = false;

  /** The front door answered a request of this rule (any status). */
  answered(): void {
    this.#answered = true;
  }

  /** A request got no answer: a timeout before any answer is the front door hanging (thrown); anything else returns. */
  unanswered(err: unknown): void {
    if (this.#answered || !isTimeout(err)) return;
    if (err instanceof HttpClientError && err.code === 'HTTP_CLIENT_TIMEOUT') throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new HttpClientError('HTTP_CLIENT_TIMEOUT', `${message} (no request of this rule answered yet)`, [], { cause: err });
  }
}
