/** EXAMINE (RFC 3501 6.3.2): SELECT read-only; FETCH then never sets \Seen. */
import { AUTHENTICATED, type ImapCommand } from '../context.ts';
import { openMailbox } from './select.ts';

export const examine: ImapCommand = { states: AUTHENTICATED, run: (ctx) => openMailbox(ctx, true) };
