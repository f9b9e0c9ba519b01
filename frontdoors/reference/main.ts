/**
 * Entry point of the reference front door as a process (the harness's `reference` launcher, or by
 * hand): reads the contract from the environment (FRONTDOOR.md), starts, prints
 * `READY https=<port> imap=<port> imaps=<port> pop3=<port> pop3s=<port>` once listening, and stops on
 * SIGTERM/SIGINT. A bad contract exits with code 2 and one line on stderr.
 *
 * It also stops, with exit code 3 and one line saying why, when its lab is gone: the lab's folder
 * (the contract's topology file) vanished, or the lab's directory refused every connection for
 * DIRECTORY_GONE_CHECKS checks in a row (issue 15: a `frontdoor reference` started by hand kept
 * running and logging ECONNREFUSED after `lab up` had stopped).
 * @example
 * CAS_TOPOLOGY_FILE=... CAS_DIRECTORY_URL=... node bin/run-ts.js frontdoors/reference/main.ts
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { contractFromEnv } from '../../harness/topology/contract.ts';
import { startReferenceFrontDoor } from './front-door.ts';

/** Checks of the directory, one a second; refused this many times in a row means the lab is gone. */
const DIRECTORY_GONE_CHECKS = 5;
const CHECK_INTERVAL_MS = 1_000;

/** True when nothing listens at the directory's address (a refused connection, not a slow one). */
function refused(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: url.hostname, port: Number(url.port || 80) });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.once('connect', () => done(false));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED'));
    s.setTimeout(CHECK_INTERVAL_MS, () => done(false));
  });
}

/** Call `gone(reason)` once the lab behind the contract has disappeared. */
function watchLab(topologyFile: string, directoryUrl: string, gone: (reason: string) => void): NodeJS.Timeout {
  const url = new URL(directoryUrl);
  let refusedInARow = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    if (!existsSync(topologyFile)) return gone(`its lab's folder is gone (${topologyFile} no longer exists)`);
    busy = true;
    void refused(url).then((r) => {
      busy = false;
      refusedInARow = r ? refusedInARow + 1 : 0;
      if (refusedInARow >= DIRECTORY_GONE_CHECKS) gone(`the lab's directory at ${directoryUrl} refused ${refusedInARow} connections in a row`);
    });
  }, CHECK_INTERVAL_MS);
  timer.unref();
  return timer;
}

async function main(): Promise<void> {
  const contract = contractFromEnv();
  const fd = await startReferenceFrontDoor(contract, { echoLog: process.env.CAS_FRONTDOOR_QUIET !== '1' });
  const p = fd.ports;
  process.stdout.write(`READY https=${p.https} imap=${p.imap} imaps=${p.imaps} pop3=${p.pop3} pop3s=${p.pop3s}\n`);
  let stopping = false;
  const stop = (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    fd.log.write({ kind: 'stop', signal });
    const force = setTimeout(() => process.exit(code), 5_000);
    force.unref();
    void fd.close().then(() => process.exit(code));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  watchLab(contract.topologyFile, contract.directoryUrl, (reason) => {
    process.stderr.write(`reference front door: stopping: ${reason}\n`);
    stop('lab-gone', 3);
  });
}

main().catch((err) => {
  process.stderr.write(`reference front door: ${(err as Error).message}\n`);
  process.exit(2);
});
