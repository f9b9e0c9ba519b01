/**
 * Kept for importers of the old hand-written reader: the XML the suite judges is parsed by saxes now
 * (harness/clients/xml.ts). Import from './xml.ts' in new code.
 */
export { child, childText, descendants, parseXml, XmlError, type XmlElement } from './xml.ts';
