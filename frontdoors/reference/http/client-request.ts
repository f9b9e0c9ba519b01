/**
 * A client's request as the front door's handlers see it (FrontRequest): the head the connection read,
 * and the body as a stream that the connection fills and pauses (client-connection.ts).
 *
 * As Node's IncomingMessage: destroying it before its end emits 'error' only to a listener (an
 * abandoned body is no crash), and the connection, not the request, decides what happens to the rest
 * of the body (read and dropped, or the connection closed after the answer).
 */
import { Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHead } from '../wire/request-parser.ts';
import type { FrontRequest } from './front-types.ts';

export class ClientRequest extends Readable implements FrontRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];

  readonly #bodiless: boolean;

  /** @param pull asks the connection for more of the body (the reader has room again). */
  constructor(readonly socket: Socket, head: RequestHead, private readonly pull: () => void) {
    super();
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.rawHeaders = head.rawHeaders;
    this.#bodiless = head.bodyLength === 0;
  }

  /**
   * A request without a body ends when it is first read, not when it is made: most are never read (a
   * proxied GET sends no body), and ending at once scheduled a 'readable' tick for each (issue 14).
   */
  override _read(): void {
    if (this.#bodiless) this.push(null);
    else this.pull();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    cb(this.listenerCount('error') > 0 ? err : null);
  }
}
