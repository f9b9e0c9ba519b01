/**
 * SEARCH and UID SEARCH (RFC 3501 6.4.4), for the keys a client needs to list a mailbox: ALL,
 * SEEN, UNSEEN, a sequence set and UID <set>, ANDed; an optional `CHARSET x` prefix is accepted.
 */
import { ImapArgumentError, SELECTED, type ImapCommand, type ImapContext } from '../context.ts';
import type { Token } from '../parser.ts';
import { parseSequenceSet, resolveSequenceSet } from '../sequence-set.ts';

export function runSearch(ctx: ImapContext, args: readonly Token[], byUid: boolean): void {
  const sel = ctx.session.selected!;
  const atoms = args.map((t) => (t.type === 'atom' ? t.value : null));
  if (atoms.length === 0 || atoms.includes(null)) throw new ImapArgumentError('SEARCH keys');
  let rest = atoms as string[];
  if (rest[0]!.toUpperCase() === 'CHARSET') rest = rest.slice(2);
  let hits = sel.messages.map((_, i) => i);
  const keep = (set: number[]) => (hits = hits.filter((i) => set.includes(i)));
  for (let n = 0; n < rest.length; n++) {
    const key = rest[n]!.toUpperCase();
    if (key === 'ALL') continue;
    if (key === 'SEEN' || key === 'UNSEEN') {
      hits = hits.filter((i) => ctx.session.seen.has(sel.messages[i]!.uid) === (key === 'SEEN'));
      continue;
    }
    const isUid = key === 'UID';
    const ranges = parseSequenceSet(isUid ? (rest[++n] ?? '') : rest[n]!);
    if (!ranges) throw new ImapArgumentError(`SEARCH key ${key}`);
    keep(resolveSequenceSet(ranges, sel.messages.map((m, i) => (isUid ? m.uid : i + 1))));
  }
  const out = hits.map((i) => (byUid ? sel.messages[i]!.uid : i + 1));
  ctx.untagged(`SEARCH${out.length ? ' ' + out.join(' ') : ''}`);
  ctx.ok(`${byUid ? 'UID SEARCH' : 'SEARCH'} completed.`);
}

export const search: ImapCommand = { states: SELECTED, run: (ctx) => runSearch(ctx, ctx.args, false) };
