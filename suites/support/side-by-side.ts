/**
 * A rule's independent cases, each in a world of its own, run side by side: the rule takes as long as
 * its longest case, not the sum (HC-08's failure kinds, COOK-04's OWA, EWS and pair cases). Every case
 * runs to its end, then one outcome decides: a case the candidate failed (CheckFailure) wins over
 * anything another case met meanwhile (an overload error, n/a), since the first rejection in time is
 * not always the telling one; else the first other rejection in the cases' order.
 * @example
 * await sideBySide([
 *   async () => affinityOwa(t, await t.world({ key: 'cook04-owa', disposable: true }), name, site),
 *   async () => affinityEws(t, await t.world({ key: 'cook04-ews', disposable: true }), name, site),
 * ]);
 */
import { CheckFailure } from '../../harness/verify/check.ts';

/** Run every case at once, wait for all, rethrow the deciding rejection (see above). */
export async function sideBySide(cases: readonly (() => Promise<unknown>)[]): Promise<void> {
  const settled = await Promise.allSettled(cases.map((c) => c()));
  const rejected = settled.filter((c): c is PromiseRejectedResult => c.status === 'rejected').map((c) => c.reason as unknown);
  const failed = rejected.find((r) => r instanceof CheckFailure);
  if (failed !== undefined) throw failed;
  if (rejected.length) throw rejected[0];
}
