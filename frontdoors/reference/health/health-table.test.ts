/**
 * 001: "If a failure response occurs, CAS2013 immediately retries ... If this second attempt fails, CAS2013
 * marks the target CAS as down ... At the next interval ... will attempt to determine the health state".
 */
import { describe, expect, it } from 'vitest';
import { HealthTable, healthyStatus } from './health-table.ts';
import { probesFor } from './probes.ts';
import { contosoView } from '../test-support/contoso-view.ts';

describe('healthyStatus', () => {
  it('counts any answer but 502/503/504 as up; Outlook Anywhere only 401', () => {
    for (const s of [200, 301, 302, 401, 403, 404, 500]) expect(healthyStatus('ews', s)).toBe(true);
    for (const s of [502, 503, 504]) expect(healthyStatus('owa', s)).toBe(false);
    expect(healthyStatus('rpc', 401)).toBe(true);
    expect(healthyStatus('rpc', 200)).toBe(false);
    expect(healthyStatus('rpc', 400)).toBe(false);
  });
});

describe('HealthTable', () => {
  it('retries once before marking down, and one good answer brings it back', () => {
    const t = new HealthTable();
    expect(t.isUp('a', 'ews')).toBe(true);
    expect(t.report('a', 'ews', false, 1)).toEqual({ next: 'retry' });
    expect(t.isUp('a', 'ews')).toBe(true);
    expect(t.report('a', 'ews', false, 2)).toEqual({ next: 'done', changed: 'down' });
    expect(t.isUp('a', 'ews')).toBe(false);
    expect(t.isUp('a', 'owa')).toBe(true); // per protocol (HC-07)
    expect(t.report('a', 'ews', false, 1)).toEqual({ next: 'retry' });
    expect(t.report('a', 'ews', true, 2)).toEqual({ next: 'done', changed: 'up' });
    expect(t.isUp('a', 'ews')).toBe(true);
  });
  it('a failure followed by a good retry changes nothing (HC-04)', () => {
    const t = new HealthTable();
    t.report('a', 'eas', true, 1);
    expect(t.report('a', 'eas', false, 1).next).toBe('retry');
    expect(t.report('a', 'eas', true, 2)).toEqual({ next: 'done' });
    expect(t.state('a', 'eas')).toBe('up');
  });
  it('the no-retry-before-down defect marks down on the first failure', () => {
    const t = new HealthTable(false);
    expect(t.report('a', 'ews', false, 1)).toEqual({ next: 'done', changed: 'down' });
  });
});

describe('probesFor', () => {
  const { server } = contosoView();
  it('probes each protocol vdir; /ecp and /PowerShell only on CAS2010 (001 IIS log lines)', () => {
    const p2010 = probesFor(server('cas2010.site1.contoso.lab')).map((p) => `${p.method} ${p.path}`);
    expect(p2010).toEqual(['HEAD /EWS', 'HEAD /Microsoft-Server-ActiveSync/default.eas', 'HEAD /OAB', 'GET /owa', 'HEAD /ecp', 'HEAD /PowerShell', 'RPC_IN_DATA /rpc/rpcproxy.dll']);
    const p2007 = probesFor(server('cas2007.site1.contoso.lab')).map((p) => p.path);
    expect(p2007).not.toContain('/ecp');
    expect(p2007).not.toContain('/PowerShell');
  });
});
