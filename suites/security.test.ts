/**
 * SEC: hardening beyond what Exchange promised (RULES.md "SEC", the `hardened` add-on to any profile;
 * without it every rule here is n/a). No seed speaks for these rules, so each test says what it sends
 * and why in its own words. Requests that undici refuses to send (hop-by-hop headers, absolute-form
 * targets, CONNECT, conflicting framing, oversized or slow heads) go over raw TLS sockets
 * (support/sec-raw-http.ts); what crossed the front door is read from the mocks' journal.
 */
import { describe } from 'vitest';
import { request } from 'undici';
import type { HttpEvent, JournalEvent } from '../harness/journal/events.ts';
import { JournalTimeoutError } from '../harness/errors.ts';
import { check, describeHttp, hostName, userRequests } from '../harness/verify/check.ts';
import { rule, type RuleContext } from './support/rule.ts';
import type { World } from './support/world.ts';
import { rawExchange, RawHttps, transcriptOf, type RawAnswer } from './support/sec-raw-http.ts';
import { startCanary } from './support/sec-canary.ts';
import { basicAuth, easRequest } from './support/sec-requests.ts';
import { slowClients, oversizedBody, oversizedMailLine } from './support/sec-stress.ts';
import { imapThroughFrontDoor } from './support/mail-client.ts';
import { roleName } from './support/roles.ts';
import { arrived } from './support/proxied.ts';
import type { SeedRole } from '../harness/topology/index.ts';

type Profile = 'exchange2013' | 'exchange2010' | 'exchange2007';
// By seed role (suites/support/roles.ts; a missing role is n/a):
// EAS-04: Blue's EAS is proxied to a CAS2010 of its site (13 and 10); 003: User3's to a CAS of its site (07).
const PROXIED: Record<Profile, SeedRole> = { exchange2013: 'blue', exchange2010: 'blue', exchange2007: 'user3' };
// EAS-08: a mailbox in the front door's own site (001 Red, 003 User1).
const LOCAL: Record<Profile, SeedRole> = { exchange2013: 'red', exchange2010: 'red', exchange2007: 'user1' };
const PROBE_UA = 'HttpProxy.ClientAccessServer2010Ping';
/** RFC 5737 TEST-NET-1: an address no lab client has, so "appended" is visible. */
const XFF_IN = '192.0.2.7';
const HOP_MARK = 'sec-hop-marker';

const refused = (s: number | null) => s !== null && s >= 400 && s !== 451;
const clientError = (s: number | null) => s !== null && s >= 400 && s < 500;
const show = (a: RawAnswer) => (a.status !== null ? `${a.status} (${a.elapsedMs} ms)` : `no answer (${a.error ?? '?'}${a.closed ? ', closed' : ''}, ${a.elapsedMs} ms)`);

let minted = 0;
/** A DeviceId no other request of this process carries (the rule's journal queries are keyed by it). */
function deviceId(prefix: string): string {
  minted += 1;
  return `${prefix}${minted.toString(36)}${process.pid.toString(36)}`.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 32);
}

/** Whether a journal request carries `DeviceId=<id>` in its query. */
const ofDevice = (e: HttpEvent, id: string) => new URLSearchParams(e.query.replace(/^\?/, '')).get('DeviceId') === id;

/** Legacy-CAS requests of one user after `since` (the front-door mock of 2010/2007 is the client's side). */
function atTargets(w: World, since: number, sam: string, extra: (e: HttpEvent) => boolean = () => true): HttpEvent[] {
  return userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && e.user === sam && extra(e));
}

/**
 * The local user's EAS OPTIONS (200) and an IMAP SELECT session, each bounded: "other clients are served".
 * Each is grounded in the journal (a mock CAS answered the device's request; a mock's IMAP session of the
 * user logged in), so a front door that answers by itself is not "serving". With `precondition`, a miss is a
 * precondition of the rule (the baseline before any hostile client), else a check.
 */
