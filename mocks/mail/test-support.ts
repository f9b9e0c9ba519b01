/**
 * Test helpers for the mail mocks: a throwaway CA and a leaf certificate for `names` (and
 * 127.0.0.1), made with `openssl` from the PATH (EC P-256, fast) or, without it, node-forge.
 * Deliberately independent of harness/pki.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext } from 'node:tls';
import type { LoginResult, MailMessage } from './types.ts';

export interface TestPki {
  ca: string;
  cert: string;
  key: string;
  secureContext: SecureContext;
}

/** A CA and a server certificate for `names` + 127.0.0.1, valid for a day. */
export function makeTestPki(names: string[] = ['mail.test.lab']): TestPki {
  let pem: { ca: string; cert: string; key: string };
  try {
    pem = withOpenssl(names);
  } catch {
    pem = withForge(names);
  }
  return { ...pem, secureContext: createSecureContext({ key: pem.key, cert: pem.cert }) };
}

function withOpenssl(names: string[]): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mail-pki-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=Mail Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    run(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${names[0]}`]);
    const san = [...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
    run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '1', '-extfile', 'ext.cnf', '-out', 'leaf.crt']);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { ca: read('ca.crt'), cert: read('leaf.crt'), key: read('leaf.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withForge(names: string[]): { ca: string; cert: string; key: string } {
  const pair = () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const priv = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    return { priv, pub: forge.pki.setRsaPublicKey(priv.n, priv.e) };
  };
  const make = (subjectCn: string, pub: forge.pki.PublicKey, issuer: forge.pki.CertificateField[], signer: forge.pki.rsa.PrivateKey, ext: object[]) => {
    const c = forge.pki.createCertificate();
    c.publicKey = pub;
    c.serialNumber = `01${randomBytes(8).toString('hex')}`;
    c.validity.notBefore = new Date(Date.now() - 60_000);
    c.validity.notAfter = new Date(Date.now() + 86_400_000);
    c.setSubject([{ name: 'commonName', value: subjectCn }]);
    c.setIssuer(issuer);
    c.setExtensions(ext);
    c.sign(signer, forge.md.sha256.create());
    return c;
  };
  const ca = pair();
  const caCert = make('Mail Test CA', ca.pub, [{ name: 'commonName', value: 'Mail Test CA' }], ca.priv, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  const leaf = pair();
  const leafCert = make(names[0]!, leaf.pub, caCert.subject.attributes, ca.priv, [
    { name: 'basicConstraints', cA: false },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...names.map((value) => ({ type: 2, value })), { type: 7, ip: '127.0.0.1' }] },
  ]);
  return { ca: forge.pki.certificateToPem(caCert), cert: forge.pki.certificateToPem(leafCert), key: forge.pki.privateKeyToPem(leaf.priv) };
}

/** Three messages, one body with a line that starts with "." (dot-stuffing). */
export function sampleMessages(name = 'Red'): MailMessage[] {
  return ['Welcome to the lab', 'Migration weekend plan', 'Quarterly report'].map((subject, i) => ({
    subject: `${subject} (${name})`,
    from: 'admin@contoso.lab',
    date: new Date(Date.UTC(2014, 2, 10 + i, 9, 30)).toISOString(),
    body: `Hello ${name},\r\n\r\nThis is message ${i + 1}.\r\n.\r\n..two dots\r\n.A line that starts with a dot.\r\n`,
  }));
}

/** A login check with `red`/`Red-P@ss1` (ok), `grey` (wrong site), anything else refused. */
export function testLogin(user: string, pass: string): LoginResult {
  const name = user.replace(/^.*\\/, '').replace(/@.*$/, '').toLowerCase();
  if (name === 'grey') return { ok: false, reason: 'wrong-site' };
  if (name !== 'red') return { ok: false, reason: 'unknown-user' };
  if (pass !== 'Red-P@ss1') return { ok: false, reason: 'bad-credentials' };
  return { ok: true, user: 'red@contoso.lab', messages: sampleMessages('Red') };
}

/**
 * A raw line client for wire-level tests: send bytes, wait for a line matching a pattern (bounded),
 * upgrade to TLS in place. Every wait has a timeout; nothing sleeps.
 */
export class Wire {
  buffer = '';
  ended = false;
  #waiters: (() => void)[] = [];
  private constructor(public socket: Socket) {
    this.#listen(socket);
  }

  static async connect(port: number, o: { tls?: boolean; ca?: string; servername?: string } = {}): Promise<Wire> {
    const socket = o.tls
      ? tlsConnect({ host: '127.0.0.1', port, ca: o.ca, servername: o.servername ?? 'mail.test.lab' })
      : netConnect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(o.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new Wire(socket);
  }

  #listen(s: Socket): void {
    s.on('data', (d: Buffer) => {
      this.buffer += d.toString('latin1');
      this.#wake();
    });
    s.on('error', () => {});
    s.on('close', () => {
      this.ended = true;
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Wait until the received text matches `rx` (tested against everything received so far). */
  async until(rx: RegExp, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = rx.exec(this.buffer);
      if (m) return m[0];
      if (this.ended) throw new Error(`connection closed before ${rx}; got ${JSON.stringify(this.buffer.slice(-300))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${rx}; got ${JSON.stringify(this.buffer.slice(-300))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait for the server to close the connection. */
  async closed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`connection still open after ${timeoutMs} ms; got ${JSON.stringify(this.buffer.slice(-300))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** STARTTLS/STLS: wrap this socket in TLS and wait for the handshake. */
  async upgrade(ca: string, servername = 'mail.test.lab'): Promise<void> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const s = tlsConnect({ socket: this.socket, ca, servername });
    await new Promise<void>((resolve, reject) => {
      s.once('secureConnect', () => resolve());
      s.once('error', reject);
    });
    this.socket = s;
    this.buffer = '';
    this.#listen(s);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
