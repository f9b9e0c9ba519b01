/** `cas-conformance pki export DIR [--topology NAME|FILE]`: the CA and every certificate/key for front doors and curl. */
import { parseCommand, UsageError } from '../usage.ts';
import { PKI_SPEC } from '../specs.ts';
import { loadTopology } from '../../topology/index.ts';
import { ensureLabPki, exportPki } from '../../pki/index.ts';

export async function pkiCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(PKI_SPEC, args) as { values: { topology?: string }; positionals: string[] };
  const [sub, dir] = positionals;
  if (sub !== 'export' || !dir) throw new UsageError(sub !== 'export' ? 'pki needs the command "export"' : 'pki export needs a DIR', PKI_SPEC);
  const t = loadTopology(values.topology ?? 'contoso');
  const pki = await ensureLabPki(t);
  const files = exportPki(pki, dir);
  console.log(`wrote ${files.length} files to ${dir} (CA: ${dir}/ca.crt${pki.fromCache ? ', from cache' : ''})`);
  return 0;
}
