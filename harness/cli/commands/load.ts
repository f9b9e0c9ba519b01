/**
 * `cas-conformance load --front-door <candidate> [--users 20] [--seconds 30] [--rate R] [--out DIR]
 *   [--no-failover] [--defect NAME] [--export k6 FILE]`
 * A bounded, loopback-only load against one candidate in the lab (docs/load.md): correctness under load
 * (misroutes, cross-user answers), failover midway, latency against the mocks, cost. Writes load.json and
 * load.html. `--export k6 FILE` writes the scenario as a k6 script instead (no lab starts).
 * Exit: 0 zero misroutes and zero cross-user answers, 1 otherwise, 2 bad input or harness trouble.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCommand, UsageError, type CommandSpec } from '../usage.ts';
import { checkLoadPlan, LOAD_LIMITS } from '../../load/limits.ts';
import { LoadOptionError } from '../../load/errors.ts';
import type { LoadResult } from '../../load/types.ts';

export const LOAD_SPEC: CommandSpec = {
  name: 'load',
  summary: 'Load a front door in the lab: misroutes and cross-user answers under load, failover midway, latency and cost (load.json, load.html).',
  usage: [
    'load --front-door NAME [--users N] [--seconds S] [--rate R] [--out DIR] [--no-failover] [--defect NAME ...]',
    'load --export k6 FILE [--users N] [--seconds S] [--rate R] [--topology NAME|FILE]',
  ],
  options: {
    'front-door': { type: 'string', value: 'NAME', help: 'the candidate: reference (default), nginx, haproxy, apache, caddy, nginx+dovecot, command:"CMD" or url:https://HOST:PORT' },
    users: { type: 'string', value: 'N', help: `simulated users, each on its own loopback address (default 20, at most ${LOAD_LIMITS.maxUsers})` },
    seconds: { type: 'string', value: 'S', help: `duration of the load (default 30, ${LOAD_LIMITS.minSeconds} to ${LOAD_LIMITS.maxSeconds})` },
    rate: { type: 'string', value: 'R', help: `target operations per second over all users (default: one per user, at most ${LOAD_LIMITS.maxRate})` },
    out: { type: 'string', value: 'DIR', help: 'where load.json and load.html go (default load-report)' },
    'no-failover': { type: 'boolean', help: 'keep every CAS up (default: one CAS of the busiest pool fails midway and recovers)' },
    defect: { type: 'string', multiple: true, value: 'NAME', help: 'reference only: switch on a named defect, e.g. misroute-1pct (repeatable)' },
    topology: { type: 'string', value: 'NAME|FILE', help: 'built-in topology or your own JSON file (default contoso)' },
    scope: { type: 'string', value: 'http|mail|http,mail', help: 'what the candidate fronts (command/url candidates; narrows an adapter)' },
    config: { type: 'string', multiple: true, value: 'FILE|PRODUCT=FILE', help: 'your own config template for a real-proxy adapter (as run --config)' },
    export: { type: 'string', value: 'k6', help: 'write the scenario for k6 to the FILE given after it (same users and checks; no lab starts)' },
    quiet: { type: 'boolean', help: 'only the verdict line' },
  },
  notes: [
    `hard caps: ${LOAD_LIMITS.maxUsers} users, ${LOAD_LIMITS.maxSeconds} s, ${LOAD_LIMITS.maxRate} operations/s, ${LOAD_LIMITS.maxConnections} client connections; above them the command refuses to start.`,
    'exit codes: 0 zero misroutes and zero cross-user answers (every protocol served), 1 otherwise, 2 bad input or harness trouble',
    'example: cas-conformance load --front-door nginx --users 20 --seconds 30 --out load-nginx',
  ],
};

interface Values {
  'front-door'?: string;
  users?: string;
  seconds?: string;
  rate?: string;
  out?: string;
  'no-failover'?: boolean;
  defect?: string[];
  topology?: string;
  scope?: string;
  config?: string[];
  export?: string;
  quiet?: boolean;
}

/** The lines printed after a run (also used by compare-run --load). */
export function summaryLines(r: LoadResult, files?: { json: string; html: string }): string[] {
  const c = r.correctness;
  const lines = [
    `load ${r.candidate.name}: ${r.plan.users} users, ${r.plan.rate} operations/s for ${r.plan.seconds} s: ${r.throughput.ops} operations (${r.throughput.opsPerSecond}/s), ${r.throughput.requests} requests through the candidate`,
    `  misroutes ${c.misroutes}, cross-user ${c.crossUser}, refused ${c.refusals}, errors ${c.errors}, unconfirmed ${c.unconfirmed}`,
  ];
  for (const ex of [...c.examples.misroutes.slice(0, 2), ...c.examples.crossUser.slice(0, 2)]) lines.push(`    e.g. ${ex.sim} ${ex.user} ${ex.kind}: ${ex.text}`);
  const f = r.failover;
  if (f.exercised) {
    lines.push(`  failover ${f.server}: outage ${f.outage.map((o) => `${o.protocol} ${o.outageMs} ms${o.resolutionMs === null ? '' : ` (+/- ${o.resolutionMs})`}`).join(', ')}`);
    lines.push(`    traffic back after recovery: ${f.outage.map((o) => `${o.protocol} ${o.returnMs === null ? 'not seen' : `${o.returnMs} ms`}`).join(', ')}; checks back ${f.probeReturnMs ?? 'not seen'}${f.probeReturnMs === null || f.probeReturnMs === undefined ? '' : ' ms'}`);
    if (f.outage.some((o) => o.returnMs === null && o.protocol !== 'imap' && o.protocol !== 'pop3')) lines.push(`    (not seen: no user of the pool reached the recovered CAS in that protocol within the run; over HTTP, sticky affinity (003) keeps users where they failed over)`);
    lines.push(`    affinity kept ${f.affinity.kept}/${f.affinity.total}, session losses ${f.sessionLosses}`);
  } else lines.push(`  failover: not exercised (${f.reason})`);
  const lat = r.latency.filter((l) => l.addedP99 !== null);
  lines.push(`  added latency p50/p99 (ms; the same operations through the door minus direct, so a tail can read below 0): ${lat.map((l) => `${l.kind} ${l.addedP50}/${l.addedP99}`).join(', ') || 'no baseline pairs'}`);
  lines.push(`  p99 (ms): ${r.latency.filter((l) => l.p99 !== null).map((l) => `${l.kind} ${l.p99}`).join(', ')}`);
  lines.push(`  harness event-loop delay p50/p99/max: ${r.harnessLag.p50}/${r.harnessLag.p99}/${r.harnessLag.max} ms`);
  lines.push(r.cost.measured ? `  cost: CPU ${r.cost.cpuSeconds} s (${r.cost.cpuPercent}%), peak RSS ${r.cost.peakRssMiB} MiB, ${r.cost.cpuMsPerRequest} ms CPU per request` : `  cost: not measured (${r.cost.reason})`);
  lines.push(`  verdict: ${r.verdict.outcome}${r.verdict.reasons.length ? ` (${r.verdict.reasons.join('; ')})` : ''}`);
  if (files) lines.push(`  wrote ${files.json}, ${files.html}`);
  return lines;
}

