/**
 * The named variants RULES.md selects. Each is a base topology with one change, written as a small
 * transform so the change is visible in one place.
 *
 * - contoso-midupgrade (COOK-02): the Site3 pair is one SP2 and one SP2 RU1 CAS2010 (seed 000).
 * - contoso-nossl (TLS-02/03, 2010 profile): Blue's Site3 CAS publishes OWA on http:// (seed 004 item 1).
 * - contoso-2007-nossl (TLS-02/03, 2007 profile): the Hub CAS publish OWA on http://.
 * - contoso-basic (OWA-10, EAS-07; 2007 rules): the Hub OWA and EAS vdirs use Basic only (003).
 * - contoso-nointernalurl (EAS-07; 2007 rule): the Hub EAS vdirs have no InternalURL (003).
 * - contoso-outofservice (HC-06): cas2010b.site3 has IsOutOfService $true (001).
 */
import type { TopologyInput } from '../schema.ts';
import { contoso } from './contoso.ts';
import { contoso2007 } from './contoso-2007.ts';

type Server = TopologyInput['servers'][number];

function derive(base: TopologyInput, name: string, description: string, edit: (s: Server) => Server): TopologyInput {
  const copy = structuredClone(base);
  return { ...copy, name, description: `${base.description} Variant: ${description}`, servers: copy.servers.map(edit) };
}

const isHub = (s: Server) => s.site === 'Hub';

export const variants: Record<string, () => TopologyInput> = {
  'contoso-midupgrade': () =>
    derive(contoso, 'contoso-midupgrade', 'Site3 CAS2010 pair mid-upgrade (one SP2, one SP2 RU1).', (s) =>
      s.fqdn === 'cas2010a.site3.contoso.lab' ? { ...s, build: '2010-sp2' } : s,
    ),
  'contoso-nossl': () =>
    derive(contoso, 'contoso-nossl', 'OWA InternalURL of cas2010a.site3 is http:// (004 item 1).', (s) =>
      s.site === 'Site3' && s.fqdn.startsWith('cas2010') ? { ...s, vdirs: { ...s.vdirs!, owa: { ...s.vdirs!.owa, internalUrl: `http://${s.fqdn}/owa` } } } : s,
    ),
  'contoso-2007-nossl': () =>
    derive(contoso2007, 'contoso-2007-nossl', 'Hub OWA InternalURLs are http:// (004 item 1).', (s) =>
      isHub(s) ? { ...s, vdirs: { ...s.vdirs!, owa: { ...s.vdirs!.owa, internalUrl: `http://${s.fqdn}/owa` } } } : s,
    ),
  'contoso-basic': () =>
    derive(contoso2007, 'contoso-basic', 'Hub OWA and EAS vdirs use Basic authentication only (003).', (s) =>
      isHub(s)
        ? { ...s, vdirs: { ...s.vdirs!, owa: { ...s.vdirs!.owa, auth: ['basic'] }, eas: { ...s.vdirs!.eas, auth: ['basic'] } } }
        : s,
    ),
  'contoso-outofservice': () =>
    derive(contoso, 'contoso-outofservice', 'cas2010b.site3 has IsOutOfService $true (001: Set-ClientAccessServer -IsOutofService $True).', (s) =>
      s.fqdn === 'cas2010b.site3.contoso.lab' ? { ...s, isOutOfService: true } : s,
    ),
  'contoso-nointernalurl': () =>
    derive(contoso2007, 'contoso-nointernalurl', 'Hub EAS vdirs have no InternalURL (003).', (s) =>
      isHub(s) ? { ...s, vdirs: { ...s.vdirs!, eas: { ...s.vdirs!.eas, internalUrl: null } } } : s,
    ),
};
