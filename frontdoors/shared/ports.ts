/**
 * Check before launch that every port a proxy will listen on is free, so a taken port is an error
 * naming it (`127.0.1.10:41181 (https) is already in use`) instead of a proxy's exit code.
 * The check binds and releases at once; a race with another process remains possible and then the
 * proxy's own bind error (in its output) says the same.
 */
import { createServer } from 'node:net';
import { PortTakenError } from './errors.ts';

/** Resolve when address:port can be bound; reject with the OS error code otherwise. */
function tryBind(address: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    s.listen({ host: address, port, exclusive: true }, () => s.close(() => resolve(null)));
  });
}

/**
 * Throw PortTakenError naming every port of `ports` (label -> port) that cannot be bound on address.
 * Port 0 entries are skipped (not listened on).
 * @example
 * await assertPortsFree('127.0.1.10', { https: 41181, imaps: 41183 });
 */
export async function assertPortsFree(address: string, ports: Record<string, number>): Promise<void> {
  const taken: string[] = [];
  for (const [label, port] of Object.entries(ports)) {
    if (!port) continue;
    const err = await tryBind(address, port);
    if (err) taken.push(`${address}:${port} (${label}) ${err === 'EADDRINUSE' ? 'is already in use' : `cannot be bound: ${err}`}`);
  }
  if (taken.length) throw new PortTakenError(taken.join('; '));
}
