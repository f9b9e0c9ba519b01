/**
 * Entry point of the reference front door as a process (the harness's `reference` launcher, or by
 * hand): reads the contract from the environment (FRONTDOOR.md), starts, prints
 * `READY https=<port> imap=<port> imaps=<port> pop3=<port> pop3s=<port>` once listening, and stops on
 * SIGTERM/SIGINT. A bad contract exits with code 2 and one line on stderr.
 * @example
 * CAS_TOPOLOGY_FILE=... CAS_DIRECTORY_URL=... node bin/run-ts.js frontdoors/reference/main.ts
 */
import { contractFromEnv } from '../../harness/topology/contract.ts';
import { startReferenceFrontDoor } from './front-door.ts';

async function main(): Promise<void> {
  const fd = await startReferenceFrontDoor(contractFromEnv(), { echoLog: process.env.CAS_FRONTDOOR_QUIET !== '1' });
  const p = fd.ports;
  process.stdout.write(`READY https=${p.https} imap=${p.imap} imaps=${p.imaps} pop3=${p.pop3} pop3s=${p.pop3s}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    fd.log.write({ kind: 'stop', signal });
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    void fd.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`reference front door: ${(err as Error).message}\n`);
  process.exit(2);
});
