/**
 * SELECT and EXAMINE (RFC 3501 6.3.1-2), answered in Exchange 2010's order and wording:
 * EXISTS, RECENT, FLAGS, PERMANENTFLAGS, UNSEEN, UIDVALIDITY, UIDNEXT, then `[READ-WRITE] SELECT completed.`
 * A failed SELECT leaves no mailbox selected.
 */
import { AUTHENTICATED, ImapArgumentError, type ImapCommand, type ImapContext } from '../context.ts';
import { findMailbox, mailboxMessages, uidValidityFor } from '../mailboxes.ts';
import { astring } from '../parser.ts';
import { IMAP_TEXT } from '../texts.ts';

const FLAGS = '(\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent)';

export function openMailbox(ctx: ImapContext, readOnly: boolean): void {
  const requested = astring(ctx.args[0]);
  // Extra arguments (RFC 4466 select parameters such as CONDSTORE) are ignored: none is advertised.
  if (requested === null) throw new ImapArgumentError('SELECT mailbox');
  const s = ctx.session;
  s.selected = null;
  s.state = 'authenticated';
  const name = findMailbox(requested);
  if (!name) return ctx.no(IMAP_TEXT.noSuchMailbox);
  const messages = mailboxMessages(s, name);
  s.selected = { name, readOnly, messages };
  s.state = 'selected';
  const firstUnseen = messages.findIndex((m) => !s.seen.has(m.uid));
  ctx.untagged(`${messages.length} EXISTS`);
  ctx.untagged('0 RECENT');
  ctx.untagged(`FLAGS ${FLAGS}`);
  ctx.untagged(`OK [PERMANENTFLAGS ${readOnly ? '()' : FLAGS}] Permanent flags`);
  if (firstUnseen >= 0) ctx.untagged(`OK [UNSEEN ${firstUnseen + 1}] Is the first unseen message`);
  ctx.untagged(`OK [UIDVALIDITY ${uidValidityFor(s.user ?? '', name)}] UIDVALIDITY value`);
  ctx.untagged(`OK [UIDNEXT ${(messages[messages.length - 1]?.uid ?? 0) + 1}] The next unique identifier value`);
  ctx.ok(readOnly ? 'EXAMINE completed.' : 'SELECT completed.', readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

export const select: ImapCommand = { states: AUTHENTICATED, run: (ctx) => openMailbox(ctx, false) };
