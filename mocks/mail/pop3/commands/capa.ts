/** CAPA (RFC 2449 5): the list from ../capa.ts, valid in every state. */
import { pop3Capabilities } from '../capa.ts';
import { EITHER, type Pop3Command } from '../context.ts';

export const capa: Pop3Command = {
  states: EITHER,
  run(ctx) {
    ctx.multiline('', pop3Capabilities(ctx.session));
  },
};
