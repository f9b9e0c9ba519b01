/** NAMESPACE (RFC 2342): one personal namespace with the "/" delimiter, as Exchange answers. */
import { AUTHENTICATED, ImapArgumentError, type ImapCommand } from '../context.ts';

export const namespace: ImapCommand = {
  states: AUTHENTICATED,
  run(ctx) {
    if (ctx.args.length > 0) throw new ImapArgumentError('no arguments');
    ctx.untagged('NAMESPACE (("" "/")) NIL NIL');
    ctx.ok('NAMESPACE completed.');
  },
};
