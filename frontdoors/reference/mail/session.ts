/**
 * What POP3 and IMAP4 share on the front door: the login (001: "it will authenticate the user and
 * perform a service discovery"), the choice of target and method (routing/mail-routes.ts), the one
 * connection Exchange 2013 opens (no health check, no fallback: "Exchange 2013 Client Access servers do
 * not validate that the POP or IMAP services are actually running"; the hardened add-on falls back,
 * MAIL-08), and server-side STARTTLS.
 */
import type { SecureContext } from 'node:tls';
import { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { DirectoryClient } from '../directory/client.ts';
import type { MailProtocol } from '../../../harness/topology/directory-contract.ts';
import type { Logger } from '../log.ts';
import type { FrontDoorSettings } from '../options.ts';
import type { AffinityTable } from '../routing/affinity.ts';
import { mailAttempts } from '../routing/mail-routes.ts';
import type { OrgView } from '../routing/org-view.ts';
import { DirectoryUnavailableError } from '../errors.ts';
import { openTarget, TargetError, type OpenTarget, type TargetOptions } from './target.ts';

export interface MailContext {
  settings: FrontDoorSettings;
  directory: DirectoryClient;
  view(): Promise<OrgView>;
  affinity: AffinityTable;
  target: TargetOptions;
  secureContext: SecureContext;
  /** The front door's key and certificate (PEM), for the implicit-TLS listeners. */
  credentials: { key: string; cert: string };
  log: Logger;
}

export type MailLogin =
  | { ok: true; target: OpenTarget; endpoint: string; method: string; user: string }
  | { ok: false; why: 'credentials' | 'unavailable'; detail: string };

/** Check the credentials, pick the endpoint(s), open the target and log in there. */
export async function loginAndConnect(ctx: MailContext, protocol: MailProtocol, login: string, password: string, clientEncrypted: boolean): Promise<MailLogin> {
  let user;
  try {
    // AUTH-01: wrong credentials stop here; no legacy CAS sees them.
    user = await ctx.directory.authenticate(login, password);
  } catch (err) {
    return { ok: false, why: 'unavailable', detail: err instanceof DirectoryUnavailableError ? err.message : String(err) };
  }
  if (!user) return { ok: false, why: 'credentials', detail: `wrong credentials for ${login}` };
  const d = ctx.settings.defects;
  let attempts;
  try {
    attempts = mailAttempts(await ctx.view(), protocol, user, {
      clientEncrypted,
      // Defect `mail-no-hardening` (MAIL-07/08): the hardened add-on's mail routing is left out.
      hardened: ctx.settings.hardened && !d.has('mail-no-hardening'),
      reversed: d.has('mail-order-reversed'), plainBeforeTls: d.has('mail-plain-before-tls'), ignoreOutOfService: d.has('ignore-out-of-service'), wrongSite: d.has('mail-wrong-site'),
      affinity: ctx.affinity,
    });
  } catch (err) {
    return { ok: false, why: 'unavailable', detail: (err as Error).message };
  }
  if (!attempts.length) return { ok: false, why: 'unavailable', detail: `no ${protocol} endpoint for ${user.samAccountName} in ${user.site}` };
  const errors: string[] = [];
  for (const a of attempts) {
    try {
      const target = await openTarget(protocol, a, { login, password }, ctx.target);
      return { ok: true, target, endpoint: `${a.host}:${a.logicalPort}:${a.method}`, method: a.method, user: user.samAccountName };
    } catch (err) {
      errors.push(`${a.setting}: ${(err as Error).message}`);
      ctx.log.write({ kind: 'mail-target-failed', protocol, user: user.samAccountName, endpoint: a.setting, method: a.method, stage: (err as TargetError).stage, error: (err as Error).message });
    }
  }
  return { ok: false, why: 'unavailable', detail: errors.join('; ') };
}

/** Server-side TLS on a plaintext client connection (STARTTLS / STLS; LIBRARIES.md). */
export function upgradeClient(raw: Socket, secureContext: SecureContext, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = new TLSSocket(raw, { isServer: true, secureContext });
    const timer = setTimeout(() => {
      t.destroy();
      reject(new Error('TLS handshake timed out'));
    }, timeoutMs);
    t.once('secure', () => {
      clearTimeout(timer);
      resolve(t);
    });
    t.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
