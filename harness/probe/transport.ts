/**
 * How the probe reaches the one server it was given: an undici Agent whose connector refuses any
 * other host before a packet leaves, logs every connection it opens, and speaks the TLS a 2007/2010
 * CAS speaks (Windows 2003/2008 R2 offer TLS 1.0 only by default, so TLS 1.0 is allowed and the
 * OpenSSL security level lowered: the probe reads public facts and sends no secret over an
 * unverified channel, see credentials.ts). Certificates are recorded, never required.
 */
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { ProbeScopeError } from './errors.ts';

/** TLS options of every probe connection (HTTP and mail). */
export interface ProbeTls {
  /** Extra trust anchors (--ca, or the lab's trust bundle); the system store otherwise. */
  ca?: string[];
  /** Name resolution (the lab's hosts list when probing a lab); the system resolver otherwise. */
  lookup?: LookupFunction;
}

/** One connection the probe opened (or was refused): the acceptance test reads these. */
export interface ConnectionNote {
  host: string;
  port: number;
  purpose: 'https' | 'tls-facts' | 'imap' | 'pop3';
  refused?: boolean;
}

/** Node TLS options for old Exchange: TLS 1.0 and up, legacy ciphers allowed, no session reuse. */
export function legacyTlsOptions(t: ProbeTls): { minVersion: 'TLSv1'; ciphers: string; rejectUnauthorized: false; ca?: string[]; lookup?: LookupFunction } {
  return { minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0', rejectUnauthorized: false, ...(t.ca ? { ca: t.ca } : {}), ...(t.lookup ? { lookup: t.lookup } : {}) };
}

/** Names compare as DNS does: case-insensitive, a trailing dot ignored, IPv6 brackets removed. */
export function sameHost(a: string, b: string): boolean {
  const n = (s: string) => s.toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
  return n(a) === n(b);
}

/** Throw unless `host` is one of `allowed` (recording the refusal first). */
export function guardHost(host: string, port: number, allowed: readonly string[], log: ConnectionNote[], purpose: ConnectionNote['purpose']): void {
  if (allowed.some((a) => sameHost(a, host))) {
    log.push({ host, port, purpose });
    return;
  }
  log.push({ host, port, purpose, refused: true });
  throw new ProbeScopeError(host, allowed);
}

/** A connector for undici (Agent or Client) that reaches `host` only and logs each connection. */
export function createProbeConnector(host: string, tls: ProbeTls, log: ConnectionNote[]): buildConnector.connector {
  const base = buildConnector({ ...legacyTlsOptions(tls), maxCachedSessions: 0 } as buildConnector.BuildOptions);
  return (opts, callback) => {
    try {
      guardHost(opts.hostname, Number(opts.port) || (opts.protocol === 'http:' ? 80 : 443), [host], log, 'https');
    } catch (err) {
      return callback(err as Error, null);
    }
    base(opts, callback);
  };
}

/**
 * An Agent for the target host only.
 * @example
 * const log: ConnectionNote[] = [];
 * const agent = createProbeAgent('cas-2010-sp2-ru1.probe.lab', { lookup: labLookup(lab.hosts()) }, log);
 */
export function createProbeAgent(host: string, tls: ProbeTls, log: ConnectionNote[]): Agent {
  return new Agent({ connect: createProbeConnector(host, tls, log), connections: 2 });
}
