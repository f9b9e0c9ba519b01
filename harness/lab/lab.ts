/**
 * The lab: a simulated legacy Exchange organisation on loopback. Starts, in order: PKI (cached), the
 * mock CAS servers (HTTPS/HTTP vdirs, POP3/IMAP4), NLB forwarders, the directory and the control API;
 * publishes a hosts file and a state file (docs/lab-state.md). Never half-starts: any failure stops
 * what was started and throws a LabError naming the cause.
 * @example
 * const lab = await startLab({ topology: 'contoso' });
 * const agent = lab.agent();                         // undici Agent resolving lab names, trusting the lab CA
 * await lab.journal.waitFor({ kind: 'http', vdir: 'owa' }, { timeoutMs: 5000 });
 * await lab.stop();
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from 'undici';
import { loadTopology, topologyDigest, hostsEntries, type Topology } from '../topology/index.ts';
import { ensureLabPki, exportPki, type LabPki } from '../pki/index.ts';
import { Journal } from '../journal/journal.ts';
import { FaultTable } from '../control/faults.ts';
import { startControlApi } from '../control/control-api.ts';
import { startDirectory } from '../directory/directory.ts';
import { MockCas } from '../../mocks/cas/mock-cas.ts';
import { createLabAgent } from '../clients/lab-agent.ts';
import { LabError } from '../errors.ts';
import { freePort, plannedPort, PortTable, type PortMode } from './ports.ts';
import { startNlb } from './nlb.ts';
import { writeStateFile, type LabState } from './state.ts';
import { labTempRoot, ownTempDir } from './temp-dir.ts';

export interface LabOptions {
  /** A built-in topology name, a JSON file path, or a validated topology. */
  topology?: string | Topology;
  /** Bind everything on 127.0.0.1 (hosts with only one loopback address). */
  portable?: boolean;
  ports?: PortMode;
  /** Base for `fixed` ports (default 20000: 20443, 20993, …). */
  portBase?: number;
  /** PKI cache directory (default .cache/pki). */
  cacheDir?: string;
  /**
   * Where the state file, hosts file and exported certificates go. Default: a private temp folder
   * (`cas-lab-*`, mode 0700) removed when the lab stops or the process exits, unless `keep` is set.
   */
  stateDir?: string;
  /** Keep the temp folder after the lab stops (`--keep-lab`; default: CAS_KEEP_LAB=1 in the environment). */
  keep?: boolean;
  journalCapacity?: number;
}

const FRONT_DOOR_LOGICAL = { https: 443, imap: 143, imaps: 993, pop3: 110, pop3s: 995 } as const;

export class Lab {
  readonly journal: Journal;
  readonly faults = new FaultTable();
  readonly mocks = new Map<string, MockCas>();
  readonly ports = new PortTable();
  readonly controlToken = randomBytes(24).toString('base64url');
  controlUrl = '';
  directoryUrl = '';
  frontDoorPorts: Record<keyof typeof FRONT_DOOR_LOGICAL, number> = { https: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0 };
  #closers: (() => Promise<void>)[] = [];
  #stopped = false;

  constructor(readonly topology: Topology, readonly pki: LabPki, readonly options: LabOptions, readonly stateDir: string) {
    this.journal = new Journal(options.journalCapacity);
  }

  get digest(): string {
    return topologyDigest(this.topology);
  }

  /** Address a server (or the front door) binds: its own, or 127.0.0.1 in portable mode. */
  bindAddress(address: string): string {
    return this.options.portable ? '127.0.0.1' : address;
  }

  /** Name -> address, as the lab's hosts file lists it. */
  hosts(): { name: string; address: string }[] {
    return hostsEntries(this.topology).map((h) => ({ name: h.name, address: this.bindAddress(h.address) }));
  }

  /** An undici Agent that resolves lab names and trusts the lab CA. */
  agent(opts: { connections?: number; rejectUnauthorized?: boolean; ca?: string[] } = {}): Agent {
    return createLabAgent({ hosts: this.hosts(), ca: opts.ca ?? this.trustBundle(), rejectUnauthorized: opts.rejectUnauthorized ?? true, connections: opts.connections, maxCachedSessions: 0 });
  }

  /** Lab CA plus the self-signed certificates (clients that talk to every mock directly need both). */
  trustBundle(): string[] {
    return [this.pki.ca.certPem, ...this.topology.servers.filter((s) => s.certificate === 'self-signed').map((s) => this.pki.server(s.fqdn).certPem)];
  }

  /** `https://<name>:<real port>` for a lab name. */
  origin(name: string, scheme: 'https' | 'http' = 'https'): string {
    return `${scheme}://${name}:${this.ports.get(name, scheme === 'https' ? 443 : 80)}`;
  }

  mock(fqdn: string): MockCas {
    const m = this.mocks.get(fqdn);
    if (!m) throw new LabError(`no mock CAS ${fqdn} in topology ${this.topology.name}`);
    return m;
  }

