import { describe, expect, it } from 'vitest';
/** The strict XML reader (saxes underneath): what it reads, and what it refuses with a reason. */
import { child, childText, descendants, parseXml, XmlError } from './xml.ts';
import * as legacy from './tiny-xml.ts';

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
    ['<a><b></a>', /unexpected close tag/],
    ['<a>', /unclosed tag: a/],
    ['<a/><b/>', /only one root/],
    ['text<a/>', /text data outside of root/],
    ['<a x="1" x="2"/>', /duplicate attribute/],
    ['<a x=1/>', /unquoted attribute value/],
    ['<a>&nbsp;</a>', /undefined entity/],
    ['<a>AT&T</a>', /./],
    ['<p:a/>', /unbound namespace prefix: "p"/],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a/>', /DOCTYPE/],
    ['<a><!-- x -- y --></a>', /malformed comment/],
    ['', /root element/],
    ['<a></b>', /unexpected close tag/],
    ['</a>', /unmatched closing tag/],
    ['<a x="<"/>', /disallowed character/],
    ['<a/>junk', /text data outside of root/],
    ['<a/><?xml version="1.0"?>', /XML declaration must be at the start/],
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

  it('the old module name still answers, with the same reader', () => {
    expect(legacy.parseXml).toBe(parseXml);
  });

  it('reports where, without saxes\' line:column prefix', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/^unexpected close tag\. \(at character 10\)$/);
  });

  it('bounds depth', () => {
    expect(() => parseXml('<a>'.repeat(200) + '</a>'.repeat(200))).toThrow(/deeper/);
  });
});
