/**
 * /Microsoft-Server-ActiveSync — Exchange ActiveSync (MS-ASHTTP), Basic or Integrated authentication.
 * OPTIONS answers the protocol headers of the build; POST `?Cmd=…&User=…&DeviceId=…&DeviceType=…`
 * runs service discovery first (the 451 and proxy behaviour of 001/003 plugs in there), then answers a
 * minimal WBXML body. The health probe's `HEAD /Microsoft-Server-ActiveSync/default.eas` gets 401.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { CasContext } from '../../cas/context.ts';
import { EAS_PROTOCOL_COMMANDS } from '../../builds/catalogue.ts';
import { admit, iisHeaders } from './common.ts';
import { servedUserToken } from './served-user.ts';

/** WBXML inline string (STR_I 0x03, UTF-8, NUL-terminated) inside a tag with content, then END. */
function wbxmlText(tag: number, text: string): number[] {
  return [tag, 0x03, ...Buffer.from(text, 'utf8'), 0x00, 0x01];
}

/**
 * WBXML (MS-ASWBXML, code page 7 FolderHierarchy): FolderSync with Status 1, SyncKey 1 and two folders,
 * the Inbox and a user-created folder (Type 12) named with the lab's served-user token, so a device that
 * got another user's folder list sees whose it is.
 */
export function folderSyncWbxml(samAccountName: string): Uint8Array {
  const add = (id: string, name: string, type: string) => [0x4f, ...wbxmlText(0x48, id), ...wbxmlText(0x49, '0'), ...wbxmlText(0x47, name), ...wbxmlText(0x4a, type), 0x01];
  return new Uint8Array([
    0x03, 0x01, 0x6a, 0x00, 0x00, 0x07, 0x56, ...wbxmlText(0x4c, '1'), ...wbxmlText(0x52, '1'),
    0x4e, ...wbxmlText(0x57, '2'), ...add('1', 'Inbox', '2'), ...add('2', servedUserToken(samAccountName), '12'), 0x01, 0x01,
  ]);
}
/** WBXML: Sync with Status 1 and no changes. */
const SYNC_WBXML = new Uint8Array([0x03, 0x01, 0x6a, 0x00, 0x45, 0x4e, 0x03, 0x31, 0x00, 0x01, 0x01]);

function protocolHeaders(ctx: CasContext): Headers {
  return iisHeaders({
    Allow: 'OPTIONS,POST',
    Public: 'OPTIONS,POST',
    'MS-Server-ActiveSync': ctx.build.eas.serverVersion,
    'MS-ASProtocolVersions': ctx.build.eas.protocolVersions,
    'MS-ASProtocolCommands': EAS_PROTOCOL_COMMANDS,
    'Cache-Control': 'private',
  });
}

export function easHandlers(ctx: CasContext): HttpHandler[] {
  const methods = () => ctx.server.vdirs.eas.auth.filter((m) => m !== 'fba');
  const handle = async (request: Request): Promise<Response> => {
    const a = await admit(ctx, request, 'eas', methods());
    if (!a.admitted) return a.response;
    if (request.method === 'OPTIONS') return new HttpResponse(null, { status: 200, headers: protocolHeaders(ctx) });
    const cmd = new URL(request.url).searchParams.get('Cmd') ?? '';
    await request.arrayBuffer();
    const body = cmd === 'FolderSync' ? folderSyncWbxml(a.user.samAccountName) : cmd === 'Sync' ? SYNC_WBXML : new Uint8Array(0);
    const h = iisHeaders({ 'Content-Type': 'application/vnd.ms-sync.wbxml', 'MS-Server-ActiveSync': ctx.build.eas.serverVersion, 'Cache-Control': 'private' });
    return new HttpResponse(body, { status: 200, headers: h });
  };
  return [
    http.options(ctx.path('/Microsoft-Server-ActiveSync'), ({ request }) => handle(request)),
    http.post(ctx.path('/Microsoft-Server-ActiveSync'), ({ request }) => handle(request)),
    http.get(ctx.path('/Microsoft-Server-ActiveSync/default.eas'), ({ request }) => handle(request)),
    http.get(ctx.path('/Microsoft-Server-ActiveSync'), ({ request }) => handle(request)),
  ];
}
