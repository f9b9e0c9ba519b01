/**
 * One IMAP4 session: frames the byte stream (framer.ts), parses commands (parser.ts), checks the
 * state, and dispatches to the command map (commands/index.ts). Owns no protocol decisions.
 */
import type { MailConnection } from '../connection.ts';
import type { ResolvedLimits } from '../limits.ts';
import { attemptLogin } from '../login.ts';
import type { MailListenerOptions } from '../types.ts';
import { LineSession } from '../line-session.ts';
import { ImapArgumentError, type ImapCommand, type ImapContext, type ImapSessionState } from './context.ts';
import { ImapFramer, type FramerOutput } from './framer.ts';
import { ImapParseError, parseCommand, type ParsedCommand } from './parser.ts';
import { IMAP_TEXT } from './texts.ts';

type Unit = Exclude<FramerOutput, { type: 'continue' }>;

export class ImapSession extends LineSession<Unit> {
  readonly state: ImapSessionState;
  protected readonly framer: ImapFramer;

  constructor(
    conn: MailConnection,
    opts: MailListenerOptions,
    readonly commands: Readonly<Record<string, ImapCommand>>,
    limits: ResolvedLimits,
  ) {
    super(conn, opts);
    this.framer = new ImapFramer(limits, (o) => this.#framed(o));
    this.state = {
      state: 'not-authenticated',
      kind: opts.kind,
      loginType: opts.loginType,
      get secure() {
        return conn.secure;
      },
      user: null,
      inbox: [],
      selected: null,
      seen: new Set(),
    };
    conn.attach({
      onData: (chunk) => this.onData(chunk),
      onIdle: () => conn.write(`* BYE ${IMAP_TEXT.idleTimeout}\r\n`),
      onClose: () => this.queue.close(),
    });
  }

  protected greeting(): string {
    return `* OK ${IMAP_TEXT.greeting}\r\n`;
  }

  protected tlsOnPlaintextLine(): string {
    return `* BAD ${IMAP_TEXT.tlsOnPlaintext}\r\n`;
  }

  #framed(o: FramerOutput): void {
    if (o.type === 'continue') this.conn.write(`+ ${IMAP_TEXT.continueLiteral}\r\n`);
    else this.queue.push(o);
  }

  protected async handle(unit: Unit): Promise<void> {
    if (unit.type === 'too-large') {
      this.conn.noteCommand('?');
      const text = unit.what === 'line' ? IMAP_TEXT.lineTooLong : IMAP_TEXT.literalTooLarge;
      this.conn.write(`${unit.tag ?? '*'} BAD ${text}\r\n`);
      if (unit.fatal) this.conn.end(`protocol-error: ${unit.what}-too-large`);
      return;
    }
    let cmd: ParsedCommand;
    try {
      cmd = parseCommand(unit.parts);
    } catch (err) {
      this.conn.noteCommand('?');
      const tag = err instanceof ImapParseError ? err.tag : null;
      this.conn.write(`${tag ?? '*'} BAD ${IMAP_TEXT.commandError}\r\n`);
      return;
    }
    const sub = cmd.verb === 'UID' && cmd.args[0]?.type === 'atom' ? ` ${cmd.args[0].value.toUpperCase().slice(0, 16)}` : '';
    const mech = cmd.verb === 'AUTHENTICATE' && cmd.args[0]?.type === 'atom' ? ` ${cmd.args[0].value.toUpperCase().slice(0, 20)}` : '';
    this.conn.noteCommand(cmd.verb + sub + mech);
    const command = this.commands[cmd.verb];
    const line = (kind: string, text: string, code?: string) =>
      this.conn.write(`${cmd.tag} ${kind} ${code ? `[${code}] ` : ''}${text}\r\n`);
    if (!command) return line('BAD', IMAP_TEXT.commandError);
    if (!command.states.includes(this.state.state)) return line('BAD', IMAP_TEXT.invalidState);
    try {
      await command.run(this.#context(cmd, line));
    } catch (err) {
      if (err instanceof ImapArgumentError) line('BAD', IMAP_TEXT.argumentError);
      else line('NO', 'Server error.');
    }
  }

  #context(cmd: ParsedCommand, line: (kind: string, text: string, code?: string) => void): ImapContext {
    return {
      tag: cmd.tag,
      verb: cmd.verb,
      args: cmd.args,
      session: this.state,
      options: this.opts,
      ok: (text, code) => line('OK', text, code),
      no: (text, code) => line('NO', text, code),
      bad: (text, code) => line('BAD', text, code),
      untagged: (text) => this.conn.write(`* ${text}\r\n`),
      continuation: (text) => this.conn.write(`+ ${text}\r\n`),
      write: (data) => this.conn.write(data),
      readLine: async () => {
        const u = await this.queue.next();
        if (!u) return null;
        if (u.type === 'too-large') {
          if (u.fatal) this.conn.end(`protocol-error: ${u.what}-too-large`);
          return null;
        }
        return u.parts.map((p) => p.text).join('');
      },
      login: (user, pass, form) => attemptLogin(this.opts, this.conn, user, pass, form),
      // RFC 3501 6.2.1 / RFC 2595 3.1: what came after STARTTLS and before the handshake is dropped.
      startTls: () => this.startTls(),
      close: (reason) => {
        this.state.state = 'logout';
        this.conn.end(reason);
      },
    };
  }
}
