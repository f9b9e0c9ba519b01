/**
 * LIST (RFC 3501 6.3.8). `LIST "" ""` answers the hierarchy delimiter (imapflow asks it when
 * NAMESPACE is missing). Folders: mailboxes.ts.
 */
import { AUTHENTICATED, ImapArgumentError, type ImapCommand, type ImapContext } from '../context.ts';
import { DELIMITER, matchMailboxes } from '../mailboxes.ts';
import { astring } from '../parser.ts';
import { mailboxName } from '../quote.ts';

/** LIST and LSUB differ only in their response name. */
export function listLike(ctx: ImapContext, name: 'LIST' | 'LSUB'): void {
  const reference = astring(ctx.args[0]);
  const pattern = astring(ctx.args[1]);
  if (reference === null || pattern === null || ctx.args.length !== 2) throw new ImapArgumentError(`${name} reference pattern`);
  if (pattern === '') {
    if (name === 'LIST') ctx.untagged(`LIST (\\Noselect) "${DELIMITER}" ""`);
  } else {
    for (const m of matchMailboxes(reference, pattern)) ctx.untagged(`${name} (\\HasNoChildren) "${DELIMITER}" ${mailboxName(m)}`);
  }
  ctx.ok(`${name} completed.`);
}

export const list: ImapCommand = { states: AUTHENTICATED, run: (ctx) => listLike(ctx, 'LIST') };
