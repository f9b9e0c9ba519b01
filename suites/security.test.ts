/**
 * SEC: hardening beyond what Exchange promised (RULES.md "SEC", the `hardened` add-on to any profile;
 * without it every rule here is n/a). No seed speaks for these rules, so each test says what it sends
 * and why in its own words. Requests that undici refuses to send (hop-by-hop headers, absolute-form
 * targets, CONNECT, conflicting framing, oversized or slow heads) go over raw TLS sockets
 * (support/sec-raw-http.ts); what crossed the front door is read from the mocks' journal.
 */
import { describe } from 'vitest';
import { request } from 'undici';
import type { HttpEvent } from '../harness/journal/events.ts';
import { JournalTimeoutError } from '../harness/errors.ts';
import { check, hostName, userRequests, waitForRequest } from '../harness/verify/check.ts';
import { rule, type RuleContext } from './support/rule.ts';
import type { World } from './support/world.ts';
import { rawExchange, RawHttps, transcriptOf, type RawAnswer } from './support/sec-raw-http.ts';
import { startCanary } from './support/sec-canary.ts';
import { basicAuth, easRequest } from './support/sec-requests.ts';
import { slowClients, oversizedBody, oversizedMailLine } from './support/sec-stress.ts';
import { imapThroughFrontDoor } from './support/mail-client.ts';

type Profile = 'exchange2013' | 'exchange2010' | 'exchange2007';
/** EAS-04: Blue's EAS is proxied to a CAS2010 of Site3 (13 and 10); 003: User3's to a Hub CAS (07). */
const PROXIED: Record<Profile, string> = { exchange2013: 'Blue', exchange2010: 'Blue', exchange2007: 'User3' };
/** EAS-08: a mailbox in the front door's own site (Red in contoso, User1 in contoso-2007). */
const LOCAL: Record<Profile, string> = { exchange2013: 'Red', exchange2010: 'Red', exchange2007: 'User1' };
const PROBE_UA = 'HttpProxy.ClientAccessServer2010Ping';
/** RFC 5737 TEST-NET-1: an address no lab client has, so "appended" is visible. */
const XFF_IN = '192.0.2.7';
const HOP_MARK = 'sec-hop-marker';

const refused = (s: number | null) => s !== null && s >= 400 && s !== 451;
const clientError = (s: number | null) => s !== null && s >= 400 && s < 500;
const show = (a: RawAnswer) => (a.status !== null ? `${a.status} (${a.elapsedMs} ms)` : `no answer (${a.error ?? '?'}${a.closed ? ', closed' : ''}, ${a.elapsedMs} ms)`);

/** Legacy-CAS requests of one user after `since` (the front-door mock of 2010/2007 is the client's side). */
function atTargets(w: World, since: number, sam: string, extra: (e: HttpEvent) => boolean = () => true): HttpEvent[] {
  return userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && e.user === sam && extra(e));
}

/** The local user's EAS OPTIONS (200) and an IMAP SELECT session, each bounded: "other clients are served". */
async function served(t: RuleContext, w: World, name: string, when: string): Promise<void> {
  const u = w.user(name);
  const started = Date.now();
  const r = await request(w.url(`/Microsoft-Server-ActiveSync?User=${u.samAccountName}&DeviceId=SEC04${u.samAccountName}&DeviceType=SmartPhone`), {
    method: 'OPTIONS', dispatcher: w.agent(), headers: { authorization: basicAuth(w, name), 'ms-asprotocolversion': '14.1' }, headersTimeout: 15_000, bodyTimeout: 15_000,
  });
  await r.body.dump();
  t.observe(`${when}: ${name} EAS OPTIONS ${r.statusCode} in ${Date.now() - started} ms`);
  check(r.statusCode === 200, `${when}: ${name}'s EAS served (200)`, `status ${r.statusCode}`);
  const t2 = Date.now();
  const imap = await imapThroughFrontDoor(w, name, 'implicit', { actions: ['select'], timeoutMs: 15_000 });
  t.client(imap.transcript);
  t.observe(`${when}: ${name} IMAP ${imap.ok ? 'ok' : `failed: ${imap.error}`} in ${Date.now() - t2} ms`);
  check(imap.ok, `${when}: ${name}'s IMAP session served`, imap.error ?? '');
}

