/**
 * Whether a candidate still accepts connections anywhere: a TCP connect to each of its ports, bounded.
 * A running candidate that refuses one port but accepts another does not serve that port's clients (a
 * candidate `fail`); one that accepts on none is down, whatever its process says (an `error`: a wrapper
 * script can outlive the proxy it started).
 * @example
 * await acceptsAny('127.0.1.10', [443, 993], 1000); // true
 * await accepts('127.0.1.10', 443, 500);             // the launcher's wait for a new candidate, too
 */
import { connect } from 'node:net';

/** True when `port` at `address` accepts a TCP connection within `timeoutMs`. */
export function accepts(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = connect({ host: address, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** True when one of `ports` (0s skipped) at `address` accepts a TCP connection within `timeoutMs`. */
export async function acceptsAny(address: string, ports: readonly number[], timeoutMs: number): Promise<boolean> {
  return (await Promise.all(ports.filter((p) => p > 0).map((port) => accepts(address, port, timeoutMs)))).some(Boolean);
}
