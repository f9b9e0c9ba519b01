/**
 * The reason phrase a mock CAS writes after its status code. Exchange is an ASP.NET application:
 * when it sets only `StatusCode`, the reason comes from ASP.NET's table
 * (System.Web.HttpWorkerRequest.GetStatusDescription), which has no entry for the Exchange-specific
 * codes. So EAS 451 goes out as `HTTP/1.1 451 ` with an empty reason (PROTOCOL-FACTS: "status line
 * `HTTP/1.1 451` (no reason phrase)"), and so do 449, 441, 442, 241 and 242.
 *
 * The separating SP stays: RFC 9112 4 defines `status-line = HTTP-version SP status-code SP [ reason-phrase ]`,
 * so an empty reason is written as `HTTP/1.1 451 \r\n` (exact HTTP.sys bytes UNVERIFIED; clients
 * must ignore the reason anyway, RFC 9112 4).
 */
import { STATUS_CODES } from 'node:http';

/** ASP.NET's reason phrases (HttpWorkerRequest's status description table, .NET 2.0-4.x). */
export const ASPNET_REASONS: Readonly<Record<number, string>> = Object.freeze({
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content',
  205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  305: 'Use Proxy', 307: 'Temporary Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required',
  408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed',
  413: 'Request Entity Too Large', 414: 'Request-Uri Too Long', 415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable', 417: 'Expectation Failed', 422: 'Unprocessable Entity',
  423: 'Locked', 424: 'Failed Dependency',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout', 505: 'Http Version Not Supported', 507: 'Insufficient Storage',
});

/**
 * The reason phrase to write for a handler's answer. msw's `HttpResponse` fills `statusText` from the
 * `statuses` package when the handler gives none (451 becomes "Unavailable For Legal Reasons", an
 * RFC 7725 phrase Exchange never wrote), so a statusText equal to the generic phrase counts as "not
 * chosen" and ASP.NET's table decides; any other non-empty statusText is the handler's choice.
 * @example
 * reasonPhrase(451, 'Unavailable For Legal Reasons'); // ''
 * reasonPhrase(302, '');                              // 'Found'
 * reasonPhrase(503, 'Service Unavailable (fault)');   // 'Service Unavailable (fault)'
 */
export function reasonPhrase(status: number, statusText: string): string {
  if (statusText && statusText.toLowerCase() !== (STATUS_CODES[status] ?? '').toLowerCase()) return statusText;
  return ASPNET_REASONS[status] ?? '';
}
