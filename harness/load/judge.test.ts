/**
 * Judging operations (synthetic ones, no lab): misroutes, cross-user answers, unconfirmed answers, the
 * precondition that every protocol was served; percentiles and added latency; the failover figures.
 */
import { describe, expect, it } from 'vitest';
import { topologyForProfile } from '../frontdoor/profile-topology.ts';
import { population } from './population.ts';
import { judgeAll } from './judge.ts';
import { latencyRows, percentile } from './latency.ts';
import { failoverReport, pools, type FailoverDriver } from './failover.ts';
import { PROTOCOL_OF, type Op, type OpKind, type SeenEvent } from './types.ts';

const t = topologyForProfile('contoso', { profile: 'exchange2013' });
const sims = population(t, 6, 'ab12', false); // Red, Purple, Blue, Orange, Grey, Cyan
const D = 'contoso.lab';
let n = 0;

function op(sim: number, kind: OpKind, o: Partial<Op> & { served?: [string, string | null][] } = {}): Op {
  const s = sims[sim]!;
  const start = o.start ?? 100;
  const events: SeenEvent[] = (o.served ?? []).map(([server, user], i) => ({ seq: ++n, at: start + 1 + i, server, vdir: PROTOCOL_OF[kind], user, decision: 'served', status: 200 }));
  return {
    n: ++n, sim: s.id, sam: s.user.samAccountName, kind, protocol: PROTOCOL_OF[kind], via: 'front-door', start, end: start + 10,
    outcome: 'ok', detail: '200', requests: 1, servedUsers: [s.user.samAccountName], events, ...o,
  };
}

describe('judgeAll', () => {
  it('passes a clean run where the load reached the mailboxes', () => {
    const ops = [op(0, 'ews-getfolder', { served: [[`cas2010.site1.${D}`, 'red']] }), op(2, 'eas-sync', { served: [[`cas2010b.site3.${D}`, 'blue']] })];
    const { correctness, reasons } = judgeAll(ops, sims, [], ['ews', 'eas']);
    expect(reasons).toEqual([]);
    expect(correctness.misroutes + correctness.crossUser + correctness.unconfirmed).toBe(0);
  });

  it('counts a request handled at a CAS of the wrong site as a misroute, with the oracle in the example', () => {
    const ops = [op(2, 'ews-getfolder', { served: [[`cas2010.site1.${D}`, 'blue']] })];
    const { correctness, reasons } = judgeAll(ops, sims, [], ['ews']);
    expect(correctness.misroutes).toBe(1);
    expect(correctness.examples.misroutes[0]!.text).toMatch(/cas2010.site1.contoso.lab handled the request as blue.*allows cas2010a.site3/);
    expect(reasons[0]).toMatch(/1 misroute/);
  });

  it('counts another user\'s data at the client, or a mock serving another user, as cross-user', () => {
    const ops = [
      op(0, 'ews-getfolder', { served: [[`cas2010.site1.${D}`, 'red']], servedUsers: ['purple'] }),
      op(0, 'ews-getfolder', { served: [[`cas2010.site1.${D}`, 'purple']], servedUsers: [] }),
    ];
    const { correctness } = judgeAll(ops, sims, [], ['ews']);
    expect(correctness.crossUser).toBe(2);
  });

  it('never passes a candidate that answers by itself: ok without a mock serving the user is unconfirmed', () => {
    const ops = [op(0, 'ews-getfolder', { served: [] })];
    const { correctness, reasons } = judgeAll(ops, sims, [], ['ews']);
    expect(correctness.unconfirmed).toBe(1);
    expect(reasons.join()).toMatch(/no ews request was served/);
  });

  it('accepts the front door answering Autodiscover of a 2007 mailbox itself, and flags a CAS2007 doing it', () => {
    expect(judgeAll([op(1, 'autodiscover')], sims, [], ['autodiscover']).reasons).toEqual([]);
    expect(judgeAll([op(1, 'autodiscover', { served: [[`cas2007.site1.${D}`, 'purple']] })], sims, [], ['autodiscover']).correctness.misroutes).toBe(1);
  });

  it('judges mail sessions by the mocks\' mail events', () => {
    const ops = [op(2, 'imap-session', { start: 100 })];
    const ok = judgeAll(ops, sims, [{ at: 112, server: `cas2010a.site3.${D}`, protocol: 'imap4', sam: 'blue', login: 'ok', seq: 1 }], ['imap']);
    expect(ok.reasons).toEqual([]);
    const wrong = judgeAll(ops, sims, [{ at: 112, server: `cas2010.site1.${D}`, protocol: 'imap4', sam: 'blue', login: 'wrong-site', seq: 1 }], ['imap']);
    expect(wrong.correctness.misroutes).toBe(1);
  });
});

