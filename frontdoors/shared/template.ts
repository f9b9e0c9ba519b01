/**
 * The tiny `{{name}}` replacer for proxy config templates (plain files beside each adapter, as
 * cache-tests keeps docker/nginx/nginx.conf). Strict on purpose: a placeholder without a value, or a
 * value no placeholder uses, is a TemplateError, so a renamed key never ships `{{x}}` to a proxy.
 * Values are inserted verbatim (no escaping): the caller quotes what the proxy's syntax needs.
 */
import { readFileSync } from 'node:fs';
import { TemplateError } from './errors.ts';

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9_]*)\}\}/g;

/**
 * Replace every `{{name}}` in `template` with `values[name]`.
 * @example
 * fillTemplate('listen {{addr}}:{{port}} ssl;', { addr: '127.0.1.10', port: '8443' });
 * // 'listen 127.0.1.10:8443 ssl;'
 */
export function fillTemplate(template: string, values: Record<string, string | number>, source = 'template'): string {
  const used = new Set<string>();
  const missing = new Set<string>();
  const out = template.replace(PLACEHOLDER, (_m, name: string) => {
    if (!Object.hasOwn(values, name)) {
      missing.add(name);
      return '';
    }
    used.add(name);
    return String(values[name]);
  });
  if (missing.size) throw new TemplateError(`${source}: no value for ${[...missing].map((n) => `{{${n}}}`).join(', ')}`);
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length) throw new TemplateError(`${source}: values never used: ${unused.join(', ')}`);
  return out;
}

/** Read a template file and fill it (the file path goes into error messages). */
export function fillTemplateFile(file: string, values: Record<string, string | number>): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TemplateError(`cannot read template ${file}: ${(err as Error).message}`, { cause: err });
  }
  return fillTemplate(text, values, file);
}

/** Names of the placeholders a template uses (for tests and docs). */
export function templateNames(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}
