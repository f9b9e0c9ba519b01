// Exit 0 when node_modules already holds exactly the versions package-lock.json pins (every
// non-optional package present, at the pinned version, with its package.json on disk), else exit 1
// with one line naming the first difference. The install step then skips `npm ci`, which would delete
// and reinstall node_modules: a job that already ran `npm ci` in this checkout (or the local runner,
// scripts/action-local, which links this repository's node_modules) does not pay for it twice.
// Run from the package folder (the action's checkout).
import { existsSync, readFileSync } from 'node:fs';

function read(file) {
  try { return JSON.parse(readFileSync(file, 'utf8')).packages ?? {}; } catch { return null; }
}
const locked = read('package-lock.json');
const installed = read('node_modules/.package-lock.json');
if (!locked || !installed) { console.log('node_modules has no npm ci record (node_modules/.package-lock.json)'); process.exit(1); }
for (const [path, pkg] of Object.entries(locked)) {
  if (path === '' || pkg.optional || pkg.link) continue;
  const have = installed[path];
  if (!have || have.version !== pkg.version || !existsSync(`${path}/package.json`)) {
    console.log(`node_modules differs from package-lock.json at ${path} (${have?.version ?? 'missing'}, locked ${pkg.version})`);
    process.exit(1);
  }
}
for (const path of Object.keys(installed)) {
  if (!(path in locked)) { console.log(`node_modules holds ${path}, which package-lock.json does not`); process.exit(1); }
}
