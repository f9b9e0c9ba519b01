/**
 * Hostile clients for SEC-04, each bounded in bytes and time: slow heads (one byte a second),
 * oversized bodies (declared or chunked without end, sent until the front door answers or a cap),
 * and an oversized POP3/IMAP4 command line. They report what the front door answered and when; the
 * rule decides whether that is "a clear error".
 * @example
 * const answers = await slowClients(w, { count: 20, boundMs: 30_000 }); // every answer a 408?
 */
import type { TranscriptLine } from '../../reports/types.ts';
import { LineSocket } from '../../harness/clients/line-socket.ts';
import { labLookup } from '../../harness/clients/lab-agent.ts';
import { RawHttps, type RawAnswer } from './sec-raw-http.ts';
import type { World } from './world.ts';

const noAnswer = (error: string, elapsedMs = 0): RawAnswer => ({ status: null, statusLine: '', headers: [], body: '', closed: false, error, elapsedMs });

/** One slowloris client: a partial head, then one byte per second until answered, closed or `boundMs`. */
async function slowOne(w: World, boundMs: number): Promise<RawAnswer> {
  let c: RawHttps;
  try {
    c = await RawHttps.open(w);
  } catch (err) {
    return noAnswer(`connect: ${(err as Error).message}`);
  }
  const started = Date.now();
  try {
    await c.send(`GET /owa/ HTTP/1.1\r\nHost: ${c.host}\r\nX-Slow: `);
    for (let i = 0; i <= Math.ceil(boundMs / 1000); i++) {
      const left = boundMs - (Date.now() - started);
      if (left <= 0) break;
      // Waiting for the answer is also the pacing: a byte goes out only after a quiet second.
      const a = await c.answer(Math.min(1000, left));
      if (a.status !== null || a.closed || a.error !== 'timeout') return a;
      await c.send('a');
    }
    return await c.answer(1);
  } finally {
    c.close();
  }
}

/** `count` slow clients at once; resolves when every one is answered, closed or out of time. */
export function slowClients(w: World, o: { count: number; boundMs: number }): Promise<RawAnswer[]> {
  return Promise.all(Array.from({ length: o.count }, () => slowOne(w, o.boundMs)));
}

export interface OversizedBodyResult {
  answer: RawAnswer;
  /** Body bytes written before the answer (or the cap). */
  sentBytes: number;
  /** Why sending stopped: answered, closed, stalled (the front door stopped reading), cap. */
  stop: string;
  transcript: TranscriptLine[];
}

/** POST `path` with a huge body (declared, or chunked with no end), 64 KiB at a time, up to `sendCapBytes`. */
export async function oversizedBody(w: World, path: string, o: { chunked: boolean; declaredBytes: number; sendCapBytes: number }): Promise<OversizedBodyResult> {
  const c = await RawHttps.open(w);
  try {
    const head = `POST ${path} HTTP/1.1\r\nHost: ${c.host}\r\nContent-Type: application/x-www-form-urlencoded\r\n${o.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${o.declaredBytes}`}\r\n\r\n`;
    await c.send(head);
    const data = Buffer.alloc(64 * 1024, 0x61);
    const piece = o.chunked ? Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]) : data;
    let stop = 'cap';
    for (let i = 0; i < Math.ceil(o.sendCapBytes / data.length) + 1 && c.sent - head.length < o.sendCapBytes; i++) {
      const r = await c.sendWithin(piece, 5_000);
      if (r !== 'sent') {
        stop = r;
        break;
      }
    }
    const answer = await c.answer(10_000);
    const sentBytes = c.sent - head.length;
    const transcript: TranscriptLine[] = [
      ...head.split('\r\n').filter(Boolean).map((line) => ({ dir: 'C' as const, line })),
      { dir: 'note', line: `${sentBytes} body bytes sent, then ${stop}` },
      { dir: 'S', line: answer.status !== null ? answer.statusLine : `(no answer: ${answer.error ?? '?'})`, at: answer.elapsedMs },
    ];
    return { answer, sentBytes, stop, transcript };
  } finally {
    c.close();
  }
}

/** Connect to the front door's plaintext IMAP or POP3 port, read the greeting, send one `bytes`-long line, read the answer. */
export async function oversizedMailLine(w: World, protocol: 'imap4' | 'pop3', bytes: number): Promise<{ answer?: string; error?: string; transcript: TranscriptLine[] }> {
  const host = w.lab.topology.frontDoor.namespaces[0]!;
  const s = new LineSocket({ host, port: protocol === 'imap4' ? w.candidate.ports.imap : w.candidate.ports.pop3, secure: false, lookup: labLookup(w.hosts()), timeoutMs: 10_000, maxLineBytes: 64 * 1024 });
  const transcript: TranscriptLine[] = [];
  try {
    await s.connect();
    transcript.push({ dir: 'S', line: await s.readLine() });
    const line = protocol === 'imap4' ? `a1 NOOP ${'x'.repeat(bytes)}` : `USER ${'x'.repeat(bytes)}`;
    s.write(`${line}\r\n`);
    transcript.push({ dir: 'C', line: `${line.slice(0, 40)}[... ${line.length} chars]` });
    const answer = await s.readLine();
    transcript.push({ dir: 'S', line: answer });
    return { answer, transcript };
  } catch (err) {
    return { error: (err as Error).message, transcript };
  } finally {
    s.destroy();
  }
}
