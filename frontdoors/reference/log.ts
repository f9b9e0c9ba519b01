/**
 * The front door's log: one JSON line per request, hop, probe transition and mail session in
 * CAS_RUN_DIR/frontdoor.log, and a short line on stderr (quiet in process unless asked).
 *
 * Bounded whatever clients send (issue 15: 97 KB lines and a 72 MB file after 100k hostile inputs):
 * every string value is cut to MAX_VALUE characters (saying how much was cut), a stderr line to
 * MAX_ECHO, and the file stops at `maxBytes` (default 16 MiB, CAS_FRONTDOOR_LOG_MAX_BYTES) with a
 * last line that says so; the lines dropped after it are counted in the `stop` line.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export type LogRecord = { kind: string } & Record<string, unknown>;

/**
 * A record that writes its own line: its JSON with `time` first and every string value within MAX_VALUE,
 * in ASCII only (anything else escaped), then a newline; the log copies it byte for byte. The request's
 * line (http/request-note.ts) is one: one per request, it skips the generic walk and the encoding below.
 */
export interface OwnLine {
  readonly kind: string;
  jsonLine(time: string): string;
}

export interface Logger {
  write(rec: LogRecord | OwnLine): void;
  close(): Promise<void>;
}

/** Characters kept of one string value (a request target, a Host, an error). */
export const MAX_VALUE = 512;
/** Characters of one stderr line. */
export const MAX_ECHO = 300;
/** Default cap of frontdoor.log. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** A string cut to `max` characters, saying how many were left out. */
export function cut(s: string, max = MAX_VALUE): string {
  return s.length > max ? `${s.slice(0, max)}...(+${s.length - max} chars)` : s;
}

/** Whether a record is within bounds as it is: at most 50 fields, each a number, boolean or short string. */
function flatAndShort(v: object): boolean {
  let n = 0;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (n++ >= 50) return false;
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'string' ? x.length > MAX_VALUE : x !== null && x !== undefined && typeof x === 'object') return false;
  }
  return true;
}

/**
 * The record with every string (nested two levels deep) cut, and deeper objects summarised. A record
 * already within bounds (most are) is returned as it is, not copied.
 */
export function boundRecord(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return cut(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth === 0 && !Array.isArray(v) && flatAndShort(v)) return v;
  if (depth >= 2) return cut(JSON.stringify(v) ?? '');
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => boundRecord(x, depth + 1));
  const out: Record<string, unknown> = {};
  let n = 0;
  // for..in over own keys (no Object.entries array per record).
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (n++ >= 50) break;
    const x = (v as Record<string, unknown>)[k];
    out[k] = typeof x === 'string' ? (x.length > MAX_VALUE ? cut(x) : x) : boundRecord(x, depth + 1);
  }
  return out;
}

/** The ISO time of now, formatted once per millisecond (one line per request). */
let lastMs = 0;
let lastIso = '';
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** Lines wait at most FLUSH_MS, or until about BATCH_BYTES bytes of them are waiting, before one write. */
const BATCH_BYTES = 64 * 1024;
const FLUSH_MS = 20;

/**
 * A logger writing JSON lines under runDir; `echo` also prints a one-line summary on stderr.
 * @example
 * const log = createLogger('/tmp/run', { echo: true });
 * log.write({ kind: 'directory', note: 'map read', servers: 11 });   // a request's line: http/request-note.ts
 */
