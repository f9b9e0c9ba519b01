/**
 * AUTH (RFC 5034) with SASL PLAIN, with an initial response or through a `+` continuation
 * (`*` cancels); NTLM through mocks/mail/sasl-ntlm.ts. GSSAPI is advertised as Exchange does but
 * not modelled: refused.
 */
import { decodeSaslPlain } from '../../login-policy.ts';
import { AUTHORIZATION, type Pop3Command } from '../context.ts';
import { POP3_TEXT } from '../texts.ts';
import { openMaildrop } from './open-maildrop.ts';
import { saslNtlm } from '../../sasl-ntlm.ts';

export const auth: Pop3Command = {
  states: AUTHORIZATION,
  async run(ctx) {
    const [mechArg, ir, extra] = ctx.args;
    if (!mechArg || extra !== undefined) return ctx.err(POP3_TEXT.protocolError);
    const mech = mechArg.toUpperCase();
    if (mech === 'NTLM') {
      const r = await saslNtlm(ctx.options, ctx, ir);
      if (!r.ok) return ctx.err(r.cancelled ? POP3_TEXT.authCancelled : POP3_TEXT.logonFailure);
      const outcome = await ctx.login(r.user, r.password, 'sasl');
      if (!outcome.ok) return ctx.err(POP3_TEXT.logonFailure);
      openMaildrop(ctx.session, outcome.user, outcome.messages);
      return ctx.ok(POP3_TEXT.authenticated);
    }
    if (mech === 'GSSAPI') return ctx.err(POP3_TEXT.logonFailure);
    if (mech !== 'PLAIN') return ctx.err(POP3_TEXT.protocolError);
    let response: string | null = ir === undefined ? null : ir === '=' ? '' : ir;
    if (response === null) {
      ctx.continuation('');
      response = await ctx.readLine();
      if (response === null) return;
    }
    if (response.trim() === '*') return ctx.err(POP3_TEXT.authCancelled);
    const creds = decodeSaslPlain(response);
    if (!creds) return ctx.err(POP3_TEXT.logonFailure);
    const outcome = await ctx.login(creds.user, creds.pass, 'sasl');
    if (!outcome.ok) return ctx.err(POP3_TEXT.logonFailure);
    openMaildrop(ctx.session, outcome.user, outcome.messages);
    ctx.ok(POP3_TEXT.authenticated);
  },
};
