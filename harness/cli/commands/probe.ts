/**
 * `cas-conformance probe https://host[:port] [--imap host:port[:SSL|TLS]] [--pop3 host:port[:SSL|TLS]]
 *   [--user DOMAIN\user] [--out probe.json] [--no-redact] [--ca FILE] [--state LAB_STATE]`
 * `cas-conformance probe diff ...` (probe-diff.ts), `probe fixtures ...` (probe-fixtures.ts),
 * `probe schema` (the JSON Schema of the probe file).
 * Read-only: GET, HEAD, OPTIONS and one unauthenticated Autodiscover POST, to the host given only
 * (docs/fidelity.md). The password of --user comes from CAS_PROBE_PASSWORD or a prompt.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { z } from 'zod';
import { labLookup } from '../../clients/lab-agent.ts';
import { parseCommand, UsageError, type CommandSpec } from '../usage.ts';
import { readLabState } from '../../lab/state.ts';
import { parseUser } from '../../probe/credentials.ts';
import { ProbeError } from '../../probe/errors.ts';
import { probeText } from '../../probe/fixtures.ts';
import { parseMailEndpoint } from '../../probe/mail-endpoint.ts';
import { readPassword } from '../../probe/password.ts';
import { runProbe } from '../../probe/probe.ts';
import { ProbeDoc, type HttpAnswer } from '../../probe/schema.ts';
import type { ProbeTls } from '../../probe/transport.ts';

/** Help of `probe`: call forms and every option of its subcommands. */
export const PROBE_SPEC: CommandSpec = {
  name: 'probe',
  summary: 'Read-only fingerprint of a CAS (probe), and its differences from the mock of its build (probe diff).',
  usage: [
    'probe https://HOST[:PORT] [--imap HOST:PORT[:SSL|TLS]] [--pop3 HOST:PORT[:SSL|TLS]] [--user DOMAIN\\USER] [--out FILE] [--no-redact] [--ca FILE] [--state FILE]',
    'probe diff PROBE.json --build BUILD|auto [--topology NAME|FILE] [--portable] [--json]',
    'probe diff PROBE.json --against-fixture [--build BUILD|auto] [--json]',
    'probe fixtures [--build BUILD ...] [--check]',
    'probe schema',
  ],
  options: {
    imap: { type: 'string', value: 'HOST:PORT[:SSL|TLS]', help: 'also read the IMAP4 banner and CAPABILITY (993 = implicit TLS; else STARTTLS when offered)' },
    pop3: { type: 'string', value: 'HOST:PORT[:SSL|TLS]', help: 'also read the POP3 banner and CAPA (995 = implicit TLS; else STLS when offered)' },
    user: { type: 'string', value: 'DOMAIN\\USER', help: 'also EAS OPTIONS and EWS GETs as this user (password: CAS_PROBE_PASSWORD or a prompt)' },
    out: { type: 'string', value: 'FILE', help: 'write the probe file here (default: standard output)' },
    'no-redact': { type: 'boolean', help: 'keep host names (default: placeholders)' },
    ca: { type: 'string', value: 'FILE', help: 'also trust this CA (PEM) when checking the certificate' },
    state: { type: 'string', value: 'FILE', help: 'probe a lab: its names and trust bundle from `lab up --state FILE`' },
    build: { type: 'string', value: 'BUILD|auto', help: 'diff: the build to compare with (auto: from X-OWA-Version); fixtures: only these' },
    'against-fixture': { type: 'boolean', help: 'diff: compare with mocks/builds/probes/<build>.json, no lab' },
    topology: { type: 'string', value: 'NAME|FILE', help: 'diff: lab topology holding that build (default: one CAS per build as setup leaves it)' },
    portable: { type: 'boolean', help: 'diff: bind the lab on 127.0.0.1 only' },
    json: { type: 'boolean', help: 'diff: print the differences as JSON' },
    check: { type: 'boolean', help: 'fixtures: compare with the checked-in probes instead of writing them' },
  },
  notes: [
    'Sends only GET, HEAD, OPTIONS and one unauthenticated Autodiscover POST, to the host given (docs/fidelity.md).',
    'probe diff exit codes: 0 no difference, 1 differences, 2 bad input or a lab that would not start.',
  ],
};

