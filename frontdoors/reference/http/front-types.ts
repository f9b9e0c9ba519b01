/**
 * The request and response shapes the front door's handlers use: client-request.ts and
 * client-response.ts (the listener's own HTTP/1.1 reader, client-connection.ts). Node's IncomingMessage
 * and ServerResponse fit them too, so a handler can be tried on Node's server in a test.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

export interface FrontRequest extends Readable {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
  /** Name, value, name, value... as received. */
  rawHeaders: string[];
  socket: Socket;
}

export interface FrontResponse {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  /** The status written (Node sets it on writeHead). */
  readonly statusCode?: number;
  writeHead(status: number, statusMessage: string, headers: string[]): unknown;
  write(chunk: Buffer | string): boolean;
  end(chunk?: Buffer | string): unknown;
  once(event: 'drain' | 'close', fn: () => void): unknown;
  on(event: 'close', fn: () => void): unknown;
  destroy(err?: Error): unknown;
}

/** Answer a short text (errors, refusals): the status, a reason and no detail a client could abuse. */
export function sendText(res: FrontResponse, status: number, text: string, extra: string[] = []): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(text.endsWith('\n') ? text : `${text}\r\n`, 'utf8');
  res.writeHead(status, STATUS_TEXT[status] ?? 'Error', ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(body.length), 'Cache-Control', 'no-cache', ...extra]);
  res.end(body);
}

export const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 302: 'Found', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 411: 'Length Required', 413: 'Payload Too Large', 417: 'Expectation Failed', 421: 'Misdirected Request', 431: 'Request Header Fields Too Large',
  440: 'Login Timeout', 451: '', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};
