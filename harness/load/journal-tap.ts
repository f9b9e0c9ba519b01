/**
 * The journal's side of the load, read as it is written (Journal#subscribe): every HTTP event whose
 * User-Agent carries a simulated user's marker is attached to that user's operation in flight (a mock
 * journals a request before it answers, so the operation is still open; one operation per user at a
 * time); mail sessions are kept with the user they logged in as; requests the candidate makes on its
 * own (health probes) are kept per server for the recovery figure. Memory is bounded by the run's
 * operation count.
 */
import type { Journal } from '../journal/journal.ts';
import type { HttpEvent, MailEvent } from '../journal/events.ts';
import { simOf } from './population.ts';
import { samOf } from './served-users.ts';
import type { Op } from './types.ts';

export interface MailSeen {
  at: number;
  server: string;
  protocol: 'imap4' | 'pop3';
  sam: string;
  login: MailEvent['login'];
  seq: number;
}

/** A request no simulated user made (the candidate's own: health checks), answered by a server. */
export interface OwnSeen {
  at: number;
  server: string;
  status: number;
}

const MAX_OWN = 20_000;

export class JournalTap {
  /** The operation in flight per simulated user. */
  readonly current = new Map<string, Op>();
  readonly mail: MailSeen[] = [];
  readonly own: OwnSeen[] = [];
  /** Events of a simulated user while none of its operations was open. */
  stray = 0;
  #unsubscribe: (() => void) | null = null;

  constructor(readonly journal: Journal, readonly tag: string, readonly sams: ReadonlySet<string>, readonly t0: number) {}

  start(): void {
    this.#unsubscribe = this.journal.subscribe((e) => {
      const at = performance.now() - this.t0;
      if (e.kind === 'http') this.#http(e, at);
      else if (e.kind === 'mail') {
        const sam = samOf(e.user);
        if (sam && this.sams.has(sam)) this.mail.push({ at, server: e.server, protocol: e.protocol, sam, login: e.login, seq: e.seq });
      }
    });
  }

  #http(e: HttpEvent, at: number): void {
    const sim = simOf(e.userAgent, this.tag);
    if (!sim) {
      if (!e.user && !e.userAgent?.includes('cas-load/1') && this.own.length < MAX_OWN) this.own.push({ at, server: e.server, status: e.status });
      return;
    }
    const op = this.current.get(sim);
    if (!op) {
      this.stray++;
      return;
    }
    op.events.push({ seq: e.seq, at, server: e.server, vdir: e.vdir, user: samOf(e.user), decision: e.decision, status: e.status });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}
