/**
 * Every POP3 command the mock answers, listed by hand. Keys are UPPERCASE verbs; a scenario may
 * replace one through `pop3Commands` in the listener options.
 */
import type { Pop3Command } from '../context.ts';
import { auth } from './auth.ts';
import { capa } from './capa.ts';
import { dele } from './dele.ts';
import { list } from './list.ts';
import { noop } from './noop.ts';
import { pass } from './pass.ts';
import { quit } from './quit.ts';
import { retr } from './retr.ts';
import { rset } from './rset.ts';
import { stat } from './stat.ts';
import { stls } from './stls.ts';
import { top } from './top.ts';
import { uidl } from './uidl.ts';
import { user } from './user.ts';

export const POP3_COMMANDS: Readonly<Record<string, Pop3Command>> = {
  CAPA: capa,
  STLS: stls,
  USER: user,
  PASS: pass,
  AUTH: auth,
  STAT: stat,
  LIST: list,
  UIDL: uidl,
  RETR: retr,
  TOP: top,
  DELE: dele,
  RSET: rset,
  NOOP: noop,
  QUIT: quit,
};
