/**
 * One client connection of a mail listener: owns the socket (raw TCP, then TLS after implicit TLS
 * or STARTTLS/STLS), counts bytes, runs the idle timer, and journals exactly one MailEvent when the
 * session ends, whatever ends it (and a MailLoginEvent when a login is accepted). Protocol sessions (imap/session.ts, pop3/session.ts) sit on top
 * and never touch the socket themselves.
 */
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { MailEvent, NewEvent } from '../../harness/journal/events.ts';
import { MAX_JOURNALED_COMMANDS, WRITE_HIGH_WATER } from './limits.ts';
import { acceptTls, tlsErrorLabel } from './tls-upgrade.ts';
import type { MailListenerKind, MailProtocolName } from './types.ts';

export interface ConnectionOptions {
  server: string;
  protocol: MailProtocolName;
  kind: MailListenerKind;
  idleTimeoutMs: number;
  secureContext: SecureContext;
  record(event: NewEvent): void;
}

/** How long a graceful close waits for the client before destroying the socket. */
const END_GRACE_MS = 2000;

export class MailConnection {
  readonly raw: Socket;
  /** The socket the protocol speaks on now (raw, or TLS once negotiated). */
  socket: Socket;
  readonly startedAt = Date.now();
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  method: 'ssl' | 'tls' | 'plain';
  upgraded = false;
  secure = false;
  sni: string | null = null;
  bytesIn = 0;
  bytesOut = 0;
  user: string | null = null;
  login: MailEvent['login'] = 'none';
  readonly commands: string[] = [];
  #moreCommands = 0;
  #reason: string | null = null;
  #errorReason: string | null = null;
  #finished = false;
  #ending = false;
  #idle: NodeJS.Timeout;
  #onData: (chunk: Buffer) => void = () => {};
  #onIdle: () => void = () => {};
  #onClose: () => void = () => {};
  readonly #dataListener = (chunk: Buffer) => this.#data(chunk);
  readonly #closeListener = () => this.#finish();
  readonly closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(raw: Socket, readonly opts: ConnectionOptions) {
    this.raw = raw;
    this.socket = raw;
    this.localPort = raw.localPort ?? 0;
    this.remoteAddress = raw.remoteAddress ?? '';
    this.remotePort = raw.remotePort ?? 0;
    this.method = opts.kind === 'ssl' ? 'ssl' : 'plain';
    this.closed = new Promise((r) => (this.#resolveClosed = r));
    raw.setNoDelay(true);
    raw.on('error', (err) => this.#noteError(err));
    raw.on('close', this.#closeListener);
    this.#idle = setTimeout(() => this.#idleFired(), opts.idleTimeoutMs);
    this.#idle.unref();
  }

  /** Deliver received bytes to `onData`; `onIdle` may write a farewell before the idle close. */
  attach(handlers: { onData(chunk: Buffer): void; onIdle(): void; onClose(): void }): void {
    this.#onData = handlers.onData;
    this.#onIdle = handlers.onIdle;
    this.#onClose = handlers.onClose;
    if (this.socket === this.raw) this.raw.on('data', this.#dataListener);
  }

  /** Journal an accepted login now (MailLoginEvent), before the OK is written. */
  noteLogin(user: string): void {
    this.opts.record({ kind: 'mail-login', ...this.#connectionFields(), remotePort: this.remotePort, user, connectedAt: this.startedAt });
  }

  /** What the connection's `mail` and `mail-login` events share. */
  #connectionFields() {
    return {
      server: this.opts.server, protocol: this.opts.protocol, method: this.method, listener: this.opts.kind, upgraded: this.upgraded,
      sni: this.sni, localPort: this.localPort, remoteAddress: this.remoteAddress, remotePort: this.remotePort,
      commands: this.#moreCommands > 0 ? [...this.commands, `...(+${this.#moreCommands})`] : [...this.commands],
    };
  }

  get isOpen(): boolean {
    return !this.#finished && !this.#ending && !this.socket.destroyed;
  }

  /** Record a command verb for the journal (never arguments: they may hold passwords). */
  noteCommand(verb: string): void {
    if (this.commands.length < MAX_JOURNALED_COMMANDS) this.commands.push(verb);
    else this.#moreCommands++;
  }

  write(data: string | Buffer): void {
    if (!this.isOpen) return;
    this.bytesOut += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.socket.write(data);
  }

  /** Too much output is waiting for the client: stop reading until it drains. */
  get congested(): boolean {
    return this.socket.writableLength > WRITE_HIGH_WATER;
  }

  waitDrain(): Promise<void> {
    if (!this.congested || !this.isOpen) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.socket.removeListener('drain', done);
        this.socket.removeListener('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  pauseInput(): void {
    this.socket.pause();
  }

  resumeInput(): void {
    if (this.isOpen) this.socket.resume();
  }

  /** Close after pending output is flushed; the first reason given is the one journaled. */
  end(reason: string): void {
    this.#reason ??= reason;
    if (this.#ending || this.#finished) return;
    this.#ending = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), END_GRACE_MS).unref();
  }

  destroy(reason: string): void {
    this.#reason ??= reason;
    this.#ending = true;
    this.socket.destroy();
    this.raw.destroy();
  }

  /** Implicit TLS (ssl listeners): handshake before anything else. False when it failed. */
  acceptImplicitTls(): Promise<boolean> {
    return this.#negotiate(false);
  }

  /**
   * STARTTLS/STLS after the OK was queued. Bytes the client sent after the command and before the
   * handshake were already consumed by the session and must be discarded (RFC 3501 6.2.1, RFC 2595
   * 3.1: plaintext injected before the handshake must not be acted on), which the caller does.
   */
  startTls(): Promise<boolean> {
    return this.#negotiate(true);
  }

  async #negotiate(upgrade: boolean): Promise<boolean> {
    this.raw.removeListener('data', this.#dataListener);
    // Until the handshake settles, its own outcome ends the session (so the journal says why).
    this.raw.removeListener('close', this.#closeListener);
    this.raw.pause();
    const { socket, done } = acceptTls(this.raw, this.opts.secureContext);
    socket.on('error', (err) => this.#noteError(err));
    this.socket = socket;
    const base = { kind: 'tls' as const, server: this.opts.server, localPort: this.localPort, remoteAddress: this.remoteAddress, service: this.opts.protocol };
    try {
      const r = await done;
      this.sni = r.sni;
      this.secure = true;
      if (upgrade) {
        this.upgraded = true;
        this.method = 'tls';
      }
      this.opts.record({ ...base, sni: r.sni, outcome: 'ok', protocol: r.protocol, certificate: r.certificate });
      socket.on('close', this.#closeListener);
      if (socket.destroyed) this.#finish();
      socket.on('data', this.#dataListener);
      return true;
    } catch (err) {
      const label = tlsErrorLabel(err);
      this.opts.record({ ...base, sni: null, outcome: label, protocol: null, certificate: null });
      this.destroy(`tls-handshake-failed: ${label}`);
      this.#finish();
      return false;
    }
  }

  #data(chunk: Buffer): void {
    if (this.#ending || this.#finished) return;
    this.bytesIn += chunk.length;
    this.#idle.refresh();
    this.#onData(chunk);
  }

  #idleFired(): void {
    if (this.#finished || this.#ending) return;
    this.#onIdle();
    this.end('idle-timeout');
  }

  #noteError(err: Error): void {
    this.#errorReason ??= `socket-error: ${(err as NodeJS.ErrnoException).code ?? err.message}`;
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#idle);
    this.socket.destroy();
    this.raw.destroy();
    this.opts.record({
      kind: 'mail',
      ...this.#connectionFields(),
      user: this.user,
      login: this.login,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      closeReason: this.#reason ?? this.#errorReason ?? 'client-closed',
      durationMs: Date.now() - this.startedAt,
    });
    try {
      this.#onClose();
    } finally {
      this.#resolveClosed();
    }
  }
}
