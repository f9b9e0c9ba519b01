/**
 * An EAS device of a topology user, talking to the front door's first namespace. Every device gets a
 * DeviceId of its own (issue 10 item 4): the journal queries of a rule are keyed by it, so no verdict
 * leans on another rule's devices, on affinity another rule's device left behind, or on time alone.
 * The device connects from its own loopback address (world.agent `source`).
 * @example
 * const dev = easDevice(w, 'Orange', 'SmartPhone');
 * await dev.options();
 * userRequests(w.lab.journal, since, dev.mine); // only this device's requests
 */
import { EasDevice } from '../../harness/clients/eas-device.ts';
import type { HopEvent, HttpEvent } from '../../harness/journal/events.ts';
import { describeHttp, userRequests } from '../../harness/verify/check.ts';
import { arrived, hasDevice } from './proxied.ts';
import type { RuleContext } from './rule.ts';
import type { World } from './world.ts';

let minted = 0;

/** A DeviceId no other device of this process has: the user and type (for reading), then a unique tail. MS-ASHTTP: 1..32 letters or digits. */
function uniqueDeviceId(sam: string, deviceType: string): string {
  minted += 1;
  const tail = `${minted.toString(36)}${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0')}`.toUpperCase();
  const head = `${sam}${deviceType}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 32 - tail.length);
  return `${head}${tail}`;
}

export interface EasTestDevice {
  options: EasDevice['options'];
  folderSync: EasDevice['folderSync'];
  readonly transcript: ReturnType<EasDevice['transcript']['snapshot']>;
  readonly device: EasDevice;
  /** This device's DeviceId (unique in the run). */
  readonly deviceId: string;
  /** The samAccountName it signs in as. */
  readonly user: string;
  /** A journal request of this device (its DeviceId in the query). */
  mine(e: HttpEvent): boolean;
  /** A hop that carries this device's request (the DeviceId in the hop URL). */
  hopOf(h: HopEvent): boolean;
}

export function easDevice(w: World, userName: string, deviceType: string, o: { followLocation?: boolean } = {}): EasTestDevice {
  const u = w.user(userName);
  const deviceId = uniqueDeviceId(u.samAccountName, deviceType);
  const dev = new EasDevice({
    dispatcher: w.agent({ source: `eas:${deviceId}` }), baseUrl: w.url('/Microsoft-Server-ActiveSync'), user: u.samAccountName, password: u.password,
    deviceId, deviceType, followLocation: o.followLocation ?? false, timeoutMs: Math.round(10_000 * w.run.slow),
  });
  return {
    options: () => dev.options(),
    folderSync: () => dev.folderSync(),
    get transcript() {
      return dev.transcript.snapshot();
    },
    device: dev,
    deviceId,
    user: u.samAccountName,
    mine: (e) => e.vdir === 'eas' && hasDevice(e, deviceId),
    hopOf: (h) => h.protocol === 'eas' && h.url.includes(`DeviceId=${deviceId}`),
  };
}

/**
 * A served user first (precondition of the refusal rules: a front door that refuses everyone, or answers
 * without reaching any CAS, proves nothing by refusing): `name`'s new device, with the right password,
 * gets 200 for its OPTIONS and a mock CAS (a legacy one, or the mock playing the front door in the
 * 2010/2007 profiles) journals that device's request with a 2xx. Returns the evidence line.
 */
export async function requireEasServed(t: RuleContext, w: World, name: string, label = name): Promise<string> {
  const since = w.mark();
  const dev = easDevice(w, name, 'SmartPhone');
  const r = await dev.options();
  t.client(dev.transcript);
  const e = await arrived(w, since, (x) => dev.mine(x) && x.user !== null && x.status >= 200 && x.status < 300);
  const seen = `status ${r.status}; ${e ? `${e.server} served it (${e.status})` : describeHttp(userRequests(w.lab.journal, since, dev.mine))}`;
  t.observe(`${label} with the right password: ${seen}`);
  t.require(`${label} is served through the front door with the right password (EAS OPTIONS 200, the request answered by a CAS)`, r.status === 200 && e !== undefined, seen);
  return seen;
}
