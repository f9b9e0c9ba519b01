/** `cas-conformance pki export DIR [--topology NAME|FILE]`: the CA and every certificate/key for front doors and curl. */
import { parseArgs } from 'node:util';
import { loadTopology } from '../../topology/index.ts';
import { ensureLabPki, exportPki } from '../../pki/index.ts';

export async function pkiCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { topology: { type: 'string' } } });
  const [sub, dir] = positionals;
  if (sub !== 'export' || !dir) {
    console.error('usage: cas-conformance pki export DIR [--topology NAME|FILE]');
    return 2;
  }
  const t = loadTopology(values.topology ?? 'contoso');
  const pki = await ensureLabPki(t);
  const files = exportPki(pki, dir);
  console.log(`wrote ${files.length} files to ${dir} (CA: ${dir}/ca.crt${pki.fromCache ? ', from cache' : ''})`);
  return 0;
}
