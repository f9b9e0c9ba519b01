/**
 * `contoso-2007` (seed 003, its Contoso figures): site USA Internet-facing (www.usa.contoso.lab is the
 * front door, an Exchange 2007 CAS of the profile's build), site Europe Internet-facing
 * (www.europe.contoso.lab, a CAS2007), site Hub not Internet-facing (CAS-03, CAS-04, CAS-05 behind
 * NLBname with the InternalURLs of 003's NLB table and an NLBBypassURL on EWS), and one small site per
 * 2007 build for the version rules.
 *
 * Users: User1 (USA), User2 (Europe), User3 (Hub), one user per mailbox build in Hub (EWS-02:
 * "If the user's mailbox is located on a server that is running the RTM version of Exchange 2007,
 * the request will fail"), and one user behind each CAS build (VER-01, OWA-09).
 */
import type { TopologyInput } from '../schema.ts';
import { cas, user } from './build-helpers.ts';

const D = 'contoso.lab';
const BUILDS = ['2007-rtm', '2007-sp1', '2007-sp2', '2007-sp3'];
const NLB = `nlbname.hub.${D}`;

/** The sites that exist only for the version users (one CAS per build: VER rules), by name. */
export const CONTOSO_2007_VERSION_SITES: readonly string[] = BUILDS.map((b) => `Ver-${b}`);

export const contoso2007: TopologyInput = {
  name: 'contoso-2007',
  description: 'Exchange 2007 organisation of seed 003: USA and Europe Internet-facing, Hub behind an NLB.',
  source: '003_db37de82c7aa626b.txt',
  domain: D,
  organisation: { eas451DeviceTypes: [], crossSiteSilentRedirect: false, allowProxyingWithoutSsl: false, netbiosDomain: 'CONTOSO' },
  sites: [
    { name: 'USA', internetFacing: true },
    { name: 'Europe', internetFacing: true },
    { name: 'Hub', internetFacing: false },
    ...BUILDS.map((b) => ({ name: `Ver-${b}`, internetFacing: false, description: `a CAS of ${b}` })),
  ],
  frontDoor: { site: 'USA', address: '127.0.5.10', namespaces: [`www.usa.${D}`], healthIntervalMs: 50_000, fastHealthIntervalMs: 2_000 },
  namespaces: [
    { name: `www.usa.${D}`, site: 'USA', target: 'front-door' },
    { name: `www.europe.${D}`, site: 'Europe', target: `server:cas-02.europe.${D}` },
  ],
  nlb: [{ name: NLB, site: 'Hub', address: '127.0.6.10', servers: [`cas-03.hub.${D}`, `cas-04.hub.${D}`, `cas-05.hub.${D}`] }],
  servers: [
    cas({ fqdn: `cas-02.europe.${D}`, site: 'Europe', build: '2007-sp3', address: '127.0.5.12', external: `www.europe.${D}`, namespaces: [`www.europe.${D}`] }),
    ...[3, 4, 5].map((n) => cas({ fqdn: `cas-0${n}.hub.${D}`, site: 'Hub', build: '2007-sp3', address: `127.0.6.1${n}`, nlbHost: NLB, certificate: 'self-signed' })),
    ...BUILDS.map((b, i) => cas({ fqdn: `cas-${b}.ver.${D}`, site: `Ver-${b}`, build: b, address: `127.0.7.${11 + i}` })),
  ],
  mailboxServers: [
    { name: `mbx-01.usa.${D}`, site: 'USA', build: '2007-sp3' },
    { name: `mbx-02.europe.${D}`, site: 'Europe', build: '2007-sp3' },
    { name: `mbx-03.hub.${D}`, site: 'Hub', build: '2007-sp3' },
    ...BUILDS.map((b) => ({ name: `mbx-${b}.hub.${D}`, site: 'Hub', build: b })),
    ...BUILDS.map((b) => ({ name: `mbx-${b}.ver.${D}`, site: `Ver-${b}`, build: b })),
  ],
  users: [
    user('User1', 'user1', D, `mbx-01.usa.${D}`, [{ id: 'USER10001', type: 'SmartPhone' }]),
    user('User2', 'user2', D, `mbx-02.europe.${D}`, [{ id: 'USER20001', type: 'SmartPhone' }]),
    user('User3', 'user3', D, `mbx-03.hub.${D}`, [{ id: 'USER30001', type: 'SmartPhone' }, { id: 'USER30002', type: 'PocketPC' }]),
    ...BUILDS.map((b, i) => user(`Mailbox ${b}`, `mbx-${b}`, D, `mbx-${b}.hub.${D}`, [{ id: `MBX${i}0001`, type: 'SmartPhone' }])),
    ...BUILDS.map((b, i) => user(`Version ${b}`, `v-${b}`, D, `mbx-${b}.ver.${D}`, [{ id: `VER${i}0001`, type: 'SmartPhone' }])),
  ],
};
