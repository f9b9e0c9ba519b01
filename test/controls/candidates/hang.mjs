#!/usr/bin/env node
/**
 * Negative-control candidate "hung": listens on every contract port, accepts each connection and never
 * answers (no TLS handshake, no byte). Rules that keep going past unanswered requests must still end
 * within one client timeout with an error naming the hang (suites/support/answer-watch.ts).
 */
import { createServer } from 'node:net';

const env = process.env;
const held = new Set();
for (const port of [env.CAS_HTTPS_PORT, env.CAS_IMAPS_PORT, env.CAS_IMAP_PORT, env.CAS_POP3S_PORT, env.CAS_POP3_PORT]) {
  if (!port || Number(port) <= 0) continue;
  const server = createServer((s) => {
    held.add(s);
    s.on('error', () => {});
    s.on('close', () => held.delete(s));
  });
  server.on('error', (e) => console.error(`${port}: ${e.message}`));
  server.listen(Number(port), env.CAS_LISTEN_ADDRESS);
}
process.on('SIGTERM', () => process.exit(0));
