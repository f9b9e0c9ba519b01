/**
 * Every IMAP4 command the mock answers, listed by hand (imapflow's lib/imap-commands.js style).
 * Keys are UPPERCASE verbs; a scenario may replace one through `imapCommands` in the listener options.
 */
import type { ImapCommand } from '../context.ts';
import { authenticate } from './authenticate.ts';
import { capability } from './capability.ts';
import { close } from './close.ts';
import { examine } from './examine.ts';
import { fetch } from './fetch.ts';
import { idle } from './idle.ts';
import { list } from './list.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { lsub } from './lsub.ts';
import { namespace } from './namespace.ts';
import { noop } from './noop.ts';
import { search } from './search.ts';
import { select } from './select.ts';
import { starttls } from './starttls.ts';
import { status } from './status.ts';
import { uid } from './uid.ts';

export const IMAP_COMMANDS: Readonly<Record<string, ImapCommand>> = {
  CAPABILITY: capability,
  NOOP: noop,
  LOGOUT: logout,
  STARTTLS: starttls,
  LOGIN: login,
  AUTHENTICATE: authenticate,
  NAMESPACE: namespace,
  LIST: list,
  LSUB: lsub,
  SELECT: select,
  EXAMINE: examine,
  STATUS: status,
  IDLE: idle,
  FETCH: fetch,
  UID: uid,
  SEARCH: search,
  CLOSE: close,
};
