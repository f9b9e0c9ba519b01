/**
 * Version pairs (OWA-09, VER-01, VER-02, COOK-03): the build the front door plays, the targets of each
 * build the default topologies hold, and one "cell" per (target, protocol): what the client got,
 * named with RULES.md's words and tied to the journal. The expected outcome of a pair is written in
 * the area files; this only observes and names.
 * @example
 * const cell = await owaCell(w, versionTargetsOf(w).find((x) => x.build === '2007-sp1')!);
 * cell.kind; // 'works' | 'refused' | ...
 */
import { request } from 'undici';
import { defaultBuildFor } from '../../harness/frontdoor/profile-topology.ts';
import { HttpClientError } from '../../harness/clients/transcript.ts';
import type { TranscriptEntry } from '../../harness/clients/transcript.ts';
import { userRequests } from '../../harness/verify/check.ts';
import type { HttpEvent } from '../../harness/journal/events.ts';
import { legacyRelays, type Relay } from '../../harness/verify/no-relay.ts';
import { easDevice } from './eas.ts';
import { describeVisit, frontDoorHost, signInOwa } from './owa-flow.ts';
import type { World } from './world.ts';
import { loadTopology, profileDefaultTopology, versionTargets, type VersionTarget } from '../../harness/topology/index.ts';
import type { AnswerWatch } from './answer-watch.ts';

/**
 * Builds oldest first (PROTOCOL-FACTS build table; 002's table lists 2007 RTM before its rollups and
 * service packs; 000: 2010 SP2 < SP2 RU1 < SP2 RU2).
 */
export const BUILD_ORDER = ['2007-rtm', '2007-sp1', '2007-sp2', '2007-sp3', '2010-sp2', '2010-sp2-ru1', '2010-sp2-ru2'] as const;

export interface VerTarget {
  build: string;
  /** A topology user (sam or name) whose mailbox sits behind the target. */
  user: string;
  /** The mock CAS that serve that mailbox's site. */
  servers: string[];
}

/** The front door's build in this run: `--build`, else the profile's default; `2013` for exchange2013. */
export function frontDoorBuild(w: World): string {
  return w.run.build ?? defaultBuildFor(w.run.profile) ?? '2013';
}

/** Where `target` sits relative to `frontDoor` in BUILD_ORDER (2013 is newer than every legacy build). */
export function relation(frontDoor: string, target: string): 'same' | 'older' | 'newer' {
  if (frontDoor === target) return 'same';
  if (frontDoor === '2013') return 'older';
  const f = BUILD_ORDER.indexOf(frontDoor as (typeof BUILD_ORDER)[number]);
  const t = BUILD_ORDER.indexOf(target as (typeof BUILD_ORDER)[number]);
  if (f < 0 || t < 0) throw new RangeError(`no place in BUILD_ORDER for ${f < 0 ? frontDoor : target}`);
  return t < f ? 'older' : 'newer';
}

export type CellKind = 'works' | 'refused' | 'silent-redirect' | 'manual-redirect' | '451' | 'page-without-resources' | 'no-answer' | 'other';

/** Kinds that name a behaviour of RULES.md (no-answer and other do not). */
export const CONCRETE: readonly CellKind[] = ['works', 'refused', 'silent-redirect', 'manual-redirect', '451', 'page-without-resources'];

export interface Cell {
  target: string;
  protocol: 'OWA' | 'EAS';
  kind: CellKind;
  detail: string;
  /** Whether the journal agrees with the kind (works: the target served the user; refused: at most one request reached a target). */
  grounded: boolean;
  /** Legacy CAS that relayed the user's request during the cell (a "works" must be the front door's own hop). */
  relays: Relay[];
  transcript: TranscriptEntry[];
}

/**
 * Whether the journal bears the kind out, keyed by the cell's own requests (`mine`: the user's sign-in or
 * the device's DeviceId): works = a target CAS served them; refused = at most one reached a legacy CAS
 * (NTLM's 401 first legs aside), none over http://.
 */
function grounding(w: World, since: number, t: VerTarget, kind: CellKind, mine: (e: HttpEvent) => boolean): boolean {
  if (kind === 'works') return userRequests(w.lab.journal, since, (e) => t.servers.includes(e.server) && mine(e) && e.user !== null && e.status >= 200 && e.status < 300).length > 0;
  if (kind === 'refused') {
    const reached = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && mine(e) && !(e.status === 401 && /^(ntlm|negotiate)$/i.test(e.authScheme ?? '')));
    return reached.length <= 1 && reached.every((e) => e.scheme === 'https');
  }
  return true;
}

/**
 * OWA for the target's user: sign in once, then load the page's versioned resources (002: the page needs them).
 * With `watch`, a timeout before the front door answered any of the rule's cells ends the rule (answer-watch.ts).
 */
