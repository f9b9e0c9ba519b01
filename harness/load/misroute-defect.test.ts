/**
 * The reference's `misroute-1pct` defect (frontdoors/reference/DEFECTS.md), the load scenario's negative
 * control: one proxied decision in a hundred names a CAS of another site; the others are untouched.
 */
import { describe, expect, it } from 'vitest';
import { contosoView } from '../../frontdoors/reference/test-support/contoso-view.ts';
import { decide } from '../../frontdoors/reference/routing/http-routes.ts';

describe('reference defect misroute-1pct', () => {
  it('sends exactly one proxied request in a hundred to a CAS of another site', () => {
    const { view, user } = contosoView();
    const blue = user('blue');
    const defects = new Set(['misroute-1pct'] as const);
    const sites = Array.from({ length: 300 }, () => decide(view, 'ews', blue, { defects })).map((d) => (d.kind === 'proxy' ? d.pool[0]!.site : d.kind));
    expect(sites.filter((s) => s !== 'Site3')).toHaveLength(3);
    expect(sites.filter((s) => s !== 'Site3').every((s) => s !== 'Site3' && s.startsWith('Site'))).toBe(true);
    expect(Array.from({ length: 300 }, () => decide(view, 'ews', blue)).every((d) => d.kind === 'proxy' && d.pool[0]!.site === 'Site3')).toBe(true);
  });
});
