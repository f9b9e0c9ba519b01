/**
 * An Outlook-style Offline Address Book download through the front door: `GET /OAB/<guid>/oab.xml`
 * with Basic credentials, answered with where the request landed (the mock CAS servers that received
 * the user's authenticated OAB request, the front door's own mock excluded).
 * @example
 * const r = await oabAs(w, 'Blue');
 * r.status;   // 200
 * r.servers;  // ['cas2010.site1.example.lab']  (Red's CAS2010)
 */
import { recordedRequest, Transcript, type TranscriptEntry } from '../../harness/clients/transcript.ts';
import { userRequests } from '../../harness/verify/check.ts';
import type { World } from './world.ts';

/** The OAB Outlook asks for (001: "Autodiscover will provide the Offline Address Book URL"); any GUID names one OAB. */
export const OAB_PATH = '/OAB/3d2c1b0a-9f8e-4d7c-6b5a-493827161504/oab.xml';

/** What the client got, and which mock CAS received the download. */
export interface OabDownload {
  status: number;
  body: string;
  servers: string[];
  transcript: TranscriptEntry[];
}

/** Download the OAB manifest as `userName` through the front door's first namespace. */
export async function oabAs(w: World, userName: string): Promise<OabDownload> {
  const u = w.user(userName);
  const since = w.mark();
  const agent = w.agent({ source: u.samAccountName });
  const t = new Transcript();
  try {
    const r = await recordedRequest(agent, t, {
      url: w.url(OAB_PATH),
      headers: { authorization: `Basic ${Buffer.from(`${u.samAccountName}:${u.password}`).toString('base64')}`, 'user-agent': 'Microsoft Office/14.0 (Windows NT 6.1; Microsoft Outlook 14.0.7015; Pro)' },
      timeoutMs: 10_000,
    });
    const servers = [...new Set(userRequests(w.lab.journal, since, (e) => e.vdir === 'oab' && e.server !== w.frontDoorMock && e.user === u.samAccountName).map((e) => e.server))];
    return { status: r.status, body: Buffer.from(r.body).toString('utf8'), servers, transcript: t.snapshot() };
  } finally {
    await agent.close().catch(() => undefined);
  }
}
