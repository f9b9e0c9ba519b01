/**
 * Drive one user's client of one protocol through the front door, good credentials, and say what the
 * client got: the traffic the TLS rules judge on the front-door-to-CAS leg (every hop HTTPS, by FQDN,
 * to self-signed CAS too). Each protocol uses the suite's real client (OwaBrowser, EasDevice, the EWS,
 * Autodiscover and Outlook Anywhere clients); OAB is one GET of the OAB manifest.
 * @example
 * const r = await exercise(w, 'Blue', 'ews');
 * r.ok; // true: 200 from the CAS2010 of Site3, through the front door
 */
import type { TranscriptLine } from '../../reports/types.ts';
import { OwaBrowser } from '../../harness/clients/owa-browser.ts';
import { EasDevice } from '../../harness/clients/eas-device.ts';
import { getFolder } from '../../harness/clients/ews-client.ts';
import { frontDoorRequest, logonName, withAgent } from './auth-http.ts';
import { autodOutlook } from './autod-client.ts';
import { channelsOpen, channelSummary, outlookAnywhere } from './oa-client.ts';
import type { World } from './world.ts';

export type HopProtocol = 'owa' | 'eas' | 'ews' | 'autodiscover' | 'oab' | 'rpc';

export interface Exercised {
  user: string;
  protocol: HopProtocol;
  /** The client reached the mailbox / got its answer (2xx where the protocol ends in 2xx). */
  ok: boolean;
  /** What the client got, for evidence. */
  result: string;
  transcript: TranscriptLine[];
}

// An OAB manifest path as Outlook asks it (/OAB/<OAB guid>/oab.xml); the mocks serve any /OAB/* path.
const OAB_MANIFEST = '/OAB/3d2c1b0a-9f8e-4d7c-6b5a-493827161504/oab.xml';
// A device type on no 451 list of the default topologies, so EAS is proxied or served, never 451.
const DEVICE_TYPE = 'SmartPhone';
let devices = 0;

/** A DeviceId of this exercise alone (MS-ASHTTP: letters and digits, at most 32): no affinity or state from another rule's device. */
function deviceIdFor(sam: string): string {
  devices += 1;
  const tail = `TLS${devices.toString(36)}${process.pid.toString(36)}`.toUpperCase();
  return `${sam.replace(/[^A-Za-z0-9]/g, '').slice(0, 32 - tail.length)}${tail}`;
}

/** One user, one protocol, good credentials; the client connects from the user's own address (world.agent `source`). */
export async function exercise(w: World, name: string, protocol: HopProtocol): Promise<Exercised> {
  const u = w.user(name);
  const source = u.samAccountName;
  const done = (ok: boolean, result: string, transcript: TranscriptLine[]): Exercised => ({ user: name, protocol, ok, result: `${name} ${protocol}: ${result}`, transcript });
  switch (protocol) {
    case 'owa':
      return withAgent(w, async (dispatcher) => {
        const b = new OwaBrowser({ dispatcher });
        const nav = await b.login(w.url('/owa/'), logonName(w, name), u.password);
        return done(nav.status === 200 && !nav.logonPage, `final ${nav.status} "${nav.title}"${nav.logonPage ? ' (sign-in page)' : ''}${nav.stopped ? ` (${nav.stopped})` : ''}`, nav.transcript);
      }, source);
    case 'eas': {
      const deviceId = deviceIdFor(u.samAccountName);
      return withAgent(w, async (dispatcher) => {
        const dev = new EasDevice({ dispatcher, baseUrl: w.url('/Microsoft-Server-ActiveSync'), user: u.samAccountName, password: u.password, deviceId, deviceType: DEVICE_TYPE, followLocation: false });
        const r = await dev.options();
        return done(r.status === 200, `OPTIONS ${r.status}`, r.transcript);
      }, `${source}/${deviceId}`);
    }
    case 'ews':
      return withAgent(w, async (agent) => {
        const r = await getFolder(agent, w.url('/EWS/Exchange.asmx'), u.samAccountName, u.password);
        return done(r.status === 200 && r.responseCodes.includes('NoError'), `GetFolder ${r.status} ${r.responseCodes.join(',') || '(no ResponseCode)'}`, r.transcript);
      }, source);
    case 'autodiscover': {
      const a = await autodOutlook(w, name);
      return done(a.status === 200 && a.wellFormed && a.action === 'settings', `POX ${a.status} Action=${a.action ?? '(none)'}`, a.transcript);
    }
    case 'oab': {
      const r = await frontDoorRequest(w, { path: OAB_MANIFEST, basic: { user: u.samAccountName, password: u.password } });
      return done(r.status === 200, `GET oab.xml ${r.status}`, r.transcript);
    }
    case 'rpc': {
      const r = await outlookAnywhere(w, name, 'NTLM');
      return done(channelsOpen(r), channelSummary(r), r.transcript);
    }
  }
}

/** Run each (user, protocol) in turn (sequentially: the journal windows stay readable). */
export async function exerciseAll(w: World, cases: readonly (readonly [string, HopProtocol])[]): Promise<Exercised[]> {
  const out: Exercised[] = [];
  for (const [name, protocol] of cases) out.push(await exercise(w, name, protocol));
  return out;
}
