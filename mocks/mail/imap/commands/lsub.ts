/** LSUB (RFC 3501 6.3.9): every folder counts as subscribed. */
import { AUTHENTICATED, type ImapCommand } from '../context.ts';
import { listLike } from './list.ts';

export const lsub: ImapCommand = { states: AUTHENTICATED, run: (ctx) => listLike(ctx, 'LSUB') };
