/**
 * Correctness under load, per operation: a misroute (a CAS outside the oracle's list journaled the
 * user's request with an identity: the front door handed it to a CAS of the wrong site or version, or a
 * legacy CAS had to relay it), a cross-user answer (the client got another user's data, or a mock served
 * the request as another user), an unconfirmed answer (the client was answered but no mock served the
 * user where one must: a candidate answering by itself never passes), refusals and errors. Mail sessions
 * are judged from the mocks' mail events. Pass: zero misroutes, zero cross-user answers, and every
 * protocol in scope served for its user at least once (the precondition that the load reached mailboxes).
 */
import { LOAD_PROTOCOLS, type Expectation, type LoadProtocol } from './oracle.ts';
import type { MailSeen } from './journal-tap.ts';
import type { SimUserSpec } from './population.ts';
import type { Example, LoadResult, Op, ProtocolCount } from './types.ts';

const MAX_EXAMPLES = 10;

export interface OpJudgement {
  misroute: string | null;
  crossUser: string | null;
  unconfirmed: string | null;
}

/** A mail event belongs to a mail operation of the same user and protocol (the mock writes it when the session closes). */
function mailEventsOf(op: Op, mail: readonly MailSeen[]): MailSeen[] {
  const protocol = op.protocol === 'imap' ? 'imap4' : 'pop3';
  return mail.filter((m) => m.sam === op.sam && m.protocol === protocol && m.at >= op.start - 50 && m.at <= op.end + 3000);
}

/** Judge one operation through the candidate against the oracle. */
export function judgeOp(op: Op, exp: Expectation, mail: readonly MailSeen[]): OpJudgement {
  const allowed = exp.allowed.length ? exp.allowed.join(', ') : 'no legacy CAS (the front door answers itself)';
  const wrong = op.events.find((e) => e.user !== null && !exp.allowed.includes(e.server));
  const misroute = wrong
    ? `${wrong.server} ${wrong.decision === 'proxied' ? 'relayed' : 'handled'} the request as ${wrong.user} (${wrong.vdir}, ${wrong.status}, ${wrong.decision}); the oracle allows ${allowed} (${exp.why})`
    : null;
  const others = op.servedUsers.filter((u) => u !== op.sam);
  const asOther = op.events.find((e) => e.user !== null && e.user !== op.sam);
  const crossUser = others.length
    ? `the answer carried ${others.join(', ')}'s data (X-Lab-Served-User / body / messages), asked by ${op.sam}`
    : asOther
      ? `${asOther.server} served the request as ${asOther.user}, asked by ${op.sam} (${asOther.vdir}, ${asOther.status})`
      : null;
  let unconfirmed: string | null = null;
  if (op.outcome === 'ok' && exp.journalExpected) {
    const served = op.protocol === 'imap' || op.protocol === 'pop3'
      ? mailEventsOf(op, mail).some((m) => m.login === 'ok' && exp.allowed.includes(m.server))
      : op.events.some((e) => e.user === op.sam && exp.allowed.includes(e.server));
    if (!served) unconfirmed = `answered ${op.detail}, but no CAS of ${allowed} journaled serving ${op.sam}`;
  }
  return { misroute, crossUser, unconfirmed };
}

const emptyCount = (): ProtocolCount => ({ ops: 0, ok: 0, refused: 0, errors: 0, misroutes: 0, crossUser: 0, unconfirmed: 0 });

function example(op: Op, text: string): Example {
  return { sim: op.sim, user: op.sam, kind: op.kind, at: Math.round(op.start), text: text.slice(0, 400) };
}

/**
 * The correctness section and the verdict's reasons.
 * @example
 * const { correctness, reasons } = judgeAll(ops, sims, tap.mail, ['http', 'mail']);
 */
export function judgeAll(ops: readonly Op[], sims: readonly SimUserSpec[], mail: readonly MailSeen[], inScope: readonly LoadProtocol[]): { correctness: LoadResult['correctness']; reasons: string[] } {
  const bySim = new Map(sims.map((s) => [s.id, s]));
  const perProtocol = Object.fromEntries(LOAD_PROTOCOLS.map((p) => [p, emptyCount()])) as Record<LoadProtocol, ProtocolCount>;
  const ex: LoadResult['correctness']['examples'] = { misroutes: [], crossUser: [], refusals: [], errors: [], unconfirmed: [] };
  const push = (list: Example[], e: Example) => {
    if (list.length < MAX_EXAMPLES) list.push(e);
  };
  const served = new Set<LoadProtocol>();
  for (const op of ops) {
    if (op.via !== 'front-door') continue;
    const c = perProtocol[op.protocol];
    const j = judgeOp(op, bySim.get(op.sim)!.expect[op.protocol], mail);
    c.ops++;
    if (op.outcome === 'ok') c.ok++;
    if (op.outcome === 'refused') {
      c.refused++;
      push(ex.refusals, example(op, op.detail));
    }
    if (op.outcome === 'error') {
      c.errors++;
      push(ex.errors, example(op, op.detail));
    }
    if (j.misroute) {
      c.misroutes++;
      push(ex.misroutes, example(op, j.misroute));
    }
    if (j.crossUser) {
      c.crossUser++;
      push(ex.crossUser, example(op, j.crossUser));
    }
    if (j.unconfirmed) {
      c.unconfirmed++;
      push(ex.unconfirmed, example(op, j.unconfirmed));
    }
    if (op.outcome === 'ok' && !j.unconfirmed && !j.crossUser) served.add(op.protocol);
  }
  // Mail sessions the mocks saw at a CAS the oracle does not allow (a session is one "request").
  const expOf = new Map(sims.map((s) => [s.user.samAccountName.toLowerCase(), s.expect]));
  for (const m of mail) {
    const protocol: LoadProtocol = m.protocol === 'imap4' ? 'imap' : 'pop3';
    const exp = expOf.get(m.sam)?.[protocol];
    if (!exp || exp.allowed.includes(m.server)) continue;
    perProtocol[protocol].misroutes++;
    push(ex.misroutes, { sim: '-', user: m.sam, kind: 'mail-session', at: Math.round(m.at), text: `${m.server} took ${m.sam}'s ${m.protocol} session (login ${m.login}); the oracle allows ${exp.allowed.join(', ')} (${exp.why})` });
  }
  const sum = (k: keyof ProtocolCount) => LOAD_PROTOCOLS.reduce((n, p) => n + perProtocol[p][k], 0);
  const correctness = {
    perProtocol, misroutes: sum('misroutes'), crossUser: sum('crossUser'), refusals: sum('refused'), errors: sum('errors'), unconfirmed: sum('unconfirmed'), examples: ex,
  };
  const reasons: string[] = [];
  if (correctness.misroutes) reasons.push(`${correctness.misroutes} misroute(s): requests handled by a CAS of the wrong site or version`);
  if (correctness.crossUser) reasons.push(`${correctness.crossUser} cross-user answer(s): a user was served another user's data`);
  for (const p of inScope) {
    if (perProtocol[p].ops && !served.has(p)) reasons.push(`no ${p} request was served for its own user by a mock through the candidate (${perProtocol[p].ops} sent: ${perProtocol[p].refused} refused, ${perProtocol[p].errors} errors, ${perProtocol[p].unconfirmed} unconfirmed)`);
  }
  return { correctness, reasons };
}
