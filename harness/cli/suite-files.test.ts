// `run --rule` collects only the suite files that define the chosen rules (harness/cli/commands/run.ts
// suiteFileOf): every rule of the catalogue must map to the one file that defines it, or a --rule run
// would judge nothing (the rule never collected) or start a worker for a file with none of its rules.
// From the suites' bundle (harness/cli/suite-bundle.ts) the same files must be there, under names
// `run --rule` finds.
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../suites/rules.ts';
import { suiteFileOf } from './commands/run.ts';
import { bundledSuiteFile, suiteEntries } from './suite-bundle.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('suiteFileOf', () => {
  const defined = new Map<string, string>();
  for (const f of readdirSync(join(ROOT, 'suites')).filter((x) => x.endsWith('.test.ts'))) {
    for (const m of readFileSync(join(ROOT, 'suites', f), 'utf8').matchAll(/\brule\('([A-Z]+-\d+)'/g)) defined.set(m[1]!, `suites/${f}`);
  }

  test('every catalogue rule maps to the file that defines it', () => {
    const wrong = RULES.map((r) => r.id).filter((id) => suiteFileOf(id) !== defined.get(id)).map((id) => `${id}: ${suiteFileOf(id)} (defined in ${defined.get(id)})`);
    expect(wrong).toEqual([]);
    expect(defined.size).toBe(RULES.length);
  });
});

describe('suiteEntries', () => {
  test("the suites' bundle holds every suite file the sources' include would collect, and the setup file", () => {
    const all = (readdirSync(join(ROOT, 'suites'), { recursive: true }) as string[]).filter((f) => f.endsWith('.test.ts')).map((f) => `suites/${f}`).sort();
    const entries = suiteEntries();
    expect(Object.values(entries).filter((f) => f.endsWith('.test.ts')).sort()).toEqual(all);
    expect(entries['file-worlds']).toBe('suites/support/file-worlds.ts');
    // Each entry's output is found again by the name `run --rule` asks for.
    for (const f of all) expect(bundledSuiteFile('/b', f)).toBe(`/b/${Object.entries(entries).find(([, src]) => src === f)![0]}.mjs`);
  });
});
