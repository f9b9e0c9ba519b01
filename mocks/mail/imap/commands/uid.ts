/** UID (RFC 3501 6.4.8): UID FETCH and UID SEARCH; other UID commands are not modelled. */
import { ImapArgumentError, SELECTED, type ImapCommand } from '../context.ts';
import { IMAP_TEXT } from '../texts.ts';
import { runFetch } from './fetch.ts';
import { runSearch } from './search.ts';

export const uid: ImapCommand = {
  states: SELECTED,
  run(ctx) {
    const sub = ctx.args[0];
    if (sub?.type !== 'atom') throw new ImapArgumentError('UID command');
    const name = sub.value.toUpperCase();
    if (name === 'FETCH') return runFetch(ctx, ctx.args.slice(1), true);
    if (name === 'SEARCH') return runSearch(ctx, ctx.args.slice(1), true);
    ctx.bad(IMAP_TEXT.commandError);
  },
};
