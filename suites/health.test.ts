/**
 * HC - health of the legacy targets (RULES.md "HC", exchange2013 only). 001: "Every 50 seconds, CAS2013
 * will send a lightweight request to each protocol end point ...". The lab runs the topology's fast
 * interval I (`--realtime`: the real one). Faults are injected for the probes only (their User-Agent),
 * so user traffic moving away from a CAS can only come from the front door's health state. The rules
 * share one private world (`hc`: one prober, a bounded load on the machine); each one that breaks
 * something starts from a settled lab and clears its faults. HC-06 needs its own topology variant.
 */
import { describe } from 'vitest';
import { rule } from './support/rule.ts';
import { runOptions } from './support/run-options.ts';
import { PROBE_AGENT, at, healthInterval, isEndpoint, isProbe, patient, soon, waitForFailedPair, waitForProbe, type ProbeEndpoint } from './support/hc-probes.ts';
import { describeLanding, sampleOver, trafficAs, repeatUntil, type Landing } from './support/hc-traffic.ts';
import { PROBE_OF, downForProbes, landsOn, refusedAfter, servedBy, settle } from './support/hc-steps.ts';
import { check, userRequests } from '../harness/verify/check.ts';
import { JournalTimeoutError, LabError } from '../harness/errors.ts';
import type { HttpEvent, MailEvent, TlsEvent } from '../harness/journal/events.ts';
import type { ServerSpec } from '../harness/topology/index.ts';

// 001 Figure 2: Site1's CAS2010 (Red) and the Site3 pair (Blue: "CAS2013 in Site1 will proxy the request to CAS2010 in Site3").
const CAS2010_SITE1 = 'cas2010.site1.contoso.lab';
const SITE3_2010 = ['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab'];
// contoso-outofservice (HC-06): "Set-ClientAccessServer <server> -IsOutofService $True" on cas2010b of Site3.
const OUT_OF_SERVICE_CAS = 'cas2010b.site3.contoso.lab';
const IN_SERVICE_SITE3 = 'cas2010a.site3.contoso.lab';
const EWS = PROBE_OF.ews;
// A case waits a few intervals: minutes when the run uses the real 50 s interval.
const TIMEOUT = runOptions().realtime ? 900_000 : 45_000;

/** 001's IIS log lines: every CAS gets /EWS, /Microsoft-Server-ActiveSync/default.eas, /OAB, /owa; a CAS2010 also /ecp and /PowerShell. */
function endpointsOf(s: ServerSpec): ProbeEndpoint[] {
  const out: ProbeEndpoint[] = [PROBE_OF.ews, PROBE_OF.eas, PROBE_OF.oab, PROBE_OF.owa];
  if (s.build.startsWith('2010') && s.vdirs.ecp) out.push(PROBE_OF.ecp);
  if (s.build.startsWith('2010') && s.vdirs.powershell) out.push(PROBE_OF.powershell);
  return out;
}

const other = (s: string) => SITE3_2010.find((x) => x !== s)!;
const twoXX = (l: Landing) => l.status >= 200 && l.status < 300;

