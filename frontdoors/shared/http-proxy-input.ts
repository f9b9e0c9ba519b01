/**
 * What an HTTP reverse-proxy config (Apache, Caddy) is generated from: the contract's addresses and
 * files, the hop targets, and whether the proxy resolves targets by name (a private /etc/hosts).
 */
import type { HopTarget } from './targets.ts';

export interface HttpProxyConfigInput {
  runDir: string;
  listenAddress: string;
  httpsPort: number;
  /** Front-door namespaces: the first is the server name, the rest aliases. */
  namespaces: string[];
  certFile: string;
  keyFile: string;
  caFile: string;
  /** Primary first, then backups (frontdoors/shared siteTargets). */
  targets: HopTarget[];
  /** true: upstreams by FQDN (a private /etc/hosts resolves them); false: by address. */
  byName: boolean;
  healthIntervalMs: number;
  /** Probe timeout (default 5 s, Exchange 2013's). */
  healthTimeoutMs?: number;
  /** Directives appended inside the site (admin additions; tests use it for a broken config). */
  extraConfig?: string;
}
