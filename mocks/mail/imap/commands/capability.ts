/** CAPABILITY (RFC 3501 6.1.1): the list depends on TLS and LoginType (../capabilities.ts). */
import { imapCapabilities } from '../capabilities.ts';
import { ANY_STATE, ImapArgumentError, type ImapCommand } from '../context.ts';

export const capability: ImapCommand = {
  states: ANY_STATE,
  run(ctx) {
    if (ctx.args.length > 0) throw new ImapArgumentError('no arguments');
    ctx.untagged(`CAPABILITY ${imapCapabilities(ctx.session)}`);
    ctx.ok('CAPABILITY completed.');
  },
};