describe('latency', () => {
  it('nearest-rank percentiles and what the front door adds over the baseline', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBeNull();
    const fd = [10, 20, 30].map((d) => op(0, 'ews-getfolder', { start: 0, end: d }));
    const failed = op(0, 'ews-getfolder', { start: 0, end: 999, outcome: 'error' });
    const ops = [
      ...fd,
      ...[4, 6, 8].map((d, i) => op(0, 'ews-getfolder', { via: 'direct', start: 0, end: d, pairOf: fd[i]!.n })),
      failed,
      op(0, 'ews-getfolder', { via: 'direct', start: 0, end: 1, pairOf: failed.n }),
      op(1, 'ews-getfolder', { start: 0, end: 500 }),
    ];
    const [row] = latencyRows(ops).filter((r) => r.kind === 'ews-getfolder');
    // The candidate's distribution has every ok answer; the added figures only the ok pairs.
    expect(row).toMatchObject({ n: 4, baselineN: 4, p50: 20, baselineP50: 4, pairs: 3, addedP50: 14, addedP99: 22 });
    expect(row!.counts.reduce((a, b) => a + b, 0)).toBe(4);
  });
});

describe('failover figures', () => {
  const driver = { server: `cas2010a.site3.${D}`, pool: [`cas2010a.site3.${D}`, `cas2010b.site3.${D}`], failAt: 1000, refuseAt: 1500, recoverAt: 2000, reason: null } as unknown as FailoverDriver;

  it('finds the Site3 pair as the busy pool', () => {
    expect(pools(sims)[0]!.pool).toEqual([`cas2010a.site3.${D}`, `cas2010b.site3.${D}`]);
  });

  it('outage from failure to the last failed request, traffic back, affinity kept, moves and session losses', () => {
    const a = `cas2010a.site3.${D}`;
    const b = `cas2010b.site3.${D}`;
    const ops = [
      op(2, 'ews-getfolder', { start: 500, served: [[a, 'blue']] }),
      op(2, 'ews-getfolder', { start: 1100, end: 1300, outcome: 'refused', served: [] }),
      op(2, 'ews-getfolder', { start: 1400, served: [[b, 'blue']] }),
      op(5, 'ews-getfolder', { start: 600, served: [[b, 'cyan']] }),
      op(5, 'ews-getfolder', { start: 1200, served: [[b, 'cyan']] }),
      op(5, 'ews-getfolder', { start: 2500, served: [[a, 'cyan']] }),
      op(2, 'owa-page', { start: 1200, sessionLost: true, served: [[b, 'blue']] }),
    ];
    const f = failoverReport(driver, ops, { mail: [], own: [{ at: 2300, server: a, status: 200 }] }, sims, true);
    const ews = f.outage.find((o) => o.protocol === 'ews')!;
    expect(ews).toMatchObject({ failed: 1, outageMs: 300, returnMs: 501 });
    expect(f.probeReturnMs).toBe(300);
    expect(f.affinity).toMatchObject({ kept: 0, total: 1 });
    expect(f.affinity.broken[0]).toMatch(/cyan ews: cas2010b.* -> cas2010a/);
    expect(f.moved[0]).toMatch(/blue ews: cas2010a.* -> cas2010b/);
    expect(f.sessionLosses).toBe(1);
  });

  it('says why when failover is off', () => {
    expect(failoverReport(driver, [], { mail: [], own: [] }, sims, false)).toMatchObject({ exercised: false, reason: 'failover off (--no-failover)' });
  });
});
