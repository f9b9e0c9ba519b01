/**
 * Help and options of the commands whose modules are heavy to load (`lab` pulls in the mocks):
 * kept here so `cas-conformance lab --help` loads nothing else. `run`, `merge` and `compare-run`
 * read their options from commands/run.ts (`runArgs`), which other areas extend.
 */
import type { CommandSpec } from './usage.ts';

export const TOPOLOGY_SPEC: CommandSpec = {
  name: 'topology',
  summary: 'List, show or validate lab topologies (built-in names or your own JSON file); import your organisation from Exchange Management Shell exports.',
  usage: [
    'topology list',
    'topology show [NAME|FILE] [--json]',
    'topology validate FILE',
    'topology import DIR --out FILE [--name N] [--front-door-site SITE] [--namespaces A,B] [--eas451-devices T1,T2]',
  ],
  options: {
    json: { type: 'boolean', help: 'show: print the validated topology as JSON' },
    out: { type: 'string', value: 'FILE', help: 'import: where the topology goes (then: run --topology FILE)' },
    name: { type: 'string', value: 'N', help: "import: the topology's name (default: the --out file's name)" },
    'front-door-site': { type: 'string', value: 'SITE', help: "import: the AD site the front door goes into (default: frontdoor.csv, else the only Internet-facing site)" },
    namespaces: { type: 'string', value: 'A,B', help: "import: the front door's namespaces (default: frontdoor.csv, else the site's OWA ExternalURL host + autodiscover.<domain>)" },
    'eas451-devices': { type: 'string', value: 'T1,T2', help: "import: Exchange 2010's 451 device list (default: frontdoor.csv, else none)" },
  },
  notes: [
    'show prints the seed roles (Red, Purple, Blue, Orange, Grey, User1..3, version users): marked in the file or derived.',
    'import reads DIR/*.csv|json as docs/import.md exports them; every error names file, row and field.',
  ],
};

export const PKI_SPEC: CommandSpec = {
  name: 'pki',
  summary: 'Export the lab CA and every certificate and key (for front doors and curl).',
  usage: ['pki export DIR [--topology NAME|FILE]'],
  options: { topology: { type: 'string', value: 'NAME|FILE', help: 'topology whose certificates to export (default contoso)' } },
};

export const LAB_SPEC: CommandSpec = {
  name: 'lab',
  summary: 'Run a lab by hand: up (foreground until Ctrl-C), wait for it, check it, read its event log.',
  usage: [
    'lab up [--topology NAME|FILE] [--portable] [--ports fixed|ephemeral|real] [--port-base N] [--state FILE] [--keep-lab]',
    'lab wait --state FILE [--timeout SECONDS]',
    'lab check [--topology NAME|FILE] [--portable]',
    'lab events --state FILE [--since N]',
  ],
  options: {
    topology: { type: 'string', value: 'NAME|FILE', help: 'built-in topology name or JSON file (default contoso)' },
    portable: { type: 'boolean', help: 'bind everything on 127.0.0.1 (hosts with one loopback address)' },
    ports: { type: 'string', value: 'MODE', help: 'up: fixed (port base + 443, 993...; default), ephemeral (free ports) or real (443, 993...)' },
    'port-base': { type: 'string', value: 'N', help: 'up: base of fixed ports (default 20000)' },
    state: { type: 'string', value: 'FILE', help: 'up: write the state file here (mode 0600); wait/events: read it' },
    'keep-lab': { type: 'boolean', help: "up: keep the lab's temp folder (keys, hosts file) after it stops" },
    timeout: { type: 'string', value: 'SECONDS', help: 'wait: give up after this long (default 60)' },
    since: { type: 'string', value: 'N', help: 'events: only entries after journal sequence number N (default 0)' },
  },
  notes: [
    'lab up prints "ready" once the state file is written and every service listens;',
    'a script can run `lab up --state s.json &` then `lab wait --state s.json`.',
  ],
};

export const COMPARE_SPEC: CommandSpec = {
  name: 'compare',
  summary: 'Compare candidates from their report.json files: scorecard by severity, then the rules by area (HTML and Markdown).',
  usage: ['compare REPORT.json [REPORT.json ...] [--out DIR] [--findings DIR]'],
  options: {
    out: { type: 'string', value: 'DIR', help: 'where compare.html, compare.md and compare-differences.md go (default conformance-compare)' },
    findings: { type: 'string', value: 'DIR', help: 'also write each candidate\'s findings page DIR/<product>.md (e.g. docs/frontdoors), keeping its hand-written notes' },
  },
  notes: ['exit codes: 0 every candidate conformant, 1 any not conformant, 2 any not judged (harness error) or bad input'],
};

export const FRONTDOOR_SPEC: CommandSpec = {
  name: 'frontdoor',
  summary: 'Run the reference front door by hand against a lab started with `lab up --state`; print a real proxy\'s config template.',
  usage: ['frontdoor reference --state FILE [--profile P] [--hardened] [--defect NAME ...]', 'frontdoor nginx|haproxy|apache|caddy|dovecot --print-config [--topology NAME|FILE]'],
  options: {
    'print-config': { type: 'boolean', help: 'print the config the adapter generates, with {{PLACEHOLDERS}} for the lab\'s values: a template for `run --config FILE`' },
    topology: { type: 'string', value: 'NAME|FILE', help: 'with --print-config: the topology whose servers the config names (default contoso)' },
    state: { type: 'string', value: 'FILE', help: 'state file written by `lab up --state FILE` (required)' },
    profile: { type: 'string', value: 'P', help: 'exchange2013 (default), exchange2010 or exchange2007' },
    hardened: { type: 'boolean', help: 'add the hardened behaviour (SEC rules)' },
    defect: { type: 'string', multiple: true, value: 'NAME', help: 'switch on a named defect (frontdoors/reference/DEFECTS.md); repeatable' },
  },
  notes: ['It stops by itself, with exit code 3, when its lab stops.'],
};
