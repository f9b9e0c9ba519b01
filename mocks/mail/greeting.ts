/**
 * What happens between accept and the first command, the same for both protocols: implicit TLS,
 * the greetingDelayMs and dropAfterGreeting faults (read once per connection), the greeting.
 */
import type { MailConnection } from './connection.ts';
import type { MailListenerOptions } from './types.ts';

/** Resolve true once the greeting is out and the session may read commands, false if it ended. */
export async function greet(conn: MailConnection, opts: MailListenerOptions, greeting: string): Promise<boolean> {
  if (opts.kind === 'ssl' && !(await conn.acceptImplicitTls())) return false;
  const faults = opts.faults?.() ?? {};
  const delay = faults.greetingDelayMs ?? 0;
  if (delay > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((r) => (timer = setTimeout(r, delay))), conn.closed]);
    clearTimeout(timer);
  }
  if (!conn.isOpen) return false;
  conn.write(greeting);
  if (faults.dropAfterGreeting) {
    conn.end('fault: drop-after-greeting');
    return false;
  }
  return true;
}

/** A TLS record header (0x16 handshake, version 3.x) where a plaintext command was expected. */
export function looksLikeTlsHello(chunk: Buffer): boolean {
  return chunk.length >= 2 && chunk[0] === 0x16 && chunk[1] === 0x03;
}
