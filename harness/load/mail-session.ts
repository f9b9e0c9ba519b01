/**
 * The load scenario's IMAP4 and POP3 sessions: implicit TLS (993/995), login, read the subjects of the
 * inbox, log out; bounded in time and bytes. Not the suite's clients (harness/clients/imap.ts drives
 * imapflow, harness/clients/pop3.ts a LineSocket): neither can bind a source address, and each simulated
 * user must connect from its own loopback address. What a session reads back is only what the checks
 * need: did the login work, and whose messages came back (the subjects name their owner in the lab).
 */
import { connect, type TLSSocket } from 'node:tls';
import type { LookupFunction } from 'node:net';

export interface MailSessionOptions {
  host: string;
  port: number;
  servername: string;
  ca: string[];
  lookup: LookupFunction;
  localAddress?: string;
  user: string;
  password: string;
  timeoutMs: number;
}

export interface MailSessionResult {
  /** Login accepted and the inbox read. */
  ok: boolean;
  /** The server said NO / -ERR (to the greeting, the login or a command): a refusal. */
  refused: boolean;
  /** What went wrong (transport, timeout, refusal text). */
  error?: string;
  /** Subjects of the inbox's messages. */
  subjects: string[];
}

const MAX_BYTES = 256 * 1024;

/** A TLS socket read as text, awaited until a predicate holds on what has arrived. */
class Conversation {
  #buf = '';
  #closed: string | null = null;
  #wake: (() => void) | null = null;

