/**
 * The POP3 face of the front door, in the AUTHORIZATION state: greeting, CAPA, STLS, USER/PASS,
 * AUTH PLAIN, QUIT (RFC 1939, RFC 2449, RFC 2595, RFC 5034), texts as Exchange writes them
 * (PROTOCOL-FACTS). After a good login the session is relayed to the legacy CAS.
 */
import type { Socket } from 'node:net';
import { LineReader, LineTooLongError } from './line-reader.ts';
import { relay } from './relay.ts';
import { loginAndConnect, upgradeClient, type MailContext } from './session.ts';

const TEXT = {
  greeting: '+OK The Microsoft Exchange POP3 service is ready.',
  invalidState: '-ERR Command is not valid in this state.',
  protocolError: '-ERR Protocol error. 14',
  logonFailure: '-ERR Logon failure: unknown user name or bad password.',
  unavailable: '-ERR [SYS/TEMP] The server is unavailable.',
  signOff: '+OK Microsoft Exchange Server POP3 server signing off.',
};
const PRE_AUTH_IDLE_MS = 120_000;
const MAX_BAD = 20;

/** Serve one POP3 client connection (`implicitTls`: the POP3S listener). */
export async function servePop3(ctx: MailContext, raw: Socket, implicitTls: boolean): Promise<void> {
  let socket: Socket = raw;
  let secure = implicitTls;
  const reader = new LineReader(socket, 1024);
  const write = (s: string) => void (socket.writable && socket.write(s));
  const log: Record<string, unknown> = { kind: 'mail', protocol: 'pop3', listener: implicitTls ? 'ssl' : 'plain', client: raw.remoteAddress };
  socket.on('error', () => undefined);
  write(`${TEXT.greeting}\r\n`);
  let pendingUser: string | undefined;
  let bad = 0;
  try {
    for (;;) {
      const line = await reader.line(PRE_AUTH_IDLE_MS);
      if (line === null) break;
      const sp = line.indexOf(' ');
      const name = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
      const rest = sp < 0 ? '' : line.slice(sp + 1);
      let login: { user: string; pass: string; ok: string } | undefined;
      if (name === 'CAPA') {
        write(['+OK', 'TOP', 'UIDL', ...(secure ? [] : ['STLS']), 'USER', 'SASL PLAIN', '.'].join('\r\n') + '\r\n');
      } else if (name === 'STLS' && !secure) {
        write('+OK Begin TLS negotiation.\r\n');
        reader.detach();
        reader.takeBuffered(); // RFC 2595: nothing pipelined before TLS is interpreted after it
        socket = await upgradeClient(raw, ctx.secureContext, 30_000);
        socket.on('error', () => undefined);
        reader.attach(socket);
        secure = true;
        pendingUser = undefined;
        log.starttls = true;
      } else if (name === 'USER') {
        if (!rest.trim()) write(`${TEXT.protocolError}\r\n`);
        else {
          pendingUser = rest.trim();
          write('+OK\r\n');
        }
      } else if (name === 'PASS') {
        if (!pendingUser) write(`${TEXT.invalidState}\r\n`);
        else login = { user: pendingUser, pass: rest, ok: '+OK User successfully logged on.' };
      } else if (name === 'AUTH' && rest.split(' ')[0]?.toUpperCase() === 'PLAIN') {
        let ir = rest.split(' ')[1];
        if (!ir) {
          write('+ \r\n');
          ir = (await reader.line(PRE_AUTH_IDLE_MS)) ?? '*';
        }
        const parts = ir === '*' ? [] : Buffer.from(ir, 'base64').toString('utf8').split('\0');
        if (parts.length !== 3 || !parts[1]) write(`-ERR ${ir === '*' ? 'AUTH cancelled.' : 'Logon failure: unknown user name or bad password.'}\r\n`);
        else login = { user: parts[1]!, pass: parts[2]!, ok: '+OK User successfully authenticated.' };
      } else if (name === 'QUIT') {
        write(`${TEXT.signOff}\r\n`);
        break;
      } else {
        write(`${TEXT.invalidState}\r\n`);
        if (++bad >= MAX_BAD) break;
      }
      if (!login) continue;
      pendingUser = undefined;
      log.user = login.user;
      const r = await loginAndConnect(ctx, 'pop3', login.user, login.pass, secure);
      if (!r.ok) {
        log.outcome = r.why;
        log.detail = r.detail;
        write(`${r.why === 'credentials' ? TEXT.logonFailure : TEXT.unavailable}\r\n`);
        continue;
      }
      Object.assign(log, { outcome: 'relayed', target: r.endpoint, method: r.method, clientEncrypted: secure });
      reader.detach();
      write(`${login.ok}\r\n`);
      Object.assign(log, await relay(socket, r.target.socket, reader.takeBuffered(), r.target.leftover, 30 * 60_000));
      return;
    }
  } catch (err) {
    log.error = err instanceof LineTooLongError ? 'line too long' : (err as Error).message;
    if (err instanceof LineTooLongError) write('-ERR Command line too long.\r\n');
  } finally {
    ctx.log.write(log as { kind: string });
    socket.end();
    setTimeout(() => socket.destroy(), 1_000).unref();
  }
}
