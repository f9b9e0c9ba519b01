/**
 * For the `exchange2010` and `exchange2007 --build B` profiles the reference candidate is a mock CAS of
 * that build placed at the front door's address and namespaces (ARCHITECTURE.md: "the legacy logic
 * exists once, in mocks/"). This derives the lab topology that holds it: one more server entry in the
 * front door's site, Internet-facing on the front door's namespaces.
 */
import type { Topology, TopologyInput } from '../topology/index.ts';
import { parseTopology, topologyDocument } from '../topology/index.ts';
import { getBuild } from '../../mocks/builds/catalogue.ts';
import { cas } from '../topology/defaults/build-helpers.ts';
import { MOCK_DEFECTS } from './mock-defects/index.ts';

export type ProfileName = 'exchange2013' | 'exchange2010' | 'exchange2007';

export interface ProfileOptions {
  profile: ProfileName;
  /** exchange2007: build id (2007-rtm, 2007-sp1, …); exchange2010: defaults to 2010-sp2-ru1. */
  build?: string;
  crossSiteSilentRedirect?: boolean;
  allowProxyingWithoutSsl?: boolean;
  redirectToOptimalOwaServer?: boolean;
  /** OWA resource folders the front door holds besides its own (002's copied folder). */
  extraResourceFolders?: string[];
  /** Named defects of the in-lab mock candidate (harness/frontdoor/mock-defects); unknown names are ignored here (the reference's own). */
  defects?: string[];
  /**
   * Place the front-door mock (default true): only when the reference is the candidate. Any other
   * candidate plays the 2010/2007 CAS itself at the front door's address; with the mock there too, the
   * mock would answer on the front door's ports and be judged instead of the candidate.
   */
  frontDoorMock?: boolean;
}

/** FQDN of the mock that plays the front door in the 2010/2007 profiles (the site name made a DNS label). */
export function frontDoorMockFqdn(t: { frontDoor: { site: string }; domain: string }): string {
  const label = t.frontDoor.site.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'site';
  return `frontdoor.${label}.${t.domain}`;
}

export function defaultBuildFor(profile: ProfileName): string | null {
  if (profile === 'exchange2010') return '2010-sp2-ru1';
  if (profile === 'exchange2007') return '2007-sp3';
  return null;
}

/**
 * The topology a profile runs in: unchanged for exchange2013, with the front-door mock for the others.
 * `base` is a built-in name, a topology file (run hands workers the file it resolved) or a document.
 */
export function topologyForProfile(base: string | TopologyInput, o: ProfileOptions): Topology {
  const doc: TopologyInput = typeof base === 'string' ? topologyDocument(base) : structuredClone(base);
  if (o.profile === 'exchange2013') return parseTopology(doc, doc.name);
  const build = getBuild(o.build ?? defaultBuildFor(o.profile)!);
  const expected = o.profile === 'exchange2010' ? 2010 : 2007;
  if (build.product !== expected) throw new RangeError(`profile ${o.profile} needs an Exchange ${expected} build, not ${build.id}`);
  if (o.frontDoorMock === false) {
    doc.organisation = {
      ...doc.organisation,
      ...(o.crossSiteSilentRedirect !== undefined ? { crossSiteSilentRedirect: o.crossSiteSilentRedirect } : {}),
      ...(o.allowProxyingWithoutSsl !== undefined ? { allowProxyingWithoutSsl: o.allowProxyingWithoutSsl } : {}),
    };
    return parseTopology(doc, `${doc.name} (${o.profile} ${build.id}, candidate at the front door)`);
  }
  const ns = doc.frontDoor.namespaces;
  const fqdn = frontDoorMockFqdn(doc);
  const server = cas({ fqdn, site: doc.frontDoor.site, build: build.id, address: doc.frontDoor.address, external: ns[0]!, namespaces: ns });
  server.vdirs!.owa = { ...server.vdirs!.owa, redirectToOptimalOwaServer: o.redirectToOptimalOwaServer ?? true, extraResourceFolders: o.extraResourceFolders ?? [] };
  doc.servers = [server, ...doc.servers];
  doc.organisation = {
    ...doc.organisation,
    ...(o.crossSiteSilentRedirect !== undefined ? { crossSiteSilentRedirect: o.crossSiteSilentRedirect } : {}),
    ...(o.allowProxyingWithoutSsl !== undefined ? { allowProxyingWithoutSsl: o.allowProxyingWithoutSsl } : {}),
  };
  for (const d of o.defects ?? []) MOCK_DEFECTS[d]?.(doc, server);
  return parseTopology(doc, `${doc.name} (${o.profile} ${build.id})`);
}
