/**
 * The fixture report behind the golden renderings (reports/render/golden/): what issue 15 saw go wrong
 * on screen, in one report. A failure whose reason spans lines and whose expectation repeats its last
 * line; rule titles with `backticks`; journal events of every kind; a pass whose verdict rests on
 * preconditions only (HC-01: 212 probes, no client leg, no user request in the journal); an error that
 * is the lab's; the rules listed pass-first, so sorting shows.
 */
import { summarize } from '../outcome.ts';
import type { ConformanceReport, RuleResult } from '../types.ts';
import { rule } from './fixtures.ts';

const HTTP = {
  kind: 'http', seq: 41, time: '2026-03-01T10:00:01.000Z', server: 'cas2010.site2.contoso.lab', vdir: 'eas', method: 'OPTIONS',
  path: '/Microsoft-Server-ActiveSync', query: 'User=orange&DeviceId=ORANGE0001&DeviceType=iPhone', host: 'cas2010.site2.contoso.lab',
  sni: 'cas2010.site2.contoso.lab', scheme: 'https', localPort: 20443, remoteAddress: '127.0.1.10', authScheme: 'Basic', user: 'orange',
  userAgent: 'Apple-iPhone/1002.329', cookies: [], setCookies: [], formFields: [], headers: { 'x-forwarded-for': '127.0.0.1' },
  status: 451, decision: '451', target: 'https://mail-region.contoso.lab/Microsoft-Server-ActiveSync', durationMs: 3.2,
};

