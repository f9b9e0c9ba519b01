/** CAPABILITY (RFC 3501 6.1.1): the list depends on TLS and LoginType (../capabilities.ts). */
import { imapCapabilities } from '../capabilities.ts';
import { ANY_STATE, type ImapCommand } from '../context.ts';

export const capability: ImapCommand = {
  states: ANY_STATE,
  run(ctx) {
    ctx.untagged(`CAPABILITY ${imapCapabilities(ctx.session)}`);
    ctx.ok('CAPABILITY completed.');
  },
};
