/**
 * `--front-door` values to launchers: `reference`, `command:<cmd>`, `url:<https://host:port>`, the real
 * proxies registered by the adapters (nginx, haproxy, apache, caddy, dovecot, container), and composites
 * `<http product>+<mail product>` (`nginx+dovecot`, `haproxy+dovecot`): two products as one front door.
 * Each launcher declares what it can front (its scope); `--scope` narrows it, or declares it for
 * command and url candidates; `--config` hands an adapter the user's config template.
 */
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { FrontDoorLaunchError } from '../errors.ts';
import type { Family } from '../../reports/types.ts';
import { createCommandFrontDoor, createReferenceFrontDoor, createUrlFrontDoor, type FrontDoorLauncher } from './launcher.ts';
import { createCompositeFrontDoor } from './composite.ts';
import { EVERY_FAMILY, scopeWords } from './scope.ts';

/** What a launcher factory is given. */
export interface LauncherOptions {
  /** What the candidate fronts in this run (within what the launcher can). */
  scope: Family[];
  /** The user's config template (`--config`), for adapters that take one. */
  configTemplate?: string;
}

interface Entry {
  make: (o: LauncherOptions) => FrontDoorLauncher;
  /** What it can front. */
  scope: readonly Family[];
  /** Takes `--config`. */
  configurable: boolean;
}

const named = new Map<string, Entry>([['reference', { make: () => createReferenceFrontDoor(), scope: EVERY_FAMILY, configurable: false }]]);

/**
 * Adapters register themselves here (harness/frontdoor/adapters.ts lists them).
 * @example
 * registerLauncher('apache', (o) => createApacheFrontDoor({ configTemplate: o.configTemplate }), { scope: ['http'], configurable: true });
 */
export function registerLauncher(name: string, make: (o: LauncherOptions) => FrontDoorLauncher, meta: { scope?: readonly Family[]; configurable?: boolean } = {}): void {
  named.set(name, { make, scope: meta.scope ?? EVERY_FAMILY, configurable: meta.configurable ?? false });
}

export function knownLaunchers(): string[] {
  return [...named.keys(), '<http>+<mail> (e.g. nginx+dovecot)', 'command:<cmd>', 'url:<https://host:port>'];
}

/** Options of one run for resolveLauncher (from `run --scope`, `--config`). */
export interface ResolveOptions {
  scope?: Family[];
  /** Config template per product name (`nginx` -> path); a single `--config FILE` arrives under the product's name. */
  config?: Record<string, string>;
}

/** The products of a spec: `nginx+dovecot` -> ['nginx', 'dovecot']; a plain name -> [name]. */
function partsOf(spec: string): string[] {
  return spec.startsWith('command:') || spec.startsWith('url:') ? [spec] : spec.split('+').map((s) => s.trim());
}

function entry(name: string): Entry {
  const e = named.get(name);
  if (!e) throw new FrontDoorLaunchError(`unknown front door "${name}" (known: ${knownLaunchers().join(', ')})`);
  return e;
}

/**
 * What a `--front-door` value fronts in this run: the launcher's declaration (a composite: its HTTP
 * product's HTTP and its mail product's mail), narrowed by `--scope`. Command and url candidates
 * front what `--scope` says, everything by default. Asking a product for a family it cannot front is
 * a FrontDoorLaunchError (bad input, exit 2).
 * @example
 * candidateScope('apache') // ['http']
 * candidateScope('nginx', ['http']) // ['http']
 */
export function candidateScope(spec: string, scope?: Family[]): Family[] {
  const parts = partsOf(spec);
  let can: readonly Family[];
  if (parts.length === 1 && (spec.startsWith('command:') || spec.startsWith('url:'))) can = EVERY_FAMILY;
  else if (parts.length === 1) can = entry(parts[0]!).scope;
  else can = compositeRoles(parts).flatMap((r) => r.families);
  if (!scope) return [...can];
  const beyond = scope.filter((f) => !can.includes(f));
  if (beyond.length) throw new FrontDoorLaunchError(`--scope ${scope.join(',')}: ${spec} fronts ${scopeWords(can)} only`);
  return EVERY_FAMILY.filter((f) => scope.includes(f));
}

/** `a+b`: a fronts HTTP, b fronts mail; each must be able to. */
function compositeRoles(parts: string[]): { name: string; families: Family[] }[] {
  if (parts.length !== 2 || parts.some((p) => !p)) throw new FrontDoorLaunchError(`a composite front door is <http product>+<mail product>, e.g. nginx+dovecot (got "${parts.join('+')}")`);
  const [http, mail] = parts as [string, string];
  if (!entry(http).scope.includes('http')) throw new FrontDoorLaunchError(`${http} cannot front HTTP: put the HTTP product first (<http>+<mail>, e.g. nginx+dovecot)`);
  if (!entry(mail).scope.includes('mail')) throw new FrontDoorLaunchError(`${mail} cannot front mail (IMAP4/POP3): the second product of ${parts.join('+')} carries mail`);
  return [{ name: http, families: ['http'] }, { name: mail, families: ['mail'] }];
}