  /** Clear faults and mock state (sessions); the journal keeps counting. */
  reset(): void {
    this.faults.clear();
    for (const m of this.mocks.values()) m.reset();
  }

  state(): LabState {
    return {
      version: 1,
      topology: { name: this.topology.name, digest: this.digest },
      controlUrl: this.controlUrl,
      controlToken: this.controlToken,
      directoryUrl: this.directoryUrl,
      caFile: join(this.stateDir, 'pki', 'ca.crt'),
      trustBundleFile: join(this.stateDir, 'pki', 'trust-bundle.crt'),
      pkiDir: join(this.stateDir, 'pki'),
      hostsFile: join(this.stateDir, 'hosts'),
      topologyFile: join(this.stateDir, 'topology.json'),
      portable: !!this.options.portable,
      frontDoor: { address: this.bindAddress(this.topology.frontDoor.address), namespaces: this.topology.frontDoor.namespaces, ports: { ...this.frontDoorPorts } },
      servers: this.topology.servers.map((s) => {
        const m = this.mock(s.fqdn);
        const p = m.ports;
        return {
          fqdn: s.fqdn,
          site: s.site,
          build: m.ctx.build.id,
          buildNumber: m.ctx.build.build,
          address: this.bindAddress(s.address),
          certificate: s.certificate,
          ports: {
            https: p.https!,
            ...(p.http ? { http: p.http } : {}),
            ...renameMail(p),
          },
          mail: m.mail.map((x) => ({ protocol: x.protocol, method: x.method, logicalPort: x.logicalPort, port: x.listener.port })),
        };
      }),
    };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const closers = this.#closers.splice(0).reverse();
    await Promise.allSettled(closers.map((c) => c()));
  }

  /**
   * Reserve new free ports for the front door (ephemeral mode): a candidate that lost a reserved port to
   * another process on this host (EADDRINUSE) is started again on fresh ones.
   */
  async rereserveFrontDoor(): Promise<void> {
    if (this.topology.servers.some((s) => s.address === this.topology.frontDoor.address)) return;
    await reserveFrontDoor(this, 'ephemeral', 0);
    writeStateFiles(this);
  }

  /** @internal used by startLab */
  onStop(fn: () => Promise<void>): void {
    this.#closers.push(fn);
  }
}

function renameMail(p: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  const map: Record<string, string> = { 'imap4:ssl': 'imaps', 'imap4:tls': 'imap', 'imap4:plain': 'imapPlain', 'pop3:ssl': 'pop3s', 'pop3:tls': 'pop3', 'pop3:plain': 'pop3Plain' };
  for (const [k, v] of Object.entries(p)) if (map[k]) out[map[k]] = v;
  return out;
}

/** Start a lab. */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const topology = typeof options.topology === 'object' ? options.topology : loadTopology(options.topology ?? 'contoso');
  const mode: PortMode = options.portable ? 'ephemeral' : (options.ports ?? 'ephemeral');
  const base = options.portBase ?? 20000;
  const pki = await ensureLabPki(topology, options.cacheDir ? { cacheDir: options.cacheDir } : {});
  let stateDir: string;
  let temp: ReturnType<typeof ownTempDir> | undefined;
  try {
    if (options.stateDir) mkdirSync((stateDir = options.stateDir), { recursive: true, mode: 0o700 });
    else {
      temp = ownTempDir(mkdtempSync(join(labTempRoot(), 'cas-lab-')), options.keep ?? process.env.CAS_KEEP_LAB === '1');
      stateDir = temp.path;
    }
  } catch (err) {
    throw new LabError(`cannot create the lab state directory ${options.stateDir ?? labTempRoot()}: ${(err as Error).message}`, { cause: err });
  }
  const lab = new Lab(topology, pki, options, stateDir);
  // Closers run in reverse: the temp folder goes last, after everything that writes into it.
  if (temp) lab.onStop(async () => temp.remove());
  try {
    await startMocks(lab, mode, base);
    await startNlbs(lab, mode, base);
    await reserveFrontDoor(lab, mode, base);
    const dir = await startDirectory(topology, lab.ports.get);
    lab.directoryUrl = dir.url;
    lab.onStop(dir.close);
    const ctl = await startControlApi({
      token: lab.controlToken,
      journal: lab.journal,
      topology,
      faults: lab.faults,
      reset: () => lab.reset(),
      setOwaFolders: (fqdn, change) => {
        const owa = lab.mock(fqdn).ctx.server.vdirs.owa;
        for (const f of change.add ?? []) if (!owa.extraResourceFolders.includes(f)) owa.extraResourceFolders.push(f);
        owa.missingResourceFolders = owa.missingResourceFolders.filter((f) => !(change.add ?? []).includes(f));
        for (const f of change.remove ?? []) if (!owa.missingResourceFolders.includes(f)) owa.missingResourceFolders.push(f);
        lab.mock(fqdn).handlers.reset();
        return [...lab.mock(fqdn).ctx.resourceFolders()];
      },
    });
    lab.controlUrl = ctl.url;
    lab.onStop(ctl.close);
    const unwatch = lab.faults.onChange(() => {
      for (const m of lab.mocks.values()) {
        m.applyHttpFaults(lab.faults.list().some((f) => f.server === m.fqdn && ['status', 'reset', 'delay'].includes(f.kind)));
        void m.applyMailFaults();
        void m.applySocketFaults();
      }
    });
    lab.onStop(async () => unwatch());
    writeStateFiles(lab);
    return lab;
  } catch (err) {
    await lab.stop();
    if (err instanceof LabError) throw err;
    throw new LabError(`the lab could not start: ${(err as Error).message}`, { cause: err });
  }
}

