/**
 * The `${{ }}` expressions the local runner understands, and nothing else: a context path
 * (`inputs.x`, `matrix.x`, `steps.<id>.outputs.x`, `github.job|run_id|run_attempt|workspace|action_path`,
 * `env.X`) and, in `if:` only, the status functions `always()`, `success()`, `failure()`, `cancelled()`.
 * Anything else (operators, other functions, other contexts) throws ActionLocalError naming the
 * expression and where it was found: a runner that guessed would report a workflow it did not run.
 */
import { ActionLocalError } from './errors.ts';

/** What an expression may read. `steps` holds only the steps that ran before, by id. */
export interface ExprContext {
  inputs?: Record<string, string>;
  matrix?: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
  github: Record<string, string>;
  env: Record<string, string>;
}

const EXPR = /\$\{\{([\s\S]*?)\}\}/g;
const PATH = /^([a-z_]+)((?:\.[A-Za-z0-9_-]+)+)$/;

/** One expression's value (the text between `${{` and `}}`); `where` names it in errors. */
export function evaluate(raw: string, ctx: ExprContext, where: string): string {
  const expr = raw.trim();
  const m = PATH.exec(expr);
  if (!m) throw new ActionLocalError(`${where}: unsupported expression \`\${{ ${expr} }}\` (the local runner reads only context paths such as inputs.x, matrix.x, steps.id.outputs.x, github.job)`);
  const [, root, rest] = m;
  const parts = rest!.slice(1).split('.');
  const fail = (why: string): never => { throw new ActionLocalError(`${where}: \`\${{ ${expr} }}\`: ${why}`); };
  switch (root) {
    case 'inputs':
    case 'matrix': {
      const table = ctx[root];
      if (!table) fail(`no ${root} context here`);
      if (parts.length !== 1) fail(`${root} has no nested values`);
      if (!(parts[0]! in table!)) fail(`${root}.${parts[0]} is not defined`);
      return table![parts[0]!]!;
    }
    case 'steps': {
      // GitHub gives '' for an output a step did not write (the Verdict step relies on it), but a
      // step id that did not run before this one is a typo or an ordering bug: say so.
      if (parts.length !== 3 || parts[1] !== 'outputs') fail('only steps.<id>.outputs.<name> is supported');
      const step = ctx.steps[parts[0]!];
      if (!step) fail(`no earlier step has id "${parts[0]}"`);
      return step!.outputs[parts[2]!] ?? '';
    }
    case 'github': {
      if (parts.length !== 1 || !(parts[0]! in ctx.github)) fail(`github.${parts.join('.')} is not provided by the local runner (it knows ${Object.keys(ctx.github).join(', ')})`);
      return ctx.github[parts[0]!]!;
    }
    case 'env': {
      if (parts.length !== 1) fail('env has no nested values');
      return ctx.env[parts[0]!] ?? '';
    }
    default:
      return fail(`the ${root} context is not supported by the local runner`);
  }
}

/** A string with every `${{ }}` replaced by its value. */
export function substitute(text: string, ctx: ExprContext, where: string): string {
  return text.replace(EXPR, (_all, inner: string) => evaluate(inner, ctx, where));
}

/** Every value of a string map substituted (env:, with:). */
export function substituteAll(map: Record<string, unknown> | undefined, ctx: ExprContext, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[k] = substitute(String(v), ctx, `${where} ${k}`);
  return out;
}

/**
 * Whether a step runs, from its `if:` and whether an earlier step failed. No `if:` means success().
 * Only the four status functions are understood; a real condition throws (never guessed).
 */
export function shouldRun(cond: unknown, failed: boolean, where: string): boolean {
  if (cond === undefined) return !failed;
  const text = String(cond).trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
  switch (text) {
    case 'always()': return true;
    case 'success()': return !failed;
    case 'failure()': return failed;
    case 'cancelled()': return false;
    default: throw new ActionLocalError(`${where}: unsupported if: \`${text}\` (the local runner knows always(), success(), failure(), cancelled())`);
  }
}