/** Write load.json and load.html into `dir`. */
export async function writeLoadFiles(r: LoadResult, dir: string): Promise<{ json: string; html: string }> {
  const { renderLoadHtml } = await import('../../../reports/load-html.ts');
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'load.json');
  const html = join(dir, 'load.html');
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(html, renderLoadHtml(r));
  return { json, html };
}

async function exportK6(v: Values, file: string | undefined): Promise<number> {
  if (v.export !== 'k6') throw new LoadOptionError(`--export must be k6 (got ${JSON.stringify(v.export)})`);
  if (!file) throw new UsageError('--export k6 needs the script file after it: --export k6 FILE', LOAD_SPEC);
  const plan = checkLoadPlan(v);
  const { topologyForProfile } = await import('../../frontdoor/profile-topology.ts');
  const { population } = await import('../../load/population.ts');
  const { k6Script, writeK6Script } = await import('../../load/k6-export.ts');
  const t = topologyForProfile(v.topology ?? 'contoso', { profile: 'exchange2013' });
  writeK6Script(resolve(file), k6Script(t, population(t, plan.users, 'k6', true), plan));
  console.log(`wrote ${resolve(file)} (k6 script: ${plan.users} users, ${plan.rate} operations/s for ${plan.seconds} s; docs/load.md says how to run it)`);
  return 0;
}

export async function loadCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parseCommand(LOAD_SPEC, args) as { values: Values; positionals: string[] };
  if (v.export !== undefined) return exportK6(v, positionals[0]);
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, LOAD_SPEC);
  const plan = checkLoadPlan(v);
  const frontDoor = v['front-door'] ?? 'reference';
  const defects = v.defect ?? [];
  if (defects.length && frontDoor !== 'reference') throw new LoadOptionError('--defect applies to the reference front door only');
  const { checkFrontDoor } = await import('../run-checks.ts');
  await checkFrontDoor(frontDoor, 'exchange2013', defects);
  const { parseScope } = await import('../../frontdoor/scope.ts');
  const { configTemplates } = await import('../../frontdoor/registry.ts');
  const scope = v.scope ? parseScope(v.scope) : undefined;
  const config = v.config?.length ? configTemplates(frontDoor, v.config) : undefined;
  const { runLoad } = await import('../../load/run-load.ts');
  const ac = new AbortController();
  const stop = () => ac.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  let r: LoadResult;
  try {
    r = await runLoad({
      frontDoor, defects, plan, failover: !v['no-failover'], signal: ac.signal,
      ...(v.topology ? { topology: v.topology } : {}), ...(scope ? { scope } : {}), ...(config ? { config } : {}),
      log: v.quiet ? () => {} : (line) => console.log(line),
    });
  } finally {
    process.off('SIGINT', stop);
  }
  const files = await writeLoadFiles(r, resolve(v.out ?? 'load-report'));
  const lines = summaryLines(r, files);
  if (v.quiet) console.log(lines.at(-2));
  else console.log(lines.join('\n'));
  return r.verdict.exitCode;
}
