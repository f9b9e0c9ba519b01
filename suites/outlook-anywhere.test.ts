/**
 * OA - Outlook Anywhere (RPC over HTTP) through the front door (RULES.md "OA"). Outlook opens its IN
 * and OUT channels on the front door's namespace over NTLM and over Basic; the journal shows which mock CAS got
 * the channels and how the hop authenticated. Expectations are written here from seed 001 (the oracle rule).
 */
import { describe } from 'vitest';
import type { HttpEvent } from '../harness/journal/events.ts';
import { check, userRequests } from '../harness/verify/check.ts';
import { rule, type RuleContext } from './support/rule.ts';
import type { World } from './support/world.ts';
import { answeredAsRpc, channelsOpen, channelSummary, outlookAnywhere } from './support/oa-client.ts';
import { checkNoLegacyRelay } from '../harness/verify/no-relay.ts';
import { describeLeg } from './support/tls-hops.ts';
import { presentRoles, roleFqdns, roleName } from './support/roles.ts';
import type { SeedRole } from '../harness/topology/index.ts';

// 001 "External Outlook Connectivity": "CAS2013 will proxy the request to CAS2010 in Site1" (Red), "to CAS2010
// in Site3" (Blue), "to CAS2007 in Site1" (Purple). Blue before Purple: the cross-site hop (where a relay
// through Site1 would show) is judged before the 2007 mailbox.
// By seed role (suites/support/roles.ts): each role's site CAS of its version (built-in: cas2010.site1,
// the cas2010a/b.site3 pair, cas2007.site1); missing roles noted, none at all n/a.
const ROLES_13: readonly SeedRole[] = ['red', 'blue', 'purple'];
const targets13 = (t: RuleContext, w: World): [string, string[]][] => presentRoles(t, w, ROLES_13).map((r) => [r.name, roleFqdns(t, w, r.role)]);
const SCHEMES = ['NTLM', 'Basic'] as const;

/** Outlook Anywhere requests of `sam` on mock CAS behind the front door since `since`. */
function rpcRequests(w: World, since: number, sam: string): HttpEvent[] {
  return userRequests(w.lab.journal, since, (e) => e.vdir === 'rpc' && e.server !== w.frontDoorMock && e.user === sam);
}

