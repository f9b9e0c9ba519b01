/**
 * The suite's IMAP client: one bounded imapflow 2.1.2 session (connect, login, then list / select /
 * fetch as asked) that never throws and always returns what happened, with the wire transcript
 * (passwords masked) for a rule's evidence. LIBRARIES.md: always listen for imapflow's `error`
 * event (a late timeout otherwise crashes the process).
 */
import type { LookupFunction } from 'node:net';
import type { ImapFlow, ImapFlowOptions } from 'imapflow';

export interface ImapSessionOptions {
  host: string;
  port: number;
  /** TLS name to send and check (default: host when it is a name). */
  servername?: string;
  ca?: string | string[];
  /** Default true. */
  rejectUnauthorized?: boolean;
  /** Implicit TLS (993). */
  secure: boolean;
  /** On a plaintext connection: require STARTTLS, never use it, or use it when offered. */
  starttls: 'require' | 'never' | 'auto';
  user: string;
  pass: string;
  /** net-style lookup, e.g. the lab's (harness/clients/lab-agent.ts labLookup). */
  lookup?: LookupFunction;
  /** Bound on the whole session; default 15 s. */
  timeoutMs?: number;
  /** What to do after login; default all three. `fetch` implies `select` of INBOX. */
  actions?: ('list' | 'select' | 'fetch')[];
}

export interface ImapSessionResult {
  ok: boolean;
  /** What failed (imapflow's message, the server's answer when there was one). */
  error?: string;
  errorCode?: string;
  /** True when the server refused the credentials (NO to LOGIN/AUTHENTICATE). */
  authenticationFailed?: boolean;
  transcript: { dir: 'C' | 'S'; line: string }[];
  /** TLS was in use at the end (implicit or after STARTTLS). */
  secureConnection: boolean;
  /** Protocol and cipher of the TLS session, null in plaintext. */
  tls: { version: string; cipher: string; authorized: boolean } | null;
  capabilities?: string[];
  mailboxes?: string[];
  exists?: number;
  messages?: { uid: number; subject: string; size: number; source?: string }[];
}

const MAX_LINES = 5000;
const MAX_LINE_CHARS = 2000;
const MAX_FETCH = 50;

/**
 * Run one IMAP session and report it.
 * @example
 * const r = await imapSession({ host: 'mail.contoso.lab', port: 143, secure: false, starttls: 'require',
 *   ca: lab.caPem, user: 'contoso\\red', pass, lookup: labLookup(hosts) });
 * expect(r.ok, r.error).toBe(true);
 * expect(r.messages?.map((m) => m.subject)).toContain('Welcome to the lab (Red)');
 */
export async function imapSession(o: ImapSessionOptions): Promise<ImapSessionResult> {
  const timeoutMs = o.timeoutMs ?? 15_000;
  const actions = new Set(o.actions ?? ['list', 'select', 'fetch']);
  const transcript = new Transcript(o.pass, o.user);
  // Loaded on first use: imapflow costs about 0.3 s of CPU to load, and most suite workers (every
  // control run without a mail rule) never open an IMAP session.
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: o.host,
    port: o.port,
    secure: o.secure,
    doSTARTTLS: o.secure ? undefined : o.starttls === 'require' ? true : o.starttls === 'never' ? false : undefined,
    servername: o.servername,
    // No undefined keys: imapflow Object.assign()s these over its own host/servername.
    tls: {
      rejectUnauthorized: o.rejectUnauthorized ?? true,
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      ...(o.servername !== undefined ? { servername: o.servername } : {}),
      ...(o.lookup !== undefined ? { lookup: o.lookup } : {}),
    },
    auth: { user: o.user, pass: o.pass },
    logger: transcript.logger(),
    logRaw: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableAutoIdle: true,
    disableCompression: true,
    emitLogs: false,
  } satisfies ImapFlowOptions);
  client.on('error', () => {}); // reported through the awaited calls below
  const result: ImapSessionResult = { ok: false, transcript: transcript.lines, secureConnection: false, tls: null };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`IMAP session not finished within ${timeoutMs} ms`), { code: 'ETIMEOUT' })), timeoutMs);
  });
  try {
    await Promise.race([run(client, actions, result), deadline]);
    result.ok = true;
  } catch (err) {
    const e = err as { message?: string; code?: string; responseText?: string; response?: string; authenticationFailed?: boolean };
    const detail = e.responseText ?? e.response;
    result.error = transcript.mask(`${e.message ?? String(err)}${detail && !String(e.message).includes(detail) ? `: ${detail}` : ''}`);
    if (e.code) result.errorCode = e.code;
    if (e.authenticationFailed) result.authenticationFailed = true;
  } finally {
    clearTimeout(timer);
    result.secureConnection = !!client.secureConnection;
    const t = (client as unknown as { tls?: { version?: string; standardName?: string; name?: string; authorized?: boolean } | false }).tls;
    result.tls = t ? { version: t.version ?? '', cipher: t.standardName ?? t.name ?? '', authorized: !!t.authorized } : null;
    client.close();
    transcript.flush();
  }
  return result;
}

