/**
 * Default bounds of a mail listener. Exchange 2007/2010 close idle IMAP4/POP3 connections after
 * 30 minutes by default (Set-ImapSettings -AuthenticatedConnectionTimeout, 1800 s).
 */
import { MailOptionsError } from './errors.ts';
import type { MailLimits } from './types.ts';

export interface ResolvedLimits {
  maxLineBytes: number;
  maxLiteralBytes: number;
  idleTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_LIMITS: ResolvedLimits = {
  maxLineBytes: 8 * 1024,
  maxLiteralBytes: 1024 * 1024,
  idleTimeoutMs: 30 * 60 * 1000,
  maxConnections: 200,
};

/** Pending output above which a session stops reading until the client drains it. */
export const WRITE_HIGH_WATER = 256 * 1024;

/** Commands kept per session in the journal (verbs only); later ones are counted, not kept. */
export const MAX_JOURNALED_COMMANDS = 200;

/** Merge caller limits over the defaults, refusing values that would disable a bound. */
export function resolveLimits(l: MailLimits | undefined): ResolvedLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(out) as (keyof ResolvedLimits)[]) {
    const v = l?.[key];
    if (v === undefined) continue;
    if (!Number.isFinite(v) || v <= 0) throw new MailOptionsError(`limits.${key} must be a positive number`);
    out[key] = Math.floor(v);
  }
  return out;
}