  constructor(readonly socket: TLSSocket, readonly deadline: number) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.#buf += d;
      if (this.#buf.length > MAX_BYTES) socket.destroy(new Error(`more than ${MAX_BYTES} bytes`));
      this.#wake?.();
    });
    socket.on('error', (e) => (this.#closed ??= e.message));
    socket.on('close', () => {
      this.#closed ??= 'connection closed';
      this.#wake?.();
    });
  }

  /** Wait until `done(buffer)` returns a result; the consumed text is removed. */
  async until<T>(done: (text: string) => { value: T; used: number } | null, what: string): Promise<T> {
    for (;;) {
      const r = done(this.#buf);
      if (r) {
        this.#buf = this.#buf.slice(r.used);
        return r.value;
      }
      if (this.#closed) throw new Error(`${what}: ${this.#closed}`);
      const left = this.deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: no answer in time`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.#wake = () => {
          clearTimeout(t);
          res();
        };
      });
      this.#wake = null;
    }
  }

  write(line: string): void {
    this.socket.write(`${line}\r\n`);
  }
}

function open(o: MailSessionOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: o.host, port: o.port, servername: o.servername, ca: o.ca, lookup: o.lookup, ...(o.localAddress ? { localAddress: o.localAddress } : {}), rejectUnauthorized: true });
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error(`TLS connection to ${o.host}:${o.port} not up within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    s.once('secureConnect', () => {
      clearTimeout(t);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const subjectsIn = (text: string) => [...text.matchAll(/^Subject: ?(.*)$/gim)].map((m) => m[1]!.trim());

/** A line ending in CRLF at the start of the buffer. */
function line(text: string): { value: string; used: number } | null {
  const i = text.indexOf('\r\n');
  return i < 0 ? null : { value: text.slice(0, i), used: i + 2 };
}

/** Everything up to and including the tagged answer to `tag`. */
function tagged(tag: string) {
  return (text: string) => {
    const m = new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)([^\\r]*)\\r\\n`).exec(text);
    return m ? { value: { status: m[2]!, text: text.slice(0, m.index + m[0].length), detail: m[3]!.trim() }, used: m.index + m[0].length } : null;
  };
}

async function session(o: MailSessionOptions, run: (c: Conversation) => Promise<string[]>): Promise<MailSessionResult> {
  let socket: TLSSocket | undefined;
  try {
    socket = await open(o);
    const subjects = await run(new Conversation(socket, Date.now() + o.timeoutMs));
    return { ok: true, refused: false, subjects };
  } catch (err) {
    const e = err as Error & { refused?: boolean };
    return { ok: false, refused: !!e.refused, error: e.message.split(o.password).join('****'), subjects: [] };
  } finally {
    socket?.destroy();
  }
}

const refusal = (what: string, text: string) => Object.assign(new Error(`${what}: ${text.slice(0, 200)}`), { refused: true });

/**
 * IMAP4: greeting, LOGIN, SELECT INBOX, FETCH the Subject headers, LOGOUT.
 * @example
 * const r = await imapLoadSession({ host: 'mail.contoso.lab', port, servername: 'mail.contoso.lab', ca, lookup, user: 'red', password, timeoutMs: 10_000 });
 * r.subjects; // ['Welcome to the lab (Red)', ...]
 */
export function imapLoadSession(o: MailSessionOptions): Promise<MailSessionResult> {
  return session(o, async (c) => {
    const greeting = await c.until(line, 'IMAP greeting');
    if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) throw refusal('IMAP greeting', greeting);
    c.write(`a1 LOGIN ${quote(o.user)} ${quote(o.password)}`);
    const login = await c.until(tagged('a1'), 'IMAP LOGIN');
    if (login.status !== 'OK') throw refusal('IMAP LOGIN', `${login.status} ${login.detail}`);
    c.write('a2 SELECT INBOX');
    const select = await c.until(tagged('a2'), 'IMAP SELECT');
    if (select.status !== 'OK') throw refusal('IMAP SELECT', `${select.status} ${select.detail}`);
    const exists = Number(/\* (\d+) EXISTS/i.exec(select.text)?.[1] ?? 0);
    let subjects: string[] = [];
    if (exists > 0) {
      c.write(`a3 FETCH 1:${Math.min(exists, 20)} (BODY.PEEK[HEADER.FIELDS (SUBJECT)])`);
      const fetch = await c.until(tagged('a3'), 'IMAP FETCH');
      if (fetch.status !== 'OK') throw refusal('IMAP FETCH', `${fetch.status} ${fetch.detail}`);
      subjects = subjectsIn(fetch.text);
    }
    c.write('a4 LOGOUT');
    await c.until(tagged('a4'), 'IMAP LOGOUT').catch(() => undefined);
    return subjects;
  });
}

/** A POP3 status line: `+OK ...` or a refusal. */
async function pop(c: Conversation, what: string): Promise<string> {
  const l = await c.until(line, what);
  if (!l.startsWith('+OK')) throw refusal(what, l);
  return l;
}

/** A POP3 multi-line answer after its +OK, up to the lone dot. */
function multi(text: string): { value: string; used: number } | null {
  const i = text.indexOf('\r\n.\r\n');
  if (text.startsWith('.\r\n')) return { value: '', used: 3 };
  return i < 0 ? null : { value: text.slice(0, i + 2), used: i + 5 };
}

/** POP3: greeting, USER/PASS, STAT, TOP n 0 of each message (its headers), QUIT. */
export function pop3LoadSession(o: MailSessionOptions): Promise<MailSessionResult> {
  return session(o, async (c) => {
    await pop(c, 'POP3 greeting');
    c.write(`USER ${o.user}`);
    await pop(c, 'POP3 USER');
    c.write(`PASS ${o.password}`);
    await pop(c, 'POP3 PASS');
    c.write('STAT');
    const n = Number(/^\+OK (\d+)/.exec(await pop(c, 'POP3 STAT'))?.[1] ?? 0);
    const subjects: string[] = [];
    for (let i = 1; i <= Math.min(n, 20); i++) {
      c.write(`TOP ${i} 0`);
      await pop(c, 'POP3 TOP');
      subjects.push(...subjectsIn(await c.until(multi, 'POP3 TOP body')));
    }
    c.write('QUIT');
    await c.until(line, 'POP3 QUIT').catch(() => undefined);
    return subjects;
  });
}
