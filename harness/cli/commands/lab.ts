/**
 * `cas-conformance lab up [--topology F] [--portable] [--ports fixed|ephemeral|real] [--state F] [--keep-lab]`
 * `cas-conformance lab wait --state F [--timeout S]`
 * `cas-conformance lab check [--topology F] [--portable]`
 * `cas-conformance lab events --state F [--since N]`
 */
import { existsSync } from 'node:fs';
import { startLab, type Lab } from '../../lab/lab.ts';
import { readLabState, writeStateFile } from '../../lab/state.ts';
import { ControlClient } from '../../control/control-api.ts';
import type { EventLogEvent } from '../../journal/events.ts';
import { LabError } from '../../errors.ts';
import { renderTable } from '../table.ts';
import { checkLab } from '../../lab/check.ts';
import type { PortMode } from '../../lab/ports.ts';
import { parseCommand, UsageError } from '../usage.ts';
import { LAB_SPEC } from '../specs.ts';

type Values = { topology?: string; portable?: boolean; ports?: string; 'port-base'?: string; state?: string; since?: string; timeout?: string; 'keep-lab'?: boolean };

function portMode(v: string | undefined, fallback: PortMode): PortMode {
  if (v === undefined) return fallback;
  if (v === 'fixed' || v === 'ephemeral' || v === 'real') return v;
  throw new UsageError(`--ports must be fixed, ephemeral or real (got "${v}")`, LAB_SPEC);
}

/** A whole number option within bounds, or a UsageError naming it. */
function intOption(name: string, v: string | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${v}")`, LAB_SPEC);
  return n;
}

export async function labCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(LAB_SPEC, args) as { values: Values; positionals: string[] };
  const sub = positionals[0];
  if (sub === 'up') return labUp(values);
  if (sub === 'wait') return labWait(values);
  if (sub === 'check') {
    const lab = await startLab({ topology: values.topology ?? 'contoso', portable: values.portable ?? false });
    try {
      const results = await checkLab(lab);
      console.log(renderTable(['server', 'endpoint', 'result', 'detail'], results.map((r) => [r.server, r.endpoint, r.ok ? 'ok' : 'FAILED', r.detail])));
      const failed = results.filter((r) => !r.ok).length;
      console.log(`${results.length - failed} endpoints ok, ${failed} failed`);
      return failed ? 1 : 0;
    } finally {
      await lab.stop();
    }
  }
  if (sub === 'events') {
    if (!values.state) throw new UsageError('lab events needs --state FILE (from lab up)', LAB_SPEC);
    const s = readLabState(values.state);
    const since = intOption('since', values.since, 0, 0, Number.MAX_SAFE_INTEGER);
    const { events } = await new ControlClient(s.controlUrl, s.controlToken).journal({ path: '/events', since });
    for (const e of events as EventLogEvent[]) {
      console.log(`${e.time}  ${e.level.padEnd(11)} ${String(e.eventId).padEnd(5)} ${e.source} (${e.category})  on ${e.server}\n  ${e.message.replace(/\n/g, '\n  ')}\n`);
    }
    console.log(`${events.length} event(s)`);
    return 0;
  }
  throw new UsageError(sub ? `unknown lab command "${sub}"` : 'lab needs a command: up, wait, check or events', LAB_SPEC);
}

/** Start the lab; an address or port already taken says which, and what to do about it. */
async function startOrExplain(values: Values, ports: PortMode): Promise<Lab> {
  try {
    return await startLab({
      topology: values.topology ?? 'contoso',
      portable: values.portable ?? false,
      ports,
      portBase: values['port-base'] ? intOption('port-base', values['port-base'], 20000, 1, 65000) : undefined,
      keep: values['keep-lab'] ?? false,
    });
  } catch (err) {
    const text = `${(err as Error).message} ${String((err as { cause?: { message?: string } }).cause?.message ?? '')}`;
    if (/EADDRINUSE/.test(text) && ports !== 'ephemeral') {
      throw new LabError(`a port the lab needs is taken (${firstMatch(text, /\S*EADDRINUSE[^;)]*/)}): another lab or service is running; stop it, or use --ports ephemeral (free ports) or --port-base N`, { cause: err });
    }
    if (/EACCES/.test(text) && ports === 'real') throw new LabError('binding the real ports (443, 993, ...) needs privileges: use --ports fixed (default) or ephemeral', { cause: err });
    throw err;
  }
}

function firstMatch(s: string, re: RegExp): string {
  return (re.exec(s)?.[0] ?? 'EADDRINUSE').trim();
}

async function labUp(values: Values): Promise<number> {
  const lab = await startOrExplain(values, portMode(values.ports, 'fixed'));
  const state = lab.state();
  // The state file holds the control token: owner-only.
  if (values.state) writeStateFile(values.state, state);
  console.log(`lab ${state.topology.name} (${state.topology.digest}) is up${lab.pki.fromCache ? ' (PKI from cache)' : ''}`);
  console.log(
    renderTable(
      ['server', 'site', 'build', 'address', 'ports'],
      state.servers.map((s) => [s.fqdn, s.site, `${s.build} ${s.buildNumber}`, s.address, Object.entries(s.ports).map(([k, v]) => `${k}:${v}`).join(' ')]),
    ),
  );
  console.log(`\nfront door (for the candidate): ${state.frontDoor.namespaces.join(', ')} at ${state.frontDoor.address} ports ${JSON.stringify(state.frontDoor.ports)}`);
  console.log(`directory: ${state.directoryUrl}\ncontrol API: ${state.controlUrl} (bearer token in the state file)\nCA: ${state.caFile}\nhosts: ${state.hostsFile}`);
  if (values.state) console.log(`state file: ${values.state}`);
  console.log(`lab folder: ${lab.stateDir}${values['keep-lab'] ? ' (kept after the lab stops)' : ' (removed when the lab stops)'}`);
  console.log('Ctrl-C stops the lab.');
  // Scripts wait for this line (or run `lab wait --state FILE`).
  console.log('ready');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await lab.stop();
  console.log('lab stopped');
  return 0;
}

/** Wait until the state file exists and its control API answers (bounded by --timeout). */
async function labWait(values: Values): Promise<number> {
  if (!values.state) throw new UsageError('lab wait needs --state FILE (the one given to lab up)', LAB_SPEC);
  const timeoutMs = intOption('timeout', values.timeout, 60, 1, 3600) * 1000;
  const deadline = Date.now() + timeoutMs;
  let last = 'no state file yet';
  // Polling is the contract here: another process writes the file; each try is bounded and so is the loop.
  for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
    if (existsSync(values.state)) {
      try {
        const s = readLabState(values.state);
        await new ControlClient(s.controlUrl, s.controlToken).call('GET', '/faults');
        console.log(`ready: lab ${s.topology.name}, control API ${s.controlUrl}`);
        return 0;
      } catch (err) {
        last = (err as Error).message;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new LabError(`the lab did not become ready within ${timeoutMs / 1000} s (${values.state}: ${last})`);
}
