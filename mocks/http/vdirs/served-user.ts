/**
 * Lab-only ground truth of whose data an answer carries (docs/legacy-behaviour.md "Served user"): a
 * token put in bodies that are a user's data (EWS, EAS FolderSync, Autodiscover, the OWA mailbox and
 * redirect pages), next to the `X-Lab-Served-User` header the listener adds (mocks/http/request-listener.ts).
 * A client that got another user's data sees it in the body even when a proxy dropped the header.
 * No real Exchange server sends either.
 * @example
 * servedUserComment('purple'); // '<!-- lab-served-user=purple -->'
 */

/** `lab-served-user=<samAccountName>`. */
export function servedUserToken(samAccountName: string): string {
  return `lab-served-user=${samAccountName}`;
}

/** {@link servedUserToken} as an XML/HTML comment. */
export function servedUserComment(samAccountName: string): string {
  return `<!-- ${servedUserToken(samAccountName)} -->`;
}
