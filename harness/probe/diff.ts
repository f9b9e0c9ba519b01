/**
 * Two probe files compared field by field. Both are first brought to the same form (redacted with
 * their own target names, so a `--no-redact` probe compares with a redacted one); then every leaf
 * (a value, or a whole list) is compared. A section present in one file only (mail not given,
 * no credentials) is "not compared", never a difference. Deployment facts (TLS, certificate) are
 * listed apart and not counted: a mock's certificate says nothing about Exchange.
 */
import { fieldRow, type FieldClass } from './fields.ts';
import { redactProbe } from './redact.ts';
import type { MailFacts, ProbeDoc } from './schema.ts';

export interface Difference {
  path: string;
  /** JSON of the value in the left file, or undefined when absent. */
  left: unknown;
  right: unknown;
  cls: FieldClass;
  rules: readonly string[];
  what: string;
}

export interface ProbeDiff {
  /** Counted differences (build, behaviour, config), in file order. */
  differences: Difference[];
  /** Deployment facts that differ (not counted). */
  deployment: Difference[];
  /** Sections only one side has. */
  notCompared: { section: string; onlyIn: 'left' | 'right' }[];
  /** Remarks on how sections were compared (mail probed with implicit TLS on one side only). */
  notes: string[];
  /** Leaves compared. */
  compared: number;
}

/** Sections compared only when both files have them. */
const OPTIONAL_SECTIONS = ['authenticated', 'mail.imap', 'mail.pop3', 'http.owa.logon'];
/** Never compared: who, when, where, and what the reader is told separately. */
const META = new Set(['format', 'version', 'tool', 'probedAt', 'redacted', 'target', 'source', 'summary', 'errors']);

/** Dotted path -> leaf value; lists and null are leaves. */
export function flatten(v: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, v);
  return out;
}

function get(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), doc);
}

/** The target names of a probe file that was not redacted (its origin's host and mail hosts). */
export function comparable(doc: ProbeDoc): ProbeDoc {
  if (doc.redacted) return doc;
  const host = new URL(doc.target.origin).hostname.replace(/^\[(.*)\]$/, '$1');
  return redactProbe(doc, { target: host, others: [doc.target.imap?.host, doc.target.pop3?.host].filter((h): h is string => !!h) });
}

/**
 * Compare two probe files.
 * @example
 * const d = diffProbes(mine, fixture);
 * d.differences.length; // 0 when the mock answers as the server did
 */
export function diffProbes(leftDoc: ProbeDoc, rightDoc: ProbeDoc): ProbeDiff {
  let a = comparable(leftDoc);
  let b = comparable(rightDoc);
  const notes: string[] = [];
  for (const k of ['imap', 'pop3'] as const) {
    const ma = a.mail[k];
    const mb = b.mail[k];
    if (!ma || !mb || ma.implicitTls === mb.implicitTls) continue;
    // What an implicit-TLS session shows is what a STARTTLS session shows after TLS.
    a = { ...a, mail: { ...a.mail, [k]: implicitView(ma) } };
    b = { ...b, mail: { ...b.mail, [k]: implicitView(mb) } };
    notes.push(`mail.${k}: one side connected with implicit TLS, the other with STARTTLS: compared as implicit TLS (banner, capabilities over TLS)`);
  }
  const notCompared: ProbeDiff['notCompared'] = [];
  const skip: string[] = [];
  for (const s of OPTIONAL_SECTIONS) {
    const inA = get(a, s) != null;
    const inB = get(b, s) != null;
    if (inA !== inB) {
      notCompared.push({ section: s, onlyIn: inA ? 'left' : 'right' });
      skip.push(s);
    }
  }
  const fa = flatten(a);
  const fb = flatten(b);
  const paths = [...new Set([...fa.keys(), ...fb.keys()])].filter((p) => !META.has(p.split('.')[0]!) && !skip.some((s) => p === s || p.startsWith(`${s}.`)));
  const out: ProbeDiff = { differences: [], deployment: [], notCompared, notes, compared: 0 };
  for (const path of paths) {
    const row = fieldRow(path);
    if (row.cls === 'request') continue;
    out.compared++;
    const left = fa.get(path);
    const right = fb.get(path);
    if (JSON.stringify(left) === JSON.stringify(right)) continue;
    const d: Difference = { path, left, right, cls: row.cls, rules: row.rules, what: row.what };
    (row.cls === 'deployment' ? out.deployment : out.differences).push(d);
  }
  return out;
}

/** A mail section as an implicit-TLS probe would have seen it. */
function implicitView(m: MailFacts): MailFacts {
  if (m.implicitTls) return m;
  return { implicitTls: true, banner: m.banner, capabilities: m.starttls?.capabilities ?? null, starttls: null, loginTypeHint: null, tls: m.tls, ...(m.error ? { error: m.error } : {}) };
}

/** A value for the table: absent, a list joined, long text shortened. */
export function showValue(v: unknown, max = 48): string {
  if (v === undefined) return '(absent)';
  if (Array.isArray(v) && v.length === 0) return '(none)';
  const s = Array.isArray(v) ? (v.every((x) => typeof x === 'string') ? v.join(' ') : JSON.stringify(v)) : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** Counts per class, for the summary line. */
export function countByClass(ds: readonly Difference[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const d of ds) c[d.cls] = (c[d.cls] ?? 0) + 1;
  return c;
}
