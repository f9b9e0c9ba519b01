/**
 * The error pages the listener itself writes, shaped like IIS 7.5's detailed-off error pages and
 * HTTP.sys's own answers, so a front door that shows or inspects them sees familiar bytes. The
 * exact markup of the originals is not reproduced (UNVERIFIED); title, status and content type are.
 */

const IIS_STYLE =
  'body{margin:0;font-size:.7em;font-family:Verdana, Arial, Helvetica, sans-serif;background:#EEEEEE;}' +
  'fieldset{padding:0 15px 10px 15px;} h1{font-size:2.4em;margin:0;color:#FFF;}' +
  'h2{font-size:1.7em;margin:0;color:#CC0000;} h3{font-size:1.2em;margin:10px 0 0 0;color:#000000;}' +
  '#header{width:96%;margin:0 0 0 0;padding:6px 2% 6px 2%;font-family:"trebuchet MS", Verdana, sans-serif;' +
  'color:#FFF;background-color:#555555;}#content{margin:0 0 0 2%;position:relative;}' +
  '.content-container{background:#FFF;width:96%;margin-top:8px;padding:10px;position:relative;}';

/** An IIS 7.5 custom-error page (`404 - File or directory not found.`). */
export function iisErrorPage(title: string, detail: string): string {
  return (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n' +
    '<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head>\r\n' +
    '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>\r\n' +
    `<title>${title}</title>\r\n<style type="text/css">\r\n<!--\r\n${IIS_STYLE}\r\n-->\r\n</style>\r\n</head>\r\n` +
    '<body>\r\n<div id="header"><h1>Server Error</h1></div>\r\n<div id="content">\r\n' +
    ` <div class="content-container"><fieldset>\r\n  <h2>${title}</h2>\r\n  <h3>${detail}</h3>\r\n` +
    ' </fieldset></div>\r\n</div>\r\n</body>\r\n</html>\r\n'
  );
}

/** What the listener answers when no handler answered. */
export const NOT_FOUND_PAGE = iisErrorPage(
  '404 - File or directory not found.',
  'The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.',
);

/** What the listener answers when a handler threw. */
export const SERVER_ERROR_PAGE = iisErrorPage(
  '500 - Internal server error.',
  'There is a problem with the resource you are looking for, and it cannot be displayed.',
);

/** What the listener answers to a body over maxBodyBytes. */
export const TOO_LARGE_PAGE = iisErrorPage(
  '413 - Request Entity Too Large.',
  'The page was not displayed because the request entity is too large.',
);

/** HTTP.sys answers malformed requests itself, before IIS sees them (`Server: Microsoft-HTTPAPI/2.0`). */
export function httpSysPage(title: string, message: string): string {
  return (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
    `<HTML><HEAD><TITLE>${title}</TITLE>\r\n` +
    '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n' +
    `<BODY><h2>${title}</h2>\r\n<hr><p>${message}</p>\r\n</BODY></HTML>\r\n`
  );
}

/** The raw bytes HTTP.sys-like for a request Node's parser refused (`clientError`); the connection closes. */
export function rawHttpSysAnswer(status: 400 | 408, title: string, message: string): string {
  const body = httpSysPage(title, message);
  const reason = status === 400 ? 'Bad Request' : 'Request Timeout';
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    'Content-Type: text/html; charset=us-ascii\r\n' +
    'Server: Microsoft-HTTPAPI/2.0\r\n' +
    `Date: ${new Date().toUTCString()}\r\n` +
    'Connection: close\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
    body
  );
}
