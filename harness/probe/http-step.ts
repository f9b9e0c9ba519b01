/**
 * One HTTP exchange of the probe: bounded in time and body size, never throwing for a status or a
 * transport failure (a failure is an answer with `status: null` and `error`), and reduced to what a
 * probe file keeps (schema.ts HttpAnswer). The target's origin in any kept value becomes `<origin>`.
 */
import { request, type Dispatcher } from 'undici';
import type { HttpAnswer } from './schema.ts';
import { originToken } from './redact.ts';

/** Response headers a probe keeps: IIS/ASP.NET, OWA, EAS, and 2013+ headers that would betray a newer server. */
export const SELECTED_HEADERS = [
  'server', 'x-powered-by', 'x-aspnet-version', 'x-owa-version', 'x-ua-compatible', 'content-type', 'cache-control',
  'allow', 'public', 'ms-server-activesync', 'ms-asprotocolversions', 'ms-asprotocolcommands', 'x-ms-location',
  'persistent-auth', 'x-feserver', 'x-beserver', 'x-calculatedbetarget', 'x-diaginfo',
] as const;

/** Largest answer body read; the rest is discarded (a logon page is ~10 KiB). */
export const MAX_BODY_BYTES = 256 * 1024;

export interface StepRequest {
  method: 'GET' | 'HEAD' | 'OPTIONS' | 'POST';
  /** Path and query on the target. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Close the connection after the answer (the 2013 ping uses no keep-alive). */
  reset?: boolean;
  timeoutMs?: number;
}

export interface StepResult {
  answer: HttpAnswer;
  /** The answer body (bounded), for the steps that read pages and XML. */
  body: string;
  /** All response headers, lower-case names. */
  rawHeaders: Record<string, string[]>;
}

/** Send one request to `origin` through `dispatcher` and reduce the answer. */
export async function step(dispatcher: Dispatcher, origin: string, req: StepRequest): Promise<StepResult> {
  const label = `${req.method} ${req.path}`;
  const timeoutMs = req.timeoutMs ?? 10_000;
  try {
    const res = await request(`${origin}${req.path}`, {
      dispatcher,
      method: req.method,
      headers: req.headers,
      body: req.body,
      reset: req.reset ?? false,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs + 1000),
    });
    const body = await readBounded(res.body);
    const rawHeaders: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) rawHeaders[k.toLowerCase()] = Array.isArray(v) ? v : [String(v)];
    return { answer: reduce(label, res.statusCode, rawHeaders, origin), body, rawHeaders };
  } catch (err) {
    return { answer: { request: label, status: null, error: describeError(err), wwwAuthenticate: [], headers: {} }, body: '', rawHeaders: {} };
  }
}

/** A response body as text, at most MAX_BODY_BYTES (the rest is dropped and the stream destroyed). */
export async function readBounded(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The kept form of an answer. */
export function reduce(label: string, status: number, raw: Record<string, string[]>, origin: string): HttpAnswer {
  const offers = (raw['www-authenticate'] ?? []).flatMap(splitOffers);
  const headers: Record<string, string> = {};
  for (const name of SELECTED_HEADERS) if (raw[name]) headers[name] = originToken(raw[name]!.join(', '), origin);
  const realm = offers.map((o) => /^basic\s+.*realm="([^"]*)"/i.exec(o)?.[1]).find((r) => r !== undefined);
  return {
    request: label,
    status,
    ...(raw.location ? { location: originToken(raw.location[0]!, origin) } : {}),
    wwwAuthenticate: offers.map((o) => o.split(/\s+/)[0]!),
    ...(realm !== undefined ? { basicRealm: realm } : {}),
    headers,
  };
}

/**
 * Offers of one WWW-Authenticate value. Commas separate offers and also Basic's parameters, so a
 * piece that looks like `name=value` belongs to the offer before it (RFC 9110 11.6.1).
 */
export function splitOffers(value: string): string[] {
  const out: string[] = [];
  for (const piece of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    if (/^[A-Za-z0-9_-]+\s*=/.test(piece) && out.length) out[out.length - 1] += `, ${piece}`;
    else out.push(piece);
  }
  return out;
}

/** A short, stable description of a transport failure (the code, not the stack). */
export function describeError(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || /timeout/i.test(e?.code ?? '')) return 'timeout';
  return e?.cause?.code ?? e?.code ?? e?.name ?? String(err);
}
