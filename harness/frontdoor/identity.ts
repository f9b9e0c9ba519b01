/**
 * What the report says a candidate is (issue 12), taken from its handle once it started: name,
 * version, TLS library, modules, scope, the exact config text and its digest, a composite's products.
 * The suite worker writes it to the run dir (candidate.json) and `cas-conformance run` puts it in the
 * report, where `--name` may still rename the candidate.
 * @example
 * writeFileSync(join(runDir, 'candidate.json'), JSON.stringify(candidateIdentity(handle)));
 */
import type { CandidateIdentity } from '../../reports/types.ts';
import type { CandidateHandle } from './launcher.ts';

export type HandleIdentity = Omit<CandidateIdentity, 'options'>;

export function candidateIdentity(h: CandidateHandle): HandleIdentity {
  return {
    name: h.name,
    version: h.version,
    launcher: h.launcher,
    configDigest: h.configDigest,
    ...(h.scope ? { scope: [...h.scope] } : {}),
    ...(h.tlsLibrary !== undefined ? { tlsLibrary: h.tlsLibrary } : {}),
    ...(h.modules?.length ? { modules: [...h.modules] } : {}),
    ...(h.config?.length ? { config: h.config.map((c) => ({ ...c })) } : {}),
    ...(h.components?.length ? { components: h.components.map((c) => ({ ...c })) } : {}),
  };
}

/** Read back what candidateIdentity wrote, keeping only well-formed fields (the file crosses a process). */
export function parseIdentity(raw: unknown): Partial<HandleIdentity> {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const out: Partial<HandleIdentity> = {};
  if (typeof r.name === 'string' && r.name) out.name = r.name;
  if (typeof r.version === 'string' || r.version === null) out.version = r.version as string | null;
  if (typeof r.launcher === 'string' && r.launcher) out.launcher = r.launcher;
  if (typeof r.configDigest === 'string' || r.configDigest === null) out.configDigest = r.configDigest as string | null;
  if (Array.isArray(r.scope) && r.scope.every((f) => f === 'http' || f === 'mail')) out.scope = r.scope as HandleIdentity['scope'];
  if (typeof r.tlsLibrary === 'string' || r.tlsLibrary === null) out.tlsLibrary = r.tlsLibrary as string | null;
  if (Array.isArray(r.modules)) out.modules = r.modules.map(String);
  if (Array.isArray(r.config)) out.config = r.config.filter((c) => c && typeof c.name === 'string' && typeof c.text === 'string').map((c) => ({ name: c.name, origin: String(c.origin ?? 'generated'), text: c.text }));
  if (Array.isArray(r.components)) out.components = r.components as HandleIdentity['components'];
  return out;
}
