/**
 * The probe: a few dozen read-only requests to one Client Access server (and its POP3/IMAP4
 * endpoints when given), turned into a probe file (schema.ts). Order: one TLS handshake, OWA and its
 * logon page, per vdir the unauthenticated GET and the health ping, EAS OPTIONS, the
 * unauthenticated Autodiscover POST; with credentials the EAS OPTIONS and EWS GETs of the user's
 * own mailbox; then the mail banners and capability lists. Methods: GET, HEAD, OPTIONS, and that
 * one POST. Hosts: the one given (transport.ts refuses any other).
 * @example
 * const { doc } = await runProbe({ url: lab.origin('cas-2007-sp3.probe.lab'), tls: { lookup, ca } });
 * doc.summary.build; // '2007-sp3'
 */
import { readFileSync } from 'node:fs';
import { findBuild } from '../../mocks/builds/catalogue.ts';
import { authStep, type AuthContext, type ProbeCredentials } from './credentials.ts';
import { ProbeError } from './errors.ts';
import { step } from './http-step.ts';
import { probeImap } from './mail-imap.ts';
import { probePop3 } from './mail-pop3.ts';
import type { MailEndpointArg } from './mail-endpoint.ts';
import { probeOwa } from './owa.ts';
import { AUTODISCOVER_BODY, AUTODISCOVER_PATH, EAS_PATH, EWS_SERVICE_PATH, EWS_TYPES_PATH, PING_USER_AGENT, PROBE_USER_AGENT, VDIR_PLAN } from './plan.ts';
import { redactProbe } from './redact.ts';
import { PROBE_FORMAT, PROBE_VERSION, VDIR_NAMES, type HttpAnswer, type ProbeDoc, type ProbeVdir } from './schema.ts';
import { probeTls } from './tls-facts.ts';
import { createProbeAgent, type ConnectionNote, type ProbeTls } from './transport.ts';

export interface ProbeOptions {
  /** `https://host[:port]` of the CAS. */
  url: string;
  imap?: MailEndpointArg;
  pop3?: MailEndpointArg;
  credentials?: ProbeCredentials;
  /** Default true: host names become placeholders. */
  redact?: boolean;
  tls?: ProbeTls;
  source?: ProbeDoc['source'];
  /** Default true: write `probedAt` (the checked-in probes of the mocks leave it out). */
  timestamp?: boolean;
}

export interface ProbeRun {
  doc: ProbeDoc;
  /** Every connection the probe opened or refused. */
  connections: ConnectionNote[];
}

const TOOL_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The target origin from the command line: https only, no path beyond `/`. */
export function parseTargetUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ProbeError(`not a URL: "${url}" (expected https://host[:port])`);
  }
  if (u.protocol !== 'https:') throw new ProbeError(`the probe speaks HTTPS only: "${url}" (expected https://host[:port])`);
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.username || u.password) throw new ProbeError(`give the server's origin only, without path, query or credentials: "${url}"`);
  return u;
}

/** Run the probe. Never throws for what the server answers; throws ProbeError on bad options. */
export async function runProbe(o: ProbeOptions): Promise<ProbeRun> {
  const u = parseTargetUrl(o.url);
  const origin = u.origin;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const tls = o.tls ?? {};
  const log: ConnectionNote[] = [];
  const errors: ProbeDoc['errors'] = [];
  const agent = createProbeAgent(host, tls, log);
  try {
    const t = await probeTls(host, Number(u.port) || 443, tls, log);
    if (t.facts.error) errors.push({ step: 'tls', message: t.facts.error });

    const owa = await probeOwa(agent, origin);
    const plain = { 'user-agent': PROBE_USER_AGENT };
    const vdirs = {} as ProbeDoc['http']['vdirs'];
    for (const row of VDIR_PLAN) {
      const challenge = row.challenge ? (await step(agent, origin, { method: 'GET', path: row.challenge, headers: plain })).answer : undefined;
      const ping = (await step(agent, origin, { ...row.ping, headers: { 'user-agent': PING_USER_AGENT }, reset: true })).answer;
      vdirs[row.vdir] = { ...(challenge ? { challenge } : {}), ping };
    }
    const easOptions = (await step(agent, origin, { method: 'OPTIONS', path: EAS_PATH, headers: plain })).answer;
    const ad = await step(agent, origin, {
      method: 'POST',
      path: AUTODISCOVER_PATH,
      headers: { 'user-agent': 'Microsoft Office/14.0 (cas-conformance-probe)', 'content-type': 'text/xml; charset=utf-8' },
      body: AUTODISCOVER_BODY,
    });
    const exists = (a: HttpAnswer | undefined) => (a?.status == null ? null : a.status !== 404);

    const doc: ProbeDoc = {
      format: PROBE_FORMAT,
      version: PROBE_VERSION,
      tool: { name: 'cas-conformance', version: TOOL_VERSION },
      ...(o.timestamp === false ? {} : { probedAt: new Date().toISOString() }),
      redacted: false,
      target: {
        origin,
        credentials: !!o.credentials,
        ...(o.imap ? { imap: o.imap } : {}),
        ...(o.pop3 ? { pop3: o.pop3 } : {}),
      },
      source: o.source ?? { kind: 'server' },
      summary: summarise(owa.root.headers['x-owa-version'] ?? owa.logon?.answer.headers['x-owa-version'] ?? null),
      http: {
        owa,
        presence: { ecp: exists(vdirs.ecp.challenge), powershell: exists(vdirs.powershell.challenge) },
        vdirs,
        eas: { options: easOptions },
        autodiscover: { post: ad.answer, errorCode: /<ErrorCode>([^<]*)<\/ErrorCode>/.exec(ad.body)?.[1] ?? null },
      },
      ...(o.credentials
        ? { authenticated: await authenticated({ origin, host, tls, log, agent, creds: o.credentials, tlsVerified: t.facts.authorized }, vdirs, easOptions) }
        : {}),
      tls: t.facts,
      mail: {
        ...(o.imap ? { imap: await probeImap(o.imap, tls, log) } : {}),
        ...(o.pop3 ? { pop3: await probePop3(o.pop3, tls, log) } : {}),
      },
      errors,
    };
    collectErrors(doc, errors);
    const others = [...t.names, ...(o.imap ? [o.imap.host] : []), ...(o.pop3 ? [o.pop3.host] : [])];
    return { doc: o.redact === false ? doc : redactProbe(doc, { target: host, others }), connections: log };
  } finally {
    await agent.close().catch(() => agent.destroy());
  }
}

