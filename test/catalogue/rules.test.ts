/**
 * The rule catalogue (suites/rules.ts) against its sources: every ID of RULES.md (../shared/design)
 * with the same levels and rule text, nothing more; every seeded quote found verbatim (whitespace and
 * typographic quotes aside) in its seed. RULES.md and the seeds live beside the repository, in the
 * project's shared folder; where it is absent (a packaged copy, a clean clone in CI) the comparison is
 * skipped, and says so. The quotes themselves are data (suites/catalogue/quotes.json, one entry per rule
 * ID); its reader and its match with the catalogue are checked everywhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, RULES, SEED_FILES } from '../../suites/rules.ts';
import { parseQuotes, ruleQuotes, QuoteFileError } from '../../suites/catalogue/quotes.ts';
import { SITUATIONS } from '../../harness/topology/situations.ts';
import type { Level } from '../../reports/types.ts';

const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
const RULES_MD = `${SHARED}design/RULES.md`;
const haveShared = existsSync(RULES_MD);

interface MdRule {
  id: string;
  title: string;
  levels: [Level, Level, Level];
  hardened: Level | null;
}

/** A level cell of RULES.md: `R`, `S`, `I`, `–`, `R if <option>` (judged when the option is set: R), `hardened R`. */
function level(cell: string): { level: Level; hardened: Level | null } {
  const c = cell.trim();
  const h = /^hardened ([RSI])$/.exec(c);
  if (h) return { level: '-', hardened: h[1] as Level };
  if (c === '' || c === '\u2013' || c === '-') return { level: '-', hardened: null };
  const m = /^([RSI])\b/.exec(c);
  if (!m) throw new Error(`RULES.md: unknown level "${c}"`);
  return { level: m[1] as Level, hardened: null };
}

/** Every rule row of RULES.md's tables (`| ID | rule | 13 | 10 | 07 | source |`, SEC: `| ID | rule |`). */
function parseRulesMd(text: string): MdRule[] {
  const out: MdRule[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').slice(1, -1);
    const id = cells[0]?.trim() ?? '';
    if (!/^[A-Z]+-\d+$/.test(id)) continue;
    const title = cells[1]!.trim();
    if (cells.length === 2) {
      // SEC: the section is the hardened add-on ("SEC - hardening beyond Exchange (profile add-on `hardened`)").
      out.push({ id, title, levels: ['-', '-', '-'], hardened: 'R' });
      continue;
    }
    const [a, b, c] = [level(cells[2]!), level(cells[3]!), level(cells[4]!)];
    out.push({ id, title, levels: [a.level, b.level, c.level], hardened: a.hardened ?? b.hardened ?? c.hardened });
  }
  return out;
}

/**
 * RULES.md names built-in variants and one built-in host in a few rule texts; the catalogue names the
 * situation (harness/topology/situations.ts) or the role instead (issue 13: no organisation's name in
 * suites/). RULES.md's text with those names replaced is the catalogue's title.
 */
const TITLE_WORDING: readonly { rulesMd: string; catalogue: string }[] = [
  ...SITUATIONS.flatMap((s) => Object.values(s.variants).map((v) => ({ rulesMd: `\`${v}\``, catalogue: `situation \`${s.key}\`` }))),
  { rulesMd: 'https://mail-region.contoso.lab/', catalogue: "https://<Orange's site EAS namespace>/" },
];
const catalogueWording = (title: string) => TITLE_WORDING.reduce((t, w) => t.split(w.rulesMd).join(w.catalogue), title);

/** Seeds carry non-breaking spaces and typographic quotes (RULES.md): compare on a normal form. */
function norm(s: string): string {
  return s.replace(/[\s\u00a0]+/g, ' ').replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/[\u2013\u2014]/g, '-').trim();
}

