/**
 * The probes of the mocks, checked in under mocks/builds/probes/<build>.json, so a probe of a real
 * server can be compared without starting a lab (`probe diff --against-fixture`). Written by
 * `cas-conformance probe fixtures` (a lab with every build), checked by fixtures.test.ts. The
 * shape is fixed: credentials given, IMAP and POP3 on their STARTTLS/STLS ports (143, 110), which
 * show the lists before and after TLS; a user probe that did less is compared on what both did, and
 * one over implicit TLS (993, 995) is compared with the lists after STARTTLS (diff.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { getBuild } from '../../mocks/builds/catalogue.ts';
import { ProbeError, ProbeFileError } from './errors.ts';
import type { MockProbeShape } from './lab-target.ts';
import { ProbeDoc } from './schema.ts';

export const FIXTURE_DIR = fileURLToPath(new URL('../../mocks/builds/probes/', import.meta.url));

/** What every checked-in probe did. */
export const FIXTURE_SHAPE: MockProbeShape = { credentials: true, imap: { implicitTls: false }, pop3: { implicitTls: false } };

export function fixturePath(buildId: string): string {
  return join(FIXTURE_DIR, `${getBuild(buildId).id}.json`);
}

/**
 * A mock's probe as it is kept: no time, and the lab's ephemeral ports replaced by the logical
 * ones (443, 143, 110), so the file only changes when the mock's behaviour does.
 */
export function asFixture(doc: ProbeDoc): ProbeDoc {
  const { probedAt: _time, ...rest } = doc;
  const logical = (m: ProbeDoc['target']['imap'], ssl: number, tls: number) => (m ? { ...m, port: m.implicitTls ? ssl : tls } : undefined);
  const imap = logical(doc.target.imap, 993, 143);
  const pop3 = logical(doc.target.pop3, 995, 110);
  return {
    ...rest,
    target: {
      origin: doc.target.origin.replace(/:\d+$/, ''),
      credentials: doc.target.credentials,
      ...(imap ? { imap } : {}),
      ...(pop3 ? { pop3 } : {}),
    },
  };
}

/** Stable text of a probe file (two-space JSON, final newline). */
export function probeText(doc: ProbeDoc): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function writeFixture(buildId: string, doc: ProbeDoc): string {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const p = fixturePath(buildId);
  writeFileSync(p, probeText(asFixture(doc)));
  return p;
}

export function readFixture(buildId: string): ProbeDoc {
  const p = fixturePath(buildId);
  if (!existsSync(p)) throw new ProbeError(`no checked-in probe of the mock of ${getBuild(buildId).id} (${p}): run cas-conformance probe fixtures`);
  return readProbeFile(p);
}

/** Read and validate a probe file; errors name the file and the first problems. */
export function readProbeFile(path: string): ProbeDoc {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ProbeFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProbeFileError(`${path} is not JSON: ${(err as Error).message}`);
  }
  const head = json as { format?: unknown; version?: unknown };
  if (head?.format !== 'cas-conformance-probe') throw new ProbeFileError(`${path} is not a probe file (format is ${JSON.stringify(head?.format)})`);
  if (head.version !== 1) throw new ProbeFileError(`${path} is probe format version ${JSON.stringify(head.version)}; this cas-conformance reads version 1`);
  const r = ProbeDoc.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ProbeFileError(`${path} does not match the probe schema: ${issues}`);
  }
  return r.data;
}
