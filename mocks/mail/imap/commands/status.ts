/** STATUS (RFC 3501 6.3.10): MESSAGES, RECENT, UIDNEXT, UIDVALIDITY, UNSEEN. */
import { AUTHENTICATED, ImapArgumentError, type ImapCommand } from '../context.ts';
import { findMailbox, mailboxMessages, uidValidityFor } from '../mailboxes.ts';
import { astring } from '../parser.ts';
import { mailboxName } from '../quote.ts';
import { IMAP_TEXT } from '../texts.ts';

export const status: ImapCommand = {
  states: AUTHENTICATED,
  run(ctx) {
    const requested = astring(ctx.args[0]);
    const items = ctx.args[1];
    if (requested === null || items?.type !== 'list' || items.items.length === 0) throw new ImapArgumentError('STATUS mailbox (items)');
    const name = findMailbox(requested);
    if (!name) return ctx.no(IMAP_TEXT.noSuchMailbox);
    const s = ctx.session;
    const messages = mailboxMessages(s, name);
    const values: Record<string, number> = {
      MESSAGES: messages.length,
      RECENT: 0,
      UIDNEXT: (messages[messages.length - 1]?.uid ?? 0) + 1,
      UIDVALIDITY: uidValidityFor(s.user ?? '', name),
      UNSEEN: messages.filter((m) => !s.seen.has(m.uid)).length,
    };
    const out: string[] = [];
    for (const t of items.items) {
      const key = t.type === 'atom' ? t.value.toUpperCase() : '';
      if (!(key in values)) throw new ImapArgumentError(`STATUS item ${key}`);
      out.push(`${key} ${values[key]}`);
    }
    ctx.untagged(`STATUS ${mailboxName(name)} (${out.join(' ')})`);
    ctx.ok('STATUS completed.');
  },
};
