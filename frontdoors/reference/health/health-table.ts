/**
 * The health state of every (legacy CAS, protocol), as 001 describes CAS2013's: "a 200/300/400 response
 * series indicates the target server is up for the protocol in question; a 502, 503, or 504 response
 * indicates a failure. If a failure response occurs, CAS2013 immediately retries to determine if the
 * error was a transient error. If this second attempt fails, CAS2013 marks the target CAS as down and
 * excludes it from being a proxy target. At the next interval (50 seconds), CAS2013 will attempt to
 * determine the health state of the down CAS to determine if it is available." Pure state machine:
 * the prober feeds it outcomes and follows its instructions.
 */
import type { HealthProtocol } from '../routing/http-routes.ts';

export type HealthState = 'up' | 'down';

export interface Outcome {
  /** What the prober does next: nothing, or repeat the probe at once. */
  next: 'done' | 'retry';
  /** Set when this outcome changed the state. */
  changed?: HealthState;
}

/** Is a probe answer healthy? Any status but 502/503/504; Outlook Anywhere: only 401 (PROTOCOL-FACTS). */
export function healthyStatus(protocol: HealthProtocol, status: number): boolean {
  if (protocol === 'rpc') return status === 401;
  return status !== 502 && status !== 503 && status !== 504;
}

/**
 * @example
 * const t = new HealthTable();
 * t.report('cas2010a', 'ews', false, 1); // { next: 'retry' }
 * t.report('cas2010a', 'ews', false, 2); // { next: 'done', changed: 'down' }
 */
export class HealthTable {
  #states = new Map<string, { state: HealthState; since: number }>();
  /** Endpoints marked down now: while none is, isUp answers without making a key (every proxied request asks). */
  #down = 0;
  /** `false` = defect `no-retry-before-down`: one failure marks down. */
  constructor(readonly retryBeforeDown = true) {}

  /** Unknown (never probed) counts as up: CAS2013 routes before its first ping round completes. */
  isUp(fqdn: string, protocol: HealthProtocol): boolean {
    return this.#down === 0 || this.#states.get(`${fqdn}|${protocol}`)?.state !== 'down';
  }

  state(fqdn: string, protocol: HealthProtocol): HealthState | 'unknown' {
    return this.#states.get(`${fqdn}|${protocol}`)?.state ?? 'unknown';
  }

  /** Apply the outcome of attempt 1 (the scheduled probe) or 2 (the immediate retry). */
  report(fqdn: string, protocol: HealthProtocol, healthy: boolean, attempt: 1 | 2, now = Date.now()): Outcome {
    const key = `${fqdn}|${protocol}`;
    const before = this.#states.get(key)?.state;
    if (!healthy && attempt === 1 && this.retryBeforeDown) return { next: 'retry' };
    const state: HealthState = healthy ? 'up' : 'down';
    if (before !== state) {
      this.#states.set(key, { state, since: now });
      this.#down += state === 'down' ? 1 : before === 'down' ? -1 : 0;
    }
    // A first verdict of `up` on an unknown endpoint is no change for routing.
    return before === state || (before === undefined && state === 'up') ? { next: 'done' } : { next: 'done', changed: state };
  }

  /** Every known state (for logs and the health view of the front door). */
  snapshot(): { fqdn: string; protocol: HealthProtocol; state: HealthState; since: number }[] {
    return [...this.#states].map(([k, v]) => {
      const [fqdn, protocol] = k.split('|') as [string, HealthProtocol];
      return { fqdn, protocol, ...v };
    });
  }
}