describe.skipIf(!haveShared)(`rule catalogue against ${RULES_MD}`, () => {
  const md = haveShared ? parseRulesMd(readFileSync(RULES_MD, 'utf8')) : [];

  it('has exactly the IDs of RULES.md, in its order', () => {
    expect(md.length).toBeGreaterThan(60);
    expect(CATALOGUE.map((r) => r.id)).toEqual(md.map((r) => r.id));
  });

  it('has the levels of RULES.md for every profile and the hardened add-on', () => {
    const byId = new Map(CATALOGUE.map((r) => [r.id, r]));
    const diffs = md
      .map((m) => {
        const r = byId.get(m.id)!;
        const mine = [r.levels.exchange2013, r.levels.exchange2010, r.levels.exchange2007, r.hardened ?? null];
        const theirs = [...m.levels, m.hardened];
        return JSON.stringify(mine) === JSON.stringify(theirs) ? null : `${m.id}: catalogue ${JSON.stringify(mine)}, RULES.md ${JSON.stringify(theirs)}`;
      })
      .filter(Boolean);
    expect(diffs).toEqual([]);
  });

  it('has the rule text of RULES.md', () => {
    const byId = new Map(CATALOGUE.map((r) => [r.id, r]));
    expect(md.filter((m) => norm(catalogueWording(m.title)) !== norm(byId.get(m.id)!.title)).map((m) => m.id)).toEqual([]);
  });

  it('names no built-in organisation in a title (RULES.md\'s variant and host names become situations and roles)', () => {
    expect(CATALOGUE.filter((r) => /contoso/i.test(r.title)).map((r) => r.id)).toEqual([]);
    expect(md.filter((m) => m.title !== catalogueWording(m.title)).map((m) => m.id)).toEqual(['TLS-02', 'OWA-10', 'EAS-01', 'EAS-07', 'COOK-02']);
  });

  it('quotes every seeded rule verbatim from its seed', () => {
    const seeds = new Map(Object.entries(SEED_FILES).map(([n, f]) => [n, norm(readFileSync(`${SHARED}seeds/${f}`, 'utf8'))]));
    const missing = CATALOGUE.filter((r) => r.seed && !seeds.get(r.seed)!.includes(norm(r.quote))).map((r) => `${r.id} (seed ${r.seed})`);
    expect(missing).toEqual([]);
  });
});

describe('rule catalogue fields', () => {
  it('reads every quote from suites/catalogue/quotes.json: one entry per catalogue rule, nothing more', () => {
    expect([...ruleQuotes().keys()]).toEqual(CATALOGUE.map((r) => r.id));
    for (const r of CATALOGUE) expect({ seed: r.seed, quote: r.quote }, r.id).toEqual(ruleQuotes().get(r.id));
    expect(RULES.find((r) => r.id === 'EAS-01')!.source).toEqual({ seed: SEED_FILES['001'], quote: ruleQuotes().get('EAS-01')!.quote });
  });

  it.each([
    ['{"EAS-01": {"seed": "005", "quote": "q"}}', /quotes\.json: EAS-01 field seed: "005" is not a seed number/],
    ['{"EAS-01": {"seed": "001", "quote": ""}}', /quotes\.json: EAS-01 field quote: a non-empty string is needed/],
    ['{"EAS-01": {"seed": "001", "quote": "q", "title": "t"}}', /quotes\.json: EAS-01: unknown field title/],
    ['[1]', /quotes\.json: not an object keyed by rule ID/],
    ['{', /quotes\.json: not JSON/],
  ])('refuses a broken quotes file %s with the entry and field', (text, message) => {
    expect(() => parseQuotes(text)).toThrow(QuoteFileError);
    expect(() => parseQuotes(text)).toThrow(message);
  });

  it('gives every rule a severity, a scope and a quote, and unique IDs', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.severity, r.id).toMatch(/^(critical|major|minor|fingerprint)$/);
      expect(r.scope?.length, r.id).toBeGreaterThan(0);
      expect(r.source.quote.length, r.id).toBeGreaterThan(0);
    }
  });

  it('keeps the 2026-12 levels: AUTH-02..05, HC-07 and COOK-04 required in exchange2013', () => {
    for (const id of ['AUTH-02', 'AUTH-03', 'AUTH-04', 'AUTH-05', 'HC-07', 'COOK-04']) expect(RULES.find((r) => r.id === id)!.levels.exchange2013, id).toBe('R');
  });

  it('scopes mail rules to mail, AUTH-01 to both families, the rest to HTTP', () => {
    expect(CATALOGUE.filter((r) => r.scope.includes('mail')).map((r) => r.id)).toEqual(['AUTH-01', 'HC-09', 'MAIL-01', 'MAIL-02', 'MAIL-03', 'MAIL-04', 'MAIL-05', 'MAIL-06', 'MAIL-07', 'MAIL-08']);
    expect(RULES.find((r) => r.id === 'AUTH-01')!.scope).toEqual(['http', 'mail']);
  });

  it('marks the probe fingerprint apart from the failover behaviour (HC-01 fingerprint, HC-02..08 not)', () => {
    const sev = (id: string) => RULES.find((r) => r.id === id)!.severity;
    expect(sev('HC-01')).toBe('fingerprint');
    for (const id of ['HC-02', 'HC-03', 'HC-05', 'HC-06', 'HC-07', 'HC-08']) expect(sev(id), id).not.toBe('fingerprint');
  });
});
