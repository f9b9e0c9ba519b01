/** NAMESPACE (RFC 2342): one personal namespace with the "/" delimiter, as Exchange answers. */
import { AUTHENTICATED, type ImapCommand } from '../context.ts';

export const namespace: ImapCommand = {
  states: AUTHENTICATED,
  run(ctx) {
    ctx.untagged('NAMESPACE (("" "/")) NIL NIL');
    ctx.ok('NAMESPACE completed.');
  },
};
