/**
 * HTTP authentication on a mock CAS vdir as IIS configures it: Basic, and Integrated Windows
 * authentication as real NTLM under `Negotiate` and `NTLM`, bound to the TCP connection (a later
 * request on the same connection needs no header; a Type 3 on another connection fails).
 * Unauthenticated requests get `401` with one WWW-Authenticate header per method the vdir offers
 * (PROTOCOL-FACTS: "Unauthenticated legacy vdirs answer 401 with WWW-Authenticate: NTLM / Negotiate").
 */
import { bufferedResponse } from '../http/answer.ts';
import type { AuthMethod, UserSpec } from '../../harness/topology/index.ts';
import type { CasContext } from './context.ts';
import type { RequestContext } from '../http/request-context.ts';

export type AuthOutcome = { ok: true; user: UserSpec; scheme: string } | { ok: false; response: Response; scheme: string | null };

const iis401Body = Buffer.from(
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head><title>401 - Unauthorized: Access is denied due to invalid credentials.</title></head>\r\n<body><h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2></body>\r\n</html>\r\n',
  'latin1',
);

/** The 401 a vdir answers when no acceptable credentials came (or with an NTLM challenge). */
export function unauthorized(host: string, methods: AuthMethod[], challenge?: string): Response {
  const headers = new Headers({ 'Content-Type': 'text/html', 'X-Powered-By': 'ASP.NET' });
  if (challenge) headers.append('WWW-Authenticate', challenge);
  else {
    if (methods.includes('negotiate')) headers.append('WWW-Authenticate', 'Negotiate');
    if (methods.includes('ntlm')) headers.append('WWW-Authenticate', 'NTLM');
    if (methods.includes('basic')) headers.append('WWW-Authenticate', `Basic realm="${host.split(':')[0]}"`);
  }
  return bufferedResponse(iis401Body, { status: 401, headers });
}

/** Authenticate a request on a vdir offering `methods`. */
export function authenticate(ctx: CasContext, req: Request, rc: RequestContext, methods: AuthMethod[]): AuthOutcome {
  const authz = req.headers.get('authorization');
  const scheme = authz ? authz.split(' ')[0]! : null;
  const lower = scheme?.toLowerCase();
  const integrated = methods.includes('ntlm') || methods.includes('negotiate');
  if (integrated && (lower === 'ntlm' || lower === 'negotiate')) {
    if ((lower === 'ntlm' && !methods.includes('ntlm')) || (lower === 'negotiate' && !methods.includes('negotiate'))) {
      return { ok: false, response: unauthorized(rc.host, methods), scheme };
    }
    const step = ctx.ntlm.step(rc.socket, authz);
    if (step.kind === 'authenticated') {
      const user = ctx.findUser(step.user);
      if (user) return { ok: true, user, scheme: step.scheme };
    }
    if (step.kind === 'challenge') return { ok: false, response: unauthorized(rc.host, methods, step.header), scheme };
    return { ok: false, response: unauthorized(rc.host, methods), scheme };
  }
  if (!authz && integrated) {
    // IIS: the identity established by NTLM stays with the TCP connection.
    const bound = ctx.ntlm.userOf(rc.socket);
    const user = bound ? ctx.findUser(bound) : undefined;
    if (user) return { ok: true, user, scheme: 'NTLM (connection)' };
  }
  if (lower === 'basic' && methods.includes('basic')) {
    const decoded = Buffer.from(authz!.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    const user = i > 0 ? ctx.checkPassword(decoded.slice(0, i), decoded.slice(i + 1)) : undefined;
    if (user) return { ok: true, user, scheme: 'Basic' };
  }
  return { ok: false, response: unauthorized(rc.host, methods), scheme };
}
