/**
 * Faults the control API injects per server and endpoint (ARCHITECTURE.md "Control API"):
 * HTTP 502/503/504, connection refused, reset, delay, TLS failure (per HTTP vdir or the whole server),
 * and for mail: a method switched off, drop after greeting, slow greeting, login refused.
 */
import { z } from 'zod';
import type { HttpFault } from '../../mocks/cas/context.ts';
import type { MailFaults } from '../../mocks/mail/index.ts';

export const FaultSpecSchema = z.strictObject({
  server: z.string().min(1),
  /** HTTP: a vdir (owa, eas, ews, autodiscover, oab, ecp, powershell, rpc) or `*`; mail: `imap4:ssl`, `pop3:tls`, `imap4:*`… */
  endpoint: z.string().regex(/^(\*|owa|eas|ews|autodiscover|oab|ecp|powershell|rpc|https|(imap4|pop3):(ssl|tls|plain|\*))$/, 'must be a vdir, *, https, or imap4|pop3:ssl|tls|plain|*'),
  kind: z.enum(['status', 'refuse', 'reset', 'delay', 'tls-failure', 'mail-off', 'drop-after-greeting', 'slow-greeting', 'refuse-login']),
  status: z.union([z.literal(502), z.literal(503), z.literal(504)]).optional(),
  delayMs: z.number().int().min(0).max(120_000).optional(),
  /** Only requests with this User-Agent (e.g. `HttpProxy.ClientAccessServer2010Ping`). */
  userAgent: z.string().optional(),
  /**
   * `probes`: only requests that are not a user's, whatever their User-Agent: Exchange 2013's ping, or
   * any GET/HEAD/OPTIONS with neither Authorization nor Cookie (HAProxy's httpchk, Caddy's health_uri).
   * User traffic always carries credentials or a session, so it keeps its normal answer and only the
   * candidate's health state can move it away (issue 12: judge failover, not the probe's fingerprint).
   */
  only: z.enum(['probes']).optional(),
});
export type FaultSpec = z.infer<typeof FaultSpecSchema>;
export interface ActiveFault extends FaultSpec {
  id: string;
}

/** Active faults at most (a lab needs a handful; the bound keeps hostile callers from growing it). */
export const MAX_FAULTS = 1000;

export class FaultTable {
  #faults = new Map<string, ActiveFault>();
  #next = 1;
  #listeners = new Set<(f: ActiveFault[]) => void>();

  inject(spec: FaultSpec): ActiveFault {
    if (spec.kind === 'status' && !spec.status) throw new RangeError('status: a status fault needs status 502, 503 or 504');
    // Bounded: every change re-applies the table to every mock; a runaway script must not grow it forever.
    if (this.#faults.size >= MAX_FAULTS) throw new RangeError(`too many active faults (${MAX_FAULTS}): DELETE /faults first`);
    const f = { ...spec, id: `f${this.#next++}` };
    this.#faults.set(f.id, f);
    this.#changed();
    return f;
  }

  clear(id?: string): boolean {
    const had = id ? this.#faults.delete(id) : this.#faults.size > 0;
    if (!id) this.#faults.clear();
    this.#changed();
    return had;
  }

  list(): ActiveFault[] {
    return [...this.#faults.values()];
  }

  onChange(fn: (f: ActiveFault[]) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #changed(): void {
    const l = this.list();
    for (const fn of this.#listeners) fn(l);
  }

  /** The HTTP fault for a request to a server's vdir (most specific wins). */
  httpFault(server: string, vdir: string): HttpFault | undefined {
    const hits = this.list().filter((f) => f.server === server && (f.endpoint === vdir || f.endpoint === '*'));
    const f = hits.find((x) => x.endpoint === vdir) ?? hits[0];
    if (!f) return undefined;
    const ua = { ...(f.userAgent ? { userAgent: f.userAgent } : {}), ...(f.only ? { only: f.only } : {}) };
    if (f.kind === 'status') return { status: f.status!, ...ua };
    if (f.kind === 'reset') return { reset: true, ...ua };
    if (f.kind === 'delay') return { delayMs: f.delayMs ?? 1000, ...ua };
    return undefined;
  }

  /** Server-level socket faults: refuse connections / fail TLS handshakes on HTTPS. */
  socketFault(server: string): 'refuse' | 'tls-failure' | undefined {
    const f = this.list().find((x) => x.server === server && (x.endpoint === '*' || x.endpoint === 'https') && (x.kind === 'refuse' || x.kind === 'tls-failure'));
    return f?.kind as 'refuse' | 'tls-failure' | undefined;
  }

  /** Faults of one mail listener. */
  mailFaults(server: string, protocol: 'imap4' | 'pop3', method: 'ssl' | 'tls' | 'plain'): MailFaults & { off: boolean } {
    const hits = this.list().filter((f) => f.server === server && (f.endpoint === `${protocol}:${method}` || f.endpoint === `${protocol}:*` || f.endpoint === '*'));
    const out: MailFaults & { off: boolean } = { off: false };
    for (const f of hits) {
      if (f.kind === 'mail-off' || f.kind === 'refuse') out.off = true;
      if (f.kind === 'drop-after-greeting') out.dropAfterGreeting = true;
      if (f.kind === 'slow-greeting') out.greetingDelayMs = f.delayMs ?? 2000;
      if (f.kind === 'refuse-login') out.refuseLogin = true;
    }
    return out;
  }
}
