/**
 * Every option of `run` (and `merge`, `compare-run`) checked before anything starts: a bad value is
 * one line and exit 2 within a second, never a stack trace after the lab and the candidate came up
 * (issue 15: an unknown --front-door started the lab first; a --baseline that was not JSON was read
 * only after the whole run; a waivers file with a bad date threw WaiverError with exit 1).
 */
import { readFileSync } from 'node:fs';
import { RULES } from '../../suites/rules.ts';
import { readReport, readWaivers, type ConformanceReport, type Waiver } from '../../reports/index.ts';
import { getBuild } from '../../mocks/builds/catalogue.ts';
import type { ProfileName } from '../frontdoor/profile-topology.ts';

/** A bad option value: the message names the option; main.ts prints it as one line, exit 2. */
export class BadOptionError extends Error {
  readonly code = 'BAD_OPTION';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BadOptionError';
  }
}

/**
 * `--shard i/N`: 1 <= i <= N.
 * @example
 * checkShard('2/3') // '2/3'; checkShard('3/2') throws
 */
export function checkShard(v: string): string {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(v);
  if (!m) throw new BadOptionError(`--shard must be i/N, two whole numbers such as 1/4 (got ${JSON.stringify(v)})`);
  const [i, n] = [Number(m[1]), Number(m[2])];
  if (n < 1 || i < 1 || i > n) throw new BadOptionError(`--shard ${v}: the shard index must be from 1 to ${Math.max(n, 1)}`);
  return v;
}

/**
 * The waivers file, refused as a whole when it is missing, not JSON, malformed (bad date, no reason)
 * or names a rule that does not exist (a typo would silently waive nothing).
 */
export function checkWaivers(file: string): Waiver[] {
  let waivers: Waiver[];
  try {
    waivers = readWaivers(file);
  } catch (err) {
    const issues = (err as { issues?: { path: string; message: string }[] }).issues;
    throw new BadOptionError(`--waivers ${file}: ${issues?.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : (err as Error).message}`, { cause: err });
  }
  const known = new Set(RULES.map((r) => r.id));
  const unknown = waivers.map((w, i) => [w, i] as const).filter(([w]) => !known.has(w.rule));
  if (unknown.length) throw new BadOptionError(`--waivers ${file}: ${unknown.map(([w, i]) => `waivers[${i}].rule: no rule ${w.rule} in the catalogue`).join('; ')}`);
  return waivers;
}

/**
 * A report.json given on the command line (`--baseline`, `compare`): read and validated now, or one
 * line saying why it is not a report.
 */
export function readReportArg(file: string, label: string): ConformanceReport {
  try {
    return readReport(file);
  } catch (err) {
    const issues = issuesOf(err);
    const why = issues ? `not a cas-conformance report.json:${issues}` : (err as Error).message.split('\n')[0]!.replace(new RegExp(`^${escapeRe(file)}:? ?`), '');
    throw new BadOptionError(`${label}${label ? ' ' : ''}${file}: ${why}`, { cause: err });
  }
}

/** `--baseline FILE`, read and validated now (not after the run). */
export function checkBaseline(file: string): ConformanceReport {
  return readReportArg(file, '--baseline');
}

/** `--rule-defects FILE`: `{ "RULE-ID": ["defect", ...] }`. */
export function checkRuleDefects(file: string): Record<string, string[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BadOptionError(`--rule-defects ${file}: cannot read JSON (${(err as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new BadOptionError(`--rule-defects ${file}: must be an object { "RULE-ID": ["defect", ...] }`);
  for (const [k, v] of Object.entries(doc)) {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new BadOptionError(`--rule-defects ${file}: ${k} must be an array of defect names`);
  }
  return doc as Record<string, string[]>;
}

/** `--build` fits the profile (an Exchange 2010 build for exchange2010, 2007 for exchange2007). */
export function checkBuild(profile: ProfileName, build: string | undefined): void {
  if (!build) return;
  if (profile === 'exchange2013') throw new BadOptionError('--build applies to --profile exchange2010 or exchange2007 only (the 2013 front door is the candidate itself)');
  let product: number;
  try {
    product = getBuild(build).product;
  } catch (err) {
    throw new BadOptionError(`--build: ${(err as Error).message}`);
  }
  const want = profile === 'exchange2010' ? 2010 : 2007;
  if (product !== want) throw new BadOptionError(`--build ${build} is an Exchange ${product} build; --profile ${profile} needs an Exchange ${want} build`);
}

/**
 * `--front-door`: a launcher the registry knows (`reference`, the real proxies, `command:CMD`,
 * `url:https://host:port`) and, for the reference, defects it has. Loads the adapters (cheap since
 * testcontainers loads only when the container launcher starts).
 */
export async function checkFrontDoor(spec: string, profile: ProfileName, defects: readonly string[]): Promise<void> {
  if (spec.startsWith('command:')) {
    if (!spec.slice('command:'.length).replace(/^"|"$/g, '').trim()) throw new BadOptionError('--front-door command: needs a command, e.g. command:"./my-proxy.sh"');
  } else if (spec.startsWith('url:')) {
    let u: URL;
    try {
      u = new URL(spec.slice('url:'.length));
    } catch {
      throw new BadOptionError(`--front-door ${spec}: not a URL (url:https://host:port)`);
    }
    if (u.protocol !== 'https:') throw new BadOptionError(`--front-door ${spec}: the URL must be https://`);
  } else {
    const { resolveLauncher } = await import('../frontdoor/registry.ts');
    await import('../frontdoor/adapters.ts');
    try {
      resolveLauncher(spec);
    } catch (err) {
      // The registry's words: an unknown name with the known ones, or why a composite cannot be (dovecot+nginx).
      throw new BadOptionError(`--front-door: ${(err as Error).message}`);
    }
  }
  if (spec === 'reference' && defects.length) {
    const known: readonly string[] = profile === 'exchange2013' ? (await import('../../frontdoors/reference/options.ts')).DEFECTS : Object.keys((await import('../frontdoor/mock-defects/index.ts')).MOCK_DEFECTS);
    const bad = defects.filter((d) => !known.includes(d));
    if (bad.length) throw new BadOptionError(`--defect ${bad.join(', ')}: not a defect of the reference in ${profile} (known: ${known.join(', ')})`);
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function issuesOf(err: unknown): string {
  const issues = (err as { issues?: { path: string; message: string }[] }).issues;
  if (!issues?.length) return '';
  const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ');
  return ` ${shown}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''}`;
}
