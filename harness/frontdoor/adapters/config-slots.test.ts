import { describe, expect, it } from 'vitest';
import { ConfigSlots, templateHeader } from './config-slots.ts';

/** A stand-in for an adapter's builder: computes with the numbers, inserts the strings. */
function build(s: ConfigSlots): string {
  const addr = s.str('LISTEN_ADDRESS', '127.0.1.10', 'front-door address');
  const port = s.num('HTTPS_PORT', 40443, 'HTTPS port');
  const run = s.str('RUN_DIR', '/tmp/lab/frontdoor-x', 'run dir');
  const off = s.num('IMAP_PORT', 0, 'not published');
  return s.finish(`listen ${addr}:${port} ssl;\npid ${run}/x.pid;\nworker_connections 1024;\nimap ${off};\n`);
}

describe('ConfigSlots', () => {
  it('real mode gives the values', () => {
    expect(build(new ConfigSlots('real'))).toBe('listen 127.0.1.10:40443 ssl;\npid /tmp/lab/frontdoor-x/x.pid;\nworker_connections 1024;\nimap 0;\n');
  });

  it('template mode gives placeholders, numbers included, and leaves other numbers alone', () => {
    expect(build(new ConfigSlots('template'))).toBe('listen {{LISTEN_ADDRESS}}:{{HTTPS_PORT}} ssl;\npid {{RUN_DIR}}/x.pid;\nworker_connections 1024;\nimap 0;\n');
  });

  it('the printed template filled with a run\'s values is that run\'s generated config', () => {
    const template = build(new ConfigSlots('template'));
    const real = new ConfigSlots('real');
    const generated = build(real);
    expect(real.fill(template, 'my.conf')).toBe(generated);
    expect(real.fill(templateHeader('nginx', real) + template, 'my.conf')).toContain(generated);
  });

  it('refuses an unknown placeholder, naming it and the known ones', () => {
    const real = new ConfigSlots('real');
    build(real);
    expect(() => real.fill('listen {{LISTEN_ADRESS}}:{{HTTPS_PORT}};', 'my.conf')).toThrow(/my\.conf: unknown placeholder \{\{LISTEN_ADRESS\}\} \(known: LISTEN_ADDRESS, HTTPS_PORT, RUN_DIR, IMAP_PORT\)/);
  });

  it('documents every placeholder in the header', () => {
    const s = new ConfigSlots('template');
    build(s);
    expect(templateHeader('nginx', s)).toContain('# {{HTTPS_PORT}}  HTTPS port (this lab: 40443)');
    expect(templateHeader('nginx', s)).toContain('cas-conformance run --front-door nginx --config ./my.conf');
  });
});
