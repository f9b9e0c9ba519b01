import { describe, expect, it } from 'vitest';
import { child, childText, descendants, parseXml, XmlError } from './tiny-xml.ts';

describe('parseXml', () => {
  it('reads elements, attributes, text and namespaces', () => {
    const root = parseXml(`<?xml version="1.0" encoding="utf-8"?>
<!-- a comment -->
<s:Envelope xmlns:s="urn:soap"><s:Header><h:Info A="1" B='x &amp; y' xmlns:h="urn:t"/></s:Header>
<s:Body><Code xmlns="urn:m">No&lt;Error&#33;</Code><![CDATA[<raw>]]></s:Body></s:Envelope>`);
    expect(root).toMatchObject({ local: 'Envelope', ns: 'urn:soap' });
    const info = child(child(root, 'Header'), 'Info')!;
    expect(info.ns).toBe('urn:t');
    expect(info.attrs).toMatchObject({ A: '1', B: 'x & y' });
    expect(descendants(root, 'Code')[0]!.ns).toBe('urn:m');
    expect(childText(child(root, 'Body'), 'Code')).toBe('No<Error!');
    expect(child(root, 'Body')!.text).toContain('<raw>');
  });

  it.each([
    ['<a><b></a>', /does not match/],
    ['<a>', /never closed/],
    ['<a/><b/>', /more than one root/],
    ['text<a/>', /text outside/],
    ['<a x="1" x="2"/>', /duplicate attribute/],
    ['<a x=1/>', /malformed start tag/],
    ['<a>&nbsp;</a>', /unknown reference/],
    ['<a>AT&T</a>', /reference/],
    ['<p:a/>', /unbound namespace prefix p/],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a/>', /DOCTYPE/],
    ['<a><!-- x -- y --></a>', /inside a comment/],
    ['', /no root/],
    ['<a></b>', /does not match/],
    ['</a>', /without a start tag/],
    ['<a x="<"/>', /'<' in the value/],
  ])('refuses %j', (doc, message) => {
    let err: unknown;
    try {
      parseXml(doc);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(XmlError);
    expect((err as XmlError).code).toBe('XML_MALFORMED');
    expect((err as Error).message).toMatch(message);
  });

  it('bounds depth', () => {
    expect(() => parseXml('<a>'.repeat(200) + '</a>'.repeat(200))).toThrow(/deeper/);
  });
});
