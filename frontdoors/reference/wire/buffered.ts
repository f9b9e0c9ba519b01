/**
 * A small exchange read whole (the OWA sign-in's POST, an NTLM handshake's first round trip): status,
 * headers as undici's `request` gives them (lower-case names, a repeated header as an array) and the body
 * up to a limit; the rest of a longer body is read and dropped, so the connection stays usable.
 * @example
 * const a = await bufferedRequest(agent, { origin, method: 'POST', path, headers, body: form, headersTimeout: 10_000, bodyTimeout: 10_000 }, 64 * 1024);
 */
import type { HopDispatcher, WireRequest } from './exchange.ts';

export interface BufferedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function bufferedRequest(dispatcher: HopDispatcher, req: WireRequest, limit: number): Promise<BufferedAnswer> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const headers: Record<string, string | string[]> = {};
    const parts: Buffer[] = [];
    let kept = 0;
    dispatcher.dispatch(req, {
      onConnect: () => undefined,
      onHeaders(s, raw) {
        status = s;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          const name = latin1(raw[i]!).toLowerCase();
          const value = latin1(raw[i + 1]!);
          const had = headers[name];
          headers[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
        }
        return true;
      },
      onData(chunk) {
        if (kept < limit) {
          const piece = chunk.subarray(0, limit - kept);
          parts.push(Buffer.from(piece));
          kept += piece.length;
        }
        return true;
      },
      onComplete: () => resolve({ status, headers, body: Buffer.concat(parts) }),
      onError: reject,
    });
  });
}

/** A header as text: the wire client's strings as they are, undici's Buffers read as latin1 (as undici's `request` does). */
function latin1(x: Buffer | string): string {
  return typeof x === 'string' ? x : x.toString('latin1');
}
