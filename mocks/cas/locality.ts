/**
 * Is a user's mailbox served by this CAS itself? A CAS serves mailboxes of its own Active Directory
 * site and its own product (a CAS2007 reads 2007 mailboxes, a CAS2010 2010 mailboxes; 001 shows a
 * CAS2010 handing Purple's 2007 mailbox to CAS2007). Everything else is service discovery's business
 * (mocks/cas/discovery), answered with a recorded placeholder until the legacy behaviour lands.
 */
import { mailboxOf, type UserSpec } from '../../harness/topology/index.ts';
import { getBuild } from '../builds/catalogue.ts';
import type { CasContext } from './context.ts';

export interface MailboxLocation {
  site: string;
  product: 2007 | 2010;
  build: string;
  server: string;
}

export function mailboxLocation(ctx: CasContext, user: UserSpec): MailboxLocation {
  const m = mailboxOf(ctx.topology, user);
  const b = getBuild(m.build);
  return { site: m.site, product: b.product, build: b.build, server: m.name };
}

export function servesLocally(ctx: CasContext, user: UserSpec): boolean {
  const loc = mailboxLocation(ctx, user);
  return loc.site === ctx.server.site && loc.product === ctx.build.product;
}
