/**
 * The suite's POP3 client (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH PLAIN). No Node
 * POP3 client does STLS (LIBRARIES.md), so this one is ours: implicit TLS or an STLS upgrade,
 * every line in `transcript` with passwords masked, a bound on every wait, clear errors.
 */
import type { LookupFunction } from 'node:net';
import { LineSocket, MailClientError, type TlsInfo } from './line-socket.ts';

export { MailClientError } from './line-socket.ts';

export interface Pop3ClientOptions {
  host: string;
  port: number;
  /** Implicit TLS (995). */
  secure?: boolean;
  /** Same as `secure` (implicit TLS); either may be given. */
  tls?: boolean;
  /** TLS name to send and check (default: host when it is a name). */
  servername?: string;
  ca?: string | string[];
  rejectUnauthorized?: boolean;
  /** net-style lookup, e.g. the lab's (harness/clients/lab-agent.ts labLookup). */
  lookup?: LookupFunction;
  /** Bound on connect, handshake and each answer; default 10 s. */
  timeoutMs?: number;
  /** Largest multi-line answer accepted (RETR); default 16 MiB. */
  maxResponseBytes?: number;
}

export interface TranscriptLine {
  dir: 'C' | 'S';
  line: string;
}

/** Transcript entries kept; past this, one marker line and nothing more. */
const MAX_TRANSCRIPT = 5000;

/**
 * A POP3 session driven step by step.
 * @example
 * const pop = new Pop3Client({ host: 'mail.contoso.lab', port: 110, ca: lab.caPem, lookup: labLookup(hosts) });
 * await pop.connect();
 * if ((await pop.capa()).includes('STLS')) await pop.stls();
 * await pop.login('contoso\\red', password);
 * const { count } = await pop.stat();
 * const first = await pop.retr(1);
 * await pop.quit();
 * console.log(pop.transcript); // [{ dir: 'S', line: '+OK The Microsoft Exchange POP3 service is ready.' }, ...]
 */
export class Pop3Client {
  readonly transcript: TranscriptLine[] = [];
  greeting = '';
  #sock: LineSocket;
  #maxResponse: number;

  constructor(readonly opts: Pop3ClientOptions) {
    if (!opts.host) throw new TypeError('host is required');
    if (!Number.isInteger(opts.port) || opts.port <= 0 || opts.port > 65535) throw new TypeError('port must be 1..65535');
    this.#sock = new LineSocket({ ...opts, secure: !!(opts.secure ?? opts.tls), timeoutMs: opts.timeoutMs ?? 10_000, maxLineBytes: 64 * 1024 });
    this.#maxResponse = opts.maxResponseBytes ?? 16 * 1024 * 1024;
  }

  /** True on implicit TLS or after STLS. */
  get secure(): boolean {
    return this.#sock.tls !== null;
  }

  get tls(): TlsInfo | null {
    return this.#sock.tls;
  }

  /** Connect (and handshake on implicit TLS), read the greeting; rejects on -ERR. */
  async connect(): Promise<string> {
    await this.#sock.connect();
    this.greeting = await this.#status();
    return this.greeting;
  }