async function run(client: ImapFlow, actions: Set<string>, r: ImapSessionResult): Promise<void> {
  await client.connect();
  r.capabilities = [...client.capabilities.keys()];
  if (actions.has('list')) r.mailboxes = (await client.list()).map((m) => m.path);
  if (actions.has('select') || actions.has('fetch')) r.exists = (await client.mailboxOpen('INBOX')).exists;
  if (actions.has('fetch') && (r.exists ?? 0) > 0) {
    r.messages = [];
    for await (const m of client.fetch(`1:${Math.min(r.exists!, MAX_FETCH)}`, { uid: true, envelope: true, size: true, source: true })) {
      r.messages.push({ uid: m.uid, subject: m.envelope?.subject ?? '', size: m.size ?? 0, source: m.source?.toString('utf8') });
    }
  }
  await client.logout();
}

/** Builds the transcript from imapflow's log: client commands (already masked by imapflow) and raw server bytes. */
class Transcript {
  readonly lines: { dir: 'C' | 'S'; line: string }[] = [];
  #partial = '';
  #secrets: string[];

  constructor(pass: string, user: string) {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    this.#secrets = pass ? [pass, b64(`\0${user}\0${pass}`), b64(pass)] : [];
  }

  mask(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.split(s).join('****');
    return out;
  }

  #push(dir: 'C' | 'S', line: string): void {
    if (this.lines.length > MAX_LINES) return;
    if (this.lines.length === MAX_LINES) {
      this.lines.push({ dir: 'S', line: '[transcript truncated]' });
      return;
    }
    const cut = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}[...]` : line;
    this.lines.push({ dir, line: this.mask(cut) });
  }

  /** Server bytes arrive in chunks: keep the unfinished line for the next one. */
  #server(data: string): void {
    const text = this.#partial + Buffer.from(data, 'base64').toString('latin1');
    const parts = text.split('\r\n');
    this.#partial = parts.pop() ?? '';
    if (this.#partial.length > MAX_LINE_CHARS * 4) this.#partial = this.#partial.slice(0, MAX_LINE_CHARS);
    for (const p of parts) this.#push('S', p);
  }

  flush(): void {
    if (this.#partial) this.#push('S', this.#partial);
    this.#partial = '';
  }

  logger(): NonNullable<Exclude<ImapFlowOptions['logger'], false>> {
    const take = (entry: unknown) => {
      const e = entry as { src?: string; msg?: string; data?: string };
      if (!e || typeof e !== 'object') return;
      if (e.src === 's' && e.msg === 'read from socket' && typeof e.data === 'string') this.#server(e.data);
      // Client lines come from imapflow's compiled-command log, where it has masked credentials.
      else if (e.src === 'c' && typeof e.msg === 'string' && e.msg !== 'write to socket') this.#push('C', e.msg);
    };
    return { trace: take, debug: take, info: () => {}, warn: () => {}, error: () => {}, fatal: () => {} };
  }
}
