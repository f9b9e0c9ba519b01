/**
 * How talking to the front door failed, named once for every rule (rule.ts) and for the rules that judge
 * unanswered requests themselves (answer-watch.ts): refused, hung or closed. The name decides between a
 * candidate's `fail` (it closed the connection, or refused one port while it accepts on others) and an
 * `error` (it hangs, or is not there).
 */
const REFUSED = new Set(['ECONNREFUSED', 'CANDIDATE_UNREACHABLE']);
const HUNG = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'HTTP_CLIENT_TIMEOUT', 'ETIMEDOUT']);
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_TLS_HANDSHAKE', 'ECONNABORTED']);

/** How talking to the front door failed, looking down the cause chain: refused, hung, closed, or not a transport failure. */
export function transportFailure(err: unknown): 'refused' | 'hung' | 'closed' | null {
  let cur = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  let sawTransport = false;
  for (let depth = 0; depth < 6 && cur && typeof cur === 'object'; depth++) {
    const code = typeof cur.code === 'string' ? cur.code : '';
    if (REFUSED.has(code)) return 'refused';
    // An AbortSignal.timeout (a DOMException: its code is a number) under a client's transport error is a
    // hang, not a close: a front door that completed TLS and never answered Outlook Anywhere's RPC_IN_DATA
    // was failed for "closed the connection without an answer".
    if (HUNG.has(code) || (cur as { name?: unknown }).name === 'TimeoutError') return 'hung';
    if (CLOSED.has(code)) return 'closed';
    if (code === 'HTTP_CLIENT_TRANSPORT') sawTransport = true;
    const msg = typeof cur.message === 'string' ? cur.message : '';
    if (/other side closed|socket hang up|Client network socket disconnected|ECONNRESET/i.test(msg)) return 'closed';
    cur = cur.cause as typeof cur;
  }
  return sawTransport ? 'closed' : null;
}
