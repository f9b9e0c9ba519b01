/**
 * What every request handler of the front door reads: settings, the directory, the organisation
 * view, health, affinity, the hop, client authentication, OWA sessions and the log; and, per request,
 * the parsed URL, the client's origin and address, and the fields its log line will carry.
 */
import type { DirectoryClient } from '../directory/client.ts';
import type { HealthTable } from '../health/health-table.ts';
import type { Logger } from '../log.ts';
import type { FrontDoorSettings } from '../options.ts';
import type { AffinityTable } from '../routing/affinity.ts';
import type { OrgView } from '../routing/org-view.ts';
import type { ClientAuth } from './client-auth.ts';
import type { FrontRequest, FrontResponse } from './front-types.ts';
import type { Hop } from './hop.ts';
import type { RequestTarget } from './request-url.ts';
import type { OwaSessions } from './owa-sessions.ts';
import type { RequestNote } from './request-note.ts';

export interface FrontContext {
  settings: FrontDoorSettings;
  directory: DirectoryClient;
  /** The organisation view (the directory's map plus the front door's own place). */
  view(): Promise<OrgView>;
  /**
   * The same view when the map has been read (it is, after the start): no promise and no microtask on a
   * proxied request's path (issue 14: at one connection every await there showed in the added latency).
   */
  viewNow(): OrgView | undefined;
  health: HealthTable;
  affinity: AffinityTable;
  hop: Hop;
  auth: ClientAuth;
  sessions: OwaSessions;
  log: Logger;
  netbiosDomain: string;
  /** How long a hop may take to answer (CAS_OPTIONS.hopTimeoutMs, default 120 s; EAS Ping and RPC: an hour). */
  hopTimeoutMs: number;
}

export interface RequestInfo {
  req: FrontRequest;
  res: FrontResponse;
  method: string;
  /**
   * The request's URL with its pathname, search and path (pathname + search), read once (request-url.ts).
   * Shared with other requests to the same Host and target: read it, never change it.
   */
  requestTarget: RequestTarget;
  /** `https://mail.contoso.lab:20443`: what the client used (its Host header). */
  clientOrigin: string;
  clientIp: string;
  started: number;
  /** Fields for this request's log line. */
  note: RequestNote;
}

export function has(ctx: FrontContext, defect: Parameters<FrontDoorSettings['defects']['has']>[0]): boolean {
  return ctx.settings.defects.has(defect);
}
