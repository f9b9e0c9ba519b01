/**
 * One POP3 session: frames lines (framer.ts), checks the state, dispatches to the command map
 * (commands/index.ts). Owns no protocol decisions.
 */
import type { MailConnection } from '../connection.ts';
import { greet, looksLikeTlsHello } from '../greeting.ts';
import type { ResolvedLimits } from '../limits.ts';
import { attemptLogin } from '../login.ts';
import type { MailListenerOptions } from '../types.ts';
import { UnitQueue } from '../unit-queue.ts';
import type { Pop3Command, Pop3Context, Pop3SessionState } from './context.ts';
import { dotStuff, Pop3Framer, type Pop3Unit } from './framer.ts';
import { POP3_TEXT } from './texts.ts';

const QUEUE_HIGH = 32;

export class Pop3Session {
  readonly state: Pop3SessionState;
  readonly #queue = new UnitQueue<Pop3Unit>();
  readonly #framer: Pop3Framer;
  #paused = false;
  #sawInput = false;

  constructor(
    readonly conn: MailConnection,
    readonly opts: MailListenerOptions,
    readonly commands: Readonly<Record<string, Pop3Command>>,
    limits: ResolvedLimits,
  ) {
    this.#framer = new Pop3Framer(limits.maxLineBytes, (u) => this.#queue.push(u));
    this.state = {
      state: 'authorization',
      kind: opts.kind,
      loginType: opts.loginType,
      get secure() {
        return conn.secure;
      },
      pendingUser: null,
      user: null,
      messages: [],
      deleted: new Set(),
    };
    conn.attach({
      onData: (chunk) => this.#onData(chunk),
      // RFC 1939 3: an autologout timer closes "without sending any response"; nothing is deleted.
      onIdle: () => {},
      onClose: () => this.#queue.close(),
    });
  }

  /** Greet, then serve commands until the session ends. Never rejects. */
  async run(): Promise<void> {
    try {
      if (!(await greet(this.conn, this.opts, `+OK ${POP3_TEXT.greeting}\r\n`))) return;
      for (;;) {
        const unit = await this.#queue.next();
        if (unit === null || !this.conn.isOpen) return;
        await this.#handle(unit);
        if (this.conn.congested) await this.conn.waitDrain();
        if (this.#paused && this.#queue.length < QUEUE_HIGH / 4) {
          this.#paused = false;
          this.conn.resumeInput();
        }
      }
    } catch {
      this.conn.destroy('server-error');
    }
  }

  #onData(chunk: Buffer): void {
    if (!this.#sawInput && !this.conn.secure && looksLikeTlsHello(chunk)) {
      this.conn.write(`-ERR ${POP3_TEXT.tlsOnPlaintext}\r\n`);
      this.conn.end('protocol-error: tls-on-plaintext-port');
      return;
    }
    this.#sawInput = true;
    this.#framer.feed(chunk);
    if (!this.#paused && this.#queue.length > QUEUE_HIGH) {
      this.#paused = true;
      this.conn.pauseInput();
    }
  }

  async #handle(unit: Pop3Unit): Promise<void> {
    if (unit.type === 'too-long') {
      this.conn.noteCommand('?');
      this.conn.write(`-ERR ${POP3_TEXT.lineTooLong}\r\n`);
      this.conn.end('protocol-error: line-too-large');
      return;
    }
    const m = /^([A-Za-z]{1,8})(?: (.*))?$/.exec(unit.text);
    if (!m) {
      this.conn.noteCommand('?');
      this.conn.write(`-ERR ${POP3_TEXT.protocolError}\r\n`);
      return;
    }
    const verb = m[1]!.toUpperCase();
    const rest = m[2] ?? '';
    const mech = verb === 'AUTH' && /^[A-Za-z0-9-]{1,20}( |$)/.test(rest) ? ` ${rest.split(' ')[0]!.toUpperCase()}` : '';
    this.conn.noteCommand(verb + mech);
    const command = this.commands[verb];
    if (!command) return this.conn.write(`-ERR ${POP3_TEXT.protocolError}\r\n`);
    if (!command.states.includes(this.state.state)) return this.conn.write(`-ERR ${POP3_TEXT.invalidState}\r\n`);
    try {
      await command.run(this.#context(verb, rest));
    } catch {
      this.conn.write(`-ERR ${POP3_TEXT.protocolError}\r\n`);
    }
  }

  #context(verb: string, rest: string): Pop3Context {
    const conn = this.conn;
    return {
      verb,
      args: rest === '' ? [] : rest.split(' '),
      rest,
      session: this.state,
      options: this.opts,
      ok: (text) => conn.write(text ? `+OK ${text}\r\n` : '+OK\r\n'),
      err: (text) => conn.write(`-ERR ${text}\r\n`),
      multiline: (first, body) => {
        const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.map((l) => `${l}\r\n`).join(''), 'utf8');
        conn.write(Buffer.concat([Buffer.from(first ? `+OK ${first}\r\n` : '+OK\r\n'), dotStuff(bytes)]));
      },
      continuation: (text) => conn.write(`+ ${text}\r\n`),
      readLine: async () => {
        const u = await this.#queue.next();
        if (!u) return null;
        if (u.type === 'too-long') {
          conn.end('protocol-error: line-too-large');
          return null;
        }
        return u.text;
      },
      login: (user, pass, form) => attemptLogin(this.opts, conn, user, pass, form),
      startTls: () => {
        // RFC 2595 4: lines sent after STLS and before the handshake are not to be trusted: drop them.
        this.#framer.reset();
        this.#queue.clear();
        this.#sawInput = true;
        this.#paused = false;
        return conn.startTls();
      },
      close: (reason) => {
        this.state.state = 'update';
        conn.end(reason);
      },
    };
  }
}
