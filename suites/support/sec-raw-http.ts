/**
 * A raw HTTP/1.1 client over `node:tls` for the SEC area: it sends exactly the bytes it is given
 * (hop-by-hop headers, absolute-form targets, CONNECT, conflicting framing, oversized or slow heads),
 * which undici refuses to send. It reads the first answer (status line, headers, a bounded body) or
 * notes that the connection closed without one. Every wait is bounded; nothing leaves loopback (names
 * resolve through the lab's hosts list).
 * @example
 * const c = await RawHttps.open(w);
 * c.send(`GET /owa/ HTTP/1.1\r\nHost: ${c.host}\r\n\r\n`);
 * const a = await c.answer(5000);   // { status: 302, ... }
 * c.close();
 */
import { connect, type TLSSocket } from 'node:tls';
import type { TranscriptLine } from '../../reports/types.ts';
import { labLookup } from '../../harness/clients/lab-agent.ts';
import type { World } from './world.ts';

export interface RawAnswer {
  /** Status code of the first answer, or null when none came. */
  status: number | null;
  statusLine: string;
  headers: [string, string][];
  /** The first bytes of the body (at most 4 KiB, latin1). */
  body: string;
  /** The server closed the connection (before or after answering). */
  closed: boolean;
  /** Why no answer: `timeout`, `closed`, or a socket error. */
  error?: string;
  /** Milliseconds from open to the answer (or to giving up). */
  elapsedMs: number;
}

const MAX_HEAD = 64 * 1024;
const MAX_BODY_KEPT = 4096;

export class RawHttps {
  readonly #socket: TLSSocket;
  readonly #opened = Date.now();
  #buf = Buffer.alloc(0);
  #closed = false;
  #error: string | null = null;
  #wake: (() => void) | null = null;
  /** Bytes written so far (for "answered before the whole body was sent"). */
  sent = 0;

