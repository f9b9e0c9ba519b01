#!/usr/bin/env node
// Entry point: the TypeScript CLI from its bundle (bin/bundle.js: built once per source state), or
// through tsx's ESM loader where the bundle cannot be built (works on Node 20, 22 and 24 either way).
import { pathToFileURL } from 'node:url';
import { bundled } from './bundle.js';

let main;
try {
  ({ main } = await import(pathToFileURL(await bundled('harness/cli/main.ts', 'cli')).href));
} catch {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../harness/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
