/**
 * The reference front door: an Exchange-2013-like Client Access front end for a legacy 2007/2010
 * organisation (seed 001, second half). It learns the organisation only through the front-door
 * contract (topology file, directory, CA, hosts file) and serves HTTPS (OWA, EAS, EWS, Autodiscover,
 * OAB, Outlook Anywhere) and POP3/IMAP4, probing every legacy CAS for health.
 * @example
 * import { contractFromEnv } from '../../harness/topology/contract.ts';
 * const fd = await startReferenceFrontDoor(contractFromEnv());
 * console.log(fd.ports.https);
 * await fd.close();
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { Agent } from './net/undici.ts';
import type { FrontDoorContract } from '../../harness/topology/contract.ts';
import type { Topology } from '../../harness/topology/schema.ts';
import { readHostsFile } from '../../harness/topology/contract.ts';
import { DirectoryClient } from './directory/client.ts';
import { FrontDoorConfigError } from './errors.ts';
import { HealthTable } from './health/health-table.ts';
import { Prober } from './health/prober.ts';
import { createLogger, type Logger } from './log.ts';
import { HostsTable } from './net/hosts.ts';
import { createConnector, type Trust } from './net/connector.ts';
import { NtlmServer } from './ntlm/server.ts';
import { settingsFromContract } from './options.ts';
import { AffinityTable } from './routing/affinity.ts';
import type { OrgView } from './routing/org-view.ts';
import { ClientAuth } from './http/client-auth.ts';
import type { FrontContext } from './http/context.ts';
import { Hop } from './http/hop.ts';
import { OwaSessions } from './http/owa-sessions.ts';
import { createRequestHandler } from './http/router.ts';
import { listenHttps } from './http/server.ts';
import { listenMail, type MailPorts } from './mail/listeners.ts';
import type { MailContext } from './mail/session.ts';

/** How often the topology map is read again (ms), and how soon after a failed read. */
const DIRECTORY_REFRESH_MS = 30_000;
const DIRECTORY_RETRY_MS = 1_000;

export interface ReferenceFrontDoor {
  /** The ports really bound (the contract's, or ephemeral ones where it said 0). */
  ports: { https: number } & MailPorts;
  health: HealthTable;
  /** Probe every endpoint now (tests; the timer keeps running). */
  probeNow(): Promise<void>;
  log: Logger;
  close(): Promise<void>;
}

