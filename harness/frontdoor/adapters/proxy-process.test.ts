import { afterEach, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProxyProcess } from './proxy-process.ts';
import { FrontDoorLaunchError } from '../../errors.ts';
import type { FrontDoorContract } from '../../topology/contract.ts';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function contractOn(port: number, runDir: string): FrontDoorContract {
  return { listenAddress: '127.0.0.1', ports: { https: port, imap: 0, imaps: 0, pop3: 0, pop3s: 0 }, runDir } as FrontDoorContract;
}

// A stand-in proxy: listens on the port given, logs a line to a file, stays up until signalled.
const FAKE_PROXY = `const net=require('net');const fs=require('fs');
const [port,log]=process.argv.slice(1);fs.writeFileSync(log,'fake proxy up\\n');
net.createServer((s)=>s.end()).listen(Number(port),'127.0.0.1');
process.on('SIGTERM',()=>{console.error('caught SIGTERM');process.exit(0)});`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < 200 && Date.now() < deadline; i++) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50)); // bounded poll of process state (no event exists for another process's death)
  }
  return cond();
}

describe('startProxyProcess', () => {
  const dirs: string[] = [];
  /** A temporary directory removed after the test. */
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'pp-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  test('ready on the chosen port; output joins the log file; stop sends SIGTERM', async () => {
    const dir = tempDir();
    const port = await freePort();
    const log = join(dir, 'proxy.log');
    const h = await startProxyProcess({ name: 'fake', command: process.execPath, args: ['-e', FAKE_PROXY, String(port), log], contract: contractOn(port, dir), logFiles: [log], version: 'fake 1', configDigest: '0'.repeat(16), notes: ['a note'] });
    expect(h.exitReason()).toBeNull();
    await h.stop();
    expect(h.output()).toContain('[cas-conformance] a note');
    expect(h.output()).toContain('--- proxy.log ---\nfake proxy up');
    expect(h.output()).toContain('caught SIGTERM');
  });

  test('a proxy that exits before listening is a FrontDoorLaunchError with its words', async () => {
    const dir = tempDir();
    const port = await freePort();
    const err = await startProxyProcess({ name: 'fake', command: process.execPath, args: ['-e', 'console.error("bind: permission denied"); process.exit(7)'], contract: contractOn(port, dir), version: null, configDigest: '0'.repeat(16), startTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrontDoorLaunchError);
    expect((err as Error).message).toMatch(/exit code 7[\s\S]*bind: permission denied/);
  });

  test.skipIf(process.platform !== 'linux')('the proxy does not outlive a harness killed with SIGKILL', async () => {
    const dir = tempDir();
    const port = await freePort();
    const harness = join(dir, 'harness.mts'); // .mts: ESM outside the project's package scope
    writeFileSync(harness, `import { startProxyProcess } from ${JSON.stringify(join(ROOT, 'harness/frontdoor/adapters/proxy-process.ts'))};
const h = await startProxyProcess({ name: 'fake', command: process.execPath, args: ['-e', ${JSON.stringify(FAKE_PROXY)}, '${port}', ${JSON.stringify(join(dir, 'p.log'))}],
  contract: { listenAddress: '127.0.0.1', ports: { https: ${port} }, runDir: ${JSON.stringify(dir)} } as never, version: null, configDigest: '' });
console.log('READY');
setInterval(() => {}, 1000);\n`);
    const child = spawn(process.execPath, [join(ROOT, 'bin/run-ts.js'), harness], { stdio: ['ignore', 'pipe', 'inherit'] });
    const ready = await new Promise<boolean>((r) => {
      const t = setTimeout(() => r(false), 15_000);
      child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && (clearTimeout(t), r(true)));
    });
    expect(ready).toBe(true);
    // The proxy and, on Linux, the supervisor that leads its process group (process-group.ts).
    const pids = (await import('./test-support.ts')).processesMentioning(join(dir, 'p.log'));
    expect(pids.length).toBeGreaterThanOrEqual(1);
    child.kill('SIGKILL');
    const gone = await until(() => pids.every((p) => !alive(p)), 5000);
    if (!gone) for (const p of pids.filter(alive)) process.kill(p, 'SIGKILL'); // leave nothing behind even when the check fails
    expect(gone).toBe(true);
  });
});
