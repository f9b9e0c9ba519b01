import { describe, expect, it } from 'vitest';
import { normaliseEvidence, ruleMetaProblem } from './rule-meta.ts';

const good = { id: 'EAS-03', area: 'EAS', title: 't', levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' }, severity: 'major', scope: ['http'], source: { seed: '001', quote: 'q' } };

describe('ruleMetaProblem', () => {
  it.each([
    [good, undefined],
    [{ ...good, hardened: 'R', source: { seed: null, quote: '' } }, undefined],
    [null, 'meta.rule must be an object'],
    [{ ...good, id: 'eas-3' }, 'meta.rule.id must be a rule ID such as "EAS-03"'],
    [{ ...good, levels: { exchange2013: 'R', exchange2010: 'X', exchange2007: '-' } }, 'meta.rule.levels.exchange2010 must be one of R, S, I, -'],
    [{ ...good, hardened: 'yes' }, 'meta.rule.hardened must be one of R, S, I, -'],
    [{ ...good, source: { seed: 1, quote: 'q' } }, 'meta.rule.source.seed must be a string or null'],
    [{ ...good, source: undefined }, 'meta.rule.source must be an object'],
    [{ ...good, severity: 'bad' }, 'meta.rule.severity must be one of critical, major, minor, fingerprint'],
    [{ ...good, scope: [] }, 'meta.rule.scope must be a non-empty list of http, mail'],
    [{ ...good, scope: ['smtp'] }, 'meta.rule.scope must be a non-empty list of http, mail'],
  ])('%j -> %s', (meta, problem) => {
    expect(ruleMetaProblem(meta)).toBe(problem);
  });
});

describe('normaliseEvidence', () => {
  it('keeps good evidence as it is and repairs bad fields', () => {
    const ev = { expected: 'e', observed: 'o', client: [{ dir: 'C', line: 'x', at: 3 }], journal: [{ kind: 'http' }], notes: ['n'] };
    expect(normaliseEvidence(ev)).toEqual(ev);
    expect(normaliseEvidence({ observed: { status: 451 }, client: [{ dir: 'Z', line: 5 }, 'raw'] })).toEqual({
      expected: '', observed: '{"status":451}', client: [{ dir: 'note', line: '5' }, { dir: 'note', line: 'raw' }], journal: [],
    });
    expect(normaliseEvidence('nope')).toBeUndefined();
  });
});
