/** LOGOUT (RFC 3501 6.1.3): BYE, tagged OK, then the server closes. */
import { ANY_STATE, ImapArgumentError, type ImapCommand } from '../context.ts';
import { IMAP_TEXT } from '../texts.ts';

export const logout: ImapCommand = {
  states: ANY_STATE,
  run(ctx) {
    if (ctx.args.length > 0) throw new ImapArgumentError('no arguments');
    ctx.untagged(`BYE ${IMAP_TEXT.signOff}`);
    ctx.ok('LOGOUT completed.');
    ctx.close('logout');
  },
};
