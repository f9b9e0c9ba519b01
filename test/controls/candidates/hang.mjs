#!/usr/bin/env node
/**
 * Negative-control candidate "hung": listens on every contract port, accepts each connection and never
 * answers. With `--tls` it first completes the TLS handshake on the HTTPS, IMAPS and POP3S ports with the
 * contract's certificate (a proxy that terminates TLS and then stalls), else it sends not one byte. Rules
 * that keep going past unanswered requests must still end within one client timeout with an error naming
 * the hang (test/controls/hung.ts).
 */
import { createServer as createTcpServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';

const env = process.env;
const tls = process.argv.includes('--tls') ? { key: readFileSync(env.CAS_KEY_FILE), cert: readFileSync(env.CAS_CERT_FILE) } : null;
const held = new Set();
const hold = (s) => {
  held.add(s);
  s.on('error', () => {});
  s.on('close', () => held.delete(s));
};
for (const [name, secure] of [['CAS_HTTPS_PORT', true], ['CAS_IMAPS_PORT', true], ['CAS_POP3S_PORT', true], ['CAS_IMAP_PORT', false], ['CAS_POP3_PORT', false]]) {
  const port = Number(env[name]);
  if (!port) continue;
  const server = tls && secure ? createTlsServer(tls, hold) : createTcpServer(hold);
  server.on('error', (e) => console.error(`${port}: ${e.message}`));
  server.listen(port, env.CAS_LISTEN_ADDRESS);
}
process.on('SIGTERM', () => process.exit(0));
