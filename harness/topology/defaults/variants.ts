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
 * - contoso-mailorder (MAIL-03/04): POP/IMAP endpoints that leave a method out, so 001's whole order
 *   ("SSL proxy target first, TLS next, plaintext lastly" / "plaintext first, SSL next, TLS lastly") is
 *   judged, not only its first step: cas2010.site2 lists TLS and plaintext (no SSL), cas2010a.site3 TLS
 *   only, cas2010b.site3 SSL and plaintext (no TLS), cas2007.site3 TLS only.
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

/** POP/IMAP InternalConnectionSettings with only the given methods (Exchange's ports: 993/995 SSL, 143/110 TLS, 1143/1110 plain as contoso writes them). */
function mailMethods(s: Server, methods: ('ssl' | 'tls' | 'plain')[], loginType: 'PlainTextLogin' | 'SecureLogin'): Server {
  const list = (ssl: number, tls: number, plain: number) => [
    ...(methods.includes('ssl') ? [`${s.fqdn}:${ssl}:SSL`] : []),
    ...(methods.includes('tls') ? [`${s.fqdn}:${tls}:TLS`] : []),
    ...(methods.includes('plain') ? [`${s.fqdn}:${plain}`] : []),
  ];
  return { ...s, imap4: { internalConnectionSettings: list(993, 143, 1143), loginType }, pop3: { internalConnectionSettings: list(995, 110, 1110), loginType } };
}

const MAIL_ORDER: Record<string, [('ssl' | 'tls' | 'plain')[], 'PlainTextLogin' | 'SecureLogin']> = {
  'cas2010.site2.contoso.lab': [['tls', 'plain'], 'PlainTextLogin'],
  'cas2010a.site3.contoso.lab': [['tls'], 'SecureLogin'],
  'cas2010b.site3.contoso.lab': [['ssl', 'plain'], 'PlainTextLogin'],
  'cas2007.site3.contoso.lab': [['tls'], 'SecureLogin'],
};

/** The built-in base topologies (the profiles' defaults) that variants start from. */
export type BuiltInBase = 'contoso' | 'contoso-2007';

/** The base each variant is derived from (situations.ts picks a variant by the run's base). */
export const VARIANT_BASE: Record<string, BuiltInBase> = {
  'contoso-midupgrade': 'contoso',
  'contoso-nossl': 'contoso',
  'contoso-2007-nossl': 'contoso-2007',
  'contoso-basic': 'contoso-2007',
  'contoso-outofservice': 'contoso',
  'contoso-mailorder': 'contoso',
  'contoso-nointernalurl': 'contoso-2007',
};

/** The base of a built-in topology name: itself for a base, its base for a variant. */
export function builtInBase(name: string): BuiltInBase {
  return name === 'contoso-2007' ? 'contoso-2007' : (VARIANT_BASE[name] ?? 'contoso');
}

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
  'contoso-mailorder': () =>
    derive(contoso, 'contoso-mailorder', 'POP/IMAP endpoints without SSL (cas2010.site2: TLS+plain; cas2010a.site3 and cas2007.site3: TLS only) or without TLS (cas2010b.site3: SSL+plain), so 001\'s whole method order is judged.', (s) => {
      const m = MAIL_ORDER[s.fqdn];
      return m ? mailMethods(s, m[0], m[1]) : s;
    }),
  'contoso-nointernalurl': () =>
    derive(contoso2007, 'contoso-nointernalurl', 'Hub EAS vdirs have no InternalURL (003).', (s) =>
      isHub(s) ? { ...s, vdirs: { ...s.vdirs!, eas: { ...s.vdirs!.eas, internalUrl: null } } } : s,
    ),
};
