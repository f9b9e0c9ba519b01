/**
 * One POP3 session: frames lines (framer.ts), checks the state, dispatches to the command map
 * (commands/index.ts). Owns no protocol decisions.
 */
import type { MailConnection } from '../connection.ts';
import type { ResolvedLimits } from '../limits.ts';
import { attemptLogin } from '../login.ts';
import type { MailListenerOptions } from '../types.ts';
import { LineSession } from '../line-session.ts';
import type { Pop3Command, Pop3Context, Pop3SessionState } from './context.ts';
import { dotStuff, Pop3Framer, type Pop3Unit } from './framer.ts';
import { POP3_TEXT } from './texts.ts';

export class Pop3Session extends LineSession<Pop3Unit> {
  readonly state: Pop3SessionState;
  protected readonly framer: Pop3Framer;

  constructor(
    conn: MailConnection,
    opts: MailListenerOptions,
    readonly commands: Readonly<Record<string, Pop3Command>>,
    limits: ResolvedLimits,
  ) {
    super(conn, opts);
    this.framer = new Pop3Framer(limits.maxLineBytes, (u) => this.queue.push(u));
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
      onData: (chunk) => this.onData(chunk),
      // RFC 1939 3: an autologout timer closes "without sending any response"; nothing is deleted.
      onIdle: () => {},
      onClose: () => this.queue.close(),
    });
  }

  protected greeting(): string {
    return `+OK ${POP3_TEXT.greeting}\r\n`;
  }

  protected tlsOnPlaintextLine(): string {
    return `-ERR ${POP3_TEXT.tlsOnPlaintext}\r\n`;
  }

  protected async handle(unit: Pop3Unit): Promise<void> {
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
        const u = await this.queue.next();
        if (!u) return null;
        if (u.type === 'too-long') {
          conn.end('protocol-error: line-too-large');
          return null;
        }
        return u.text;
      },
      login: (user, pass, form) => attemptLogin(this.opts, conn, user, pass, form),
      // RFC 2595 4: what came after STLS and before the handshake is dropped.
      startTls: () => this.startTls(),
      close: (reason) => {
        this.state.state = 'update';
        conn.end(reason);
      },
    };
  }
}
