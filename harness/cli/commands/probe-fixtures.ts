/**
 * `cas-conformance probe fixtures [--build B]... [--check]`: probe the mock of every build (or the
 * ones named) in one probe lab and write mocks/builds/probes/<build>.json; with --check, compare
 * with the checked-in files instead and exit 1 on any difference (what fixtures.test.ts does).
 */
import { parseCommand, UsageError } from '../usage.ts';
import { subSpec } from './probe.ts';
import { readFileSync } from 'node:fs';
import { BUILDS, getBuild } from '../../../mocks/builds/catalogue.ts';
import { asFixture, FIXTURE_SHAPE, fixturePath, probeText, writeFixture } from '../../probe/fixtures.ts';
import { probeMock, startProbeLab } from '../../probe/lab-target.ts';

/** Probe the mocks of `builds` in one lab; returns the fixture text of each. */
export async function generateFixtures(builds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const lab = await startProbeLab(builds);
  try {
    for (const id of builds) out.set(id, probeText(asFixture((await probeMock(lab, id, FIXTURE_SHAPE, { timestamp: false })).doc)));
  } finally {
    await lab.stop();
  }
  return out;
}

export async function probeFixturesCommand(args: string[]): Promise<number> {
  const spec = subSpec(['build', 'check']);
  spec.options = { ...spec.options, build: { ...spec.options.build!, multiple: true } };
  const { values, positionals } = parseCommand(spec, args) as { values: { build?: string[]; check?: boolean }; positionals: string[] };
  if (positionals.length) throw new UsageError(`probe fixtures takes no arguments (got "${positionals[0]}")`, spec);
  const builds = values.build?.length ? values.build.map((b) => getBuild(b).id) : BUILDS.map((b) => b.id);
  const fresh = await generateFixtures(builds);
  let stale = 0;
  for (const [id, text] of fresh) {
    if (values.check) {
      let old = '';
      try {
        old = readFileSync(fixturePath(id), 'utf8');
      } catch {
        // missing: stale
      }
      if (old !== text) {
        stale++;
        console.log(`${id}: ${old ? 'differs from' : 'missing:'} ${fixturePath(id)}`);
      }
    } else {
      writeFixture(id, JSON.parse(text));
    }
  }
  if (values.check) console.log(`${fresh.size - stale} of ${fresh.size} checked-in probes match the mocks`);
  else console.log(`wrote ${fresh.size} probe(s) to ${fixturePath(builds[0]!).replace(/[^/]+$/, '')}`);
  return stale ? 1 : 0;
}