  private constructor(socket: TLSSocket, readonly host: string) {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      // Keep what an answer needs; a server flooding us must not cost the suite memory either.
      if (this.#buf.length < MAX_HEAD + MAX_BODY_KEPT) this.#buf = Buffer.concat([this.#buf, d]);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
    socket.on('error', (e) => {
      this.#error ??= (e as NodeJS.ErrnoException).code ?? e.message;
      this.#wake?.();
    });
  }

  /** Connect to the front door's HTTPS port, SNI and certificate check on its first namespace. */
  static open(w: World, o: { timeoutMs?: number; namespace?: string } = {}): Promise<RawHttps> {
    const host = o.namespace ?? w.lab.topology.frontDoor.namespaces[0]!;
    const port = w.candidate.ports.https;
    return new Promise((resolve, reject) => {
      const s = connect({ host, port, servername: host, ca: w.lab.trustBundle(), lookup: labLookup(w.hosts()), ALPNProtocols: ['http/1.1'] });
      const timer = setTimeout(() => {
        s.destroy();
        reject(Object.assign(new Error(`no TLS connection to ${host}:${port} within ${o.timeoutMs ?? 10_000} ms`), { code: 'CANDIDATE_UNREACHABLE' }));
      }, o.timeoutMs ?? 10_000);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(new RawHttps(s, `${host}:${port}`));
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The address the front door sees us at (X-Forwarded-For's last element). */
  get localAddress(): string {
    return (this.#socket.localAddress ?? '').replace(/^::ffff:/, '');
  }

  /** Write bytes; resolves when they are handed to the kernel (false when the connection is gone). */
  send(data: string | Buffer): Promise<boolean> {
    if (this.#closed || this.#socket.destroyed || !this.#socket.writable) return Promise.resolve(false);
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.sent += b.length;
    return new Promise((resolve) => this.#socket.write(b, (err) => resolve(!err)));
  }

  /**
   * Write bytes but give up after `timeoutMs` (a server that stopped reading leaves the write pending)
   * or as soon as an answer starts or the connection closes.
   */
  async sendWithin(data: string | Buffer, timeoutMs: number): Promise<'sent' | 'stalled' | 'answered' | 'closed'> {
    if (this.answering) return 'answered';
    if (this.#closed) return 'closed';
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    const stop = new Promise<'stalled' | 'answered' | 'closed'>((r) => {
      timer = setTimeout(() => r('stalled'), timeoutMs);
      // The answer or the close may arrive while the write is pending: look again every 50 ms (bounded by the timer).
      poll = setInterval(() => (this.answering ? r('answered') : this.#closed ? r('closed') : undefined), 50);
    });
    try {
      const r = await Promise.race([this.send(data).then((ok) => (ok ? ('sent' as const) : ('closed' as const))), stop]);
      return r === 'sent' && this.answering ? 'answered' : r;
    } finally {
      clearTimeout(timer);
      clearInterval(poll);
    }
  }

  /** Everything received so far (bounded), latin1: shows a second answer to a smuggled request. */
  received(): string {
    return this.#buf.toString('latin1');
  }

  /** An answer has started arriving (at least its status line). */
  get answering(): boolean {
    return this.#buf.includes('\r\n');
  }

  /** Wait (bounded) for the first complete head plus what the body's framing allows, or the close. */
  async answer(timeoutMs: number): Promise<RawAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < 100_000; i++) {
      const parsed = this.#parse();
      if (parsed) return parsed;
      if (this.#closed || this.#error) return this.#result(null, this.#error ?? 'closed');
      const left = deadline - Date.now();
      if (left <= 0) return this.#result(null, 'timeout');
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.#wake = null;
    }
    return this.#result(null, 'timeout');
  }

  /** Wait (bounded) until the server closes the connection; true when it did. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < 100_000 && !this.#closed; i++) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.#wake = null;
    }
    return this.#closed;
  }

  close(): void {
    this.#socket.destroy();
  }

  #parse(): RawAnswer | null {
    const end = this.#buf.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const head = this.#buf.subarray(0, end).toString('latin1').split('\r\n');
    const statusLine = head[0] ?? '';
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    const headers = head.slice(1).map((l): [string, string] => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]);
    const body = this.#buf.subarray(end + 4);
    const cl = Number(headers.find(([k]) => k === 'content-length')?.[1] ?? NaN);
    // Wait for a declared body we can keep in full; otherwise the head is the answer.
    if (Number.isFinite(cl) && cl <= MAX_BODY_KEPT && body.length < cl && !this.#closed) return null;
    return { ...this.#result(m ? Number(m[1]) : null, m ? undefined : 'not an HTTP answer'), statusLine, headers, body: body.subarray(0, MAX_BODY_KEPT).toString('latin1') };
  }

  #result(status: number | null, error?: string): RawAnswer {
    return { status, statusLine: '', headers: [], body: '', closed: this.#closed, ...(error ? { error } : {}), elapsedMs: Date.now() - this.#opened };
  }
}

/** Open, send one request, read the answer, close. */
export async function rawExchange(w: World, request: string | ((host: string) => string), timeoutMs = 10_000): Promise<{ answer: RawAnswer; localAddress: string; transcript: TranscriptLine[] }> {
  const c = await RawHttps.open(w);
  try {
    const text = typeof request === 'function' ? request(c.host) : request;
    await c.send(text);
    const answer = await c.answer(timeoutMs);
    return { answer, localAddress: c.localAddress, transcript: transcriptOf(text, answer) };
  } finally {
    c.close();
  }
}

/** Client-leg lines: the request head (credentials masked, long lines cut) and the answer's status line. */
export function transcriptOf(request: string, a: RawAnswer): TranscriptLine[] {
  const head = request.split('\r\n\r\n')[0] ?? '';
  const lines: TranscriptLine[] = head.split('\r\n').map((l) => ({ dir: 'C' as const, line: (/^authorization:/i.test(l) ? l.replace(/(Basic|NTLM|Negotiate) \S+/i, '$1 ****') : l).slice(0, 200) + (l.length > 200 ? `[... ${l.length} chars]` : '') }));
  lines.push({ dir: 'S', line: a.status !== null ? a.statusLine : `(no answer: ${a.error ?? 'none'}${a.closed ? ', connection closed' : ''})`, at: a.elapsedMs });
  return lines;
}