async function served(t: RuleContext, w: World, name: string, when: string, precondition = false): Promise<void> {
  const u = w.user(name);
  const judge = (what: string, ok: boolean, detail: string) => (precondition ? t.require(what, ok, detail) : check(ok, what, detail));
  const started = Date.now();
  const since = w.mark();
  const id = deviceId('SEC04');
  const r = await request(w.url(`/Microsoft-Server-ActiveSync?User=${u.samAccountName}&DeviceId=${id}&DeviceType=SmartPhone`), {
    method: 'OPTIONS', dispatcher: w.agent({ source: u.samAccountName }), headers: { authorization: basicAuth(w, name), 'ms-asprotocolversion': '14.1' }, headersTimeout: 15_000 * w.run.slow, bodyTimeout: 15_000 * w.run.slow, signal: t.signal,
  });
  await r.body.dump();
  t.observe(`${when}: ${name} EAS OPTIONS ${r.statusCode} in ${Date.now() - started} ms`);
  const e = await arrived(w, since, (x) => ofDevice(x, id) && x.status === 200);
  judge(`${when}: ${name}'s EAS served (200, answered by a mock CAS)`, r.statusCode === 200 && !!e, `status ${r.statusCode}; ${describeHttp(w.lab.journal.since(since).filter((x) => x.kind === 'http' && ofDevice(x, id)))}`);
  const t2 = Date.now();
  const mark = w.mark();
  const imap = await imapThroughFrontDoor(w, name, 'implicit', { actions: ['select'], timeoutMs: 15_000 * w.run.slow });
  t.client(imap.transcript);
  t.observe(`${when}: ${name} IMAP ${imap.ok ? 'ok' : `failed: ${imap.error}`} in ${Date.now() - t2} ms`);
  // The mock journals a mail session when it closes (the front door's relay may close it a little after the client).
  const me = u.samAccountName.toLowerCase();
  const loginOf = (x: string | null) => (x ?? '').toLowerCase().replace(/^.*\\/, '').replace(/@.*$/, '');
  const session = await w.lab.journal
    .waitFor((x) => x.kind === 'mail' && x.login === 'ok' && loginOf(x.user) === me, { timeoutMs: 5000 * w.run.slow, sinceSeq: mark, what: `${name}'s IMAP session at a mock CAS` })
    .then(() => true, () => false);
  judge(`${when}: ${name}'s IMAP session served (logged in at a mock CAS)`, imap.ok && session, `${imap.ok ? 'client ok' : imap.error ?? 'failed'}; ${session ? 'a mock CAS logged the user in' : 'no mock CAS logged the user in'}`);
}

