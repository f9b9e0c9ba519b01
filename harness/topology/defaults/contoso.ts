/**
 * `contoso` (seed 001, Figures 1 and 2): Site1 Internet-facing (mail, autodiscover -> the front door;
 * legacy -> CAS2007 Site1), Site2 regional Internet-facing (mail-region -> CAS2010 Site2), Site3 not
 * Internet-facing (two CAS2010 SP2 RU1 and one CAS2007, as 001's Notes assume), and one small
 * non-Internet-facing site per remaining build for the version users (Site4-*).
 *
 * Users: Red 2010 Site1, Purple 2007 Site1, Blue 2010 Site3, Orange 2010 Site2, Grey 2007 Site3; and Cyan,
 * a second 2010 mailbox in Site3 (not in 001: COOK-04's two users of the Site3 pair, each on its own CAS).
 * The CAS2007 servers publish their InternalURLs on an alias (cas2007-int.*), so a hop by FQDN and
 * a hop by InternalURL can be told apart (TLS-06 vs EAS-05).
 */
import type { TopologyInput } from '../schema.ts';
import { cas, user } from './build-helpers.ts';

const D = 'contoso.lab';

const versionSites: { build: string; n: number }[] = [
  { build: '2007-rtm', n: 1 },
  { build: '2007-sp1', n: 2 },
  { build: '2007-sp2', n: 3 },
  { build: '2010-sp2', n: 4 },
  { build: '2010-sp2-ru2', n: 5 },
];

/** The sites that exist only for the version users (one CAS per build: VER rules), by name. */
export const CONTOSO_VERSION_SITES: readonly string[] = versionSites.map((v) => `Site4-${v.build}`);

export const contoso: TopologyInput = {
  name: 'contoso',
  description: 'Exchange 2007 + 2010 multi-site organisation of seed 001, with the front door in Site1.',
  source: '001_c5d87abfd53dd768.txt',
  domain: D,
  organisation: {
    // 001: "a defined list of devices that supports the 451 redirect response"
    eas451DeviceTypes: ['WindowsPhone', 'iPhone'],
    crossSiteSilentRedirect: false,
    allowProxyingWithoutSsl: false,
    netbiosDomain: 'CONTOSO',
  },
  sites: [
    { name: 'Site1', internetFacing: true, description: 'Internet Facing AD Site' },
    { name: 'Site2', internetFacing: true, description: 'Regional Internet Facing AD Site' },
    { name: 'Site3', internetFacing: false, description: 'Non-Internet Facing AD Site' },
    ...versionSites.map((v) => ({ name: `Site4-${v.build}`, internetFacing: false, description: `version users behind ${v.build}` })),
  ],
  frontDoor: { site: 'Site1', address: '127.0.1.10', namespaces: [`mail.${D}`, `autodiscover.${D}`], healthIntervalMs: 50_000, fastHealthIntervalMs: 2_000 },
  namespaces: [
    { name: `mail.${D}`, site: 'Site1', target: 'front-door', purpose: 'OWA, EAS, EWS, OAB, Outlook Anywhere, POP, IMAP' },
    { name: `autodiscover.${D}`, site: 'Site1', target: 'front-door', purpose: 'Autodiscover' },
    { name: `legacy.${D}`, site: 'Site1', target: `server:cas2007.site1.${D}`, purpose: 'Exchange 2007 namespace' },
    { name: `mail-region.${D}`, site: 'Site2', target: `server:cas2010.site2.${D}`, purpose: 'regional namespace' },
  ],
  servers: [
    cas({ fqdn: `cas2010.site1.${D}`, site: 'Site1', build: '2010-sp2-ru1', address: '127.0.1.11', external: `mail.${D}` }),
    cas({
      fqdn: `cas2007.site1.${D}`, site: 'Site1', build: '2007-sp3', address: '127.0.1.12',
      external: `legacy.${D}`, namespaces: [`legacy.${D}`], aliases: [`cas2007-int.site1.${D}`], internalHost: `cas2007-int.site1.${D}`,
    }),
    cas({ fqdn: `cas2010.site2.${D}`, site: 'Site2', build: '2010-sp2-ru1', address: '127.0.2.11', external: `mail-region.${D}`, namespaces: [`mail-region.${D}`] }),
    cas({ fqdn: `cas2010a.site3.${D}`, site: 'Site3', build: '2010-sp2-ru1', address: '127.0.3.11', imapPlain: true, popPlain: true, loginType: 'PlainTextLogin' }),
    cas({ fqdn: `cas2010b.site3.${D}`, site: 'Site3', build: '2010-sp2-ru1', address: '127.0.3.12', certificate: 'self-signed' }),
    cas({
      fqdn: `cas2007.site3.${D}`, site: 'Site3', build: '2007-sp3', address: '127.0.3.13', certificate: 'self-signed',
      aliases: [`cas2007-int.site3.${D}`], internalHost: `cas2007-int.site3.${D}`, imapPlain: true, popPlain: true, loginType: 'PlainTextLogin',
    }),
    ...versionSites.map((v) => cas({ fqdn: `cas-${v.build}.site4.${D}`, site: `Site4-${v.build}`, build: v.build, address: `127.0.4.${10 + v.n}` })),
  ],
  mailboxServers: [
    { name: `mbx2010.site1.${D}`, site: 'Site1', build: '2010-sp2-ru1' },
    { name: `mbx2007.site1.${D}`, site: 'Site1', build: '2007-sp3' },
    { name: `mbx2010.site2.${D}`, site: 'Site2', build: '2010-sp2-ru1' },
    { name: `mbx2010.site3.${D}`, site: 'Site3', build: '2010-sp2-ru1' },
    { name: `mbx2007.site3.${D}`, site: 'Site3', build: '2007-sp3' },
    ...versionSites.map((v) => ({ name: `mbx-${v.build}.site4.${D}`, site: `Site4-${v.build}`, build: v.build })),
  ],
  users: [
    user('Red', 'red', D, `mbx2010.site1.${D}`, [{ id: 'RED0001', type: 'iPhone' }]),
    user('Purple', 'purple', D, `mbx2007.site1.${D}`, [{ id: 'PURPLE0001', type: 'iPhone' }]),
    user('Blue', 'blue', D, `mbx2010.site3.${D}`, [{ id: 'BLUE0001', type: 'iPhone' }]),
    user('Orange', 'orange', D, `mbx2010.site2.${D}`, [{ id: 'ORANGE0001', type: 'WindowsPhone' }, { id: 'ORANGE0002', type: 'SmartPhone' }]),
    user('Grey', 'grey', D, `mbx2007.site3.${D}`, [{ id: 'GREY0001', type: 'iPhone' }]),
    user('Cyan', 'cyan', D, `mbx2010.site3.${D}`, [{ id: 'CYAN0001', type: 'iPhone' }]),
    ...versionSites.map((v) => user(`Version ${v.build}`, `v-${v.build}`, D, `mbx-${v.build}.site4.${D}`, [{ id: `V${v.n}0001`, type: 'iPhone' }])),
  ],
};
