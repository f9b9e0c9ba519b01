/**
 * What a real proxy says about itself beyond its version (issue 12, "identity in the report"): the TLS
 * library it was built with or runs on, and the modules or features it has. Only what the product
 * reports: where it says nothing (Apache's -v names no TLS library) the field stays null. The parsers
 * are pure (tested on captured output); the runners ask the binary once per start.
 */
import { runProcess } from '../../../frontdoors/shared/index.ts';

export interface ProductIdentity {
  /** `OpenSSL 3.0.15 3 Sep 2024`, `Go crypto/tls (go1.19.8)`, or null when the product does not say. */
  tlsLibrary: string | null;
  modules: string[];
}

const NONE: ProductIdentity = { tlsLibrary: null, modules: [] };

/** `nginx -V`: "built with OpenSSL ..." (and "running with ..." when it differs); the `--with-*module` flags. */
export function parseNginxV(text: string): ProductIdentity {
  const built = /built with (OpenSSL [^\n(]+?)(?:\s*\(running with ([^)]+)\))?\s*$/m.exec(text);
  const tls = built ? (built[2] ? `${built[1]!.trim()} (running with ${built[2].trim()})` : built[1]!.trim()) : null;
  const modules = [...text.matchAll(/--with-([a-z0-9_]+?_module|mail|stream)(=dynamic)?(?=\s|$)/g)].map((m) => `${m[1]}${m[2] ? ' (dynamic)' : ''}`);
  return { tlsLibrary: tls, modules };
}

/** `haproxy -vv`: "Built with OpenSSL version : ..." / "Running on OpenSSL version : ..."; the enabled (+) features. */
export function parseHaproxyVV(text: string): ProductIdentity {
  const built = /Built with OpenSSL version\s*:\s*(.+)/.exec(text)?.[1]?.trim();
  const running = /Running on OpenSSL version\s*:\s*(.+)/.exec(text)?.[1]?.trim();
  const tls = built ? (running && running !== built ? `${built} (running on ${running})` : built) : (running ?? null);
  const features = /Feature list\s*:\s*(.+)/.exec(text)?.[1] ?? '';
  return { tlsLibrary: tls, modules: features.split(/\s+/).filter((f) => f.startsWith('+')).map((f) => f.slice(1)) };
}

/** `apache2 -M -f conf`: the modules that config loads (static and shared); Apache names no TLS library here. */
export function parseApacheM(text: string): ProductIdentity {
  return { tlsLibrary: null, modules: [...text.matchAll(/^\s*([a-z0-9_]+_module) \((static|shared)\)/gm)].map((m) => `${m[1]} (${m[2]})`) };
}

/** `caddy build-info`: Caddy's TLS is Go's crypto/tls, of the Go release it was built with. */
export function parseCaddyBuildInfo(text: string): ProductIdentity {
  const go = /^go\s+(go[0-9.]+)/m.exec(text)?.[1];
  return { tlsLibrary: go ? `Go crypto/tls (${go})` : null, modules: [] };
}

/** `dovecot --build-options`: the SSL driver (no version) and the passdb/userdb drivers. */
export function parseDovecotBuildOptions(text: string): ProductIdentity {
  const opts = /^Build options:\s*(.+)$/m.exec(text)?.[1] ?? '';
  const ssl = /\b(openssl|gnutls)\b/.exec(opts)?.[1];
  const list = (label: string) => (new RegExp(`^${label}:\\s*(.+)$`, 'm').exec(text)?.[1] ?? '').split(/\s+/).filter(Boolean).map((x) => `${label.toLowerCase()} ${x}`);
  return { tlsLibrary: ssl ? `${ssl === 'openssl' ? 'OpenSSL' : 'GnuTLS'} (SSL driver; version not reported)` : null, modules: [...list('Passdb'), ...list('Userdb')] };
}

async function ask(bin: string, args: string[], parse: (t: string) => ProductIdentity, env?: NodeJS.ProcessEnv): Promise<ProductIdentity> {
  const r = await runProcess(bin, args, { timeoutMs: 10_000, ...(env ? { env } : {}) });
  if (r.spawnError || r.timedOut) return NONE;
  return parse(`${r.stdout}\n${r.stderr}`);
}

/** The identity probes, per product. */
export const productIdentity = {
  nginx: (bin: string) => ask(bin, ['-V'], parseNginxV),
  haproxy: (bin: string) => ask(bin, ['-vv'], parseHaproxyVV),
  apache: (bin: string, conf: string) => ask(bin, ['-M', '-f', conf], parseApacheM),
  caddy: (bin: string, env?: NodeJS.ProcessEnv) => ask(bin, ['build-info'], parseCaddyBuildInfo, env),
  dovecot: (bin: string) => ask(bin, ['--build-options'], parseDovecotBuildOptions),
};
