/**
 * The health prober: every interval, one lightweight unauthenticated request to each protocol
 * endpoint of every legacy CAS (001: "Every 50 seconds, CAS2013 will send a lightweight request to each
 * protocol end point to all the Client Access servers in the topology map"), by FQDN, no keep-alive,
 * a bounded timeout; a failure is repeated at once; the HealthTable decides. No credentials ever
 * (RULES.md SEC-03). POP/IMAP are never probed (001: "there is no health-checking on the target
 * IMAP/POP services").
 */
import type { Dispatcher } from 'undici';
import { request } from '../net/undici.ts';
import type { DirServer } from '../../../harness/topology/directory-contract.ts';
import type { Logger } from '../log.ts';
import { healthyStatus, type HealthTable } from './health-table.ts';
import { PROBE_USER_AGENT, probesFor, type ProbeSpec } from './probes.ts';

export interface ProberOptions {
  table: HealthTable;
  /** The current topology map's servers (read each round: a refresh is picked up). */
  servers: () => DirServer[];
  dispatcher: Dispatcher;
  intervalMs: number;
  timeoutMs: number;
  userAgent?: string;
  /**
   * Defect `probe-credentials` only (SEC-03 broken on purpose): an Authorization header sent on every
   * probe but Outlook Anywhere's (whose only healthy answer is 401, so credentials would mark it down).
   */
  authorization?: string;
  /**
   * Defects: `only503` (probe-503-only) counts only 503 as a failure, so 502 and 504 keep a CAS up;
   * `errorsHealthy` (probe-errors-healthy) counts a probe without an answer (refused, reset, timeout, TLS
   * failure) as healthy. Each breaks one fault class of 001 / PROTOCOL-FACTS (HC-03, HC-08).
   */
  only503?: boolean;
  errorsHealthy?: boolean;
  /** Probe only these endpoints (default: every endpoint of probesFor). Defect probe-too-often adds a fast prober of EWS alone. */
  only?: (spec: ProbeSpec) => boolean;
  log?: Logger;
}

export interface ProbeResult {
  status: number | null;
  error?: string;
}

/**
 * @example
 * const p = new Prober({ table, servers: () => org.servers, dispatcher, intervalMs: 50_000, timeoutMs: 5_000 });
 * p.start(); ... await p.stop();
 */
export class Prober {
  #timer: NodeJS.Timeout | undefined;
  #inFlight = new Set<string>();
  #running = new Set<Promise<void>>();
  #stopped = false;
  #stopping = new AbortController();
  constructor(readonly o: ProberOptions) {}

  /** Probe now, then every interval. */
  start(): void {
    this.#stopped = false;
    if (this.#stopping.signal.aborted) this.#stopping = new AbortController();
    this.round();
    this.#timer = setInterval(() => this.round(), this.o.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    // A probe of a CAS that does not answer would hold the stop for its whole timeout (5 s): it is
    // abandoned, and its result is not reported (#probeEndpoint checks #stopped).
    this.#stopping.abort();
    await Promise.allSettled([...this.#running]);
  }

  /** One round over every endpoint; an endpoint whose previous probe is still out is skipped. */
  round(): Promise<void> {
    const all: Promise<void>[] = [];
    for (const s of this.o.servers()) {
      for (const spec of probesFor(s)) {
        if (this.o.only && !this.o.only(spec)) continue;
        const key = `${s.fqdn}|${spec.protocol}`;
        if (this.#inFlight.has(key)) continue;
        this.#inFlight.add(key);
        const p = this.#probeEndpoint(s, spec).finally(() => {
          this.#inFlight.delete(key);
          this.#running.delete(p);
        });
        this.#running.add(p);
        all.push(p);
      }
    }
    return Promise.allSettled(all).then(() => undefined);
  }

  async #probeEndpoint(s: DirServer, spec: ProbeSpec): Promise<void> {
    for (const attempt of [1, 2] as const) {
      if (this.#stopped) return;
      const r = await this.probe(s, spec);
      if (this.#stopped) return;
      const healthy = r.status === null
        ? this.o.errorsHealthy === true
        : healthyStatus(spec.protocol, r.status) || (this.o.only503 === true && r.status !== 503 && r.status >= 502 && r.status <= 504);
      const out = this.o.table.report(s.fqdn, spec.protocol, healthy, attempt);
      if (out.changed) {
        // 2013 writes Event 3005 "Marking ClientAccess 2010 server ... as unhealthy" (PROTOCOL-FACTS).
        this.o.log?.write({ kind: 'health', server: s.fqdn, protocol: spec.protocol, state: out.changed, status: r.status, error: r.error, attempt });
      }
      if (out.next === 'done') return;
    }
  }

  /** One probe request (exported behaviour for tests): status, or null with the error. */
  async probe(s: DirServer, spec: ProbeSpec): Promise<ProbeResult> {
    try {
      const res = await request(`https://${s.fqdn}:${s.ports.https}${spec.path}`, {
        method: spec.method as Dispatcher.HttpMethod,
        dispatcher: this.o.dispatcher,
        // PROTOCOL-FACTS: "no keep-alive"; Host (and so SNI) is the FQDN, as on every hop.
        headers: {
          host: s.fqdn, 'user-agent': this.o.userAgent ?? PROBE_USER_AGENT, connection: 'close',
          ...(this.o.authorization && spec.protocol !== 'rpc' ? { authorization: this.o.authorization } : {}),
        },
        signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.#stopping.signal]),
        headersTimeout: this.o.timeoutMs,
        bodyTimeout: this.o.timeoutMs,
      });
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { status: res.statusCode };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { status: null, error: `${e.code ?? e.name}: ${e.message}` };
    }
  }
}
