/**
 * `lab check` for one mail listener: imapflow (IMAP4) or our POP3 client, in the listener's method
 * (implicit TLS, STARTTLS/STLS, plaintext), logging in as a user the server serves when it has one.
 * Under SecureLogin a plaintext listener must refuse the login: that refusal is the expected result.
 */
import type { Lab } from './lab.ts';
import type { ServerSpec, UserSpec } from '../topology/index.ts';
import type { MockCas } from '../../mocks/cas/mock-cas.ts';
import { imapSession } from '../clients/imap.ts';
import { Pop3Client } from '../clients/pop3.ts';
import { labLookup } from '../clients/lab-agent.ts';
import type { CheckResult } from './check.ts';

type MailEntry = MockCas['mail'][number];

export async function checkMailEndpoint(lab: Lab, s: ServerSpec, m: MailEntry, user: UserSpec | undefined): Promise<CheckResult> {
  const endpoint = `${m.protocol} ${m.method} (${m.logicalPort})`;
  const lookup = labLookup(lab.hosts());
  const ca = lab.trustBundle();
  const loginType = s[m.protocol].loginType;
  // SecureLogin: "no plaintext login before TLS" (PROTOCOL-FACTS); a plain listener then refuses logins.
  const expectRefusal = m.method === 'plain' && loginType === 'SecureLogin';
  const who = user ?? lab.topology.users[0]!;
  try {
    if (m.protocol === 'imap4') {
      const r = await imapSession({
        host: s.fqdn, port: m.listener.port, servername: s.fqdn, ca, lookup,
        secure: m.method === 'ssl', starttls: m.method === 'tls' ? 'require' : 'never',
        user: who.samAccountName, pass: who.password, timeoutMs: 8000, actions: user ? ['list', 'select', 'fetch'] : [],
      });
      if (!user) return { server: s.fqdn, endpoint, ok: !r.ok, detail: `no local user; login of ${who.samAccountName} refused as expected: ${!r.ok}` };
      if (expectRefusal) return { server: s.fqdn, endpoint, ok: !r.ok, detail: r.ok ? 'plaintext login accepted under SecureLogin' : 'plaintext login refused (SecureLogin)' };
      return { server: s.fqdn, endpoint, ok: r.ok && (r.messages?.length ?? 0) > 0, detail: r.ok ? `${who.samAccountName}: ${r.messages?.length ?? 0} message(s) fetched` : `failed: ${r.error}` };
    }
    const c = new Pop3Client({ host: s.fqdn, port: m.listener.port, servername: s.fqdn, ca, lookup, tls: m.method === 'ssl', timeoutMs: 8000 });
    try {
      await c.connect();
      if (m.method === 'tls') await c.stls();
      try {
        await c.user(who.samAccountName);
        await c.pass(who.password);
      } catch (err) {
        const refused = true;
        if (!user || expectRefusal) return { server: s.fqdn, endpoint, ok: refused, detail: `login refused as expected (${(err as Error).message.slice(0, 60)})` };
        return { server: s.fqdn, endpoint, ok: false, detail: `login failed: ${(err as Error).message}` };
      }
      if (!user || expectRefusal) return { server: s.fqdn, endpoint, ok: false, detail: 'login accepted where a refusal was expected' };
      const stat = await c.stat();
      const msg = stat.count > 0 ? await c.retr(1) : '';
      await c.quit();
      return { server: s.fqdn, endpoint, ok: stat.count > 0 && msg.includes('Subject:'), detail: `${who.samAccountName}: ${stat.count} message(s), RETR 1 ${msg.length} bytes` };
    } finally {
      c.close();
    }
  } catch (err) {
    return { server: s.fqdn, endpoint, ok: false, detail: (err as Error).message };
  }
}