  /** CAPA: the capability lines (RFC 2449). */
  async capa(): Promise<string[]> {
    return (await this.#multi('CAPA')).toString('latin1').split('\r\n').filter((l) => l !== '');
  }

  /** STLS, then the TLS handshake on the same connection. */
  async stls(): Promise<void> {
    await this.#command('STLS');
    await this.#sock.upgrade();
  }

  user(name: string): Promise<string> {
    return this.#command(`USER ${name}`);
  }

  pass(password: string): Promise<string> {
    return this.#command(`PASS ${password}`, 'PASS ****');
  }

  /** USER then PASS. */
  async login(name: string, password: string): Promise<string> {
    await this.user(name);
    return this.pass(password);
  }

  /** AUTH PLAIN, with an initial response (RFC 5034) or through the `+` continuation. */
  async authPlain(name: string, password: string, o: { initialResponse?: boolean } = {}): Promise<string> {
    const b64 = Buffer.from(`\0${name}\0${password}`).toString('base64');
    if (o.initialResponse) return this.#command(`AUTH PLAIN ${b64}`, 'AUTH PLAIN ****');
    this.#send('AUTH PLAIN');
    const cont = await this.#line();
    if (!cont.startsWith('+ ') && cont !== '+') throw this.#negative('AUTH PLAIN', cont);
    return this.#command(b64, '****');
  }

  async stat(): Promise<{ count: number; size: number }> {
    const m = /^(\d+) (\d+)/.exec(await this.#command('STAT'));
    if (!m) throw new MailClientError('MAIL_CLIENT_PROTOCOL', 'STAT answer is not "+OK count size"');
    return { count: Number(m[1]), size: Number(m[2]) };
  }

  async list(): Promise<{ n: number; size: number }[]> {
    return this.#pairs(await this.#multi('LIST')).map(([n, v]) => ({ n, size: Number(v) }));
  }

  async uidl(): Promise<{ n: number; id: string }[]> {
    return this.#pairs(await this.#multi('UIDL')).map(([n, id]) => ({ n, id }));
  }

  /** The message, un-dot-stuffed, CRLF line ends as sent. */
  retr(n: number): Promise<Buffer> {
    return this.#multi(`RETR ${n}`);
  }

  top(n: number, lines: number): Promise<Buffer> {
    return this.#multi(`TOP ${n} ${lines}`);
  }

  dele(n: number): Promise<string> {
    return this.#command(`DELE ${n}`);
  }

  rset(): Promise<string> {
    return this.#command('RSET');
  }

  noop(): Promise<string> {
    return this.#command('NOOP');
  }

  /** QUIT, then close our side (the server closes too, RFC 1939 6). */
  async quit(): Promise<string> {
    const text = await this.#command('QUIT');
    this.#sock.destroy();
    return text;
  }

  /** Drop the connection without QUIT. */
  close(): void {
    this.#sock.destroy();
  }

  #note(dir: 'C' | 'S', line: string): void {
    if (this.transcript.length < MAX_TRANSCRIPT) this.transcript.push({ dir, line });
    else if (this.transcript.length === MAX_TRANSCRIPT) this.transcript.push({ dir: 'S', line: '[transcript truncated]' });
  }

  #send(line: string, shown = line): void {
    this.#note('C', shown);
    this.#sock.write(`${line}\r\n`);
  }

  async #line(): Promise<string> {
    const line = await this.#sock.readLine();
    this.#note('S', line);
    return line;
  }

  #negative(what: string, line: string): MailClientError {
    return Object.assign(new MailClientError('MAIL_CLIENT_NEGATIVE', `${what}: ${line}`), { response: line });
  }

  /** Read a status line: the text after +OK, or throw with the -ERR. */
  async #status(what = 'greeting'): Promise<string> {
    const line = await this.#line();
    if (line === '+OK' || line.startsWith('+OK ')) return line.slice(4);
    if (line.startsWith('-ERR')) throw this.#negative(what, line);
    throw new MailClientError('MAIL_CLIENT_PROTOCOL', `${what}: unexpected answer ${JSON.stringify(line.slice(0, 200))}`);
  }

  async #command(line: string, shown = line): Promise<string> {
    this.#send(line, shown);
    return this.#status(shown.split(' ')[0]);
  }

  /** A multi-line answer (RFC 1939 3): lines until ".", with the stuffed "." removed. */
  async #multi(line: string): Promise<Buffer> {
    await this.#command(line);
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const l = await this.#line();
      if (l === '.') return Buffer.concat(parts);
      const unstuffed = l.startsWith('.') ? l.slice(1) : l;
      total += unstuffed.length + 2;
      if (total > this.#maxResponse) {
        this.#sock.destroy();
        throw new MailClientError('MAIL_CLIENT_PROTOCOL', `${line.split(' ')[0]} answer larger than ${this.#maxResponse} bytes`);
      }
      parts.push(Buffer.from(`${unstuffed}\r\n`, 'latin1'));
    }
  }

  #pairs(body: Buffer): [number, string][] {
    return body
      .toString('latin1')
      .split('\r\n')
      .filter((l) => l !== '')
      .map((l) => {
        const m = /^(\d+) (\S+)/.exec(l);
        if (!m) throw new MailClientError('MAIL_CLIENT_PROTOCOL', `bad listing line ${JSON.stringify(l.slice(0, 100))}`);
        return [Number(m[1]), m[2]!];
      });
  }
}