describe('SEC', () => {
  rule('SEC-01', { timeoutMs: 60_000 }, async (t) => {
    const w = await t.world();
    const name = roleName(t, w, PROXIED[t.profile]);
    const sam = w.user(name).samAccountName;
    t.expect(`${name}'s EAS request carries Connection: keep-alive, Via, X-Sec-Hop / Via: 1.1 ${HOP_MARK} / Keep-Alive / TE: on the hop to the legacy CAS neither the client's Connection tokens nor the Via it named appear; X-Forwarded-For is "${XFF_IN}, <client address>" (appended), or "<client address>" when the client sent none`);
    t.note('Keep-Alive, TE and X-Sec-Hop themselves are not in the mocks\' journal (it keeps selected headers); the Connection-named Via stands for them');
    for (const withXff of [true, false]) {
      const since = w.mark();
      const id = deviceId(`SEC01${withXff ? 'X' : 'N'}`);
      const extra = ['Connection: keep-alive, Via, X-Sec-Hop', `Via: 1.1 ${HOP_MARK}`, 'X-Sec-Hop: 1', 'Keep-Alive: timeout=5, max=10', 'TE: trailers', ...(withXff ? [`X-Forwarded-For: ${XFF_IN}`] : [])];
      const { answer, localAddress, transcript } = await rawExchange(w, (host) => easRequest(w, name, host, { headers: extra, deviceId: id }));
      t.client(transcript);
      t.observe(`EAS OPTIONS ${withXff ? 'with' : 'without'} X-Forwarded-For: ${show(answer)}`);
      // Precondition: the request crossed the front door (its hop is what the header checks read).
      const hop = await arrived(w, since, (e) => e.server !== w.frontDoorMock && e.user === sam && e.vdir === 'eas' && ofDevice(e, id));
      t.require(`${name}'s EAS request (DeviceId ${id}) reached a legacy CAS through the front door`, !!hop, `${show(answer)}; ${describeHttp(w.lab.journal.since(since))}`);
      for (const e of atTargets(w, since, sam, (x) => x.vdir === 'eas' && ofDevice(x, id))) {
        const conn = (e.headers.connection ?? '').toLowerCase();
        t.observe(`${e.server} saw Connection: ${e.headers.connection ?? '-'}; Via: ${e.headers.via ?? '-'}; X-Forwarded-For: ${e.headers['x-forwarded-for'] ?? '-'}`);
        check(!/x-sec-hop|(^|[\s,])via([\s,]|$)/.test(conn), `${e.server}: the client's Connection header not forwarded`, `Connection: ${e.headers.connection}`);
        check(!(e.headers.via ?? '').includes(HOP_MARK), `${e.server}: the Via the client named in Connection not forwarded`, `Via: ${e.headers.via}`);
        const xff = (e.headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim().replace(/^::ffff:/, '')).filter(Boolean);
        const want = withXff ? `${XFF_IN}, ${localAddress}` : localAddress;
        const ok = withXff ? xff.length >= 2 && xff[0] === XFF_IN && xff[xff.length - 1] === localAddress : xff.length === 1 && xff[0] === localAddress;
        check(ok, `${e.server}: X-Forwarded-For ${want}`, `X-Forwarded-For: ${e.headers['x-forwarded-for'] ?? '(none)'}`);
      }
    }

    // No open proxy: a target outside the topology, as an absolute URI, a Host or a CONNECT, is refused;
    // a loopback canary that no topology names shows whether anything was forwarded.
    const canary = await startCanary();
    try {
      const outside = `127.0.0.1:${canary.port}`;
      t.expect(`no open proxy: GET http://${outside}/owa/, GET https://${outside}/, Host: ${outside}, Host: outside.invalid and CONNECT ${outside} are refused (status >= 400, not 451; CONNECT may also be closed unanswered); nothing reaches the canary at ${outside}`);
      const since = w.mark();
      const cases: [string, (host: string) => string, boolean][] = [
        ['absolute http URI', (host) => `GET http://${outside}/owa/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`, false],
        ['absolute https URI', (host) => `GET https://${outside}/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`, false],
        ['Host outside the topology (loopback canary)', () => `GET /owa/ HTTP/1.1\r\nHost: ${outside}\r\n\r\n`, false],
        ['Host outside the topology (a name)', () => 'GET /owa/ HTTP/1.1\r\nHost: outside.invalid\r\n\r\n', false],
        ['CONNECT', () => `CONNECT ${outside} HTTP/1.1\r\nHost: ${outside}\r\n\r\n`, true],
      ];
      for (const [label, req, closeIsRefusal] of cases) {
        const { answer, transcript } = await rawExchange(w, req, 10_000);
        t.client(transcript);
        t.observe(`${label}: ${show(answer)}`);
        const ok = refused(answer.status) || (closeIsRefusal && answer.status === null && answer.closed);
        check(ok, `${label}: refused`, show(answer));
      }
      const forwarded = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && ['outside.invalid', '127.0.0.1'].includes(hostName(e.host)));
      check(canary.hits === 0 && !forwarded.length, 'nothing forwarded outside the topology', `canary: ${canary.hits} connection(s) ${canary.seen.map((s) => JSON.stringify(s.split('\r\n')[0])).join(', ')}; legacy CAS: ${forwarded.map((e) => `${e.server} Host=${e.host}`).join(', ') || 'none'}`);
    } finally {
      await canary.close();
    }
  });

  rule('SEC-02', { timeoutMs: 60_000 }, async (t) => {
    const w = await t.world();
    const name = roleName(t, w, PROXIED[t.profile]);
    const smuggled = (host: string) => `GET /owa/sec02-smuggled HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
    const wbxml = 'Content-Type: application/vnd.ms-sync.wbxml';
    // RFC 9112 6.1 and 6.3: a request with both framings, or with two lengths, cannot be framed reliably.
    const cases: [string, (host: string) => { headers: string[]; body: string }][] = [
      ['Content-Length then Transfer-Encoding: chunked', (h) => ({ headers: [wbxml, `Content-Length: ${5 + smuggled(h).length}`, 'Transfer-Encoding: chunked'], body: `0\r\n\r\n${smuggled(h)}` })],
      ['Transfer-Encoding: chunked then Content-Length', (h) => ({ headers: [wbxml, 'Transfer-Encoding: chunked', `Content-Length: ${5 + smuggled(h).length}`], body: `0\r\n\r\n${smuggled(h)}` })],
      ['two different Content-Length values', (h) => ({ headers: [wbxml, 'Content-Length: 5', `Content-Length: ${5 + smuggled(h).length}`], body: `hello${smuggled(h)}` })],
      ['Content-Length with a Transfer-Encoding that does not end in chunked', (h) => ({ headers: [wbxml, `Content-Length: ${5 + smuggled(h).length}`, 'Transfer-Encoding: chunked, identity'], body: `0\r\n\r\n${smuggled(h)}` })],
    ];
    t.expect(`${name}'s EAS POST with conflicting framing: 400 from the front door, one answer only, the connection not reused for the smuggled GET /owa/sec02-smuggled, and no legacy CAS sees either request`);
    // Precondition: the same user's well-framed EAS request is proxied, so "no legacy CAS sees the request" below
    // says the framing stopped it, not that the front door never proxies EAS.
    {
      const since = w.mark();
      const id = deviceId('SEC02OK');
      const { answer, transcript } = await rawExchange(w, (host) => easRequest(w, name, host, { deviceId: id }));
      t.client(transcript);
      t.observe(`well-framed EAS OPTIONS: ${show(answer)}`);
      const hop = await arrived(w, since, (e) => e.server !== w.frontDoorMock && ofDevice(e, id));
      t.require(`${name}'s well-framed EAS request reaches a legacy CAS through the front door`, !!hop, `${show(answer)}; ${describeHttp(w.lab.journal.since(since))}`);
    }
    for (const [i, [label, make]] of cases.entries()) {
      const since = w.mark();
      const c = await RawHttps.open(w);
      const { headers, body } = make(c.host);
      const id = deviceId(`SEC02${i}`);
      const text = easRequest(w, name, c.host, { method: 'POST', cmd: 'Ping', deviceId: id, headers, body });
      try {
        await c.send(text);
        const answer = await c.answer(10_000);
        await c.waitClosed(2_000); // a second answer, if the smuggled request was read, comes before the close
        const answers = c.received().match(/HTTP\/1\.[01] \d{3}/g) ?? [];
        t.client(transcriptOf(text, answer));
        t.observe(`${label}: ${show(answer)}; answers on the connection: ${answers.length}; closed: ${c.closed}`);
        check(answer.status === 400, `${label}: 400`, show(answer));
        check(answers.length <= 1, `${label}: no answer to the smuggled request`, `${answers.length} answers: ${answers.join(', ')}`);
      } finally {
        c.close();
      }
      const leaked = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && (e.path.includes('sec02-smuggled') || ofDevice(e, id)));
      check(!leaked.length, `${label}: no legacy CAS sees the request`, leaked.map((e) => `${e.server} ${e.method} ${e.path}`).join(', '));
    }
  });

  rule('SEC-03', { timeoutMs: 60_000 }, async (t) => {
    const w = await t.world({ key: 'sec-03', watchesChecks: true });
    const interval = w.healthIntervalMs;
    // A probe is Exchange 2013's ping or a health check the candidate declares (HAProxy's httpchk, ...).
    const agents = new Set([PROBE_UA, ...(w.candidate.healthCheckUserAgents ?? [])]);
    const isProbe = (e: JournalEvent): e is HttpEvent => e.kind === 'http' && e.userAgent !== null && agents.has(e.userAgent);
    const [localName, proxiedName] = [roleName(t, w, LOCAL[t.profile]), roleName(t, w, PROXIED[t.profile])];
    t.expect(`after users have signed in (EAS with Basic for ${localName} and ${proxiedName}), no health probe (User-Agent ${[...agents].join(' or ')}) carries an Authorization header, a cookie or a user`);
    const start = w.mark();
    for (const name of [localName, proxiedName]) {
      const u = w.user(name);
      const since = w.mark();
      const id = deviceId(`SEC03${u.samAccountName}`);
      const r = await request(w.url(`/Microsoft-Server-ActiveSync?User=${u.samAccountName}&DeviceId=${id}&DeviceType=SmartPhone`), {
        method: 'OPTIONS', dispatcher: w.agent({ source: u.samAccountName }), headers: { authorization: basicAuth(w, name), 'ms-asprotocolversion': '14.1', 'user-agent': 'cas-conformance-sec/1.0' }, signal: t.signal,
      });
      await r.body.dump();
      t.observe(`${name} EAS OPTIONS (Basic): ${r.statusCode}`);
      // Precondition: the sign-in went through the front door to a mock CAS (the credentials a probe could pick up were used).
      const e = await arrived(w, since, (x) => ofDevice(x, id) && x.status === 200);
      t.require(`${name}'s EAS (Basic) served by a mock CAS through the front door`, r.statusCode === 200 && !!e, `status ${r.statusCode}; ${describeHttp(w.lab.journal.since(since))}`);
    }
    const after = w.mark();
    // A full round after the sign-ins: a probe at every server this rule saw probed before them (or any probe, when none was).
    const waitMs = 3 * interval + 5_000;
    const deadline = Date.now() + waitMs;
    const before = new Set(w.lab.journal.since(start).filter(isProbe).map((e) => e.server));
    for (const server of before.size ? [...before] : [null]) {
      try {
        await w.lab.journal.waitFor((e) => isProbe(e) && (server === null || e.server === server), { sinceSeq: after, timeoutMs: Math.max(1, deadline - Date.now()), what: `a health probe${server ? ` at ${server}` : ''} after the sign-ins` });
      } catch (err) {
        if (!(err instanceof JournalTimeoutError)) throw err;
      }
    }
    // Only this rule's window: probes from the sign-ins on (no verdict on what happened while other rules ran).
    const probes = w.lab.journal.since(start).filter(isProbe);
    const late = probes.filter((e) => e.seq > after);
    if (!late.length) t.notApplicable(`no health probe reached a legacy CAS within ${waitMs} ms after the sign-ins: nothing to judge`);
    const bad = probes.filter((e) => e.authScheme !== null || e.cookies.length > 0 || e.user !== null);
    t.observe(`${probes.length} probes seen (${late.length} after the sign-ins) at ${new Set(probes.map((e) => e.server)).size} servers; with credentials: ${bad.length}`);
    check(!bad.length, 'probes without Authorization, cookies or user', bad.slice(0, 5).map((e) => `${e.server} ${e.method} ${e.path} auth=${e.authScheme ?? '-'} user=${e.user ?? '-'} cookies=${e.cookies.map((c) => c.name).join(',') || '-'}`).join('\n'));
  });

  rule('SEC-04', { timeoutMs: 150_000 }, async (t) => {
    // Its own world: slow and oversized clients load the candidate; nothing else should share that.
    const w = await t.world({ key: 'sec-04' });
    const local = roleName(t, w, LOCAL[t.profile]);
    // Precondition: before any hostile client, the front door serves the local user's EAS and IMAP (through a
    // mock CAS). This round also warms the candidate up (directory, target connections), so the round during the
    // slow clients measures their effect and not a cold start.
    await served(t, w, local, 'before the hostile clients', true);
    // 1. Malformed heads: each gets a 4xx answer (a clear error), not a silent close.
    t.expect('malformed requests (garbage request line, a header line without a colon, a control character in a header, an invalid HTTP version) each get a 4xx answer');
    const malformed: [string, (host: string) => string][] = [
      ['garbage request line', () => 'GARBAGE\r\n\r\n'],
      ['header line without a colon', (h) => `GET /owa/ HTTP/1.1\r\nHost: ${h}\r\nThis is not a header\r\n\r\n`],
      ['control character in a header', (h) => `GET /owa/ HTTP/1.1\r\nHost: ${h}\r\nX-Bad: a\x01b\r\n\r\n`],
      ['invalid HTTP version', (h) => `GET /owa/ HTTP/9.Q\r\nHost: ${h}\r\n\r\n`],
    ];
    for (const [label, req] of malformed) {
      const { answer, transcript } = await rawExchange(w, req, 10_000);
      t.client(transcript);
      t.observe(`${label}: ${show(answer)}`);
      check(clientError(answer.status), `${label}: a 4xx answer`, show(answer));
    }
    // 2. Oversized heads: answered (431/413/400/414) without the front door reading on forever.
    t.expect('a 64 KiB header and a 256 KiB request target each get a 4xx answer');
    const oversized: [string, (host: string) => string][] = [
      ['64 KiB header', (h) => `GET /owa/ HTTP/1.1\r\nHost: ${h}\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`],
      ['256 KiB request target', (h) => `GET /owa/?${'q'.repeat(256 * 1024)} HTTP/1.1\r\nHost: ${h}\r\n\r\n`],
    ];
    for (const [label, req] of oversized) {
      const { answer, transcript } = await rawExchange(w, req, 10_000);
      t.client(transcript);
      t.observe(`${label}: ${show(answer)}`);
      check(clientError(answer.status), `${label}: a 4xx answer`, show(answer));
    }
    // 3. Oversized bodies to the front door's own sign-in form (PROTOCOL-FACTS: owaauth.dll on 2007, auth.owa on 2010/2013).
    const form = t.profile === 'exchange2007' ? '/owa/auth/owaauth.dll' : '/owa/auth.owa';
    t.expect(`a sign-in form POST to ${form} declaring 64 MiB, and one chunked without end: a 4xx answer before 16 MiB have been sent (the front door does not keep reading)`);
    for (const chunked of [false, true]) {
      const r = await oversizedBody(w, form, { chunked, declaredBytes: 64 * 1024 * 1024, sendCapBytes: 16 * 1024 * 1024 });
      t.client(r.transcript);
      t.observe(`${chunked ? 'chunked' : 'Content-Length 64 MiB'}: ${show(r.answer)} after ${(r.sentBytes / 1024).toFixed(0)} KiB sent (${r.stop})`);
      check(clientError(r.answer.status) && r.sentBytes < 16 * 1024 * 1024, `${chunked ? 'chunked' : 'declared'} oversized body: a 4xx before 16 MiB`, `${show(r.answer)} after ${r.sentBytes} bytes`);
    }
    // 4. Mail: an oversized command line gets an error line, on IMAP and POP3.
    t.expect('a 100 KiB IMAP command line gets BAD (or BYE), a 100 KiB POP3 line -ERR');
    for (const protocol of ['imap4', 'pop3'] as const) {
      const r = await oversizedMailLine(w, protocol, 100 * 1024);
      t.client(r.transcript);
      t.observe(`${protocol} oversized line: ${r.answer ?? `no answer (${r.error})`}`);
      const ok = protocol === 'imap4' ? /^\S+ (BAD|NO)\b|^\* BYE\b/.test(r.answer ?? '') : /^-ERR\b/.test(r.answer ?? '');
      check(ok, `${protocol}: an error line`, r.answer ?? `no answer (${r.error})`);
    }
    // 5. Slow heads, and everyone else served meanwhile (EAS for the local user, an IMAP session).
    const slowBoundMs = 30_000;
    t.expect(`20 clients sending their head one byte a second each get a 4xx (408) within ${slowBoundMs / 1000} s; meanwhile ${local}'s EAS OPTIONS gets 200 and ${local}'s IMAP session works, as they did before`);
    const slow = slowClients(w, { count: 20, boundMs: slowBoundMs });
    let meanwhile: unknown;
    try {
      await served(t, w, local, 'while the slow clients wait');
    } catch (err) {
      meanwhile = err; // judged after the slow clients are done, so none is left behind
    }
    const results = await slow;
    const unclear = results.filter((a) => !clientError(a.status));
    t.observe(`slow clients: ${results.map(show).join('; ')}`);
    if (meanwhile) throw meanwhile;
    check(!unclear.length, `every slow client gets a 4xx within ${slowBoundMs / 1000} s`, `${unclear.length} of ${results.length} did not: ${unclear.slice(0, 3).map(show).join('; ')}`);
  });
});
