/**
 * The one place that knows sockets on the HTTP side of a mock CAS (STYLE.md "Mocks: msw's shape on
 * real sockets"): msw handlers served on real listeners. This file is the public face; the work is in
 * request-listener.ts (request -> handlers -> answer), listen.ts (the server and its bad-input
 * guards), answer.ts (the wire form), fetch-request.ts, request-body.ts and target.ts.
 *
 * @example
 * import { HandlerSet } from './handler-set.ts';
 * import { listenHttp } from './listener.ts';
 * const web = await listenHttp({ host: '127.0.1.1', port: 0, tls: { key, cert }, server: 'cas01.site1.contoso.lab',
 *   handlers: new HandlerSet(vdirHandlers), onAnswer: (ctx, info) => record(ctx, info) });
 */
export { createRequestListener, DEFAULT_MAX_BODY_BYTES, type AnswerInfo, type ListenerOptions } from './request-listener.ts';
export { listenHttp, type ListenHttpOptions, type RunningHttp, type TlsErrorInfo } from './listen.ts';
