/**
 * Hard caps of the load scenario (ARCHITECTURE.md: "Every load loop bounded in count and time";
 * issue 16: "hard caps on rate, duration and connections"). One machine, loopback only: the caps keep a
 * typo from turning a lab into a fork bomb. Values above a cap are refused, never clamped, so a user
 * never believes a load ran that did not.
 */
import { LoadOptionError } from './errors.ts';

export const LOAD_LIMITS = {
  /** Simulated users. */
  maxUsers: 100,
  /** Duration of the load phase, seconds. */
  maxSeconds: 300,
  minSeconds: 3,
  /** Target operations per second (sign-ins, page loads, Syncs, GetFolders, Autodiscovers, mail sessions). */
  maxRate: 200,
  /**
   * Client connections open at once. Each simulated user holds at most one connection per origin per
   * client (browser, Outlook, device, direct baseline) and one mail session: {@link CONNECTIONS_PER_USER}.
   */
  maxConnections: 1000,
} as const;

/** Upper bound of the connections one simulated user holds at once (see LOAD_LIMITS.maxConnections). */
export const CONNECTIONS_PER_USER = 10;

export interface LoadPlanInput {
  users?: string;
  seconds?: string;
  rate?: string;
}

/** What the scenario will do, checked against the caps. */
export interface LoadPlan {
  users: number;
  seconds: number;
  /** Target operations per second over all users. */
  rate: number;
  /** Worst-case client connections at once (users x CONNECTIONS_PER_USER). */
  connections: number;
}

function whole(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new LoadOptionError(`--${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  if (n > max) throw new LoadOptionError(`--${name} ${n} is above the hard cap of ${max}`);
  if (n < min) throw new LoadOptionError(`--${name} must be at least ${min} (got ${n})`);
  return n;
}

/**
 * Read and check the plan. Defaults: 20 users, 30 s, one operation per user per second.
 * @example
 * checkLoadPlan({ users: '4', seconds: '5' }) // { users: 4, seconds: 5, rate: 4, connections: 40 }
 * checkLoadPlan({ rate: '5000' })             // throws "--rate 5000 is above the hard cap of 200"
 */
export function checkLoadPlan(input: LoadPlanInput): LoadPlan {
  const users = input.users === undefined ? 20 : whole('users', input.users, 1, LOAD_LIMITS.maxUsers);
  const seconds = input.seconds === undefined ? 30 : whole('seconds', input.seconds, LOAD_LIMITS.minSeconds, LOAD_LIMITS.maxSeconds);
  let rate = Math.min(users, LOAD_LIMITS.maxRate);
  if (input.rate !== undefined) {
    const r = Number(input.rate);
    if (!/^\d+(\.\d+)?$/.test(input.rate.trim()) || !Number.isFinite(r)) throw new LoadOptionError(`--rate must be a number of operations per second from 0.1 to ${LOAD_LIMITS.maxRate} (got ${JSON.stringify(input.rate)})`);
    if (r > LOAD_LIMITS.maxRate) throw new LoadOptionError(`--rate ${r} is above the hard cap of ${LOAD_LIMITS.maxRate} operations per second`);
    if (r < 0.1) throw new LoadOptionError(`--rate must be at least 0.1 operations per second (got ${r})`);
    rate = r;
  }
  const connections = users * CONNECTIONS_PER_USER;
  if (connections > LOAD_LIMITS.maxConnections) throw new LoadOptionError(`--users ${users} would hold up to ${connections} client connections, above the hard cap of ${LOAD_LIMITS.maxConnections}`);
  return { users, seconds, rate, connections };
}