export async function owaCell(w: World, t: VerTarget, watch?: AnswerWatch): Promise<Cell> {
  const since = w.mark();
  const sam = w.user(t.user).samAccountName;
  let kind: CellKind = 'other';
  let detail = '';
  let transcript: TranscriptEntry[] = [];
  try {
    const v = await signInOwa(w, t.user);
    const n = v.nav;
    watch?.answered();
    transcript = n.transcript;
    detail = describeVisit(v);
    const mine = v.mailbox?.user === sam && n.status >= 200 && n.status < 300;
    // Left the front door through a self-submitting form with one sign-in: a silent redirect, whatever the
    // destination then did (that is the destination's business, as OWA-07 says of CAS2007 Site1).
    if (v.finalHost !== frontDoorHost(w)) kind = n.silentRedirects > 0 && n.credentialsTyped === 1 ? 'silent-redirect' : 'other';
    else if (n.manualRedirect) kind = 'manual-redirect';
    else if (mine) {
      const res = await v.browser.loadResources();
      transcript = v.browser.transcript.snapshot();
      const bad = res.filter((r) => r.status !== 200 || new URL(r.url).hostname !== frontDoorHost(w));
      kind = res.length > 0 && bad.length === 0 ? 'works' : 'page-without-resources';
      detail += `; resources: ${res.length ? res.map((r) => `${new URL(r.url).pathname} ${r.status}`).join(', ') : 'none referenced'}`;
    } else if (n.status === 451) kind = '451';
    else if (n.status >= 400) kind = 'refused';
  } catch (err) {
    if (!(err instanceof HttpClientError)) throw err;
    watch?.unanswered(err);
    kind = 'no-answer';
    detail = err.message;
    transcript = err.transcript;
  }
  const mine = (e: HttpEvent) => e.vdir === 'owa' && (e.user === sam || e.user === null);
  return { target: t.build, protocol: 'OWA', kind, detail, grounded: grounding(w, since, t, kind, mine), relays: legacyRelays(w, since, { user: sam, vdir: 'owa' }), transcript };
}

/** EAS OPTIONS for the target's user (a device type no 451 list names); `watch` as for owaCell. */
export async function easCell(w: World, t: VerTarget, watch?: AnswerWatch): Promise<Cell> {
  const since = w.mark();
  const sam = w.user(t.user).samAccountName;
  const dev = easDevice(w, t.user, 'SmartPhone', { followLocation: false });
  let kind: CellKind = 'other';
  let detail = '';
  try {
    const r = await dev.options();
    watch?.answered();
    detail = `status ${r.status}${r.headers['x-ms-location'] ? `, X-MS-Location ${r.headers['x-ms-location']}` : ''}`;
    if (r.status === 451) kind = '451';
    else if (r.status >= 200 && r.status < 300) kind = 'works';
    else if (r.status >= 400) kind = 'refused';
  } catch (err) {
    if (!(err instanceof HttpClientError)) throw err;
    watch?.unanswered(err);
    kind = 'no-answer';
    detail = err.message;
  }
  const grounded = grounding(w, since, t, kind, dev.mine);
  return { target: t.build, protocol: 'EAS', kind, detail: `${detail}${kind === 'works' && !grounded ? ' (but no target CAS served the device)' : ''}`, grounded, relays: legacyRelays(w, since, { user: sam, vdir: 'eas' }), transcript: dev.transcript };
}

/** The version targets of a topology (harness/topology/roles.ts: one user behind each CAS build), as matrix targets. */
export function asVerTargets(list: readonly VersionTarget[]): VerTarget[] {
  return list.map((v) => ({ build: v.build, user: v.user.samAccountName, servers: v.servers.map((s) => s.fqdn) }));
}

/** The version targets of the world's topology (the one in use: built-in, variant or the user's own). */
export function versionTargetsOf(w: World): VerTarget[] {
  return asVerTargets(versionTargets(w.lab.topology));
}

/**
 * 07: the default 2007 topology's targets (after 003's figures: one small site `Ver-<build>` per 2007
 * build, user `v-<build>`), by role from the topology itself.
 */
export const TARGETS_2007: readonly VerTarget[] = asVerTargets(versionTargets(loadTopology(profileDefaultTopology('exchange2007'))));

/**
 * 13/10: the default topology's targets (after 001's figure: the Site4 version users, plus Grey for
 * CAS2007 SP3 and Blue for the SP2 RU1 pair of Site3, the builds Site4 does not hold), by role.
 */
export const TARGETS_CONTOSO: readonly VerTarget[] = asVerTargets(versionTargets(loadTopology(profileDefaultTopology('exchange2013'))));

/** One line per cell, for the report. */
export function describeCell(frontDoor: string, c: Cell): string {
  return `${frontDoor} -> ${c.target} ${c.protocol}: ${c.kind}${c.grounded ? '' : ' (the journal disagrees)'}${c.relays.length ? ` (relayed by ${[...new Set(c.relays.map((r) => r.server))].join(', ')})` : ''}: ${c.detail}`;
}

const FOLDER = /\/owa\/(\d+\.\d+\.\d+\.\d+)\//gi;

function newerFolder(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/**
 * The highest OWA resource folder a target CAS shows (002: "You will see folders named in the format ...
 * Right-click the highest folder, and then click Copy."): read off its own sign-in page, directly,
 * as the administrator of 002 reads the target's ClientAccess\OWA folder.
 */
export async function highestFolderOn(w: World, fqdn: string): Promise<string | undefined> {
  const agent = w.lab.agent();
  try {
    const r = await request(`${w.lab.origin(fqdn)}/owa/auth/logon.aspx`, { dispatcher: agent, headersTimeout: 5000, bodyTimeout: 5000 });
    const body = (await r.body.text()).slice(0, 200_000);
    const folders = [...new Set([...body.matchAll(FOLDER)].map((m) => m[1]!))];
    return folders.sort((a, b) => newerFolder(b, a))[0];
  } finally {
    await agent.close().catch(() => {});
  }
}
