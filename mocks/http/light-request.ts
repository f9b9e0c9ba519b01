/**
 * A light Fetch Request for bodiless GET and HEAD, the bulk of what a front door sends (OWA pages,
 * resources, health probes). On Node 20 a real `Request` costs an AbortController, and msw clones it
 * once per request (another Request, another signal); LIBRARIES.md "msw on the hot path" measured
 * ~0.09x -> ~0.12x of a bare server with a light object instead.
 *
 * It is an object whose prototype chain includes `Request.prototype` (so `instanceof Request` holds)
 * with its own url, method, headers (a real `Headers`), an empty body and a lazily made signal.
 * What it cannot do: be passed to `fetch()` or `new Request()` (undici reads its private state).
 * Handlers read `request.url`, `request.method`, `request.headers`, as every vdir does.
 */

const EMPTY = new Uint8Array(0);

class LightRequest {
  readonly #url: string;
  readonly #method: string;
  readonly #headers: Headers;
  #signal: AbortSignal | undefined;
  constructor(url: string, method: string, headers: Headers) {
    this.#url = url;
    this.#method = method;
    this.#headers = headers;
  }
  get url(): string {
    return this.#url;
  }
  get method(): string {
    return this.#method;
  }
  get headers(): Headers {
    return this.#headers;
  }
  get signal(): AbortSignal {
    return (this.#signal ??= new AbortController().signal);
  }
  get body(): null {
    return null;
  }
  get bodyUsed(): boolean {
    return false;
  }
  get cache(): 'default' {
    return 'default';
  }
  get credentials(): 'same-origin' {
    return 'same-origin';
  }
  get destination(): '' {
    return '';
  }
  get integrity(): string {
    return '';
  }
  get keepalive(): boolean {
    return false;
  }
  get mode(): 'cors' {
    return 'cors';
  }
  get redirect(): 'follow' {
    return 'follow';
  }
  get referrer(): string {
    return 'about:client';
  }
  get referrerPolicy(): '' {
    return '';
  }
  get duplex(): 'half' {
    return 'half';
  }
  /** Nothing can be consumed, so a clone may be the same object (msw clones once per request). */
  clone(): this {
    return this;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return new ArrayBuffer(0);
  }
  async bytes(): Promise<Uint8Array> {
    return EMPTY;
  }
  async text(): Promise<string> {
    return '';
  }
  async blob(): Promise<Blob> {
    return new Blob([]);
  }
  async json(): Promise<unknown> {
    throw new SyntaxError('Unexpected end of JSON input');
  }
  async formData(): Promise<FormData> {
    // As undici does for a GET without a body.
    throw new TypeError('Response.formData: Could not parse content as FormData.');
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Request (light) { method: '${this.#method}', url: '${this.#url}' }`;
  }
}
Object.setPrototypeOf(LightRequest.prototype, Request.prototype);

/**
 * A bodiless GET/HEAD request for msw handlers.
 * @example
 * const request = lightRequest('https://cas01.site1.contoso.lab/owa/', 'GET', new Headers([['host', 'mail.contoso.lab']]));
 * request instanceof Request; // true
 */
export function lightRequest(url: string, method: 'GET' | 'HEAD', headers: Headers): Request {
  return new LightRequest(url, method, headers) as unknown as Request;
}
