/**
 * `rule(id, …)`: one vitest test per RULES.md ID, carrying `{ rule }` in its meta (the reporter reads it),
 * skipped as `n/a` when the profile does not judge it, with evidence recorded whatever happens.
 * A candidate that died or never answered turns the case into an `error` (never pass, never fail).
 * @example
 * rule('EAS-03', { quote: 'Exchange 2013 no longer supports the 451 redirect response' }, async (t) => {
 *   const w = await t.world();
 *   …
 *   t.expectThat('Orange proxied to CAS2010 Site2', …);
 * });
 */
import { test } from 'vitest';
import type { Evidence, Level, RuleMeta, TranscriptLine } from '../../reports/types.ts';
import { ruleMeta } from '../rules.ts';
import { FrontDoorLaunchError } from '../../harness/errors.ts';
import { world, type World, type WorldSpec } from './world.ts';
import { runOptions } from './run-options.ts';
import { levelFor as levelOf } from '../../reports/judge.ts';
import { CheckFailure } from '../../harness/verify/check.ts';
import type { JournalEvent } from '../../harness/journal/events.ts';

export interface RuleContext {
  readonly meta: RuleMeta;
  readonly level: Level;
  readonly profile: ReturnType<typeof runOptions>['profile'];
  readonly hardened: boolean;
  /** The world this rule runs in (started on first use). */
  world(spec?: WorldSpec): Promise<World>;
  /** What the seed says should be seen (shown as "expected" in the report). */
  expect(text: string): void;
  /** What was seen. */
  observe(text: string): void;
  /** Client-leg transcript lines. */
  client(lines: TranscriptLine[] | TranscriptLine): void;
  note(text: string): void;
  /** Skip as n/a with a reason (an option the candidate's profile does not have, …). */
  notApplicable(reason: string): never;
}


const KEEP_KINDS = new Set(['http', 'hop', 'mail', 'eventlog', 'tls']);

function journalEvidence(w: World | undefined, since: number): unknown[] {
  if (!w) return [];
  const events = w.lab.journal.since(since).filter((e: JournalEvent) => KEEP_KINDS.has(e.kind) && !(e.kind === 'http' && e.userAgent === 'HttpProxy.ClientAccessServer2010Ping'));
  return events.slice(0, 60);
}

export function rule(id: string, opts: { quote?: string; timeoutMs?: number }, body: (t: RuleContext) => Promise<void>): void {
  const base = ruleMeta(id);
  const meta: RuleMeta = { ...base, source: { seed: base.source.seed, quote: opts.quote ?? base.source.quote } };
  const run = runOptions();
  const caseTimeoutMs = opts.timeoutMs ?? run.caseTimeoutMs;
  // vitest's own timeout is a backstop: the case bound below fires first, so a hang is an `error` with evidence.
  test(`${id} ${meta.title}`, { meta: { rule: meta }, timeout: caseTimeoutMs + 10_000 }, async (ctx) => {
    const level = levelOf(meta, run.profile, run.hardened);
    if (level === '-') ctx.skip(`n/a: ${id} is not judged in profile ${run.profile}${run.hardened ? ' + hardened' : ''}`);
    const ev: Evidence = { expected: '', observed: '', client: [], journal: [] };
    let w: World | undefined;
    let since = 0;
    const t: RuleContext = {
      meta, level, profile: run.profile, hardened: run.hardened,
      world: async (spec) => {
        const defects = run.ruleDefects?.[id];
        w = await world(defects ? { ...spec, defects } : spec);
        since = w.mark();
        return w;
      },
      expect: (text) => void (ev.expected = ev.expected ? `${ev.expected}\n${text}` : text),
      observe: (text) => void (ev.observed = ev.observed ? `${ev.observed}\n${text}` : text),
      client: (lines) => void ev.client.push(...(Array.isArray(lines) ? lines : [lines])),
      note: (text) => void (ev.notes ??= []).push(text),
      notApplicable: (reason) => ctx.skip(`n/a: ${reason}`),
    };
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FrontDoorLaunchError(`no verdict within the case timeout of ${caseTimeoutMs} ms: the candidate (or the lab) hangs`)), caseTimeoutMs);
    });
    try {
      await Promise.race([body(t), bound]);
    } catch (err) {
      if (err instanceof CheckFailure) {
        t.expect(err.expected);
        t.observe(err.actual);
      }
      const gone = w?.candidateGone();
      if (gone) throw new FrontDoorLaunchError(`the candidate is not running: ${gone}`, { cause: err });
      if (isCandidateUnreachable(err)) {
        const why = w?.candidate.httpUnsupported ? `${w.candidate.httpUnsupported}: ` : '';
        throw new FrontDoorLaunchError(`${why}the candidate did not answer: ${(err as Error).message}`, { cause: err });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      ev.journal = journalEvidence(w, since);
      ctx.task.meta.evidence = ev;
    }
  });
}

/** Connection refused / reset / timeout talking to the front door: the harness cannot judge. */
function isCandidateUnreachable(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'CANDIDATE_UNREACHABLE' || code === 'HTTP_CLIENT_TRANSPORT' || code === 'HTTP_CLIENT_TIMEOUT';
}
