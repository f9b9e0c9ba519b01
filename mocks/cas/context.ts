/**
 * What one mock CAS knows while it answers: its topology entry, its build's traits, the whole
 * organisation (it plays AD lookups itself, as a real CAS does), its sessions, event log, faults and
 * the lab's port map (to build URLs the lab really serves). Vdir handlers receive this.
 */
import type { Topology, ServerSpec, UserSpec } from '../../harness/topology/index.ts';
import type { BuildTraits } from '../builds/catalogue.ts';
import type { NewEvent } from '../../harness/journal/events.ts';
import type { EventLog } from '../events/event-log.ts';
import type { SessionStore } from './sessions.ts';
import type { NtlmAuthenticator } from '../auth/ntlm/index.ts';

/** Logical port (443, 80, 993, …) of a host -> the port the lab really bound. */
export type PortMap = (host: string, logicalPort: number) => number;

/** An HTTP fault injected through the control API, per endpoint (vdir or `*`). */
export interface HttpFault {
  /** 502/503/504 answered instead of the vdir. */
  status?: 502 | 503 | 504;
  /** Destroy the socket without an answer. */
  reset?: boolean;
  /** Delay the answer. */
  delayMs?: number;
  /** Only requests carrying this User-Agent (e.g. the health probe), when set. */
  userAgent?: string;
  /** `probes`: only requests that are not a user's (the ping's User-Agent, or GET/HEAD/OPTIONS without Authorization or Cookie). */
  only?: 'probes';
}

export interface CasContext {
  readonly topology: Topology;
  /** Handler path: relative on real listeners; absolute (`https://host/owa`) in process (msw setupServer). */
  path(p: string): string;
  readonly server: ServerSpec;
  readonly build: BuildTraits;
  readonly record: (e: NewEvent) => void;
  readonly eventLog: EventLog;
  readonly sessions: SessionStore;
  /** Integrated Windows authentication, bound to the TCP connection as IIS does. */
  readonly ntlm: NtlmAuthenticator;
  readonly ports: PortMap;
  /** Lab DNS: a name -> its loopback address (undefined outside the lab). */
  readonly resolveHost: (name: string) => string | undefined;
  /** Sticky choices of this CAS (003: OWA/EWS per user, EAS per device). */
  readonly affinity: Map<string, string>;
  /** Resource folders this OWA holds (its own + extraResourceFolders - missingResourceFolders). */
  resourceFolders(): Set<string>;
  /** Faults for a vdir (or undefined). */
  fault(vdir: string): HttpFault | undefined;
  /** Check a logon name and password against the directory. */
  checkPassword(login: string, password: string): UserSpec | undefined;
  findUser(login: string): UserSpec | undefined;
}