/** The build an X-OWA-Version names, from the catalogue (build number or the seeds' alias). */
export function summarise(xOwaVersion: string | null): ProbeDoc['summary'] {
  const b = xOwaVersion ? findBuild(xOwaVersion.trim()) : undefined;
  return { xOwaVersion, build: b?.id ?? null, buildName: b?.name ?? null };
}

async function authenticated(c: AuthContext, vdirs: ProbeDoc['http']['vdirs'], easOptions: HttpAnswer): Promise<NonNullable<ProbeDoc['authenticated']>> {
  const ua = { 'user-agent': PROBE_USER_AGENT };
  const easOffered = easOptions.wwwAuthenticate.length ? easOptions.wwwAuthenticate : (vdirs.eas.challenge?.wwwAuthenticate ?? []);
  const eas = await authStep(c, { method: 'OPTIONS', path: EAS_PATH, headers: ua, offered: easOffered });
  const ewsOffered = vdirs.ews.challenge?.wwwAuthenticate ?? [];
  const service = await authStep(c, { method: 'GET', path: EWS_SERVICE_PATH, headers: ua, offered: ewsOffered });
  const types = await authStep(c, { method: 'GET', path: EWS_TYPES_PATH, headers: ua, offered: ewsOffered });
  return {
    eas: { options: eas.answer },
    ews: {
      service: service.answer,
      types: types.answer,
      serverVersionInfo: serverVersionInfo(service.body) ?? serverVersionInfo(types.body),
      schemaVersion: /<(?:\w+:)?schema\b[^>]*\sversion="([^"]+)"/.exec(types.body)?.[1] ?? null,
    },
  };
}

/** Attributes of the first ServerVersionInfo element of an answer (namespace declarations left out). */
export function serverVersionInfo(xml: string): Record<string, string> | null {
  const m = /<(?:[\w-]+:)?ServerVersionInfo\b([^>]*?)\/?>/.exec(xml);
  if (!m) return null;
  const out: Record<string, string> = {};
  for (const a of m[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)) if (!a[1]!.startsWith('xmlns')) out[a[1]!] = a[2]!;
  return out;
}

/** Every answer that failed in transport, and every mail error, as one list for the reader. */
function collectErrors(doc: ProbeDoc, errors: ProbeDoc['errors']): void {
  const note = (name: string, a: { error?: string; request: string } | undefined) => {
    if (a?.error) errors.push({ step: `${name} (${a.request})`, message: a.error });
  };
  note('owa', doc.http.owa.root);
  note('owa logon page', doc.http.owa.logon?.answer);
  for (const v of VDIR_NAMES as readonly ProbeVdir[]) {
    note(`${v} challenge`, doc.http.vdirs[v].challenge);
    note(`${v} ping`, doc.http.vdirs[v].ping);
  }
  note('eas options', doc.http.eas.options);
  note('autodiscover', doc.http.autodiscover.post);
  if (doc.authenticated) {
    note('authenticated eas', doc.authenticated.eas.options);
    note('authenticated ews', doc.authenticated.ews.service);
    note('authenticated ews types', doc.authenticated.ews.types);
  }
  for (const [k, m] of Object.entries(doc.mail)) if (m?.error) errors.push({ step: k, message: m.error });
}
