/**
 * Bring your own config (issue 12): a real-proxy adapter builds its config from the lab's values
 * (addresses, ports, certificate files, run dir, the CAS of the site) through named slots. The same
 * build serves three ways:
 * - `real`: the values themselves, the generated config the adapter runs;
 * - `template`: every slot as a `{{NAME}}` placeholder, what `cas-conformance frontdoor nginx
 *   --print-config` prints (the worked example of a user's template);
 * - a user's template (`--config FILE`): their text with the placeholders filled from the real values.
 * Builders compute with numbers (ports, intervals), so a number slot carries a sentinel through the
 * build in template mode and the sentinel is turned into its placeholder afterwards.
 * @example
 * const s = new ConfigSlots('template');
 * const text = s.finish(buildNginxConfig({ listenAddress: s.str('LISTEN_ADDRESS', '127.0.1.10', 'front-door address'), ... }));
 */
import { readFileSync } from 'node:fs';
import { FrontDoorLaunchError } from '../../errors.ts';
import { probeTimeoutOf } from '../../topology/contract.ts';
import type { HopTarget } from '../../../frontdoors/shared/index.ts';

export type SlotMode = 'real' | 'template';

interface Slot {
  value: string;
  doc: string;
  sentinel?: number;
}

const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;
// Five-digit sentinels no generated config uses for anything else (ports are slots themselves).
const SENTINEL_BASE = 64_711;

export class ConfigSlots {
  private readonly slots = new Map<string, Slot>();

  constructor(readonly mode: SlotMode) {}

  /** A text slot: the value in `real` mode, `{{NAME}}` in `template` mode. */
  str(name: string, value: string, doc: string): string {
    this.add(name, { value, doc });
    return this.mode === 'real' ? value : `{{${name}}}`;
  }

  /** A number slot (a port, an interval). 0 means "not published" and stays 0 in both modes. */
  num(name: string, value: number, doc: string): number {
    if (this.mode === 'real' || value === 0) {
      this.add(name, { value: String(value), doc });
      return value;
    }
    const sentinel = SENTINEL_BASE + this.slots.size;
    this.add(name, { value: String(value), doc, sentinel });
    return sentinel;
  }

  /** The built text for this mode: in `template` mode every number sentinel becomes its placeholder. */
  finish(text: string): string {
    if (this.mode === 'real') return text;
    let out = text;
    for (const [name, s] of this.slots) if (s.sentinel !== undefined) out = out.replace(new RegExp(`(?<![0-9])${s.sentinel}(?![0-9])`, 'g'), `{{${name}}}`);
    return out;
  }

  /**
   * A user's template filled with the real values. A placeholder no slot has is a FrontDoorLaunchError
   * naming it and listing the known ones (a typo must not reach the proxy as `{{X}}`).
   */
  fill(template: string, source: string): string {
    const unknown = new Set<string>();
    const out = template.replace(PLACEHOLDER, (m, name: string) => {
      const s = this.slots.get(name);
      if (!s) {
        unknown.add(name);
        return m;
      }
      return s.value;
    });
    if (unknown.size) throw new FrontDoorLaunchError(`${source}: unknown placeholder${unknown.size > 1 ? 's' : ''} ${[...unknown].map((n) => `{{${n}}}`).join(', ')} (known: ${this.names().join(', ')})`);
    return out;
  }

  /** Slot names, in the order they were declared. */
  names(): string[] {
    return [...this.slots.keys()];
  }

  /** `# {{NAME}}  what it is (this lab: value)` lines for the printed template's header. */
  legend(prefix = '# '): string[] {
    return [...this.slots].map(([name, s]) => `${prefix}{{${name}}}  ${s.doc} (this lab: ${s.value || '""'})`);
  }

  private add(name: string, slot: Slot): void {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new RangeError(`config slot name ${name}: upper case, digits and _ only`);
    const prev = this.slots.get(name);
    if (prev && prev.value !== slot.value) throw new RangeError(`config slot ${name} declared twice with different values`);
    if (!prev) this.slots.set(name, slot);
  }
}

/**
 * The header of a printed template: how to use it, and every placeholder with what it stands for.
 * @example
 * console.log(templateHeader('nginx', slots) + text);
 */
export function templateHeader(product: string, slots: ConfigSlots): string {
  return [
    `# cas-conformance: the ${product} config the adapter generates, as a template.`,
    `# Copy it, change what you want, and run it: cas-conformance run --front-door ${product} --config ./my.conf`,
    '# Every placeholder (upper case in double braces) is filled with the lab\'s value when the candidate starts (values change per run:',
    '# addresses, ports and files are the lab\'s; the FQDNs of the CAS are the topology\'s). Placeholders:',
    ...slots.legend(),
    '',
    '',
  ].join('\n');
}

