#!/usr/bin/env node
/**
 * Negative-control candidate "slam the door": listens on every contract port and closes each
 * connection as soon as it is accepted (no TLS handshake, no answer). Under it no rule may pass
 * except those whose expected outcome is itself a refusal (test/controls/vacuity.ts).
 */
import { createServer } from 'node:net';

const env = process.env;
for (const port of [env.CAS_HTTPS_PORT, env.CAS_IMAPS_PORT, env.CAS_IMAP_PORT, env.CAS_POP3S_PORT, env.CAS_POP3_PORT]) {
  if (!port || Number(port) <= 0) continue;
  const server = createServer((s) => s.destroy());
  server.on('error', (e) => console.error(`${port}: ${e.message}`));
  server.listen(Number(port), env.CAS_LISTEN_ADDRESS);
}
process.on('SIGTERM', () => process.exit(0));
