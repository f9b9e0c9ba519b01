/**
 * The front door's four mail listeners: IMAP (plaintext + STARTTLS), IMAPS (implicit TLS), POP3
 * (plaintext + STLS), POP3S (implicit TLS). A connection cap per listener; bad input ends only the
 * connection that sent it.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { MailContext } from './session.ts';
import { serveImap } from './imap-front.ts';
import { servePop3 } from './pop3-front.ts';

export interface MailPorts {
  imap: number;
  imaps: number;
  pop3: number;
  pop3s: number;
}

export interface RunningMail {
  ports: MailPorts;
  close(): Promise<void>;
}

export async function listenMail(ctx: MailContext, host: string, ports: MailPorts, maxConnections: number): Promise<RunningMail> {
  const sockets = new Set<net.Socket>();
  const servers: net.Server[] = [];
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const serve = (fn: typeof serveImap, s: net.Socket, implicit: boolean) => {
    fn(ctx, s, implicit).catch((err) => ctx.log.write({ kind: 'bug', error: (err as Error).stack }));
  };
  const make = (kind: keyof MailPorts): net.Server => {
    const fn = kind.startsWith('imap') ? serveImap : servePop3;
    const implicit = kind.endsWith('s');
    const srv = implicit
      ? tls.createServer({ key: ctx.credentials.key, cert: ctx.credentials.cert }, (s) => serve(fn, s, true))
      : net.createServer((s) => serve(fn, s, false));
    srv.on('connection', (s: net.Socket) => {
      track(s);
      s.on('error', () => undefined);
    });
    if (implicit) srv.on('tlsClientError', (_e: Error, s: net.Socket) => s.destroy());
    srv.on('error', (err) => ctx.log.write({ kind: 'listener-error', listener: kind, error: err.message }));
    srv.maxConnections = maxConnections;
    return srv;
  };
  const bound: Partial<MailPorts> = {};
  for (const kind of ['imap', 'imaps', 'pop3', 'pop3s'] as const) {
    const srv = make(kind);
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(ports[kind], host, () => {
        srv.off('error', reject);
        resolve();
      });
    }).catch(async (err) => {
      await Promise.allSettled(servers.map((s) => new Promise((r) => s.close(r))));
      throw err;
    });
    servers.push(srv);
    bound[kind] = (srv.address() as net.AddressInfo).port;
  }
  return {
    ports: bound as MailPorts,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.allSettled(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}
