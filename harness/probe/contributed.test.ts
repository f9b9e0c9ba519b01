/**
 * Probes of real servers that users contributed (mocks/builds/probes/real/*.json, redacted) as
 * regression fixtures for the mocks: each is compared with the checked-in probe of the mock of its
 * build, and the differences must be exactly those its `<name>.known.txt` lists (one field path a
 * line, `#` comments saying why). A mock change that adds a difference, or fixes a listed one,
 * shows here. docs/fidelity.md says how to contribute one. No lab.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseBuild } from './build-guess.ts';
import { diffProbes } from './diff.ts';
import { FIXTURE_DIR, readFixture, readProbeFile } from './fixtures.ts';

const DIR = join(FIXTURE_DIR, 'real');
const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')).sort() : [];

/** Field paths of a `.known.txt` file. */
function knownDifferences(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean).sort();
}

describe('contributed probes of real servers', () => {
  it('reads a known-differences list', () => {
    expect(knownDifferences('# 2010 SP2 RU1, IIS 7.5\nhttp.vdirs.rpc.challenge.status  # real IIS answers 401\n\nhttp.owa.logon.resources\n')).toEqual(['http.owa.logon.resources', 'http.vdirs.rpc.challenge.status']);
  });

  for (const f of files) {
    it(`${f}: redacted, and differs from the mock of its build only where ${f.replace(/\.json$/, '.known.txt')} says`, () => {
      const doc = readProbeFile(join(DIR, f));
      expect(doc.redacted, 'contributed probes are redacted').toBe(true);
      const mock = readFixture(chooseBuild('auto', doc).build.id);
      const known = join(DIR, f.replace(/\.json$/, '.known.txt'));
      const expected = existsSync(known) ? knownDifferences(readFileSync(known, 'utf8')) : [];
      expect(diffProbes(doc, mock).differences.map((d) => d.path).sort()).toEqual(expected);
    });
  }
});
