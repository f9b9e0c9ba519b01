#!/usr/bin/env node
/**
 * Negative-control candidate "do nothing, say yes": terminates TLS on every contract port and answers
 * `200 ok` to every HTTP request; on the mail ports it greets, says OK to every command and accepts
 * every login. It never reaches a mock CAS. Under it no rule may pass except those whose expected
 * outcome is itself a refusal (test/controls/vacuity.ts lists them with the reason).
 */
import { createServer as createTls } from 'node:tls';
import { createServer as createTcp } from 'node:net';
import { createServer as createHttps } from 'node:https';
import { readFileSync } from 'node:fs';

const env = process.env;
const tls = { cert: readFileSync(env.CAS_CERT_FILE), key: readFileSync(env.CAS_KEY_FILE) };
const host = env.CAS_LISTEN_ADDRESS;

createHttps(tls, (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
}).listen(Number(env.CAS_HTTPS_PORT), host);

/** A line protocol that says yes to everything (IMAP tags echoed with OK, POP3 +OK). */
function yes(socket, kind) {
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  socket.write(kind === 'imap' ? '* OK ready\r\n' : '+OK ready\r\n');
  let buf = '';
  socket.on('data', (d) => {
    buf += d;
    if (buf.length > 65536) return socket.destroy();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      if (kind === 'imap') {
        const [tag, cmd = ''] = line.split(' ');
        if (/^LOGOUT$/i.test(cmd)) { socket.end(`* BYE\r\n${tag} OK LOGOUT\r\n`); return; }
        if (/^CAPABILITY$/i.test(cmd)) socket.write('* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n');
        socket.write(`${tag} OK ${cmd} completed\r\n`);
      } else {
        if (/^QUIT/i.test(line)) { socket.end('+OK bye\r\n'); return; }
        if (/^(RETR|LIST|CAPA|UIDL|TOP)/i.test(line)) socket.write('+OK\r\n.\r\n');
        else socket.write('+OK\r\n');
      }
    }
  });
}

for (const [port, kind, secure] of [[env.CAS_IMAPS_PORT, 'imap', true], [env.CAS_IMAP_PORT, 'imap', false], [env.CAS_POP3S_PORT, 'pop3', true], [env.CAS_POP3_PORT, 'pop3', false]]) {
  if (!port || Number(port) <= 0) continue;
  const server = secure ? createTls(tls, (s) => yes(s, kind)) : createTcp((s) => yes(s, kind));
  server.on('error', (e) => console.error(`${kind} ${port}: ${e.message}`));
  server.listen(Number(port), host);
}
process.on('SIGTERM', () => process.exit(0));