async function startMocks(lab: Lab, mode: PortMode, base: number): Promise<void> {
  const t = lab.topology;
  // Portable mode or ephemeral ports: servers start one by one so nothing collides; otherwise in parallel.
  const starts = t.servers.map((s) => async () => {
    const mock = new MockCas({
      topology: t,
      fqdn: s.fqdn,
      credentials: lab.pki.server(s.fqdn),
      record: (e) => lab.journal.record(e),
      host: lab.bindAddress(s.address),
      portFor: (logical) => plannedPort(mode, logical, base),
      ports: lab.ports.get,
      resolveHost: (name) => lab.hosts().find((h) => h.name === name.toLowerCase())?.address,
      faults: {
        http: (vdir) => lab.faults.httpFault(s.fqdn, vdir),
        socket: () => lab.faults.socketFault(s.fqdn),
        mail: (protocol, method) => lab.faults.mailFaults(s.fqdn, protocol, method),
      },
    });
    lab.mocks.set(s.fqdn, mock);
    lab.onStop(() => mock.stop());
    await mock.start();
    const names = [s.fqdn, ...s.aliases, ...s.namespaces];
    lab.ports.set(names, 443, mock.ports.https!);
    if (mock.ports.http) lab.ports.set(names, 80, mock.ports.http);
    for (const m of mock.mail) lab.ports.set(names, m.logicalPort, m.listener.port);
  });
  for (const start of starts) await start();
}

async function startNlbs(lab: Lab, mode: PortMode, base: number): Promise<void> {
  for (const n of lab.topology.nlb) {
    const members = () => n.servers.map((fqdn) => ({ host: lab.bindAddress(lab.topology.servers.find((s) => s.fqdn === fqdn)!.address), port: lab.ports.get(fqdn, 443) }));
    const nlb = await startNlb(lab.bindAddress(n.address), plannedPort(mode, 443, base), members);
    lab.ports.set([n.name], 443, nlb.port);
    lab.onStop(nlb.close);
  }
}

async function reserveFrontDoor(lab: Lab, mode: PortMode, base: number): Promise<void> {
  const host = lab.bindAddress(lab.topology.frontDoor.address);
  // 2010/2007 profiles: a mock CAS plays the front door; its ports are the front door's.
  const inLab = lab.topology.servers.find((s) => s.address === lab.topology.frontDoor.address);
  if (inLab) {
    const p = lab.mock(inLab.fqdn).ports;
    lab.frontDoorPorts = { https: p.https!, imap: p['imap4:tls'] ?? 0, imaps: p['imap4:ssl'] ?? 0, pop3: p['pop3:tls'] ?? 0, pop3s: p['pop3:ssl'] ?? 0 };
    return;
  }
  for (const [k, logical] of Object.entries(FRONT_DOOR_LOGICAL) as [keyof typeof FRONT_DOOR_LOGICAL, number][]) {
    const port = mode === 'ephemeral' ? await freePort(host) : plannedPort(mode, logical, base);
    lab.frontDoorPorts[k] = port;
    lab.ports.set(lab.topology.frontDoor.namespaces, logical, port);
  }
  // Namespaces that point at the front door but are not in frontDoor.namespaces.
  for (const ns of lab.topology.namespaces.filter((n) => n.target === 'front-door')) {
    if (!lab.ports.has(ns.name, 443)) lab.ports.set([ns.name], 443, lab.frontDoorPorts.https);
  }
}

function writeStateFiles(lab: Lab): void {
  const s = lab.state();
  exportPki(lab.pki, s.pkiDir);
  writeFileSync(s.trustBundleFile, lab.trustBundle().join('\n'));
  writeFileSync(s.hostsFile, lab.hosts().map((h) => `${h.address}\t${h.name}`).join('\n') + '\n');
  writeFileSync(s.topologyFile, JSON.stringify(lab.topology, null, 2));
  // The state file holds the control API's bearer token: owner-only (0600).
  writeStateFile(join(lab.stateDir, 'state.json'), s);
}
