/**
 * Once both sides are logged in, the session's bytes go both ways unchanged (001: "IMAP and POP clients
 * are also proxied from the Exchange 2013 Client Access server to a target server"). Backpressure by
 * pipe; either side closing closes the other; an idle session is closed after `idleMs`.
 */
import type { Socket } from 'node:net';

export interface RelayResult {
  bytesIn: number;
  bytesOut: number;
  reason: string;
}

/** Relay until either side closes. `clientRest`/`targetRest` are bytes already read from each side. */
export function relay(client: Socket, target: Socket, clientRest: Buffer, targetRest: Buffer, idleMs: number): Promise<RelayResult> {
  return new Promise((resolve) => {
    let bytesIn = clientRest.length;
    let bytesOut = targetRest.length;
    let done = false;
    const finish = (reason: string) => {
      if (done) return;
      done = true;
      client.destroy();
      target.destroy();
      resolve({ bytesIn, bytesOut, reason });
    };
    client.on('data', (c: Buffer) => (bytesIn += c.length));
    target.on('data', (c: Buffer) => (bytesOut += c.length));
    client.setTimeout(idleMs, () => finish('idle'));
    client.on('error', () => finish('client-error'));
    target.on('error', () => finish('target-error'));
    client.once('close', () => finish('client-closed'));
    target.once('close', () => finish('target-closed'));
    if (targetRest.length) client.write(targetRest);
    if (clientRest.length) target.write(clientRest);
    client.pipe(target);
    target.pipe(client);
    client.resume();
    target.resume();
  });
}