/**
 * The launcher for a `--front-door` value.
 * @example
 * const launcher = resolveLauncher('nginx+dovecot', { config: { nginx: '/tmp/my-nginx.conf' } });
 */
export function resolveLauncher(spec: string, o: ResolveOptions = {}): FrontDoorLauncher {
  return againOnPortClash(resolveBare(spec, o));
}

/** Attempts at starting a candidate whose front-door ports another lab took meanwhile. */
const PORT_CLASH_ATTEMPTS = 3;

/** A port taken between the lab's reservation and the candidate's bind (our check, or the proxy's own bind error). */
function portClash(err: unknown): boolean {
  for (let e = err as { message?: string; code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === 'PORT_TAKEN' || /EADDRINUSE|already in use/i.test(e.message ?? '')) return true;
  }
  return false;
}

/**
 * Start again on fresh ports when the front-door ports were taken. Ephemeral front-door ports are
 * reserved, not held (the candidate binds them itself), so another lab on this host, of this run or
 * of another, may bind one first: two labs of one topology share the front door's address. It was
 * rare with one run at a time and showed once control runs went side by side (a Dovecot imaps port).
 * Fixed or real ports are the user's choice: never moved.
 */
function againOnPortClash(l: FrontDoorLauncher): FrontDoorLauncher {
  return {
    ...l,
    async start(lab, o) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await l.start(lab, o);
        } catch (err) {
          const fixed = lab.options.ports === 'fixed' || lab.options.ports === 'real';
          if (attempt >= PORT_CLASH_ATTEMPTS || fixed || !portClash(err)) throw err;
          await lab.rereserveFrontDoor();
        }
      }
    },
  };
}

function resolveBare(spec: string, o: ResolveOptions): FrontDoorLauncher {
  const scope = candidateScope(spec, o.scope);
  const config = o.config ?? {};
  if (spec.startsWith('command:') || spec.startsWith('url:')) {
    if (Object.keys(config).length) throw new FrontDoorLaunchError(`--config applies to the real-proxy adapters (nginx, haproxy, apache, caddy, dovecot), not to ${spec.split(':')[0]} candidates`);
    const l = spec.startsWith('command:') ? createCommandFrontDoor(spec.slice('command:'.length).replace(/^"|"$/g, '')) : createUrlFrontDoor(spec.slice('url:'.length));
    return { ...l, scope };
  }
  const parts = partsOf(spec);
  for (const p of Object.keys(config)) {
    if (!parts.includes(p)) throw new FrontDoorLaunchError(`--config ${p}=...: ${spec} has no product ${p}`);
    if (!entry(p).configurable) throw new FrontDoorLaunchError(`--config: ${p} takes no config template`);
  }
  const make = (name: string, families: Family[]) => {
    const l = entry(name).make({ scope: families, ...(config[name] ? { configTemplate: config[name] } : {}) });
    return { ...l, scope: families };
  };
  if (parts.length === 1) return make(parts[0]!, scope);
  const roles = compositeRoles(parts).map((r) => ({ ...r, families: r.families.filter((f) => scope.includes(f)) })).filter((r) => r.families.length);
  if (roles.length === 1) return { ...make(roles[0]!.name, roles[0]!.families), name: spec };
  return createCompositeFrontDoor(spec, roles.map((r) => make(r.name, r.families)));
}

/**
 * `--config` values to templates per product: `FILE` (one product: the front door itself) or
 * `product=FILE` (a composite's part). Paths become absolute; a missing file is bad input.
 * @example
 * configTemplates('nginx+dovecot', ['nginx=./n.conf']) // { nginx: '/abs/n.conf' }
 */
export function configTemplates(spec: string, values: readonly string[], cwd = process.cwd(), exists: (f: string) => boolean = existsSync): Record<string, string> {
  const parts = partsOf(spec);
  const out: Record<string, string> = {};
  for (const v of values) {
    const m = /^([a-z][a-z0-9-]*)=(.+)$/.exec(v);
    const [product, file] = m && parts.includes(m[1]!) ? [m[1]!, m[2]!] : [parts.length === 1 ? parts[0]! : '', v];
    if (!product) throw new FrontDoorLaunchError(`--config ${v}: ${spec} runs ${parts.join(' and ')}; say which config this is: --config ${parts[0]}=FILE`);
    if (out[product]) throw new FrontDoorLaunchError(`--config: two templates for ${product}`);
    const abs = resolvePath(cwd, file);
    if (!exists(abs)) throw new FrontDoorLaunchError(`--config ${v}: no such file ${abs}`);
    out[product] = abs;
  }
  return out;
}
