/**
 * The IMAP4 face of the front door, before login: greeting, CAPABILITY, NOOP, LOGOUT, STARTTLS,
 * LOGIN and AUTHENTICATE PLAIN (RFC 3501, RFC 2595, RFC 4616), texts as Exchange writes them
 * (PROTOCOL-FACTS). Plaintext login is allowed on a plaintext session (001 proxies plaintext sessions:
 * "If the incoming connection is over a plaintext channel..."). After a good login the session is
 * relayed to the legacy CAS; the client's further commands are the target's business.
 */
import type { Socket } from 'node:net';
import { LineReader, LineTooLongError } from './line-reader.ts';
import { relay } from './relay.ts';
import { loginAndConnect, upgradeClient, type MailContext } from './session.ts';

const TEXT = {
  greeting: '* OK The Microsoft Exchange IMAP4 service is ready.',
  invalidState: 'Command received in Invalid state.',
  commandError: 'Command Error. 10',
  argumentError: 'Command Argument Error. 11',
  loginFailed: 'LOGIN failed.',
  authFailed: 'AUTHENTICATE failed.',
  unavailable: '[UNAVAILABLE] The server is unavailable.',
};
const PRE_AUTH_IDLE_MS = 120_000;
const MAX_LITERAL = 4 * 1024;
const MAX_BAD = 20;

/** Split an IMAP command line into tag, command and string arguments (atoms, quoted, literals). */
export async function readImapCommand(reader: LineReader, write: (s: string) => void): Promise<{ tag: string; name: string; args: string[] } | null> {
  let line = await reader.line(PRE_AUTH_IDLE_MS);
  if (line === null) return null;
  const args: string[] = [];
  let head: string[] | undefined;
  for (let guard = 0; guard < 16; guard++) {
    const lit = /\{(\d{1,6})(\+?)\}$/.exec(line);
    const text = lit ? line.slice(0, lit.index) : line;
    const tokens = tokenize(text);
    if (!tokens) return { tag: line.split(' ')[0] || '*', name: '', args: [] };
    if (!head) {
      head = tokens.splice(0, 2);
    }
    args.push(...tokens);
    if (!lit) break;
    const n = Number(lit[1]);
    if (n > MAX_LITERAL) return { tag: head[0] ?? '*', name: '', args: [] };
    if (!lit[2]) write('+ Ready for additional command text.\r\n');
    const bytes = await reader.bytes(n, PRE_AUTH_IDLE_MS);
    if (!bytes) return null;
    args.push(bytes.toString('utf8'));
    const rest = await reader.line(PRE_AUTH_IDLE_MS);
    if (rest === null) return null;
    line = rest;
  }
  return { tag: head?.[0] ?? '*', name: (head?.[1] ?? '').toUpperCase(), args };
}

/** Atoms and quoted strings of one line part; null when a quote is not closed. */
function tokenize(s: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === ' ') {
      i++;
      continue;
    }
    if (s[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= s.length) return null;
        const c = s[i]!;
        if (c === '\\' && i + 1 < s.length) {
          v += s[i + 1];
          i += 2;
          continue;
        }
        if (c === '"') {
          i++;
          break;
        }
        v += c;
        i++;
      }
      out.push(v);
      continue;
    }
    const j = s.indexOf(' ', i);
    out.push(j < 0 ? s.slice(i) : s.slice(i, j));
    i = j < 0 ? s.length : j;
  }
  return out;
}

