/**
 * Named defects for the in-lab mock candidate (exchange2010 / exchange2007 profiles): each breaks one
 * rule by changing the lab's configuration around the front-door mock, so negative controls can show
 * the rule failing. Area: mail-sec.
 */
import type { MockDefect } from './types.ts';

export const defects: Record<string, MockDefect> = {
  /**
   * MAIL-06: the 2007 front door lets POP3/IMAP4 users of other sites in. The mock serves only its own
   * site's mailboxes (003), so the defect puts User2's and User3's mailboxes on the USA mailbox server:
   * the front door then serves the users 003 places in Europe and Hub, which MAIL-06 must refuse.
   */
  'mock-pop-imap-any-site': (doc, fd) => {
    const local = doc.mailboxServers.find((m) => m.site === fd.site);
    if (!local) return;
    for (const u of doc.users) if (u.name === 'User2' || u.name === 'User3') u.mailboxServer = local.name;
  },
};
