/**
 * What the front door makes of its contract: profile options, named defects (test aids, off by
 * default: DEFECTS.md lists the rule each one breaks), the hardened add-on and the limits that keep
 * one client from costing the process unbounded memory (RULES.md SEC-04).
 */
import { probeTimeoutOf, type FrontDoorContract } from '../../harness/topology/contract.ts';
import { FrontDoorConfigError } from './errors.ts';

/** Every defect the reference front door can be asked to carry (CAS_OPTIONS.defects). */
export const DEFECTS = [
  'plain-http-hop',
  'eas-451',
  'mail-order-reversed',
  'mail-plain-before-tls',
  'probe-503-only',
  'probe-errors-healthy',
  'no-retry-before-down',
  'no-affinity',
  'probe-wrong-agent',
  'probe-too-often',
  'no-auth',
  'hop-by-internalurl',
  'manual-redirect-owa',
  'autodiscover-proxy-2007',
  'ignore-out-of-service',
  'no-probes',
  'cookie-rewrite',
  'drop-resources',
  'leak-ru1-cookie',
  'verify-all-certs',
  'no-cert-check',
  'autodiscover-local-2010',
  'rpc-hop-basic',
  'mail-wrong-site',
  'mail-no-hardening',
  'keep-hop-headers',
  'lenient-framing',
  'probe-credentials',
  'unbounded-requests',
  'ews-local-site',
  'oab-mailbox-site',
  'forward-foreign-cookies',
  'eas-local-site',
  'eas-answer-locally',
  'pool-auth-hops',
  'relay-via-site1',
  'hop-client-host',
  'affinity-by-address',
  'misroute-1pct',
] as const;
export type Defect = (typeof DEFECTS)[number];

export interface Limits {
  /** Largest request head (Node's maxHeaderSize). */
  maxHeaderBytes: number;
  /** Largest body the front door reads itself (forms, Autodiscover POX). */
  maxOwnBodyBytes: number;
  /** Time a client has to send its request head (slow-loris bound); 0 = none. */
  headersTimeoutMs: number;
  /** Idle time on a client or hop socket before it is closed (EAS Ping holds 3650 s, so long). */
  idleTimeoutMs: number;
  /** Time the hop may take to send its response head. */
  hopHeadersTimeoutMs: number;
  /** Concurrent client connections per listener. */
  maxConnections: number;
  /** Accept a request with both Content-Length and Transfer-Encoding (defect `lenient-framing` only). */
  lenientFraming: boolean;
}

/** Head size the defect `unbounded-requests` allows: 1 GiB, in effect none (Node takes any integer). */
const UNBOUNDED_HEAD_BYTES = 2 ** 30;

export interface FrontDoorSettings {
  contract: FrontDoorContract;
  hardened: boolean;
  defects: ReadonlySet<Defect>;
  healthIntervalMs: number;
  /** Probe timeout: the contract's CAS_HEALTH_TIMEOUT_MS (PROTOCOL-FACTS: 5 s in Exchange 2013; CAS_OPTIONS.probeTimeoutMs overrides). */
  probeTimeoutMs: number;
  limits: Limits;
}

const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/** Read the defects and limits out of a contract; unknown defect names are a configuration error. */
export function settingsFromContract(c: FrontDoorContract): FrontDoorSettings {
  const raw = c.options?.defects ?? [];
  if (!Array.isArray(raw) || raw.some((d) => typeof d !== 'string')) throw new FrontDoorConfigError('CAS_OPTIONS.defects must be an array of defect names');
  for (const d of raw as string[]) {
    if (!(DEFECTS as readonly string[]).includes(d)) throw new FrontDoorConfigError(`CAS_OPTIONS.defects: unknown defect "${d}" (known: ${DEFECTS.join(', ')})`);
  }
  const defects = new Set(raw as Defect[]);
  // Defect `unbounded-requests` (SEC-04): no head size, head time or own-body limit.
  const unbounded = defects.has('unbounded-requests');
  const interval = Number.isFinite(c.healthIntervalMs) && c.healthIntervalMs > 0 ? c.healthIntervalMs : 50_000;
  return {
    contract: c,
    hardened: c.hardened,
    defects,
    healthIntervalMs: interval,
    probeTimeoutMs: positive(c.options?.probeTimeoutMs) ?? probeTimeoutOf(c),
    limits: {
      maxHeaderBytes: unbounded ? UNBOUNDED_HEAD_BYTES : 16 * 1024,
      maxOwnBodyBytes: unbounded ? Number.POSITIVE_INFINITY : 64 * 1024,
      // 0 = no head timeout (Node's headersTimeout semantics).
      headersTimeoutMs: unbounded ? 0 : c.hardened ? 10_000 : 60_000,
      idleTimeoutMs: 3_700_000,
      hopHeadersTimeoutMs: 3_700_000,
      maxConnections: c.hardened ? 2_000 : 10_000,
      lenientFraming: defects.has('lenient-framing'),
    },
  };
}
