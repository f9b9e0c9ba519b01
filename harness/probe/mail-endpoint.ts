/**
 * `--imap host:port[:SSL|TLS]` and `--pop3 ...`, written as Exchange writes InternalConnectionSettings
 * (PROTOCOL-FACTS: SSL = implicit TLS, TLS = STARTTLS/STLS). Without a suffix, 993 and 995 are
 * implicit TLS and any other port starts in plaintext (STARTTLS/STLS is used when offered).
 */
import { ProbeError } from './errors.ts';

export interface MailEndpointArg {
  host: string;
  port: number;
  implicitTls: boolean;
}

export function parseMailEndpoint(option: string, value: string): MailEndpointArg {
  const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})(?::(SSL|TLS))?$/i.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) throw new ProbeError(`${option} must look like host:port, host:port:SSL or host:port:TLS (got "${value}")`);
  const enc = m[3]?.toUpperCase();
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port, implicitTls: enc ? enc === 'SSL' : port === 993 || port === 995 };
}
