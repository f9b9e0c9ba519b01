/**
 * IMAP4 as the probe sees it, without logging in: the greeting, CAPABILITY, STARTTLS when offered
 * on a plaintext start, CAPABILITY again, LOGOUT. PROTOCOL-FACTS: Exchange's banner is
 * `* OK The Microsoft Exchange IMAP4 service is ready.`; before TLS with SecureLogin the list has
 * LOGINDISABLED and STARTTLS, after TLS AUTH=PLAIN.
 */
import { MailLine } from './mail-line.ts';
import { describeError } from './http-step.ts';
import { guardHost, type ConnectionNote, type ProbeTls } from './transport.ts';
import type { MailFacts } from './schema.ts';
import type { MailEndpointArg } from './mail-endpoint.ts';

/** Tokens of a `* CAPABILITY ...` line (the word CAPABILITY itself left out). */
export function capabilityTokens(line: string): string[] {
  return line.replace(/^\*\s+CAPABILITY\s*/i, '').split(/\s+/).filter(Boolean);
}

/** LoginType from the list before TLS (Set-ImapSettings -LoginType; the mock's model for the plaintext forms). */
export function imapLoginHint(caps: string[]): MailFacts['loginTypeHint'] {
  const up = caps.map((c) => c.toUpperCase());
  if (!up.includes('LOGINDISABLED')) return 'PlainTextLogin';
  return up.includes('AUTH=PLAIN') ? 'PlainTextAuthentication' : 'SecureLogin';
}

/** Read one tagged command's answer: untagged lines, then the tagged one. */
async function command(c: MailLine, tag: string, cmd: string): Promise<{ untagged: string[]; tagged: string }> {
  c.write(`${tag} ${cmd}`);
  const untagged: string[] = [];
  for (let i = 0; i < 50; i++) {
    const line = await c.readLine();
    if (line.startsWith(`${tag} `)) return { untagged, tagged: line.slice(tag.length + 1) };
    untagged.push(line);
  }
  throw new Error(`no tagged answer to ${cmd}`);
}

export async function probeImap(ep: MailEndpointArg, tls: ProbeTls, log: ConnectionNote[], timeoutMs = 10_000): Promise<MailFacts> {
  const facts: MailFacts = { implicitTls: ep.implicitTls, banner: null, capabilities: null, starttls: null, loginTypeHint: null, tls: null };
  guardHost(ep.host, ep.port, [ep.host], log, 'imap');
  const c = new MailLine(ep.host, ep.port, tls, timeoutMs);
  try {
    await c.open(ep.implicitTls);
    facts.tls = c.tls;
    facts.banner = await c.readLine();
    const caps = capabilityTokens((await command(c, 'p1', 'CAPABILITY')).untagged.find((l) => /^\*\s+CAPABILITY/i.test(l)) ?? '');
    facts.capabilities = caps;
    if (!ep.implicitTls) {
      facts.loginTypeHint = imapLoginHint(caps);
      const offered = caps.some((x) => x.toUpperCase() === 'STARTTLS');
      facts.starttls = { offered, answer: null, capabilities: null };
      if (offered) {
        const a = await command(c, 'p2', 'STARTTLS');
        facts.starttls.answer = a.tagged;
        if (/^OK\b/i.test(a.tagged)) {
          await c.upgrade();
          facts.tls = c.tls;
          facts.starttls.capabilities = capabilityTokens((await command(c, 'p3', 'CAPABILITY')).untagged.find((l) => /^\*\s+CAPABILITY/i.test(l)) ?? '');
        }
      }
    }
    await command(c, 'p9', 'LOGOUT').catch(() => undefined);
  } catch (err) {
    facts.error = describeError(err);
  } finally {
    c.close();
  }
  return facts;
}
