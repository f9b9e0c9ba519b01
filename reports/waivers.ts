/**
 * The waivers file: known failures a user accepts for a while, each with a reason and an expiry
 * date (ARCHITECTURE "Suites and outcomes": waived). Format:
 *   { "waivers": [{ "rule": "EAS-03", "reason": "...", "expires": "2027-01-31", "candidate": "nginx" }] }
 * A waiver without reason or expiry, with a bad date or an unknown field is refused, naming its
 * JSON path; an expired waiver is kept, does not apply, and is listed in the report notes.
 */
import { readFileSync } from 'node:fs';
import { WaiverError, type Issue } from './errors.ts';
import { waiverExpired } from './outcome.ts';
import type { RuleResult } from './types.ts';

export interface Waiver {
  /** Rule ID, e.g. 'EAS-03'. */
  rule: string;
  reason: string;
  /** Last day the waiver holds, `YYYY-MM-DD`, inclusive (UTC). */
  expires: string;
  /** Candidate name it is limited to (case-insensitive); absent: every candidate. */
  candidate?: string;
}

const RULE_ID = /^[A-Z][A-Z0-9]*-[0-9]+$/;
const FIELDS = new Set(['rule', 'reason', 'expires', 'candidate']);

/**
 * Validate a parsed waivers document; throws WaiverError listing every problem with its path.
 * @example
 * const waivers = parseWaivers({ waivers: [{ rule: 'EAS-03', reason: 'vendor bug 123', expires: '2027-01-31' }] });
 */
export function parseWaivers(doc: unknown, source = 'waivers'): Waiver[] {
  const issues: Issue[] = [];
  if (!isObject(doc)) throw new WaiverError([{ path: '(root)', message: 'must be an object with a "waivers" array' }], source);
  for (const k of Object.keys(doc)) if (k !== 'waivers' && k !== '$schema') issues.push({ path: k, message: 'is not allowed here' });
  if (!Array.isArray(doc.waivers)) throw new WaiverError([...issues, { path: 'waivers', message: 'must be an array' }], source);
  const out: Waiver[] = [];
  const seen = new Map<string, string>();
  doc.waivers.forEach((w: unknown, i: number) => {
    const p = `waivers[${i}]`;
    if (!isObject(w)) return void issues.push({ path: p, message: 'must be an object' });
    for (const k of Object.keys(w)) if (!FIELDS.has(k)) issues.push({ path: `${p}.${k}`, message: 'is not allowed here (fields: rule, reason, expires, candidate)' });
    const before = issues.length;
    if (typeof w.rule !== 'string' || !RULE_ID.test(w.rule)) issues.push({ path: `${p}.rule`, message: 'must be a rule ID such as "EAS-03"' });
    if (typeof w.reason !== 'string' || !w.reason.trim()) issues.push({ path: `${p}.reason`, message: 'is required: say why the failure is accepted' });
    if (w.expires === undefined) issues.push({ path: `${p}.expires`, message: 'is required: a waiver must end (YYYY-MM-DD)' });
    else if (typeof w.expires !== 'string' || !isCalendarDate(w.expires)) {
      issues.push({ path: `${p}.expires`, message: `must be a calendar date YYYY-MM-DD, got ${JSON.stringify(w.expires)}` });
    }
    if (w.candidate !== undefined && (typeof w.candidate !== 'string' || !w.candidate.trim())) issues.push({ path: `${p}.candidate`, message: 'must be a non-empty candidate name' });
    if (issues.length > before) return;
    const waiver: Waiver = { rule: w.rule as string, reason: (w.reason as string).trim(), expires: w.expires as string };
    if (typeof w.candidate === 'string') waiver.candidate = w.candidate;
    // Two waivers for the same rule and candidate would make the one applied depend on order.
    const key = `${waiver.rule}\u0000${waiver.candidate?.toLowerCase() ?? '*'}`;
    const prev = seen.get(key);
    if (prev) issues.push({ path: p, message: `waives ${waiver.rule} again (see ${prev})` });
    else seen.set(key, p);
    out.push(waiver);
  });
  if (issues.length) throw new WaiverError(issues, source);
  return out;
}

/**
 * Read and validate a waivers file.
 * @example
 * const waivers = readWaivers('ci/waivers.json');
 */
export function readWaivers(file: string): Waiver[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WaiverError([{ path: '(root)', message: `cannot read JSON: ${(err as Error).message}` }], file);
  }
  return parseWaivers(doc, file);
}

/**
 * The waiver for a rule and candidate: `active` when one holds on `now`, `expired` when the only
 * match has expired. A waiver naming the candidate wins over one for every candidate.
 * @example
 * const { active, expired } = findWaiver(waivers, 'EAS-03', 'nginx', new Date());
 */
export function findWaiver(waivers: readonly Waiver[], rule: string, candidate: string, now: Date): { active?: Waiver; expired?: Waiver } {
  const matches = waivers
    .filter((w) => w.rule === rule && (w.candidate === undefined || w.candidate.toLowerCase() === candidate.toLowerCase()))
    .sort((a, b) => Number(b.candidate !== undefined) - Number(a.candidate !== undefined));
  const active = matches.find((w) => !waiverExpired(w.expires, now));
  if (active) return { active };
  return matches[0] ? { expired: matches[0] } : {};
}

/**
 * Notes for the report: waivers that expired (they no longer apply), and waivers for rules in this
 * run that needed none (candidates for removal).
 * @example
 * report.notes = [...(report.notes ?? []), ...waiverNotes(waivers, report.rules, 'nginx', new Date())];
 */
export function waiverNotes(waivers: readonly Waiver[], rules: readonly Pick<RuleResult, 'id' | 'outcome'>[], candidate: string, now: Date): string[] {
  const notes: string[] = [];
  const byId = new Map(rules.map((r) => [r.id, r.outcome]));
  for (const w of waivers) {
    if (w.candidate !== undefined && w.candidate.toLowerCase() !== candidate.toLowerCase()) continue;
    const who = w.candidate ? ` (${w.candidate})` : '';
    if (waiverExpired(w.expires, now)) notes.push(`waiver for ${w.rule}${who} expired on ${w.expires} and was not applied: ${w.reason}`);
    else {
      const outcome = byId.get(w.rule);
      // fail/warn here means the rule ran with a level the waiver cannot cover; waived means used.
      if (outcome !== undefined && outcome !== 'waived') notes.push(`waiver for ${w.rule}${who} was not used (outcome ${outcome})`);
    }
  }
  return notes;
}

function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Date.UTC rolls 2027-02-30 over to March: a real date reads back the same.
  return d.toISOString().slice(0, 10) === s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