/** Serve one IMAP client connection (`implicitTls`: the IMAPS listener). */
export async function serveImap(ctx: MailContext, raw: Socket, implicitTls: boolean): Promise<void> {
  let socket: Socket = raw;
  let secure = implicitTls;
  const reader = new LineReader(socket);
  const write = (s: string) => void (socket.writable && socket.write(s));
  const log: Record<string, unknown> = { kind: 'mail', protocol: 'imap4', listener: implicitTls ? 'ssl' : 'plain', client: raw.remoteAddress };
  socket.on('error', () => undefined);
  write(`${TEXT.greeting}\r\n`);
  let bad = 0;
  try {
    for (;;) {
      const cmd = await readImapCommand(reader, write);
      if (!cmd) break;
      const { tag, name, args } = cmd;
      if (name === 'CAPABILITY') {
        const caps = ['IMAP4', 'IMAP4rev1', 'AUTH=PLAIN', ...(secure ? [] : ['STARTTLS']), 'IDLE', 'NAMESPACE', 'LITERAL+'];
        write(`* CAPABILITY ${caps.join(' ')}\r\n${tag} OK CAPABILITY completed.\r\n`);
      } else if (name === 'NOOP') {
        write(`${tag} OK NOOP completed.\r\n`);
      } else if (name === 'LOGOUT') {
        write(`* BYE Microsoft Exchange Server IMAP4 server signing off.\r\n${tag} OK LOGOUT completed.\r\n`);
        break;
      } else if (name === 'ID') {
        write(`* ID NIL\r\n${tag} OK ID completed.\r\n`);
      } else if (name === 'STARTTLS' && !secure) {
        write(`${tag} OK Begin TLS negotiation now.\r\n`);
        // RFC 3501 6.2.1: anything the client pipelined after STARTTLS is dropped, never interpreted.
        reader.detach();
        reader.takeBuffered();
        socket = await upgradeClient(raw, ctx.secureContext, 30_000);
        socket.on('error', () => undefined);
        reader.attach(socket);
        secure = true;
        log.starttls = true;
      } else if (name === 'LOGIN' || (name === 'AUTHENTICATE' && args[0]?.toUpperCase() === 'PLAIN')) {
        let user: string | undefined;
        let pass: string | undefined;
        if (name === 'LOGIN') {
          if (args.length !== 2) {
            write(`${tag} BAD ${TEXT.argumentError}\r\n`);
            continue;
          }
          [user, pass] = args as [string, string];
        } else {
          let ir = args[1];
          if (!ir) {
            write('+ \r\n');
            ir = (await reader.line(PRE_AUTH_IDLE_MS)) ?? '*';
          }
          if (ir === '*') {
            write(`${tag} BAD AUTHENTICATE cancelled.\r\n`);
            continue;
          }
          const parts = Buffer.from(ir, 'base64').toString('utf8').split('\0');
          if (parts.length !== 3 || !parts[1]) {
            write(`${tag} NO ${TEXT.authFailed}\r\n`);
            continue;
          }
          [, user, pass] = parts as [string, string, string];
        }
        log.user = user;
        const r = await loginAndConnect(ctx, 'imap4', user, pass, secure);
        if (!r.ok) {
          log.outcome = r.why;
          log.detail = r.detail;
          write(`${tag} NO ${r.why === 'credentials' ? (name === 'LOGIN' ? TEXT.loginFailed : TEXT.authFailed) : TEXT.unavailable}\r\n`);
          continue;
        }
        Object.assign(log, { outcome: 'relayed', target: r.endpoint, method: r.method, clientEncrypted: secure });
        reader.detach();
        write(`${tag} OK ${name} completed.\r\n`);
        const result = await relay(socket, r.target.socket, reader.takeBuffered(), r.target.leftover, 30 * 60_000);
        Object.assign(log, result);
        return;
      } else {
        write(`${tag} BAD ${name ? TEXT.invalidState : TEXT.commandError}\r\n`);
        if (++bad >= MAX_BAD) break;
      }
    }
  } catch (err) {
    log.error = err instanceof LineTooLongError ? 'line too long' : (err as Error).message;
    if (err instanceof LineTooLongError) write('* BAD Command line too long.\r\n');
  } finally {
    ctx.log.write(log as { kind: string });
    socket.end();
    setTimeout(() => socket.destroy(), 1_000).unref();
  }
}