function read(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new FrontDoorConfigError(`cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Defect `probe-credentials`: Basic credentials of the topology's first user (sam:password). */
function probeCredentials(topology: Topology): string | undefined {
  const u = topology.users[0];
  return u ? `Basic ${Buffer.from(`${u.samAccountName}:${u.password}`, 'utf8').toString('base64')}` : undefined;
}

/** Start the reference front door on the contract's address and ports. */
export async function startReferenceFrontDoor(contract: FrontDoorContract, opts: { echoLog?: boolean } = {}): Promise<ReferenceFrontDoor> {
  const settings = settingsFromContract(contract);
  let topology: Topology;
  try {
    topology = JSON.parse(read(contract.topologyFile, 'the topology file')) as Topology;
  } catch (err) {
    if (err instanceof FrontDoorConfigError) throw err;
    throw new FrontDoorConfigError(`the topology file ${contract.topologyFile} is not JSON`, { cause: err });
  }
  if (!topology?.frontDoor?.site || !Array.isArray(topology.users)) throw new FrontDoorConfigError('the topology file has no frontDoor or users');
  const ca = read(contract.caFile, 'the lab CA');
  const cert = read(contract.certFile, 'the front door certificate');
  const key = read(contract.keyFile, 'the front door key');
  const hosts = new HostsTable(readHostsFile(contract.hostsFile));
  const log = createLogger(contract.runDir, { echo: opts.echoLog ?? false });
  const directory = new DirectoryClient(contract.directoryUrl);
  const hopTimeoutMs = Number(contract.options.hopTimeoutMs ?? 120_000);

  // Trust per name: Exchange's default self-signed certificates are accepted unverified (003 Note, TLS-05).
  const selfSigned = new Set<string>();
  const noteTrust = (servers: { fqdn: string; aliases?: string[]; namespaces?: string[]; certificate?: string }[]) => {
    for (const s of servers) if (s.certificate === 'self-signed') for (const n of [s.fqdn, ...(s.aliases ?? []), ...(s.namespaces ?? [])]) selfSigned.add(n.toLowerCase());
  };
  noteTrust(topology.servers ?? []);
  const trustOf = (h: string): Trust =>
    settings.defects.has('no-cert-check') ? 'any' : settings.defects.has('verify-all-certs') ? 'verify' : selfSigned.has(h.toLowerCase()) ? 'any' : 'verify';
  const connector = createConnector({ hosts, ca, trustOf });
  const wireConnector = createConnector({ hosts, ca, trustOf, ownReads: true });

  let httpsPort = contract.ports.https;
  let view: OrgView | undefined;
  /** The view of the map read last, made again only when a new map was read. */
  const viewOf = (org: NonNullable<typeof directory.org>): OrgView => {
    if (!view || view.servers !== org.servers) {
      noteTrust(org.servers);
      view = {
        servers: org.servers, sites: org.sites, organisation: org.organisation, frontDoorSite: topology.frontDoor.site,
        frontDoorNamespaces: topology.frontDoor.namespaces, frontDoorPort: httpsPort,
      };
    }
    return view;
  };
  const buildView = async (): Promise<OrgView> => viewOf(await directory.orgMap());
  const viewNow = (): OrgView | undefined => (directory.org ? viewOf(directory.org) : undefined);

  const health = new HealthTable(!settings.defects.has('no-retry-before-down'));
  const affinity = new AffinityTable(100_000, settings.defects.has('no-affinity'));
  const hop = new Hop({ wire: wireConnector, undici: connector }, { headersTimeout: hopTimeoutMs, bodyTimeout: settings.limits.idleTimeoutMs }, { keepHopHeaders: settings.defects.has('keep-hop-headers'), poolAcrossUsers: settings.defects.has('pool-auth-hops') });
  const netbiosDomain = topology.organisation?.netbiosDomain ?? 'CONTOSO';
  const ntlm = new NtlmServer(
    { netbiosDomain, dnsDomain: topology.domain, computerName: 'CAS2013', dnsComputerName: topology.frontDoor.namespaces[0] ?? topology.domain },
    (user, domain) => {
      const d = domain.toLowerCase();
      if (d && d !== netbiosDomain.toLowerCase() && d !== topology.domain.toLowerCase()) return undefined;
      const u = user.toLowerCase();
      const found = topology.users.find((x) => x.samAccountName === u || x.email.toLowerCase() === u);
      return found ? { samAccountName: found.samAccountName, password: found.password } : undefined;
    },
  );
  const ctx: FrontContext = {
    settings, directory, view: buildView, viewNow, health, affinity, hop, sessions: new OwaSessions(), log, netbiosDomain, hopTimeoutMs,
    auth: new ClientAuth(directory, ntlm, netbiosDomain, (req) => String(req.headers.host ?? topology.frontDoor.namespaces[0]).replace(/:\d+$/, '')),
  };
  const allowed = new Set<string>([...topology.frontDoor.namespaces, ...(topology.namespaces ?? []).filter((n) => n.target === 'front-door').map((n) => n.name), contract.listenAddress].map((n) => n.toLowerCase()));

  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    // 001: "When a CAS2013 starts up, it connects to Active Directory and enumerates a topology map."
    // Re-read every 30 s; a read that fails is tried again after 1 s, not 30: until the map is read the
    // front door knows no server, so it checks none and routes nobody (a start on a loaded machine whose
    // first read timed out went 30 s without a single health check).
    let refresh: NodeJS.Timeout | undefined;
    let closed = false;
    const readMap = async (): Promise<void> => {
      const ok = await directory.refresh().then(() => true, (err) => (log.write({ kind: 'directory', error: (err as Error).message }), false));
      if (closed) return;
      refresh = setTimeout(() => void readMap(), ok ? DIRECTORY_REFRESH_MS : DIRECTORY_RETRY_MS);
      refresh.unref();
    };
    await readMap();
    closers.push(async () => ((closed = true), clearTimeout(refresh)), () => directory.close(), () => hop.close(), () => log.close());

    const https = await listenHttps({ host: contract.listenAddress, port: contract.ports.https, key, cert, handler: createRequestHandler(ctx, () => allowed), limits: settings.limits, log });
    closers.push(https.close);
    httpsPort = https.port;

    const mailCtx: MailContext = {
      settings, directory, view: buildView, affinity, log, secureContext: createSecureContext({ key, cert }), credentials: { key, cert },
      target: { hosts, ca, trustOf, timeoutMs: 10_000 },
    };
    const mail = await listenMail(mailCtx, contract.listenAddress, { imap: contract.ports.imap, imaps: contract.ports.imaps, pop3: contract.ports.pop3, pop3s: contract.ports.pop3s }, settings.limits.maxConnections);
    closers.push(mail.close);

    // Defect pool-auth-hops: probes ride the hops' shared connections (as Caddy's health checks do).
    const probeAgent = hop.shared?.probeDispatcher() ?? new Agent({ connect: connector, pipelining: 0 });
    const probing = { table: health, servers: () => directory.org?.servers ?? [], dispatcher: probeAgent, timeoutMs: settings.probeTimeoutMs, log };
    const prober = new Prober({
      ...probing,
      intervalMs: settings.healthIntervalMs,
      userAgent: settings.defects.has('probe-wrong-agent') ? 'Mozilla/5.0 (Windows NT 6.1) HealthCheck' : undefined,
      authorization: settings.defects.has('probe-credentials') ? probeCredentials(topology) : undefined,
      only503: settings.defects.has('probe-503-only'),
      errorsHealthy: settings.defects.has('probe-errors-healthy'),
    });
    // Defect probe-too-often (HC-01's spacing broken on purpose): every server's EWS endpoint also probed
    // ten times per interval. EWS alone, not every endpoint: ten rounds of all 55 endpoints were 275 TLS
    // connections a second, which a loaded machine could not keep up with, so the probes of each endpoint
    // fell back towards the normal pace and a loaded npm test saw the control pass.
    const tooOften = settings.defects.has('probe-too-often')
      ? new Prober({ ...probing, intervalMs: Math.max(1, Math.round(settings.healthIntervalMs / 10)), only: (spec) => spec.protocol === 'ews' })
      : null;
    if (!settings.defects.has('no-probes')) {
      prober.start();
      tooOften?.start();
    }
    // destroy, not close: close waits for the probes still out, which the prober's stop has abandoned (a
    // probe of a CAS that let it hang held the front door's stop for 2-3 s, on every world's stop).
    closers.push(async () => void (await Promise.all([prober.stop(), tooOften?.stop()])), () => probeAgent.destroy());
    log.write({ kind: 'start', https: httpsPort, ...mail.ports, profile: contract.profile, hardened: settings.hardened, defects: [...settings.defects] });
    return {
      ports: { https: httpsPort, ...mail.ports },
      health,
      probeNow: () => prober.round(),
      log,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
