/**
 * POP3 as the probe sees it, without logging in: the greeting, CAPA, STLS when offered on a
 * plaintext start, CAPA again, QUIT. PROTOCOL-FACTS: `+OK The Microsoft Exchange POP3 service is
 * ready.`; CAPA before TLS with SecureLogin only `TOP`, `UIDL`, `STLS`; after TLS
 * `SASL NTLM GSSAPI PLAIN` and `USER`.
 */
import { MailLine } from './mail-line.ts';
import { describeError } from './http-step.ts';
import { guardHost, type ConnectionNote, type ProbeTls } from './transport.ts';
import type { MailFacts } from './schema.ts';
import type { MailEndpointArg } from './mail-endpoint.ts';

/** LoginType from CAPA before TLS (Set-PopSettings -LoginType; the mock's model for the plaintext forms). */
export function popLoginHint(capa: string[]): MailFacts['loginTypeHint'] {
  const up = capa.map((c) => c.toUpperCase());
  if (up.includes('USER')) return 'PlainTextLogin';
  return up.some((c) => /^SASL\b.*\bPLAIN\b/.test(c)) ? 'PlainTextAuthentication' : 'SecureLogin';
}

/** A status line's text, or throw on -ERR. */
async function status(c: MailLine): Promise<string> {
  const line = await c.readLine();
  if (!line.startsWith('+OK')) throw Object.assign(new Error(line.slice(0, 200)), { code: line.startsWith('-ERR') ? line.slice(0, 200) : 'protocol' });
  return line;
}

async function capa(c: MailLine): Promise<string[]> {
  c.write('CAPA');
  await status(c);
  const lines: string[] = [];
  for (let i = 0; i < 100; i++) {
    const l = await c.readLine();
    if (l === '.') return lines;
    lines.push(l);
  }
  throw new Error('CAPA list not terminated');
}

export async function probePop3(ep: MailEndpointArg, tls: ProbeTls, log: ConnectionNote[], timeoutMs = 10_000): Promise<MailFacts> {
  const facts: MailFacts = { implicitTls: ep.implicitTls, banner: null, capabilities: null, starttls: null, loginTypeHint: null, tls: null };
  guardHost(ep.host, ep.port, [ep.host], log, 'pop3');
  const c = new MailLine(ep.host, ep.port, tls, timeoutMs);
  try {
    await c.open(ep.implicitTls);
    facts.tls = c.tls;
    facts.banner = await status(c);
    const list = await capa(c);
    facts.capabilities = list;
    if (!ep.implicitTls) {
      facts.loginTypeHint = popLoginHint(list);
      const offered = list.some((x) => x.toUpperCase() === 'STLS');
      facts.starttls = { offered, answer: null, capabilities: null };
      if (offered) {
        c.write('STLS');
        const answer = await c.readLine();
        facts.starttls.answer = answer;
        if (answer.startsWith('+OK')) {
          await c.upgrade();
          facts.tls = c.tls;
          facts.starttls.capabilities = await capa(c);
        }
      }
    }
    c.write('QUIT');
    await c.readLine().catch(() => undefined);
  } catch (err) {
    facts.error = describeError(err);
  } finally {
    c.close();
  }
  return facts;
}
