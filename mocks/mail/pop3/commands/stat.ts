/** STAT (RFC 1939 5): count and size of the messages not marked deleted. */
import { TRANSACTION, type Pop3Command } from '../context.ts';
import { liveMessages } from './message-arg.ts';

export const stat: Pop3Command = {
  states: TRANSACTION,
  run(ctx) {
    const live = liveMessages(ctx.session);
    ctx.ok(`${live.length} ${live.reduce((sum, x) => sum + x.m.source.length, 0)}`);
  },
};
