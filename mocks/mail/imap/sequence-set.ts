/**
 * Sequence sets (RFC 3501 9: `1`, `2:4`, `5:*`, `*`, `1,3:5`): resolved against a mailbox either
 * as message sequence numbers or as UIDs. Output is bounded by the mailbox size, never by the
 * numbers a client writes (`1:4294967295` costs nothing).
 */
export type SeqRange = [number | '*', number | '*'];

/** Parse a set, or null when malformed. Numbers are 1..2^32-1 (RFC 3501 nz-number). */
export function parseSequenceSet(text: string): SeqRange[] | null {
  if (text.length > 2000) return null;
  const out: SeqRange[] = [];
  for (const piece of text.split(',')) {
    const m = /^(\*|[1-9]\d{0,9})(?::(\*|[1-9]\d{0,9}))?$/.exec(piece);
    if (!m) return null;
    const a = m[1] === '*' ? '*' : Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === '*' ? '*' : Number(m[2]);
    if ((typeof a === 'number' && a > 0xffffffff) || (typeof b === 'number' && b > 0xffffffff)) return null;
    out.push([a, b]);
  }
  return out;
}

/**
 * Indexes (0-based, ascending, unique) of the messages a set names. `keys[i]` is message i's
 * sequence number (i + 1) or UID; `*` is the largest key in the mailbox (RFC 3501 6.4.8: for UIDs
 * a range like `5:*` always includes the last message).
 */
export function resolveSequenceSet(ranges: SeqRange[], keys: readonly number[]): number[] {
  if (keys.length === 0) return [];
  const max = keys[keys.length - 1]!;
  const picked = new Set<number>();
  for (const [a, b] of ranges) {
    const x = a === '*' ? max : a;
    const y = b === '*' ? max : b;
    const lo = Math.min(x, y);
    const hi = Math.max(x, y);
    keys.forEach((k, i) => {
      if (k >= lo && k <= hi) picked.add(i);
    });
  }
  return [...picked].sort((p, q) => p - q);
}
