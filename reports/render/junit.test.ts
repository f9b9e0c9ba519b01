import { describe, expect, it } from 'vitest';
import { renderJunit } from './junit.ts';
import { escapeXml, writeElement } from './xml.ts';
import { findAll, parseXml } from '../test/xml-check.ts';
import { HOSTILE, sampleReport } from '../test/fixtures.ts';

describe('writeElement', () => {
  it('escapes text and attributes and keeps newlines in attributes', () => {
    expect(writeElement('p', { name: 'a"b<', v: 'x\ny', gone: undefined })).toBe('<p name="a&quot;b&lt;" v="x&#10;y"/>');
    expect(writeElement('t', {}, escapeXml('1 < 2 & ]]>'))).toBe('<t>1 &lt; 2 &amp; ]]&gt;</t>');
    expect(escapeXml('bell\u0007 \uD800')).toBe('bell\\u{7} \\u{d800}');
  });
});

describe('the XML checker used here', () => {
  it('refuses what is not well-formed', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/closes/);
    expect(() => parseXml('<a>x & y</a>')).toThrow(/raw "&"/);
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/);
    expect(() => parseXml('<a/><b/>')).toThrow(/more than one root/);
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/control character/);
    expect(parseXml('<a k="&lt;&#10;">t&amp;</a>')).toEqual({ name: 'a', attrs: { k: '<\n' }, children: [], text: 't&' });
  });
});

describe('renderJunit', () => {
  const report = sampleReport();
  const xml = renderJunit(report);
  const root = parseXml(xml);
  const cases = findAll(root, 'testcase');
  const byId = (id: string) => cases.find((c) => c.attrs.name!.startsWith(`${id} `))!;
  const props = (node: ReturnType<typeof byId>) =>
    Object.fromEntries(node.children.find((c) => c.name === 'properties')!.children.map((p) => [p.attrs.name, p.attrs.value]));

  it('is well-formed XML with one testsuite per area and totals', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '7', failures: '1', errors: '1', skipped: '2' });
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['AUTH', 'EAS', 'OA', 'HC', 'OWA', 'TLS']);
    expect(suites.find((s) => s.attrs.name === 'EAS')!.attrs).toMatchObject({ tests: '2', failures: '1', skipped: '1' });
    expect(cases).toHaveLength(7);
  });

  it('names each testcase by rule ID and area, with the rule properties', () => {
    const eas = byId('EAS-03');
    expect(eas.attrs).toMatchObject({ name: 'EAS-03 EAS-03 rule text', classname: 'EAS', time: '0.120' });
    expect(props(eas)).toEqual({
      'rule.id': 'EAS-03', 'rule.level': 'R', 'rule.outcome': 'fail', seed: '001',
      'seed.quote': 'Exchange 2013 no longer supports the 451 redirect response',
    });
    const suiteProps = findAll(root, 'testsuite')[0]!.children[0]!;
    expect(suiteProps.children.map((p) => p.attrs.name)).toContain('candidate.configDigest');
  });

  it('maps outcomes: fail -> failure, error -> error, n/a and waived -> skipped, warn passes unless failOn warn', () => {
    const kinds = (id: string) => byId(id).children.map((c) => c.name).filter((n) => n !== 'properties' && n !== 'system-out');
    expect(kinds('EAS-03')).toEqual(['failure']);
    expect(byId('EAS-03').children.find((c) => c.name === 'failure')!.attrs).toMatchObject({ type: 'fail', message: 'expected a proxied 200, got 451' });
    expect(kinds('TLS-05')).toEqual(['error']);
    expect(kinds('EAS-01')).toEqual(['skipped']);
    expect(byId('OWA-08').children.find((c) => c.name === 'skipped')!.attrs.message).toMatch(/^waived: /);
    expect(kinds('OA-02')).toEqual([]);
    expect(kinds('AUTH-01')).toEqual([]);
    expect(kinds('HC-09')).toEqual([]);
    const strict = parseXml(renderJunit(sampleReport({ profile: { name: 'exchange2013', hardened: false, failOn: 'warn' } })));
    const oa = findAll(strict, 'testcase').find((c) => c.attrs.name!.startsWith('OA-02'))!;
    expect(oa.children.find((c) => c.name === 'failure')!.attrs.type).toBe('warn');
    expect(strict.attrs.failures).toBe('2');
  });

  it('carries both legs of evidence in system-out, escaped and readable back', () => {
    const out = byId('EAS-03').children.find((c) => c.name === 'system-out')!.text;
    expect(out).toContain('C> POST /Microsoft-Server-ActiveSync?Cmd=Sync&User=orange HTTP/1.1');
    expect(out).toContain('S< HTTP/1.1 451 <redirect>');
    expect(out).toContain('<script>alert("x")</script>');
    expect(out).toContain('"server":"cas2010.site2.contoso.lab"');
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(HOSTILE);
  });
});
