/**
 * The front door's side of a proxied POP3/IMAP4 session: connect to the chosen legacy endpoint with
 * its method (SSL = implicit TLS, TLS = STARTTLS/STLS, plain = neither; PROTOCOL-FACTS), read the
 * greeting, upgrade, and log the user in with the credentials the client gave. Then the session's
 * bytes are relayed unchanged (relay.ts). Every step is bounded in time; any failure is an error the
 * client sees as NO / -ERR.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { MailProtocol } from '../../../harness/topology/directory-contract.ts';
import type { MailAttempt } from '../routing/mail-routes.ts';
import type { HostsTable } from '../net/hosts.ts';
import type { Trust } from '../net/connector.ts';
import { LineReader } from './line-reader.ts';

export interface TargetOptions {
  hosts: HostsTable;
  ca: string | undefined;
  trustOf: (hostname: string) => Trust;
  timeoutMs: number;
}

export class TargetError extends Error {
  readonly code = 'FRONTDOOR_MAIL_TARGET';
  constructor(message: string, readonly stage: 'connect' | 'greeting' | 'tls' | 'login') {
    super(message);
  }
}

export interface OpenTarget {
  socket: net.Socket;
  /** Bytes the target sent after its login answer (relayed to the client first). */
  leftover: Buffer;
}

function tlsOptions(o: TargetOptions, host: string): tls.ConnectionOptions {
  const verify = o.trustOf(host) === 'verify';
  return { servername: host, rejectUnauthorized: verify, ...(verify && o.ca ? { ca: o.ca } : {}) };
}

function once<T>(p: Promise<T>, ms: number, what: string, stage: TargetError['stage']): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TargetError(`${what} timed out`, stage)), ms)))]).finally(() => clearTimeout(timer));
}

async function connect(a: MailAttempt, o: TargetOptions): Promise<net.Socket> {
  const address = o.hosts.resolve(a.host);
  if (!address) throw new TargetError(`${a.host} is not in the hosts file`, 'connect');
  return once(
    new Promise<net.Socket>((resolve, reject) => {
      const s = a.method === 'ssl' ? tls.connect({ host: address, port: a.port, ...tlsOptions(o, a.host) }) : net.connect({ host: address, port: a.port });
      s.once(a.method === 'ssl' ? 'secureConnect' : 'connect', () => resolve(s));
      s.once('error', (e) => reject(new TargetError(`connect to ${a.host}:${a.port} (${a.method}): ${e.message}`, a.method === 'ssl' ? 'tls' : 'connect')));
    }),
    o.timeoutMs, `connect to ${a.host}:${a.port}`, 'connect',
  );
}

async function upgrade(socket: net.Socket, a: MailAttempt, o: TargetOptions): Promise<net.Socket> {
  return once(
    new Promise<net.Socket>((resolve, reject) => {
      const t = tls.connect({ socket, ...tlsOptions(o, a.host) });
      t.once('secureConnect', () => resolve(t));
      t.once('error', (e) => reject(new TargetError(`TLS with ${a.host}: ${e.message}`, 'tls')));
    }),
    o.timeoutMs, 'TLS handshake', 'tls',
  );
}

/** IMAP quoted string (RFC 3501 9: quoted-specials escaped); null when only a literal could carry it. */
export function imapQuote(s: string): string | null {
  if (/[\r\n\0]/.test(s) || /[^\x20-\x7e]/.test(s)) return null;
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Open a logged-in session on the target.
 * @example
 * const t = await openTarget('imap4', attempt, { login: 'CONTOSO\\red', password }, options);
 * client.pipe(t.socket); t.socket.pipe(client);
 */
export async function openTarget(protocol: MailProtocol, a: MailAttempt, creds: { login: string; password: string }, o: TargetOptions): Promise<OpenTarget> {
  let socket = await connect(a, o);
  socket.on('error', () => undefined); // errors surface through the reader; never an unhandled event
  let reader = new LineReader(socket);
  const line = async (stage: TargetError['stage']) => {
    const l = await reader.line(o.timeoutMs);
    if (l === null) throw new TargetError(`${a.host} closed the connection`, stage);
    return l;
  };
  try {
    const greeting = await line('greeting');
    if (protocol === 'imap4' ? !/^\* OK\b/i.test(greeting) : !/^\+OK\b/i.test(greeting)) throw new TargetError(`unexpected greeting: ${greeting.slice(0, 80)}`, 'greeting');
    if (protocol === 'imap4') {
      // Untagged lines before the tagged answer are skipped (CAPABILITY and friends).
      const tagged = async (tag: string, stage: TargetError['stage']) => {
        for (let i = 0; i < 100; i++) {
          const l = await line(stage);
          if (l.startsWith(`${tag} `)) return l;
        }
        throw new TargetError('too many untagged lines', stage);
      };
      if (a.method === 'tls') {
        socket.write('fd1 STARTTLS\r\n');
        const ok = await tagged('fd1', 'tls');
        if (!/^fd1 OK\b/i.test(ok)) throw new TargetError(`STARTTLS refused: ${ok.slice(0, 80)}`, 'tls');
        reader.detach();
        socket = await upgrade(socket, a, o);
        socket.on('error', () => undefined);
        reader = new LineReader(socket);
      }
      const user = imapQuote(creds.login);
      const pass = imapQuote(creds.password);
      if (user && pass) socket.write(`fd2 LOGIN ${user} ${pass}\r\n`);
      else {
        // Non-ASCII credentials: literals (RFC 3501 4.3), synchronising, one at a time.
        const u = Buffer.from(creds.login, 'utf8');
        const p = Buffer.from(creds.password, 'utf8');
        socket.write(`fd2 LOGIN {${u.length}}\r\n`);
        if (!(await line('login')).startsWith('+')) throw new TargetError('literal refused', 'login');
        socket.write(Buffer.concat([u, Buffer.from(` {${p.length}}\r\n`)]));
        if (!(await line('login')).startsWith('+')) throw new TargetError('literal refused', 'login');
        socket.write(Buffer.concat([p, Buffer.from('\r\n')]));
      }
      const ok = await tagged('fd2', 'login');
      if (!/^fd2 OK\b/i.test(ok)) throw new TargetError(`LOGIN refused: ${ok.slice(0, 80)}`, 'login');
    } else {
      if (a.method === 'tls') {
        socket.write('STLS\r\n');
        const ok = await line('tls');
        if (!ok.startsWith('+OK')) throw new TargetError(`STLS refused: ${ok.slice(0, 80)}`, 'tls');
        reader.detach();
        socket = await upgrade(socket, a, o);
        socket.on('error', () => undefined);
        reader = new LineReader(socket);
      }
      socket.write(`USER ${creds.login}\r\n`);
      const u = await line('login');
      if (!u.startsWith('+OK')) throw new TargetError(`USER refused: ${u.slice(0, 80)}`, 'login');
      socket.write(`PASS ${creds.password}\r\n`);
      const p = await line('login');
      if (!p.startsWith('+OK')) throw new TargetError(`PASS refused: ${p.slice(0, 80)}`, 'login');
    }
    reader.detach();
    return { socket, leftover: reader.takeBuffered() };
  } catch (err) {
    socket.destroy();
    throw err instanceof TargetError ? err : new TargetError((err as Error).message, 'login');
  }
}