describe('SEC', () => {
  rule('SEC-01', { timeoutMs: 60_000 }, async (t) => {
    const w = await t.world();
    const name = PROXIED[t.profile];
    const sam = w.user(name).samAccountName;
    t.expect(`${name}'s EAS request carries Connection: keep-alive, Via, X-Sec-Hop / Via: 1.1 ${HOP_MARK} / Keep-Alive / TE: on the hop to the legacy CAS neither the client's Connection tokens nor the Via it named appear; X-Forwarded-For is "${XFF_IN}, <client address>" (appended), or "<client address>" when the client sent none`);
    t.note('Keep-Alive, TE and X-Sec-Hop themselves are not in the mocks\' journal (it keeps selected headers); the Connection-named Via stands for them');
    for (const withXff of [true, false]) {
      const since = w.mark();
      const extra = ['Connection: keep-alive, Via, X-Sec-Hop', `Via: 1.1 ${HOP_MARK}`, 'X-Sec-Hop: 1', 'Keep-Alive: timeout=5, max=10', 'TE: trailers', ...(withXff ? [`X-Forwarded-For: ${XFF_IN}`] : [])];
      const { answer, localAddress, transcript } = await rawExchange(w, (host) => easRequest(w, name, host, { headers: extra, deviceId: `SEC01${withXff ? 'X' : 'N'}` }));
      t.client(transcript);
      t.observe(`EAS OPTIONS ${withXff ? 'with' : 'without'} X-Forwarded-For: ${show(answer)}`);
      await waitForRequest(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && e.user === sam && e.vdir === 'eas', `${name}'s EAS request at a legacy CAS`);
      for (const e of atTargets(w, since, sam, (x) => x.vdir === 'eas')) {
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
    const name = PROXIED[t.profile];
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
    for (const [i, [label, make]] of cases.entries()) {
      const since = w.mark();
      const c = await RawHttps.open(w);
      const { headers, body } = make(c.host);
      const text = easRequest(w, name, c.host, { method: 'POST', cmd: 'Ping', deviceId: `SEC02${i}`, headers, body });
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
      const leaked = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && (e.path.includes('sec02-smuggled') || e.query.includes(`DeviceId=SEC02${i}`)));
      check(!leaked.length, `${label}: no legacy CAS sees the request`, leaked.map((e) => `${e.server} ${e.method} ${e.path}`).join(', '));
    }
  });

  rule('SEC-03', { timeoutMs: 60_000 }, async (t) => {
    const w = await t.world();
    const interval = w.run.realtime ? w.lab.topology.frontDoor.healthIntervalMs : w.lab.topology.frontDoor.fastHealthIntervalMs;
    t.expect(`after users have signed in (EAS with Basic for ${LOCAL[t.profile]} and ${PROXIED[t.profile]}), no health probe (User-Agent ${PROBE_UA}) carries an Authorization header, a cookie or a user`);
    for (const name of [LOCAL[t.profile], PROXIED[t.profile]]) {
      const u = w.user(name);
      const r = await request(w.url(`/Microsoft-Server-ActiveSync?User=${u.samAccountName}&DeviceId=SEC03${u.samAccountName}&DeviceType=SmartPhone`), {
        method: 'OPTIONS', dispatcher: w.agent(), headers: { authorization: basicAuth(w, name), 'ms-asprotocolversion': '14.1', 'user-agent': 'cas-conformance-sec/1.0' },
      });
      await r.body.dump();
      t.observe(`${name} EAS OPTIONS (Basic): ${r.statusCode}`);
    }
    const after = w.mark();
    // A full round after the sign-ins: a probe at every server probed so far (or any probe, when none was).
    const waitMs = 3 * interval + 5_000;
    const deadline = Date.now() + waitMs;
    const isProbe = (e: { kind: string; userAgent?: string | null }) => e.kind === 'http' && e.userAgent === PROBE_UA;
    const before = new Set(w.lab.journal.all().filter((e): e is HttpEvent => isProbe(e as HttpEvent)).map((e) => e.server));
    for (const server of before.size ? [...before] : [null]) {
      try {
        await w.lab.journal.waitFor((e) => isProbe(e as HttpEvent) && (server === null || e.server === server), { sinceSeq: after, timeoutMs: Math.max(1, deadline - Date.now()), what: `a health probe${server ? ` at ${server}` : ''} after the sign-ins` });
      } catch (err) {
        if (!(err instanceof JournalTimeoutError)) throw err;
      }
    }
    const probes = w.lab.journal.all().filter((e): e is HttpEvent => e.kind === 'http' && e.userAgent === PROBE_UA);
    if (!probes.length) t.notApplicable(`no health probe (User-Agent ${PROBE_UA}) reached a legacy CAS within ${waitMs} ms: nothing to judge`);
    const late = probes.filter((e) => e.seq > after).length;
    const bad = probes.filter((e) => e.authScheme !== null || e.cookies.length > 0 || e.user !== null);
    t.observe(`${probes.length} probes seen (${late} after the sign-ins) at ${new Set(probes.map((e) => e.server)).size} servers; with credentials: ${bad.length}`);
    check(!bad.length, 'probes without Authorization, cookies or user', bad.slice(0, 5).map((e) => `${e.server} ${e.method} ${e.path} auth=${e.authScheme ?? '-'} user=${e.user ?? '-'} cookies=${e.cookies.map((c) => c.name).join(',') || '-'}`).join('\n'));
  });

  rule('SEC-04', { timeoutMs: 150_000 }, async (t) => {
    // Its own world: slow and oversized clients load the candidate; nothing else should share that.
    const w = await t.world({ key: 'sec-04' });
    const local = LOCAL[t.profile];
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
    //    A first round before the slow clients warms the candidate up (directory, target connections), so
    //    the round during them measures the slow clients' effect and not a cold start.
    const slowBoundMs = 30_000;
    t.expect(`20 clients sending their head one byte a second each get a 4xx (408) within ${slowBoundMs / 1000} s; meanwhile ${local}'s EAS OPTIONS gets 200 and ${local}'s IMAP session works, as they did just before`);
    await served(t, w, local, 'before the slow clients');
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
