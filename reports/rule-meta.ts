/**
 * Guards on what suites put in `task.meta`: a malformed rule or evidence must cost one note in the
 * report, never the whole report (bad input never crashes anything).
 */
import { FAMILIES, LEVELS, SEVERITIES, type Evidence, type TranscriptLine } from './types.ts';

const RULE_ID = /^[A-Z][A-Z0-9]*-[0-9]+$/;

/**
 * What is wrong with a `meta.rule`, or undefined when it is a usable RuleMeta.
 * @example
 * ruleMetaProblem({ id: 'EAS-03' }) // 'meta.rule.area must be a non-empty string'
 */
export function ruleMetaProblem(meta: unknown): string | undefined {
  if (typeof meta !== 'object' || meta === null) return 'meta.rule must be an object';
  const m = meta as Record<string, unknown>;
  if (typeof m.id !== 'string' || !RULE_ID.test(m.id)) return 'meta.rule.id must be a rule ID such as "EAS-03"';
  if (typeof m.area !== 'string' || !m.area) return 'meta.rule.area must be a non-empty string';
  if (typeof m.title !== 'string') return 'meta.rule.title must be a string';
  const levels = m.levels as Record<string, unknown> | undefined;
  for (const p of ['exchange2013', 'exchange2010', 'exchange2007']) {
    if (!LEVELS.includes(levels?.[p] as never)) return `meta.rule.levels.${p} must be one of ${LEVELS.join(', ')}`;
  }
  if (m.hardened !== undefined && !LEVELS.includes(m.hardened as never)) return `meta.rule.hardened must be one of ${LEVELS.join(', ')}`;
  if (m.severity !== undefined && !SEVERITIES.includes(m.severity as never)) return `meta.rule.severity must be one of ${SEVERITIES.join(', ')}`;
  const scopeOk = Array.isArray(m.scope) && m.scope.length > 0 && m.scope.every((f) => FAMILIES.includes(f as never));
  if (m.scope !== undefined && !scopeOk) return `meta.rule.scope must be a non-empty list of ${FAMILIES.join(', ')}`;
  const src = m.source as Record<string, unknown> | undefined;
  if (typeof src !== 'object' || src === null) return 'meta.rule.source must be an object';
  if (src.seed !== null && typeof src.seed !== 'string') return 'meta.rule.source.seed must be a string or null';
  if (typeof src.quote !== 'string') return 'meta.rule.source.quote must be a string';
  return undefined;
}

/**
 * Evidence made safe to render: strings forced, transcript lines checked, arrays ensured; fields
 * a suite did not set are left empty rather than dropped.
 * @example
 * normaliseEvidence({ expected: 'x', observed: 3 }) // { expected: 'x', observed: '3', client: [], journal: [] }
 */
export function normaliseEvidence(ev: unknown): Evidence | undefined {
  if (typeof ev !== 'object' || ev === null) return undefined;
  const e = ev as Record<string, unknown>;
  const out: Evidence = {
    expected: text(e.expected),
    observed: text(e.observed),
    client: (Array.isArray(e.client) ? e.client : []).map(line),
    journal: (Array.isArray(e.journal) ? e.journal : []).map((j) => (typeof j === 'object' && j !== null ? j : { value: j })),
  };
  if (Array.isArray(e.notes)) out.notes = e.notes.map(text);
  if (Array.isArray(e.preconditions)) {
    out.preconditions = e.preconditions.filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null).map((p) => ({
      what: text(p.what), met: p.met === true, detail: text(p.detail), ...(p.blame === 'lab' || p.blame === 'candidate' ? { blame: p.blame } : {}),
    }));
  }
  const lag = e.lag as Record<string, unknown> | undefined;
  if (lag && typeof lag.maxMs === 'number' && Number.isFinite(lag.maxMs)) {
    out.lag = { maxMs: lag.maxMs, ...(typeof lag.loopDelayP99Ms === 'number' && Number.isFinite(lag.loopDelayP99Ms) ? { loopDelayP99Ms: lag.loopDelayP99Ms } : {}), ...(typeof lag.candidateCpuWaitShare === 'number' && Number.isFinite(lag.candidateCpuWaitShare) ? { candidateCpuWaitShare: lag.candidateCpuWaitShare } : {}) };
  }
  return out;
}

function line(l: unknown): TranscriptLine {
  if (typeof l !== 'object' || l === null) return { dir: 'note', line: text(l) };
  const o = l as Record<string, unknown>;
  const out: TranscriptLine = { dir: o.dir === 'C' || o.dir === 'S' ? o.dir : 'note', line: text(o.line) };
  if (typeof o.at === 'number' && Number.isFinite(o.at)) out.at = o.at;
  return out;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? (JSON.stringify(v) ?? String(v)) : String(v);
}
