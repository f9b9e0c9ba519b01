/**
 * `cas-conformance lab up [--topology F] [--portable] [--ports fixed|ephemeral|real] [--state F]`
 * `cas-conformance lab check [--topology F] [--portable]`
 * `cas-conformance lab events --state F [--since N]`
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { startLab } from '../../lab/lab.ts';
import { readLabState } from '../../lab/state.ts';
import { ControlClient } from '../../control/control-api.ts';
import type { EventLogEvent } from '../../journal/events.ts';
import { renderTable } from '../table.ts';
import { checkLab } from '../../lab/check.ts';
import type { PortMode } from '../../lab/ports.ts';

const options = {
  topology: { type: 'string' },
  portable: { type: 'boolean' },
  ports: { type: 'string' },
  'port-base': { type: 'string' },
  state: { type: 'string' },
  since: { type: 'string' },
} as const;

function portMode(v: string | undefined, fallback: PortMode): PortMode {
  if (v === undefined) return fallback;
  if (v === 'fixed' || v === 'ephemeral' || v === 'real') return v;
  throw Object.assign(new Error(`--ports must be fixed, ephemeral or real (got "${v}")`), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
}

export async function labCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options });
  const sub = positionals[0];
  if (sub === 'up') return labUp(values);
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
    if (!values.state) throw Object.assign(new Error('lab events needs --state FILE (from lab up)'), { code: 'ERR_PARSE_ARGS_MISSING' });
    const s = readLabState(values.state);
    const events = await new ControlClient(s.controlUrl, s.controlToken).call<EventLogEvent[]>('GET', `/events?since=${Number(values.since ?? 0)}`);
    for (const e of events) {
      console.log(`${e.time}  ${e.level.padEnd(11)} ${String(e.eventId).padEnd(5)} ${e.source} (${e.category})  on ${e.server}\n  ${e.message.replace(/\n/g, '\n  ')}\n`);
    }
    console.log(`${events.length} event(s)`);
    return 0;
  }
  console.error('usage: cas-conformance lab up|check|events …');
  return 2;
}

async function labUp(values: { topology?: string; portable?: boolean; ports?: string; 'port-base'?: string; state?: string }): Promise<number> {
  const lab = await startLab({
    topology: values.topology ?? 'contoso',
    portable: values.portable ?? false,
    ports: portMode(values.ports, 'fixed'),
    portBase: values['port-base'] ? Number(values['port-base']) : undefined,
  });
  const state = lab.state();
  if (values.state) writeFileSync(values.state, JSON.stringify(state, null, 2));
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
  console.log('Ctrl-C stops the lab.');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await lab.stop();
  console.log('lab stopped');
  return 0;
}
