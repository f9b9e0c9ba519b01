/**
 * Outlook Anywhere against the mock CAS2010 in Site1 directly (no front door): 001 "Red User will
 * connect to mail.contoso.com as his RPC proxy endpoint. CAS2010 in Site1 will de-encapsulate the RPC
 * data". The /rpc vdir offers Basic and NTLM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { startLab, type Lab } from '../lab/lab.ts';
import type { HttpEvent } from '../journal/events.ts';
import { labLookup } from './lab-agent.ts';
import { rpcConnect, type RpcConnectOptions } from './outlook-anywhere.ts';

let lab: Lab;
let agent: Agent;
let rpc: string;
let connect: RpcConnectOptions['connect'];
const red = () => lab.topology.users.find((u) => u.name === 'Red')!;

beforeAll(async () => {
  lab = await startLab({ topology: 'contoso' });
  agent = lab.agent();
  rpc = `${lab.origin('cas2010.site1.contoso.lab')}/rpc/rpcproxy.dll`;
  connect = { ca: lab.trustBundle(), lookup: labLookup(lab.hosts()) };
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('rpcConnect', () => {
  it('Red over NTLM: RPC_IN_DATA 200 then RPC_OUT_DATA 200, each handshake on its own connection', async () => {
    const since = lab.journal.seq;
    const r = await rpcConnect(rpc, { user: 'red', password: red().password, domain: 'CONTOSO', scheme: 'NTLM', mailboxServer: 'mbx2010.site1.contoso.lab', connect });
    expect(r.inData.status).toBe(200);
    expect(r.outData?.status).toBe(200);
    expect(r.url).toMatch(/\/rpc\/rpcproxy\.dll\?mbx2010\.site1\.contoso\.lab:6001$/);
    expect(r.transcript.filter((l) => l.line.startsWith('(connection #')).length).toBe(2);
    expect(JSON.stringify(r.transcript)).not.toContain(red().password);
    const served = lab.journal.filter((e) => e.kind === 'http' && e.vdir === 'rpc' && e.server === 'cas2010.site1.contoso.lab' && e.status === 200, since) as HttpEvent[];
    expect(served.map((e) => e.method)).toEqual(['RPC_IN_DATA', 'RPC_OUT_DATA']);
    expect(served.every((e) => e.authScheme === 'NTLM' && e.user === 'red')).toBe(true);
  });

  it('a wrong password over NTLM: 401 on RPC_IN_DATA and no OUT channel', async () => {
    const r = await rpcConnect(rpc, { user: 'red', password: 'wrong', domain: 'CONTOSO', scheme: 'NTLM', mailboxServer: 'mbx2010.site1.contoso.lab', connect });
    expect(r.inData.status).toBe(401);
    expect(r.outData).toBeUndefined();
  });

  it('Red over Basic through the caller agent', async () => {
    const r = await rpcConnect(`${rpc}?mbx2010.site1.contoso.lab:6001`, { user: 'red', password: red().password, domain: 'CONTOSO', scheme: 'Basic', dispatcher: agent });
    expect(r.inData.status).toBe(200);
    expect(r.outData?.status).toBe(200);
    expect(r.transcript.some((l) => l.line === 'Authorization: Basic (user CONTOSO\\red, password masked)')).toBe(true);
  });

  it('checks its options', async () => {
    await expect(rpcConnect(rpc, { user: 'red', password: 'x', scheme: 'NTLM', mailboxServer: 'm' })).rejects.toThrow(/opts\.connect/);
    await expect(rpcConnect(rpc, { user: 'red', password: 'x', scheme: 'Basic', dispatcher: agent })).rejects.toThrow(/mailbox server/);
  });
});