describe('OA', () => {
  rule('OA-01', {}, async (t) => {
    const w = await t.world();
    for (const [name, targets] of targets13(t, w)) {
      const sam = w.user(name).samAccountName;
      for (const scheme of SCHEMES) {
        const since = w.mark();
        t.expect(`${name} over ${scheme}: both channels accepted (200), proxied to ${targets.join(' or ')} by the front door itself; no other CAS sees them`);
        const r = await outlookAnywhere(w, name, scheme);
        t.client(r.transcript);
        t.observe(`${name} ${scheme}: ${channelSummary(r)}`);
        // A mock journals a request before its answer leaves: once the client has both answers, the journal has both channels.
        const seen = rpcRequests(w, since, sam);
        const served = seen.filter((e) => targets.includes(e.server) && e.status === 200);
        t.require(`${name} ${scheme}: both channels reached ${targets.join(' or ')} through the front door (200)`, served.length >= 2, `${channelSummary(r)}; ${describeLeg(seen)}`);
        checkNoLegacyRelay(w, since, { user: sam, vdir: 'rpc' });
        check(channelsOpen(r), `${name} ${scheme}: IN 200, OUT 200`, channelSummary(r));
        const elsewhere = seen.filter((e) => !targets.includes(e.server));
        check(elsewhere.length === 0, `${name} ${scheme}: no other CAS receives the channels`, describeLeg(elsewhere));
      }
    }
  });

  rule('OA-02', {}, async (t) => {
    const w = await t.world();
    const offers = (fqdn: string) => w.lab.topology.servers.find((s) => s.fqdn === fqdn)?.vdirs.rpc.auth ?? [];
    const wrong: string[] = [];
    const judged = new Map<string, number>(SCHEMES.map((s) => [s, 0]));
    for (const [name, targets] of targets13(t, w)) {
      const sam = w.user(name).samAccountName;
      for (const scheme of SCHEMES) {
        const since = w.mark();
        t.expect(`${name} with a client on ${scheme}: the hop to /rpc on ${targets.join(' or ')} (offering NTLM and Basic) authenticates with NTLM`);
        const r = await outlookAnywhere(w, name, scheme);
        t.client(r.transcript);
        // The requests the legacy /rpc vdir accepted, where that vdir offers both methods (001's Deployment Assistant step).
        const accepted = rpcRequests(w, since, sam).filter((e) => e.status === 200 && offers(e.server).includes('ntlm') && offers(e.server).includes('basic'));
        t.observe(`${name} ${scheme}: ${channelSummary(r)}; hop authentication: ${accepted.map((e) => `${e.server} ${e.method} ${e.authScheme ?? '(none)'}`).join(', ') || '(no accepted hop)'}`);
        judged.set(scheme, judged.get(scheme)! + accepted.length);
        for (const e of accepted) if (!/^(NTLM|Negotiate)\b/i.test(e.authScheme ?? '')) wrong.push(`${name} (${scheme} client): ${e.server} ${e.method} authenticated with ${e.authScheme ?? 'nothing'}`);
      }
    }
    // What the verdict rests on: hops to a vdir offering both methods, for a client on each scheme (a Basic
    // client is where a front door is tempted to pass Basic on).
    for (const scheme of SCHEMES) t.require(`accepted Outlook Anywhere hops of a ${scheme} client to a legacy /rpc vdir offering NTLM and Basic`, judged.get(scheme)! > 0, `no hop of a ${scheme} client reached such a vdir and was accepted`);
    check(wrong.length === 0, 'every hop to /rpc authenticates with NTLM', wrong.join('\n'));
  });

  rule('OA-03', {}, async (t) => {
    const w = await t.world();
    const [Red, Blue] = [roleName(t, w, 'red'), roleName(t, w, 'blue')];
    const site3 = roleFqdns(t, w, 'blue');
    for (const scheme of SCHEMES) {
      // 001 first half, Red: "since the target mailbox database is located within the local site, will retrieve the necessary data": served locally.
      let since = w.mark();
      t.expect(`Red (${Red}) over ${scheme}: served locally (IN 200, OUT 200 as an RPC proxy answers, application/rpc; no mock CAS behind the front door sees the channels)`);
      let r = await outlookAnywhere(w, Red, scheme);
      t.client(r.transcript);
      const others = rpcRequests(w, since, w.user(Red).samAccountName);
      t.observe(`Red ${scheme}: ${channelSummary(r)}; other CAS: ${others.map((e) => e.server).join(', ') || 'none'}`);
      t.require(`Red ${scheme}: the front door answered both channels as an RPC proxy (200, application/rpc)`, answeredAsRpc(r), `${channelSummary(r)}, Content-Type IN ${r.inData.headers['content-type'] ?? '(none)'}, OUT ${r.outData?.headers['content-type'] ?? '(none)'}`);
      check(others.length === 0, `Red ${scheme}: no other CAS receives the channels`, describeLeg(others));
      since = w.mark();
      const blue = w.user(Blue).samAccountName;
      t.expect(`Blue (${Blue}) over ${scheme}: proxied to ${site3.join(' or ')} by the front door itself (IN 200, OUT 200)`);
      r = await outlookAnywhere(w, Blue, scheme);
      t.client(r.transcript);
      const seen = rpcRequests(w, since, blue);
      t.observe(`Blue ${scheme}: ${channelSummary(r)}`);
      t.require(`Blue ${scheme}: both channels reached ${site3.join(' or ')} through the front door (200)`, seen.filter((e) => site3.includes(e.server) && e.status === 200).length >= 2, `${channelSummary(r)}; ${describeLeg(seen)}`);
      checkNoLegacyRelay(w, since, { user: blue, vdir: 'rpc' });
      check(channelsOpen(r), `Blue ${scheme}: IN 200, OUT 200`, channelSummary(r));
    }
  });
});
