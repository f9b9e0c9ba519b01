/** An EAS device of a topology user, talking to the front door's first namespace. */
import { EasDevice } from '../../harness/clients/eas-device.ts';
import type { World } from './world.ts';

export function easDevice(w: World, userName: string, deviceType: string, o: { followLocation?: boolean } = {}) {
  const u = w.user(userName);
  const deviceId = (u.devices.find((d) => d.type === deviceType)?.id ?? `${u.samAccountName.replace(/[^A-Za-z0-9]/g, '')}${deviceType}`).slice(0, 32);
  const dev = new EasDevice({ dispatcher: w.agent(), baseUrl: w.url('/Microsoft-Server-ActiveSync'), user: u.samAccountName, password: u.password, deviceId, deviceType, followLocation: o.followLocation ?? false });
  return {
    options: () => dev.options(),
    folderSync: () => dev.folderSync(),
    get transcript() {
      return dev.transcript.snapshot();
    },
    device: dev,
  };
}