/** The probe spec with only some options (each subcommand parses strictly against its own). */
export function subSpec(names: string[]): CommandSpec {
  return { ...PROBE_SPEC, options: Object.fromEntries(names.map((n) => [n, PROBE_SPEC.options[n]!])) };
}

export async function probeCommand(args: string[]): Promise<number> {
  if (args[0] === 'diff') return (await import('./probe-diff.ts')).probeDiffCommand(args.slice(1));
  if (args[0] === 'fixtures') return (await import('./probe-fixtures.ts')).probeFixturesCommand(args.slice(1));
  if (args[0] === 'schema') {
    console.log(JSON.stringify(z.toJSONSchema(ProbeDoc), null, 2));
    return 0;
  }
  const spec = subSpec(['imap', 'pop3', 'user', 'out', 'no-redact', 'ca', 'state']);
  const { values, positionals } = parseCommand(spec, args) as { values: Record<string, string | undefined> & { 'no-redact'?: boolean }; positionals: string[] };
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `give one server to probe (got ${positionals.length} arguments)` : 'give the server to probe: https://HOST[:PORT]', spec);
  const imap = values.imap ? parseMailEndpoint('--imap', values.imap) : undefined;
  const pop3 = values.pop3 ? parseMailEndpoint('--pop3', values.pop3) : undefined;
  const tls = trustAndNames(values.ca, values.state);
  const credentials = values.user ? { ...parseUser(values.user), password: await readPassword(values.user) } : undefined;
  const { doc, connections } = await runProbe({ url: positionals[0]!, imap, pop3, credentials, redact: !values['no-redact'], tls });
  const answers: HttpAnswer[] = [doc.http.owa.root, ...Object.values(doc.http.vdirs).map((v) => v.ping)];
  if (answers.every((a) => a.status === null)) {
    console.error(`cas-conformance probe: no HTTP answer from ${positionals[0]}: ${doc.tls.error ?? answers[0]!.error ?? 'unknown error'}`);
    return 2;
  }
  const text = probeText(doc);
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
  const say = values.out ? console.log : console.error;
  const v = doc.summary;
  say(`probed ${doc.target.origin}: X-OWA-Version ${v.xOwaVersion ?? '(none)'}${v.buildName ? ` (${v.buildName})` : ''}; ${connections.length} connections; ${doc.errors.length} step(s) without an answer${doc.redacted ? '; host names redacted' : ''}`);
  for (const e of doc.errors) say(`  ${e.step}: ${e.message}`);
  if (values.out) say(`wrote ${values.out}; compare it: cas-conformance probe diff ${values.out} --build auto`);
  return 0;
}

/** --ca adds trust anchors; --state resolves lab names through the lab's hosts file and trusts its bundle. */
function trustAndNames(caFile: string | undefined, stateFile: string | undefined): ProbeTls {
  const ca: string[] = [];
  const out: ProbeTls = {};
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch (err) {
      throw new ProbeError(`cannot read ${f}: ${(err as Error).message}`);
    }
  };
  // Node's `ca` replaces the system store: keep the system's roots next to the user's CA.
  if (caFile) ca.push(...rootCertificates, read(caFile));
  if (stateFile) {
    const s = readLabState(stateFile);
    ca.push(read(s.trustBundleFile ?? s.caFile));
    const hosts = read(s.hostsFile)
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((p) => p.length === 2)
      .map(([address, name]) => ({ name: name!, address: address! }));
    out.lookup = labLookup(hosts);
  }
  if (ca.length) out.ca = ca;
  return out;
}