/**
 * The hop targets with their lab addresses and ports behind slots: `CAS1_ADDRESS`, `CAS1_HTTPS_PORT`
 * (primary first, then the backups in order), and per mail endpoint `CAS1_IMAP4_SSL_PORT` and so on
 * (with `CAS1_IMAP4_SSL_ADDRESS` only where the endpoint's address is not the server's). The FQDNs stay
 * literal: they are the topology's names, the same in every run of it.
 * @example
 * const targets = slotTargets(slots, siteTargets(dir, hosts));
 */
export function slotTargets(slots: ConfigSlots, targets: HopTarget[]): HopTarget[] {
  return targets.map((t, i) => {
    const n = `CAS${i + 1}`;
    const role = i === 0 ? 'the primary CAS' : `backup CAS ${i}`;
    const address = slots.str(`${n}_ADDRESS`, t.address, `address of ${t.fqdn} (${role})`);
    const endpoint = (service: 'imap4' | 'pop3') => (e: HopTarget['imap4'][number], k: number, all: HopTarget['imap4']) => {
      const same = all.slice(0, k).filter((x) => x.method === e.method).length;
      const key = `${n}_${service.toUpperCase()}_${e.method.toUpperCase()}${same ? `_${same + 1}` : ''}`;
      const own = e.address === t.address ? address : slots.str(`${key}_ADDRESS`, e.address, `address of ${e.host} for ${service} ${e.method}`);
      return { ...e, address: own, labPort: slots.num(`${key}_PORT`, e.labPort, `${t.fqdn} ${service} ${e.method} port (Exchange's ${e.port})`) };
    };
    return {
      ...t,
      address,
      httpsPort: slots.num(`${n}_HTTPS_PORT`, t.httpsPort, `HTTPS port of ${t.fqdn}`),
      imap4: t.imap4.map(endpoint('imap4')),
      pop3: t.pop3.map(endpoint('pop3')),
    };
  });
}

/** The contract's values every adapter's config uses, as slots. */
export interface ContractSlots {
  runDir: string;
  listenAddress: string;
  ports: { https: number; imap: number; imaps: number; pop3: number; pop3s: number };
  certFile: string;
  keyFile: string;
  caFile: string;
  healthIntervalMs: number;
  /** Probe timeout (the contract's CAS_HEALTH_TIMEOUT_MS); absent in the input: PROBE_TIMEOUT_MS (probeTimeoutOf). */
  healthTimeoutMs: number;
}

/**
 * RUN_DIR, LISTEN_ADDRESS, HTTPS_PORT (and IMAP_PORT, IMAPS_PORT, POP3_PORT, POP3S_PORT when `mail`),
 * CERT_FILE, KEY_FILE, CA_FILE, HEALTH_INTERVAL_MS, HEALTH_TIMEOUT_MS.
 * @example
 * const c = contractSlots(slots, { runDir, ...contract, healthIntervalMs: o.healthIntervalMs }, { http: true, mail: false });
 */
export function contractSlots(slots: ConfigSlots, c: Omit<ContractSlots, 'healthTimeoutMs'> & { healthTimeoutMs?: number }, uses: { http: boolean; mail: boolean; health?: boolean }): ContractSlots {
  const port = (name: string, value: number, doc: string, used: boolean) => (used ? slots.num(name, value, doc) : value);
  return {
    runDir: slots.str('RUN_DIR', c.runDir, "the candidate's run directory (its pid file, logs and temp files go there)"),
    listenAddress: slots.str('LISTEN_ADDRESS', c.listenAddress, "the front door's address: listen here"),
    ports: {
      https: port('HTTPS_PORT', c.ports.https, 'HTTPS port (443 in production)', uses.http),
      imap: port('IMAP_PORT', c.ports.imap, 'IMAP4 port, plaintext + STARTTLS (143)', uses.mail),
      imaps: port('IMAPS_PORT', c.ports.imaps, 'IMAP4 over implicit TLS (993)', uses.mail),
      pop3: port('POP3_PORT', c.ports.pop3, 'POP3 port, plaintext + STLS (110)', uses.mail),
      pop3s: port('POP3S_PORT', c.ports.pop3s, 'POP3 over implicit TLS (995)', uses.mail),
    },
    certFile: slots.str('CERT_FILE', c.certFile, "the front door's certificate (PEM), for its namespaces"),
    keyFile: slots.str('KEY_FILE', c.keyFile, "the front door's private key (PEM)"),
    caFile: slots.str('CA_FILE', c.caFile, "the lab CA (PEM): verify the CAS's certificates with it"),
    healthIntervalMs: uses.health === false ? c.healthIntervalMs : slots.num('HEALTH_INTERVAL_MS', c.healthIntervalMs, 'health-check interval in milliseconds (fast in the lab; 50 s in Exchange 2013)'),
    healthTimeoutMs: uses.health === false ? probeTimeoutOf(c) : slots.num('HEALTH_TIMEOUT_MS', probeTimeoutOf(c), 'health-check timeout in milliseconds (5 s, as in Exchange 2013)'),
  };
}

/** Read a user's config template (`--config`), or a FrontDoorLaunchError saying why not. */
export function readTemplate(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new FrontDoorLaunchError(`--config ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
