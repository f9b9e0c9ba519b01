/**
 * AV pairs (MS-NLMP 2.2.2.1): the target info a Type 2 carries and an NTLMv2 blob echoes back.
 * Each pair is AvId (u16 LE), AvLen (u16 LE), value; the list ends with MsvAvEOL.
 */
import { NtlmParseError } from './errors.ts';

export const AV_ID = {
  MsvAvEOL: 0,
  MsvAvNbComputerName: 1,
  MsvAvNbDomainName: 2,
  MsvAvDnsComputerName: 3,
  MsvAvDnsDomainName: 4,
  MsvAvDnsTreeName: 5,
  MsvAvFlags: 6,
  MsvAvTimestamp: 7,
  MsvAvSingleHost: 8,
  MsvAvTargetName: 9,
  MsvAvChannelBindings: 10,
} as const;

export interface AvPair {
  id: number;
  value: Buffer;
}

/** One pair decoded for evidence: names in UTF-16LE become text, the timestamp an ISO date. */
export interface AvPairSummary {
  name: string;
  value: string;
}

// Ids whose value is a UTF-16LE string (MS-NLMP 2.2.2.1).
const TEXT_IDS = new Set<number>([1, 2, 3, 4, 5, 9]);
// 100 ns intervals between 1601-01-01 and 1970-01-01 (FILETIME epoch).
const FILETIME_EPOCH_OFFSET = 116444736000000000n;

/** Encode pairs and the closing MsvAvEOL. */
export function encodeAvPairs(pairs: AvPair[]): Buffer {
  const parts: Buffer[] = [];
  for (const p of pairs) {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(p.id, 0);
    head.writeUInt16LE(p.value.length, 2);
    parts.push(head, p.value);
  }
  parts.push(Buffer.alloc(4)); // MsvAvEOL, length 0
  return Buffer.concat(parts);
}

/** Decode pairs up to MsvAvEOL (excluded). Throws NtlmParseError when a pair overruns the buffer. */
export function decodeAvPairs(buf: Buffer): AvPair[] {
  const pairs: AvPair[] = [];
  let at = 0;
  // Bounded: every pair consumes at least 4 bytes.
  while (at + 4 <= buf.length) {
    const id = buf.readUInt16LE(at);
    const len = buf.readUInt16LE(at + 2);
    if (id === AV_ID.MsvAvEOL) return pairs;
    if (at + 4 + len > buf.length) throw new NtlmParseError(`AV pair ${id} overruns the target info`);
    pairs.push({ id, value: buf.subarray(at + 4, at + 4 + len) });
    at += 4 + len;
  }
  // Clients answer with the list they were given; one without MsvAvEOL is tolerated, as Windows does.
  return pairs;
}

/** A FILETIME (u64 LE, 100 ns since 1601) for a JavaScript time in ms. */
export function fileTime(ms: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(Math.floor(ms)) * 10000n + FILETIME_EPOCH_OFFSET);
  return b;
}

/** A FILETIME back to an ISO date (for evidence); out-of-range values are printed as hex. */
export function fileTimeToIso(b: Buffer): string {
  if (b.length !== 8) return b.toString('hex');
  const ms = Number((b.readBigUInt64LE(0) - FILETIME_EPOCH_OFFSET) / 10000n);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? b.toString('hex') : d.toISOString();
}

/** Name and readable value of each pair. */
export function summarizeAvPairs(pairs: AvPair[]): AvPairSummary[] {
  const names = Object.fromEntries(Object.entries(AV_ID).map(([k, v]) => [v, k])) as Record<number, string>;
  return pairs.map((p) => ({
    name: names[p.id] ?? `AvId${p.id}`,
    value: TEXT_IDS.has(p.id)
      ? p.value.toString('utf16le')
      : p.id === AV_ID.MsvAvTimestamp
        ? fileTimeToIso(p.value)
        : p.value.toString('hex'),
  }));
}
