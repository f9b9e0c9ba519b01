/**
 * A mail listener: one TCP port of a mock CAS speaking IMAP4 or POP3 in one mode (ssl, tls,
 * plain). Accepts connections, bounds their number, hands each to a protocol session, and can be
 * switched off and on again ("method switched off" faults) without touching open sessions.
 */
import { createServer, isIPv4, type Server, type Socket } from 'node:net';
import { MailConnection } from './connection.ts';
import { MailListenError, MailOptionsError } from './errors.ts';
import { IMAP_COMMANDS } from './imap/commands/index.ts';
import { ImapSession } from './imap/session.ts';
import { IMAP_TEXT } from './imap/texts.ts';
import { resolveLimits, type ResolvedLimits } from './limits.ts';
import { POP3_COMMANDS } from './pop3/commands/index.ts';
import { Pop3Session } from './pop3/session.ts';
import { POP3_TEXT } from './pop3/texts.ts';
import type { MailListener, MailListenerOptions } from './types.ts';

function checkOptions(o: MailListenerOptions): void {
  if (typeof o.server !== 'string' || o.server === '') throw new MailOptionsError('server must be the FQDN of the mock CAS');
  if (o.protocol !== 'imap4' && o.protocol !== 'pop3') throw new MailOptionsError('protocol must be imap4 or pop3');
  if (!['ssl', 'tls', 'plain'].includes(o.kind)) throw new MailOptionsError('kind must be ssl, tls or plain');
  // The lab lives on loopback only: never bind another address.
  if (!isIPv4(o.host) || !o.host.startsWith('127.')) throw new MailOptionsError(`host must be a 127.0.0.0/8 address, got ${o.host}`);
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new MailOptionsError('port must be an integer 0..65535');
  if (!o.secureContext) throw new MailOptionsError('secureContext is required (implicit TLS and STARTTLS/STLS)');
  if (!['PlainTextLogin', 'PlainTextAuthentication', 'SecureLogin'].includes(o.loginType)) throw new MailOptionsError('loginType must be PlainTextLogin, PlainTextAuthentication or SecureLogin');
  if (typeof o.login !== 'function') throw new MailOptionsError('login must be a function');
  if (typeof o.record !== 'function') throw new MailOptionsError('record must be a function');
}

class Listener implements MailListener {
  readonly kind;
  readonly protocol;
  port = 0;
  #server: Server | null = null;
  readonly #connections = new Set<MailConnection>();
  readonly #limits: ResolvedLimits;
  readonly #imapCommands;
  readonly #pop3Commands;

  constructor(readonly opts: MailListenerOptions) {
    this.kind = opts.kind;
    this.protocol = opts.protocol;
    this.#limits = resolveLimits(opts.limits);
    this.#imapCommands = { ...IMAP_COMMANDS, ...(opts.imapCommands ?? {}) };
    this.#pop3Commands = { ...POP3_COMMANDS, ...(opts.pop3Commands ?? {}) };
  }

  async listen(port: number): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new MailListenError(`${this.opts.server} ${this.protocol}/${this.kind}: cannot listen on ${this.opts.host}:${port}: ${err.message}`, { cause: err })));
      server.listen({ host: this.opts.host, port, exclusive: true }, () => resolve());
    });
    server.on('error', () => {}); // after listening, accept errors concern one client only
    this.#server = server;
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
  }

  #accept(socket: Socket): void {
    socket.on('error', () => {});
    const conn = new MailConnection(socket, {
      server: this.opts.server,
      protocol: this.protocol,
      kind: this.kind,
      idleTimeoutMs: this.#limits.idleTimeoutMs,
      secureContext: this.opts.secureContext,
      record: (e) => this.#record(e),
    });
    if (this.#connections.size >= this.#limits.maxConnections) {
      // Busy: a one-line refusal in the protocol's words (only possible in plaintext), then close.
      if (this.kind !== 'ssl') conn.write(this.protocol === 'imap4' ? `* BYE ${IMAP_TEXT.tooManyConnections}\r\n` : `-ERR ${POP3_TEXT.tooManyConnections}\r\n`);
      conn.end('max-connections');
      return;
    }
    this.#connections.add(conn);
    void conn.closed.then(() => this.#connections.delete(conn));
    const session =
      this.protocol === 'imap4'
        ? new ImapSession(conn, this.opts, this.#imapCommands, this.#limits)
        : new Pop3Session(conn, this.opts, this.#pop3Commands, this.#limits);
    void session.run();
  }

  #record(e: Parameters<MailListenerOptions['record']>[0]): void {
    try {
      this.opts.record(e);
    } catch {
      // A failing journal sink must not take the listener down.
    }
  }

  async disable(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    server.close();
    // close() releases the listening socket at once; wait a turn so a connect right after sees ECONNREFUSED.
    await new Promise((r) => setImmediate(r));
  }

  async enable(): Promise<void> {
    if (this.#server) return;
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.disable();
    const open = [...this.#connections];
    for (const c of open) c.destroy('server-close');
    await Promise.all(open.map((c) => c.closed));
  }
}

/**
 * Start one IMAP4 or POP3 listener of a mock CAS.
 * @example
 * const imaps = await startMailListener({
 *   server: 'cas2010.site1.contoso.lab', protocol: 'imap4', kind: 'ssl', host: '127.0.1.10', port: 993,
 *   secureContext: tls.createSecureContext({ key, cert }), loginType: 'SecureLogin',
 *   login: (user, pass) => directory.mailLogin(user, pass), record: (e) => journal.record(e),
 * });
 * // ... later
 * await imaps.disable(); // connects now fail with ECONNREFUSED
 */
export async function startMailListener(opts: MailListenerOptions): Promise<MailListener> {
  checkOptions(opts);
  const l = new Listener(opts);
  await l.listen(opts.port);
  return l;
}