describe('HC', () => {
  rule('HC-01', { quote: 'Every 50 seconds, CAS2013 will send a lightweight request to each protocol end point to all the Client Access servers in the topology map; these requests have a user agent string of HttpProxy.ClientAccessServer2010Ping (yes, even Exchange 2007 servers are targeted with that user string).', timeoutMs: TIMEOUT }, async (t) => {
    const w = await t.world({ key: 'hc' });
    const I = healthInterval(w);
    const servers = w.lab.topology.servers.filter((s) => s.fqdn !== w.frontDoorMock);
    const wanted = servers.flatMap((s) => endpointsOf(s).map((ep) => ({ server: s.fqdn, ep })));
    t.expect(`each of ${servers.length} legacy CAS probed with User-Agent ${PROBE_AGENT} on ${wanted.length} endpoints in all (HEAD /EWS, HEAD /Microsoft-Server-ActiveSync/default.eas, HEAD /OAB, GET /owa; CAS2010 also HEAD /ecp, HEAD /PowerShell); successive probes of one endpoint ${0.5 * I}..${1.5 * I} ms apart (I = ${I} ms)`);
    // Start a round after the world's first one (a cold start's handshakes are not the candidate's pace).
    const warm = await waitForProbe(w, w.mark(), (e) => e.server === CAS2010_SITE1 && isEndpoint(e, EWS), `a probe HEAD /EWS of ${CAS2010_SITE1}`, soon(I));
    const next = await waitForProbe(w, warm.seq, (e) => e.server === CAS2010_SITE1 && isEndpoint(e, EWS), `the next probe HEAD /EWS of ${CAS2010_SITE1}`, patient(I));
    const since = next.seq;
    // Wait (bounded) until every endpoint has three probes: two gaps each.
    const count = new Map<string, number>();
    let full = 0;
    const keyOf = (server: string, ep: ProbeEndpoint) => `${server} ${ep.method} ${ep.path.toLowerCase()}`;
    try {
      await w.lab.journal.waitFor((e) => {
        if (!isProbe(e)) return false;
        const hit = wanted.find((x) => x.server === e.server && isEndpoint(e, x.ep));
        if (!hit) return false;
        const n = (count.get(keyOf(hit.server, hit.ep)) ?? 0) + 1;
        count.set(keyOf(hit.server, hit.ep), n);
        if (n === 3) full++;
        return full === wanted.length;
      }, { timeoutMs: 2 * I + patient(I), sinceSeq: since, what: 'three probes of every endpoint' });
    } catch (err) {
      if (!(err instanceof JournalTimeoutError)) throw err;
    }
    const events = w.lab.journal.since(since);
    const probes = events.filter(isProbe);
    const lacking: string[] = [];
    const badGaps: string[] = [];
    for (const x of wanted) {
      const mine = probes.filter((e) => e.server === x.server && isEndpoint(e, x.ep));
      if (mine.length < 2) lacking.push(`${x.server} ${x.ep.method} ${x.ep.path} (${mine.length})`);
      for (let i = 1; i < mine.length; i++) {
        const gap = at(mine[i]!) - at(mine[i - 1]!);
        if (gap < 0.5 * I || gap > 1.5 * I) badGaps.push(`${x.server} ${x.ep.method} ${x.ep.path}: ${mine[i - 1]!.time} -> ${mine[i]!.time} (${gap} ms)`);
      }
    }
    // Evidence: the same endpoints asked with another User-Agent (a probe under the wrong name).
    const otherAgents = [...new Set(events.filter((e): e is HttpEvent => e.kind === 'http' && e.userAgent !== PROBE_AGENT && e.user === null && wanted.some((x) => x.server === e.server && isEndpoint(e, x.ep))).map((e) => e.userAgent ?? '(none)'))];
    const windowMs = probes.length ? at(probes.at(-1)!) - at(probes[0]!) : 0;
    t.observe(`${probes.length} probes with ${PROBE_AGENT} over ${windowMs} ms; endpoints with fewer than 2: ${lacking.length}; gaps outside ${0.5 * I}..${1.5 * I} ms: ${badGaps.length}${otherAgents.length ? `; the same endpoints asked with User-Agent ${otherAgents.join(' | ')}` : ''}`);
    check(lacking.length === 0, `every endpoint probed with User-Agent ${PROBE_AGENT}`, `not probed (probes seen): ${lacking.slice(0, 12).join('; ')}${lacking.length > 12 ? `; ... ${lacking.length - 12} more` : ''}${otherAgents.length ? `\nrequests on these endpoints came with User-Agent ${otherAgents.join(' | ')}` : ''}`);
    check(badGaps.length === 0, `successive probes of one endpoint ${0.5 * I}..${1.5 * I} ms apart`, badGaps.slice(0, 12).join('\n'));
  });

  rule('HC-02', { quote: 'CAS2013 expects a response - a 200/300/400 response series indicates the target server is up for the protocol in question; a 502, 503, or 504 response indicates a failure.', timeoutMs: TIMEOUT }, async (t) => {
    const w = await t.world({ key: 'hc' });
    const I = healthInterval(w);
    await settle(w, [CAS2010_SITE1, ...SITE3_2010], I);
    t.expect(`after two probe rounds answered 302 (GET /owa) and 401 (HEAD /EWS) by ${CAS2010_SITE1} and the Site3 pair, Red's and Blue's OWA and EWS land where they landed before`);
    const traffic = [['Red', 'ews'], ['Red', 'owa'], ['Blue', 'ews'], ['Blue', 'owa']] as const;
    const before: string[] = [];
    for (const [u, p] of traffic) before.push(await servedBy(t, w, u, p, u === 'Red' ? [CAS2010_SITE1] : SITE3_2010, `before: ${u} ${p}`));
    const since = w.mark();
    const watched = [CAS2010_SITE1, ...SITE3_2010].flatMap((server) => [EWS, PROBE_OF.owa].map((ep) => ({ server, ep })));
    for (const x of watched) {
      const p1 = await waitForProbe(w, since, (e) => e.server === x.server && isEndpoint(e, x.ep), `a probe ${x.ep.method} ${x.ep.path} of ${x.server}`, patient(I));
      await waitForProbe(w, p1.seq, (e) => e.server === x.server && isEndpoint(e, x.ep), `a second probe ${x.ep.method} ${x.ep.path} of ${x.server}`, patient(I));
    }
    const answers = w.lab.journal.since(since).filter(isProbe).filter((e) => watched.some((x) => x.server === e.server && isEndpoint(e, x.ep)));
    t.observe(`probe answers: ${[...new Set(answers.map((e) => `${e.method} ${e.path} ${e.status}`))].join(', ')}`);
    // The premise is the lab's: the mocks answer probes 302/401 as IIS does (PROTOCOL-FACTS).
    const odd = answers.filter((e) => e.status !== 302 && e.status !== 401);
    if (odd.length) throw new LabError(`the mocks answered probes with ${odd.map((e) => `${e.server} ${e.path} ${e.status}`).join(', ')}, not 302/401: HC-02 cannot be judged`);
    for (let i = 0; i < traffic.length; i++) {
      const [u, p] = traffic[i]!;
      await servedBy(t, w, u, p, [before[i]!], `after: ${u} ${p}`);
    }
  });

  rule('HC-03', { quote: 'If this second attempt fails, CAS2013 marks the target CAS as down and excludes it from being a proxy target.', timeoutMs: TIMEOUT }, async (t) => {
    const w = await t.world({ key: 'hc' });
    const I = healthInterval(w);
    await settle(w, SITE3_2010, I);
    const repeatWithin = Math.min(1000, I / 2);
    t.expect(`a 503 probe of Blue's EWS CAS (HEAD /EWS) repeated within ${repeatWithin} ms; after the repeat fails, Blue's EWS lands on the other Site3 CAS2010; with both failing, Blue gets an error`);
    const A = await servedBy(t, w, 'Blue', 'ews', SITE3_2010, 'before');
    const B = other(A);
    try {
      let since = w.mark();
      downForProbes(w, A, 'ews');
      const a = await waitForFailedPair(w, since, A, EWS, I);
      const gap = at(a.repeat) - at(a.first);
      t.observe(`${A}: HEAD /EWS ${a.first.time} -> ${a.first.status}; repeat ${a.repeat.time} -> ${a.repeat.status} (${gap} ms later)`);
      check(gap <= repeatWithin, `the failed probe repeated within ${repeatWithin} ms`, `repeated ${gap} ms later`);
      await landsOn(t, w, 'Blue', 'ews', [B], a.repeat, I / 2, `${A} failed twice`);
      since = w.mark();
      downForProbes(w, B, 'ews');
      const b = await waitForFailedPair(w, since, B, EWS, I);
      t.observe(`${B}: HEAD /EWS ${b.first.time} -> ${b.first.status}; repeat ${b.repeat.time} -> ${b.repeat.status}`);
      await refusedAfter(t, w, 'Blue', 'ews', b.repeat, I / 2, `${B} failed twice too`);
    } finally {
      w.lab.faults.clear();
    }
  });

  rule('HC-04', { quote: 'If a failure response occurs, CAS2013 immediately retries to determine if the error was a transient error.', timeoutMs: TIMEOUT }, async (t) => {
    const w = await t.world({ key: 'hc' });
    const I = healthInterval(w);
    await settle(w, SITE3_2010, I);
    t.expect(`one 503 to a HEAD /EWS probe of Blue's EWS CAS, then good answers: Blue's EWS keeps landing there (4 requests over the next ${I} ms)`);
    const A = await servedBy(t, w, 'Blue', 'ews', SITE3_2010, 'before');
    const since = w.mark();
    const fault = downForProbes(w, A, 'ews');
    // Clear the fault the moment the first failed probe is journaled (before the mock answers), so the repeat finds A healthy.
    const stop = w.lab.journal.subscribe((e) => {
      if (isProbe(e) && e.server === A && isEndpoint(e, EWS) && e.status === 503) w.lab.faults.clear(fault.id);
    });
    try {
      const f = await waitForProbe(w, since, (e) => e.server === A && isEndpoint(e, EWS) && e.status === 503, `a probe HEAD /EWS of ${A} answered 503`, patient(I));
      const samples = await sampleOver(() => trafficAs(w, 'Blue', 'ews'), 4, I);
      const later = w.lab.journal.since(f.seq).filter(isProbe).filter((e) => e.server === A && isEndpoint(e, EWS));
      t.observe(`${A}: HEAD /EWS ${f.time} -> 503, then ${later.map((e) => `${e.time} -> ${e.status}`).join(', ') || 'no probe'}`);
      t.observe(`Blue's EWS after the failed probe: ${samples.map(describeLanding).join('; ')}`);
      for (const s of samples) t.client(s.transcript);
      check(samples.every((s) => twoXX(s) && s.servers.length === 1 && s.servers[0] === A), `Blue's EWS stays on ${A} with 2xx`, samples.map(describeLanding).join('; '));
    } finally {
      stop();
      w.lab.faults.clear();
    }
  });

  rule('HC-05', { quote: 'At the next interval (50 seconds), CAS2013 will attempt to determine the health state of the down CAS to determine if it is available.', timeoutMs: TIMEOUT }, async (t) => {
    const w = await t.world({ key: 'hc' });
    const I = healthInterval(w);
    await settle(w, SITE3_2010, I);
    t.expect(`Blue's EWS CAS down (two 503 probes), Blue moves to its peer; then it answers probes well and its peer goes down: within ${2 * I} ms Blue's EWS lands on it again`);
    const A = await servedBy(t, w, 'Blue', 'ews', SITE3_2010, 'before');
    const B = other(A);
    try {
      let since = w.mark();
      const fa = downForProbes(w, A, 'ews');
      const a = await waitForFailedPair(w, since, A, EWS, I);
      await landsOn(t, w, 'Blue', 'ews', [B], a.repeat, I / 2, `${A} down`);
      since = w.mark();
      const t0 = Date.now();
      w.lab.faults.clear(fa.id);
      downForProbes(w, B, 'ews');
      const deadline = t0 + 2 * I;
      const back = (l: Landing) => twoXX(l) && l.servers.length === 1 && l.servers[0] === A;
      const tries = await repeatUntil(() => trafficAs(w, 'Blue', 'ews'), back, { deadline, paceMs: I / 8 });
      const probesOf = (s: string) => w.lab.journal.since(since).filter(isProbe).filter((e) => e.server === s && isEndpoint(e, EWS)).map((e) => `${e.time} -> ${e.status}`).join(', ') || 'none';
      const last = tries.at(-1)!;
      t.client(last.transcript);
      t.observe(`${A} healthy again and ${B} failing at ${new Date(t0).toISOString()}; HEAD /EWS probes since: ${A} ${probesOf(A)}; ${B} ${probesOf(B)}`);
      t.observe(`Blue's EWS: ${tries.map((l) => `${new Date(l.sentAt).toISOString()} ${describeLanding(l)}`).join('; ')}`);
      check(back(last) && last.sentAt <= deadline, `Blue's EWS on ${A} again by ${new Date(deadline).toISOString()} (2 I after it recovered)`, tries.map(describeLanding).join('; '));
    } finally {
      w.lab.faults.clear();
    }
  });

  rule('HC-06', { quote: 'If for some reason, you would like to ensure a particular CAS2010 is never considered a proxy endpoint (or want to remove it for maintenance activities), you can do so by executing the following cmdlet on Exchange 2010 (note that this feature does not exist on Exchange 2007):', timeoutMs: TIMEOUT }, async (t) => {
    const w = await t.world({ variant: 'contoso-outofservice', key: 'hc-06' });
    const I = healthInterval(w);
    t.expect(`${OUT_OF_SERVICE_CAS} (IsOutOfService $true) receives none of Blue's requests: EWS, OWA and six EAS devices land on ${IN_SERVICE_SITE3}; with ${IN_SERVICE_SITE3} failing EWS probes, Blue's EWS still never reaches ${OUT_OF_SERVICE_CAS}`);
    const since = w.mark();
    try {
      await servedBy(t, w, 'Blue', 'ews', [IN_SERVICE_SITE3]);
      await servedBy(t, w, 'Blue', 'owa', [IN_SERVICE_SITE3]);
      // EAS affinity is per device: several devices spread over every CAS a candidate considers.
      for (let i = 1; i <= 6; i++) {
        const l = await trafficAs(w, 'Blue', 'eas', `BLUEHC06DEV${i}`);
        t.observe(`Blue eas device ${i}: ${describeLanding(l)}`);
        check(twoXX(l) && l.servers.every((s) => s === IN_SERVICE_SITE3), `Blue's EAS device ${i}: 2xx from ${IN_SERVICE_SITE3}`, describeLanding(l));
      }
      const mark = w.mark();
      downForProbes(w, IN_SERVICE_SITE3, 'ews');
      const p = await waitForFailedPair(w, mark, IN_SERVICE_SITE3, EWS, I);
      const samples = await sampleOver(() => trafficAs(w, 'Blue', 'ews'), 3, I / 2);
      t.observe(`${IN_SERVICE_SITE3} failed EWS probes at ${p.first.time}, ${p.repeat.time}; Blue's EWS then: ${samples.map(describeLanding).join('; ')}`);
    } finally {
      w.lab.faults.clear();
    }
    const reached = userRequests(w.lab.journal, since, (e) => e.server === OUT_OF_SERVICE_CAS && e.user !== null);
    check(reached.length === 0, `no user request at ${OUT_OF_SERVICE_CAS}`, reached.map((e) => `${e.method} ${e.path} user=${e.user} -> ${e.status}`).join('\n'));
  });

  rule('HC-07', { quote: 'CAS2013 expects a response - a 200/300/400 response series indicates the target server is up for the protocol in question; a 502, 503, or 504 response indicates a failure.', timeoutMs: TIMEOUT }, async (t) => {
    const w = await t.world({ key: 'hc' });
    const I = healthInterval(w);
    await settle(w, SITE3_2010, I);
    t.expect(`both Site3 CAS2010 fail their EWS probes: Blue's EWS gets an error, while Blue's OWA still lands on the CAS that served it`);
    const X = await servedBy(t, w, 'Blue', 'owa', SITE3_2010, 'OWA before');
    try {
      const since = w.mark();
      for (const s of SITE3_2010) downForProbes(w, s, 'ews');
      const pairs: HttpEvent[] = [];
      for (const s of SITE3_2010) pairs.push((await waitForFailedPair(w, since, s, EWS, I)).repeat);
      const last = pairs.reduce((a, b) => (a.seq > b.seq ? a : b));
      await refusedAfter(t, w, 'Blue', 'ews', last, I / 2, 'EWS probes failing on both');
      await servedBy(t, w, 'Blue', 'owa', [X], 'OWA after');
    } finally {
      w.lab.faults.clear();
    }
  });

  rule('HC-08', { quote: 'DNS, connect, send or timeout failures count as unhealthy.', timeoutMs: TIMEOUT }, async (t) => {
    const w = await t.world({ key: 'hc' });
    const I = healthInterval(w);
    await settle(w, SITE3_2010, I);
    t.expect(`Blue's EWS CAS refusing connections, then failing TLS handshakes: each time, after a probe round Blue's EWS lands on the other Site3 CAS2010 (the probe timeout is left out: 5 s, PROTOCOL-FACTS)`);
    for (const kind of ['refuse', 'tls-failure'] as const) {
      const A = await servedBy(t, w, 'Blue', 'ews', SITE3_2010, `${kind}: before`);
      const B = other(A);
      const since = w.mark();
      const f = w.lab.faults.inject({ server: A, endpoint: 'https', kind });
      try {
        // The second probe of the peer after the fault belongs to a round that started after it.
        const b1 = await waitForProbe(w, since, (e) => e.server === B && isEndpoint(e, EWS), `a probe HEAD /EWS of ${B}`, patient(I));
        const b2 = await waitForProbe(w, b1.seq, (e) => e.server === B && isEndpoint(e, EWS), `the next probe HEAD /EWS of ${B}`, patient(I));
        const tls = w.lab.journal.since(since).filter((e) => e.kind === 'tls' && e.server === A).length;
        t.observe(`${kind} at ${A} from seq ${since}; a full probe round by ${b2.time}${kind === 'tls-failure' ? `; ${tls} failed handshakes at ${A}` : ''}`);
        await landsOn(t, w, 'Blue', 'ews', [B], b2, I / 2, `${kind} at ${A}`);
      } finally {
        w.lab.faults.clear(f.id);
      }
      // A serves again (its listener back) before the next case.
      await waitForProbe(w, w.mark(), (e) => e.server === A && isEndpoint(e, EWS) && e.status < 500, `${A} answering probes again`, patient(I));
    }
  });

  rule('HC-09', { quote: 'However, there is one key difference, there is no health-checking on the target IMAP/POP services.', timeoutMs: TIMEOUT }, async (t) => {
    const w = await t.world({ key: 'hc' });
    const I = healthInterval(w);
    t.expect('no IMAP4/POP3 session (nor TLS handshake on a mail listener) reaches any mock CAS from the front door in this world, where no mail client runs; two probe rounds at least');
    const p1 = await waitForProbe(w, 0, (e) => e.server === CAS2010_SITE1 && isEndpoint(e, EWS), `a probe HEAD /EWS of ${CAS2010_SITE1}`, soon(I));
    await waitForProbe(w, p1.seq, (e) => e.server === CAS2010_SITE1 && isEndpoint(e, EWS), `another probe HEAD /EWS of ${CAS2010_SITE1}`, patient(I));
    // Since the lab began: the candidate's start-up included.
    const mail = w.lab.journal.since(0).filter((e): e is MailEvent | TlsEvent => e.kind === 'mail' || (e.kind === 'tls' && e.service !== 'https'));
    const http = w.lab.journal.since(0).filter(isProbe);
    t.observe(`${http.length} HTTP probes; mail sessions or handshakes at mail listeners: ${mail.length}${mail.length ? `\n${mail.slice(0, 10).map((e) => `${e.time} ${e.server} ${e.kind === 'mail' ? `${e.protocol} ${e.method} port ${e.localPort} login=${e.login}` : `${e.service} TLS ${e.outcome}`}`).join('\n')}` : ''}`);
    check(mail.length === 0, 'no mail session opened by the front door on its own', `${mail.length} mail session(s) or handshake(s)`);
  });
});
