/**
 * The front door's log: one JSON line per request, hop, probe transition and mail session in
 * CAS_RUN_DIR/frontdoor.log, and a short line on stderr (quiet in process unless asked).
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export type LogRecord = { kind: string } & Record<string, unknown>;

export interface Logger {
  write(rec: LogRecord): void;
  close(): Promise<void>;
}

/**
 * A logger writing JSON lines under runDir; `echo` also prints a one-line summary on stderr.
 * @example
 * const log = createLogger('/tmp/run', { echo: true });
 * log.write({ kind: 'request', method: 'GET', path: '/owa/', status: 302 });
 */
export function createLogger(runDir: string, opts: { echo?: boolean } = {}): Logger {
  let out: WriteStream | undefined;
  try {
    mkdirSync(runDir, { recursive: true });
    out = createWriteStream(join(runDir, 'frontdoor.log'), { flags: 'a' });
    // A full disk must not take the front door down: the log is evidence, not a dependency.
    out.on('error', () => (out = undefined));
  } catch {
    out = undefined;
  }
  return {
    write(rec) {
      // Bounded: when the disk falls behind by 8 MiB, lines are dropped rather than queued in memory.
      if (out && out.writableLength < 8 * 1024 * 1024) out.write(JSON.stringify({ time: new Date().toISOString(), ...rec }) + '\n');
      if (opts.echo) process.stderr.write(`[frontdoor] ${summary(rec)}\n`);
    },
    close: () => new Promise<void>((resolve) => (out ? out.end(() => resolve()) : resolve())),
  };
}

function summary(rec: LogRecord): string {
  const { kind, ...rest } = rec;
  return `${kind} ${Object.entries(rest)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')}`;
}
