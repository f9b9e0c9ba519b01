/**
 * FETCH and UID FETCH (RFC 3501 6.4.5, 6.4.8): items from ../fetch-items.ts over a sequence set.
 * A set naming no message answers OK with nothing (RFC 3501 allows it for UIDs; Exchange does the
 * same for sequence numbers past the end, UNVERIFIED).
 */
import { ImapArgumentError, SELECTED, type ImapCommand, type ImapContext } from '../context.ts';
import { marksSeen, parseFetchItems, renderFetch } from '../fetch-items.ts';
import type { Token } from '../parser.ts';
import { parseSequenceSet, resolveSequenceSet } from '../sequence-set.ts';

export function runFetch(ctx: ImapContext, args: readonly Token[], byUid: boolean): void {
  const setArg = args[0];
  const ranges = setArg?.type === 'atom' ? parseSequenceSet(setArg.value) : null;
  const items = parseFetchItems(args[1]);
  if (!ranges || !items || args.length > 3) throw new ImapArgumentError('FETCH set items');
  const sel = ctx.session.selected!;
  const keys = sel.messages.map((m, i) => (byUid ? m.uid : i + 1));
  const seenNow = marksSeen(items) && !sel.readOnly;
  for (const i of resolveSequenceSet(ranges, keys)) {
    const m = sel.messages[i]!;
    const before = ctx.session.seen.has(m.uid);
    if (seenNow) ctx.session.seen.add(m.uid);
    const chunks = renderFetch(i + 1, m, items, {
      uid: byUid,
      seen: ctx.session.seen.has(m.uid),
      flagsChanged: seenNow && !before,
      to: ctx.session.user,
    });
    ctx.write(Buffer.concat(chunks));
  }
  ctx.ok(`${byUid ? 'UID FETCH' : 'FETCH'} completed.`);
}

export const fetch: ImapCommand = { states: SELECTED, run: (ctx) => runFetch(ctx, ctx.args, false) };
