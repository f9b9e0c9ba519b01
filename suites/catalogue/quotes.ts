/**
 * The catalogue's seed quotes, read from quotes.json (one entry per rule ID: the seed number and the
 * seed's sentence, verbatim). Seed text is data: it names the seeds' own organisation (Contoso), so it
 * lives in the data file, not in the catalogue's code. test/catalogue/rules.test.ts checks every quote
 * against its seed and that the IDs here are the catalogue's.
 * @example
 * const q = ruleQuotes();
 * q.get('EAS-01');   // { seed: '001', quote: 'Exchange 2013 no longer supports the 451 redirect response ...' }
 */
import { readFileSync } from 'node:fs';

/** The seed files (../shared/seeds/) by number. */
export const SEED_FILES = {
  '000': '000_fa4515a132c19ea4.txt',
  '001': '001_c5d87abfd53dd768.txt',
  '002': '002_7cf54a298378f5d1.txt',
  '003': '003_db37de82c7aa626b.txt',
  '004': '004_e64883290b086638.txt',
} as const;
export type SeedNumber = keyof typeof SEED_FILES;

/** Where a rule comes from: a seed and its sentence, or no seed and what the rule rests on instead (or an em dash). */
export interface RuleQuote {
  seed: SeedNumber | null;
  quote: string;
}

/** quotes.json is not what its reader expects (names the entry and the field). */
export class QuoteFileError extends Error {
  readonly code = 'QUOTE_FILE';
  constructor(message: string) {
    super(`suites/catalogue/quotes.json: ${message}`);
    this.name = 'QuoteFileError';
  }
}

const FILE = new URL('./quotes.json', import.meta.url);

/** Validate one entry of the file. */
function entry(id: string, raw: unknown): RuleQuote {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new QuoteFileError(`${id}: not an object`);
  const { seed, quote, ...rest } = raw as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new QuoteFileError(`${id}: unknown field ${extra[0]}`);
  if (seed !== null && !(typeof seed === 'string' && Object.hasOwn(SEED_FILES, seed))) {
    throw new QuoteFileError(`${id} field seed: ${JSON.stringify(seed)} is not a seed number (${Object.keys(SEED_FILES).join(', ')}) or null`);
  }
  if (typeof quote !== 'string' || !quote.trim()) throw new QuoteFileError(`${id} field quote: a non-empty string is needed`);
  return { seed: seed as SeedNumber | null, quote };
}

/** Parse the text of a quotes file (exported for the test of the reader). */
export function parseQuotes(text: string): Map<string, RuleQuote> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new QuoteFileError(`not JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new QuoteFileError('not an object keyed by rule ID');
  return new Map(Object.entries(doc as Record<string, unknown>).map(([id, raw]) => [id, entry(id, raw)]));
}

let cache: Map<string, RuleQuote> | undefined;
/** Every rule's quote, by rule ID (read once). */
export function ruleQuotes(): Map<string, RuleQuote> {
  cache ??= parseQuotes(readFileSync(FILE, 'utf8'));
  return cache;
}
