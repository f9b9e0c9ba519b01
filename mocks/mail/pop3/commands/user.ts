/**
 * USER (RFC 1939 7). Where LoginType forbids a plaintext login (SecureLogin, and the
 * PlainTextAuthentication model) USER is refused before any password is sent, journaled `disabled`.
 */
import { loginAllowed } from '../../login-policy.ts';
import { AUTHORIZATION, type Pop3Command } from '../context.ts';
import { POP3_TEXT } from '../texts.ts';

export const user: Pop3Command = {
  states: AUTHORIZATION,
  async run(ctx) {
    const s = ctx.session;
    const name = ctx.rest.trim();
    s.pendingUser = null;
    if (name === '') return ctx.err(POP3_TEXT.protocolError);
    if (!loginAllowed(s.loginType, 'login', s.secure)) {
      // attemptLogin records the user and `disabled` here without asking the lab.
      await ctx.login(name, '', 'login');
      return ctx.err(POP3_TEXT.invalidState);
    }
    s.pendingUser = name;
    ctx.ok();
  },
};
