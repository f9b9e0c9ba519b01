/**
 * junit.xml: one <testsuite> per rule area, one <testcase> per rule, so CI test views list rules by
 * ID. Mapping: fail -> <failure>; warn -> <failure> only with failOn 'warn' (else it passes with the
 * warning in <system-out>); error -> <error>; n/a and waived -> <skipped> with the reason;
 * pass and info -> no child. The rule ID, level, outcome and seed quote are <properties>.
 */
import type { ConformanceReport, RuleResult } from '../types.ts';
import { evidenceText } from './evidence-text.ts';
import { text, writeElement, xmlDocument } from './xml.ts';

/**
 * Render a report as JUnit XML.
 * @example
 * writeFileSync('out/junit.xml', renderJunit(report));
 */
export function renderJunit(report: ConformanceReport): string {
  const areas = groupByArea(report.rules);
  const suites = [...areas].map(([area, rules]) => suite(report, area, rules));
  const totals = count(report, report.rules);
  return xmlDocument(writeElement('testsuites', {
    name: `cas-conformance ${report.profile.name}${report.profile.hardened ? '+hardened' : ''} ${report.candidate.name}`,
    tests: report.rules.length, failures: totals.failures, errors: totals.errors, skipped: totals.skipped,
    time: seconds(report.run.durationMs), timestamp: report.run.startedAt,
  }, suites));
}

function suite(report: ConformanceReport, area: string, rules: RuleResult[]): string {
  const c = count(report, rules);
  const props = writeElement('properties', {}, [
    prop('candidate', report.candidate.name),
    prop('candidate.version', report.candidate.version),
    prop('candidate.configDigest', report.candidate.configDigest),
    prop('profile', report.profile.name),
    prop('profile.hardened', String(report.profile.hardened)),
    prop('profile.failOn', report.profile.failOn),
    prop('topology', report.topology.name),
    prop('topology.digest', report.topology.digest),
    prop('run.id', report.run.id),
  ]);
  return writeElement('testsuite', {
    name: area, tests: rules.length, failures: c.failures, errors: c.errors, skipped: c.skipped,
    time: seconds(rules.reduce((t, r) => t + r.durationMs, 0)), timestamp: report.run.startedAt, hostname: report.run.host,
  }, [props, ...rules.map((r) => testcase(report, r))]);
}

function testcase(report: ConformanceReport, r: RuleResult): string {
  const children = [writeElement('properties', {}, [
    prop('rule.id', r.id),
    prop('rule.level', r.level),
    r.severity ? prop('rule.severity', r.severity) : '',
    prop('rule.outcome', r.outcome),
    prop('seed', r.source.seed ?? 'none'),
    prop('seed.quote', r.source.quote),
    r.flaky ? prop('rule.flaky', 'true') : '',
  ].filter(Boolean))];
  const reason = r.reason ?? r.outcome;
  if (r.outcome === 'fail' || (r.outcome === 'warn' && report.profile.failOn === 'warn')) {
    children.push(writeElement('failure', { message: reason, type: r.outcome }, text(shortFailure(r))));
  } else if (r.outcome === 'error') {
    children.push(writeElement('error', { message: reason, type: 'harness' }, text(shortFailure(r))));
  } else if (r.outcome === 'n/a' || r.outcome === 'waived') {
    children.push(writeElement('skipped', { message: `${r.outcome}: ${reason}` }));
  }
  children.push(writeElement('system-out', {}, text(evidenceText(r, { json: true }))));
  return writeElement('testcase', { name: `${r.id} ${r.title}`, classname: r.area, time: seconds(r.durationMs) }, children);
}

/** The failure body: reason and expected/observed; the full evidence goes to <system-out>. */
function shortFailure(r: RuleResult): string {
  const lines = [r.reason ?? r.outcome];
  if (r.evidence) lines.push(`expected: ${r.evidence.expected}`, `observed: ${r.evidence.observed}`);
  if (r.source.quote) lines.push(`seed ${r.source.seed ?? '-'}: "${r.source.quote}"`);
  return lines.join('\n');
}

function prop(name: string, value: string | null): string {
  return writeElement('property', { name, value: value ?? '' });
}

function count(report: ConformanceReport, rules: RuleResult[]) {
  const failOnWarn = report.profile.failOn === 'warn';
  return {
    failures: rules.filter((r) => r.outcome === 'fail' || (failOnWarn && r.outcome === 'warn')).length,
    errors: rules.filter((r) => r.outcome === 'error').length,
    skipped: rules.filter((r) => r.outcome === 'n/a' || r.outcome === 'waived').length,
  };
}

/** Areas in the order they first appear (the suites' order). */
export function groupByArea(rules: readonly RuleResult[]): Map<string, RuleResult[]> {
  const m = new Map<string, RuleResult[]>();
  for (const r of rules) m.set(r.area, [...(m.get(r.area) ?? []), r]);
  return m;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
