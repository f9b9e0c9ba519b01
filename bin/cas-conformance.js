#!/usr/bin/env node
// Entry point: load the TypeScript CLI through tsx's ESM loader (works on Node 20, 22 and 24).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