export function createLogger(runDir: string, opts: { echo?: boolean; maxBytes?: number } = {}): Logger {
  const envMax = Number(process.env.CAS_FRONTDOOR_LOG_MAX_BYTES);
  const maxBytes = opts.maxBytes ?? (Number.isSafeInteger(envMax) && envMax > 0 ? envMax : DEFAULT_MAX_BYTES);
  let out: WriteStream | undefined;
  let written = 0;
  let dropped = 0;
  let capped = false;
  try {
    mkdirSync(runDir, { recursive: true });
    out = createWriteStream(join(runDir, 'frontdoor.log'), { flags: 'a' });
    // A full disk must not take the front door down: the log is evidence, not a dependency.
    out.on('error', () => (out = undefined));
  } catch {
    out = undefined;
  }
  // Lines go out together at most FLUSH_MS later (a write per line was a system call and a thread-pool
  // round trip per request); close() flushes what is left. They are encoded straight into the batch's
  // buffer, which also counts their bytes: a batch kept as a string was copied twice more, flattened and
  // then encoded, and each line measured once more (issue 14).
  let batch = Buffer.allocUnsafe(BATCH_BYTES);
  let used = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (used && out) {
      out.write(batch.subarray(0, used));
      batch = Buffer.allocUnsafe(BATCH_BYTES); // the stream holds the written one until it is on disk
    }
    used = 0;
  };
  const put = (line: string, encoding: 'utf8' | 'latin1' = 'utf8') => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: flush first when the line might not fit. An ASCII
    // line (an OwnLine's) is copied as latin1: one byte a character, no encoding, no flattening first.
    const most = encoding === 'latin1' ? line.length : line.length * 3;
    if (used + most > BATCH_BYTES) flush();
    if (most > BATCH_BYTES) {
      const b = Buffer.from(line, encoding);
      written += b.length;
      out?.write(b);
      return;
    }
    const n = batch.write(line, used, encoding);
    used += n;
    written += n;
    if (!scheduled) {
      scheduled = true;
      setTimeout(flush, FLUSH_MS).unref();
    }
  };
  return {
    write(rec) {
      // A line that would be dropped is not made (a front door past its cap serves on for hours).
      if ((!out || capped) && rec.kind !== 'stop') {
        dropped++;
        if (opts.echo) process.stderr.write(`[frontdoor] ${cut(summary(rec as LogRecord), MAX_ECHO)}\n`);
        return;
      }
      let line: string;
      let bounded: LogRecord | OwnLine = rec;
      let encoding: 'utf8' | 'latin1' = 'utf8';
      if (typeof (rec as OwnLine).jsonLine === 'function') {
        line = (rec as OwnLine).jsonLine(isoNow());
        encoding = 'latin1';
      } else {
        let b = boundRecord(rec) as LogRecord;
        // A copy, not the caller's record (boundRecord returns a record within bounds as it is).
        if (rec.kind === 'stop' && dropped) b = { ...b, droppedLines: dropped };
        // `time` first (as {time, ...b} wrote it), without copying the record once more.
        line = ('time' in b ? JSON.stringify({ time: isoNow(), ...b }) : `{"time":"${isoNow()}",${JSON.stringify(b).slice(1)}`) + '\n';
        bounded = b;
      }
      const last = rec.kind === 'stop'; // the stop line always goes in: it counts what was dropped
      // Only a stop line gets here without a file or past the cap (any other returned above).
      if (!out) dropped++;
      else if (!capped && written + line.length > maxBytes) {
        capped = true;
        put(JSON.stringify({ time: isoNow(), kind: 'log-capped', bytes: written, note: `frontdoor.log reached its cap of ${maxBytes} bytes: later lines are dropped (counted in the stop line)` }) + '\n');
        if (last) put(line, encoding);
        else dropped++;
      }
      // Bounded: when the disk falls behind by 8 MiB, lines are dropped rather than queued in memory.
      else if (out.writableLength + used < 8 * 1024 * 1024) put(line, encoding);
      else dropped++;
      if (opts.echo) process.stderr.write(`[frontdoor] ${cut(summary(bounded as LogRecord), MAX_ECHO)}\n`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        flush();
        return out ? out.end(() => resolve()) : resolve();
      }),
  };
}

function summary(rec: LogRecord): string {
  const { kind, time: _time, ...rest } = rec;
  return `${kind} ${Object.entries(rest)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')}`;
}