export function goldenRules(): RuleResult[] {
  return [
    rule('AUTH-01', 'pass', { title: 'missing or wrong credentials are refused at the front door, for every protocol' }),
    rule('HC-01', 'pass', {
      title: 'the front door probes every legacy CAS with `HttpProxy.ClientAccessServer2010Ping`',
      evidence: {
        expected: 'every CAS of the topology probed at least once per interval',
        observed: '212 probes over 9 CAS in 20 s',
        client: [],
        journal: [],
        preconditions: [
          { what: 'probes seen at every legacy CAS', met: true, detail: '212 probes: cas2007.site1 24, cas2010.site1 24, cas2010.site2 23, ...', blame: 'candidate' },
          { what: 'the probe interval elapsed at least twice', met: true, detail: '20 s observed, interval 2 s', blame: 'lab' },
        ],
        lag: { maxMs: 14, loopDelayP99Ms: 3 },
      },
    }),
    rule('EAS-03', 'fail', {
      title: 'never `451`: Orange, with listed and unlisted devices, proxied to CAS2010 Site2',
      reason: 'expected never 451 for Orange\nORANGE0001 (iPhone): got 451 with X-MS-Location https://mail-region.contoso.lab\nORANGE0002 (WindowsPhone): proxied (200)',
      source: { seed: '001', quote: 'Exchange 2013 no longer supports the 451 redirect response – Exchange 2013 will always proxy ActiveSync requests.' },
      evidence: {
        expected: 'Orange proxied to cas2010.site2.contoso.lab, never 451\nnever 451 for Orange\nnever 451 for Orange',
        observed: 'ORANGE0001: 451\nORANGE0002: 200',
        client: [
          { dir: 'C', line: 'OPTIONS /Microsoft-Server-ActiveSync?User=orange&DeviceId=ORANGE0001&DeviceType=iPhone HTTP/1.1', at: 0 },
          { dir: 'S', line: 'HTTP/1.1 451', at: 12 },
          { dir: 'S', line: 'X-MS-Location: https://mail-region.contoso.lab/Microsoft-Server-ActiveSync', at: 12 },
        ],
        journal: [
          HTTP,
          { kind: 'tls', seq: 40, time: '2026-03-01T10:00:00.900Z', server: 'cas2010.site2.contoso.lab', localPort: 20443, remoteAddress: '127.0.1.10', sni: 'cas2010.site2.contoso.lab', outcome: 'ok', protocol: 'TLSv1.2', certificate: 'cas2010.site2.contoso.lab', service: 'https' },
          { kind: 'hop', seq: 42, time: '2026-03-01T10:00:01.100Z', server: 'cas2010.site2.contoso.lab', protocol: 'eas', url: 'https://cas2010.site3.contoso.lab/Microsoft-Server-ActiveSync', targetServer: 'cas2010.site3.contoso.lab', status: 200 },
          { kind: 'eventlog', seq: 43, time: '2026-03-01T10:00:01.200Z', server: 'cas2010.site2.contoso.lab', eventId: 4999, source: 'MSExchange Common', category: 'General', level: 'Error', message: 'Watson report about to be sent\nsecond line' },
        ],
        preconditions: [{ what: "Orange's requests reached cas2010.site2.contoso.lab through the front door", met: true, detail: 'OPTIONS x2', blame: 'candidate' }],
        lag: { maxMs: 6, loopDelayP99Ms: 2 },
        notes: ['device type `iPhone` is on the 451 list of the organisation'],
      },
    }),
    rule('MAIL-02', 'fail', {
      title: 'IMAP4 for a 2010 mailbox goes to a CAS2010 in the mailbox site',
      reason: 'precondition: Red\'s IMAP session reached a mock CAS',
      evidence: {
        expected: 'Red on cas2010.site1 over IMAP4',
        observed: 'no mail session reached any mock CAS',
        client: [{ dir: 'C', line: 'a1 LOGIN red ****' }, { dir: 'S', line: 'a1 OK LOGIN completed.' }],
        journal: [{ kind: 'mail', seq: 50, time: '2026-03-01T10:00:02.000Z', server: 'cas2010.site3.contoso.lab', protocol: 'imap4', method: 'tls', listener: 'tls', upgraded: true, sni: null, localPort: 20143, remoteAddress: '127.0.1.10', user: 'red', login: 'wrong-site', commands: ['CAPABILITY', 'STARTTLS', 'LOGIN'], bytesIn: 80, bytesOut: 300, closeReason: 'logout', durationMs: 40 }],
        preconditions: [{ what: "Red's IMAP session reached a mock CAS", met: false, detail: 'the session ended at the front door', blame: 'candidate' }],
      },
    }),
    rule('OA-02', 'warn', { level: 'S', reason: 'the hop to the legacy CAS used `Basic`, not NTLM' }),
    rule('TLS-05', 'error', {
      reason: 'PRECONDITION_LAB: precondition not established by the lab: the self-signed CAS listens (connect ECONNREFUSED)',
      evidence: {
        expected: 'the front door reaches cas2007.site3 despite its self-signed certificate',
        observed: '',
        client: [],
        journal: [],
        preconditions: [{ what: 'the self-signed CAS listens', met: false, detail: 'connect ECONNREFUSED 127.0.3.12:20443', blame: 'lab' }],
        lag: { maxMs: 2 },
      },
    }),
    rule('OWA-08', 'waived', { reason: 'waived until 2027-01-31: vendor bug 42 (failure: 404 on /owa/14.2.247.5/)' }),
    rule('HC-09', 'info', { level: 'I' }),
    rule('EAS-01', 'n/a', { level: '-', reason: 'n/a: EAS-01 is not judged in profile exchange2013' }),
  ];
}

export function goldenReport(): ConformanceReport {
  const rules = goldenRules();
  return {
    schemaVersion: 1,
    run: { id: 'run-golden', startedAt: '2026-03-01T10:00:00.000Z', finishedAt: '2026-03-01T10:01:30.000Z', durationMs: 90_000, tool: { name: 'cas-conformance', version: '0.1.0' }, node: '20.20.0', host: 'ci-runner' },
    candidate: { name: 'reference', version: '0.1.0', launcher: 'reference', configDigest: 'cafe0123456789ab', options: { defects: [] } },
    profile: { name: 'exchange2013', hardened: false, build: null, failOn: 'fail' },
    topology: { name: 'contoso', digest: 'sha256:0123456789abcdef' },
    summary: summarize(rules, 'fail'),
    rules,
    notes: [],
  };
}
