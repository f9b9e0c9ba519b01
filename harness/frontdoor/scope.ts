/**
 * What a candidate fronts (issue 12): `http` (every web vdir), `mail` (IMAP4/POP3), or both. Adapters
 * declare theirs (nginx and HAProxy both, Apache and Caddy HTTP, Dovecot mail); `--scope` sets it for
 * command/url candidates and may narrow an adapter's. A rule whose families the candidate does not
 * front at all is `n/a` with the reason built here, never a failure or a harness error.
 */
import { FAMILIES, OUT_OF_SCOPE, type Family } from '../../reports/types.ts';
import { FrontDoorLaunchError } from '../errors.ts';

/** Both families: the default for a candidate that declares nothing. */
export const EVERY_FAMILY: readonly Family[] = FAMILIES;

const WORDS: Record<Family, string> = { http: 'HTTP', mail: 'mail (IMAP4/POP3)' };

/**
 * `http`, `mail`, `http,mail` -> families; anything else is a FrontDoorLaunchError naming the option.
 * @example
 * parseScope('mail,http') // ['http', 'mail']
 */
export function parseScope(text: string, option = '--scope'): Family[] {
  const parts = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = parts.filter((p) => !FAMILIES.includes(p as Family));
  if (!parts.length || bad.length) throw new FrontDoorLaunchError(`${option} must be http, mail or http,mail (got "${text}")`);
  return FAMILIES.filter((f) => parts.includes(f));
}

/** True when a rule of `ruleScope` has something to judge on a candidate fronting `candidate`. */
export function ruleInScope(ruleScope: readonly Family[] | undefined, candidate: readonly Family[] | undefined): boolean {
  if (!candidate || !ruleScope?.length) return true;
  return ruleScope.some((f) => candidate.includes(f));
}

/**
 * The n/a reason of a rule outside the candidate's scope.
 * @example
 * outOfScopeReason(['http']) // 'out of scope: this candidate fronts HTTP only'
 */
export function outOfScopeReason(candidate: readonly Family[]): string {
  return `${OUT_OF_SCOPE} this candidate fronts ${candidate.map((f) => WORDS[f]).join(' and ')} only`;
}

/** `HTTP`, `mail (IMAP4/POP3)`, `HTTP and mail (IMAP4/POP3)`. */
export function scopeWords(scope: readonly Family[]): string {
  return scope.map((f) => WORDS[f]).join(' and ');
}
