/** NOOP (RFC 1939 5). */
import { TRANSACTION, type Pop3Command } from '../context.ts';

export const noop: Pop3Command = { states: TRANSACTION, run: (ctx) => ctx.ok() };
