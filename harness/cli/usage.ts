/**
 * Options of every command as data: each option carries a one-line `help` and, for strings, the name
 * of its `value`. The same table parses the arguments (node:util parseArgs, strict) and prints
 * `--help`, so the help can never list an option the parser does not know, or miss one it does.
 * A bad command line is a UsageError (code USAGE): one line, the command's usage, exit 2.
 */
import { parseArgs } from 'node:util';

/** One option: node:util parseArgs' fields plus its help line. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** One line: what it does (and its default). */
  help?: string;
  /** Name of the value in the help (`--out DIR`). */
  value?: string;
}

export type OptionTable = Record<string, OptionSpec>;

/** A command's help: how to call it, what it does, its options. */
export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Call forms, without the `cas-conformance` prefix (`run [options]`). */
  usage: string[];
  options: OptionTable;
  /** Lines after the options (exit codes, examples). */
  notes?: string[];
}

/** A bad command line: printed as one line plus the command's usage, exit 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string, readonly command?: CommandSpec) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--help` and `-h` are understood by every command. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'print this help and exit' };

/** The usage block of a command (call forms and the options, one line each). */
export function renderUsage(c: CommandSpec, opts: { full?: boolean } = {}): string {
  const lines = [`usage: ${c.usage.map((u, i) => `${i ? '       ' : ''}cas-conformance ${u}`).join('\n')}`];
  if (opts.full) lines.push('', c.summary);
  const entries = Object.entries({ ...c.options, help: HELP_OPTION });
  if (entries.length) {
    const left = entries.map(([name, o]) => `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}${o.multiple ? ' ...' : ''}`);
    const width = Math.min(34, Math.max(...left.map((l) => l.length)));
    lines.push('', 'options:');
    entries.forEach(([, o], i) => lines.push(`  ${left[i]!.padEnd(width)}  ${o.help ?? ''}`.trimEnd()));
  }
  if (opts.full && c.notes?.length) lines.push('', ...c.notes);
  return lines.join('\n');
}

/** True when the arguments ask for help (before any other parsing, so `run --help --bogus` still helps). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

type Parsed = { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] };

/**
 * Parse a command's arguments strictly against its table; an unknown option or a missing value is a
 * UsageError naming it.
 * @example
 * const { values, positionals } = parseCommand(PKI_SPEC, ['export', 'out', '--topology', 'contoso']);
 */
export function parseCommand(c: CommandSpec, args: string[], o: { positionals?: boolean } = {}): Parsed {
  const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, { type: v.type, ...(v.multiple ? { multiple: true } : {}), ...(v.short ? { short: v.short } : {}) }]));
  try {
    return parseArgs({ args, options, allowPositionals: o.positionals ?? true, strict: true }) as Parsed;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS')) throw err;
    // node's messages are long and say "To specify a positional argument starting with a '-'…": keep the first sentence.
    const first = (err as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '').replace(/\.$/, '');
    throw new UsageError(first, c);
  }
}
