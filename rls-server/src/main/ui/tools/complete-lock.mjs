// Run after `npm install` changes package-lock.json: `node tools/complete-lock.mjs`.
//
// Why: the npm registry this project's machines reach serves only the platform binaries of
// rollup that Linux x64 uses; `npm install` then writes a lockfile without the other platforms'
// entries, and `npm ci` (what the Maven build runs) refuses such a lockfile ("Missing: ... from
// lock file"). This adds the missing entries of rollup's optional platform packages, with the
// os/cpu/libc that make npm skip them on other platforms, as a full registry would have written.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const OS = { android: 'android', darwin: 'darwin', freebsd: 'freebsd', linux: 'linux',
  openbsd: 'openbsd', openharmony: 'openharmony', win32: 'win32' };

function platform(name) {
  // @rollup/rollup-<os>-<cpu>[-<abi>], e.g. rollup-linux-arm-musleabihf, rollup-win32-x64-msvc
  const m = /^@rollup\/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-([a-z]+))?$/.exec(name);
  if (!m || !OS[m[1]]) return null;
  const out = { os: [OS[m[1]]], cpu: [m[2]] };
  if (m[1] === 'linux' && m[3]) out.libc = [m[3].startsWith('musl') ? 'musl' : 'glibc'];
  return out;
}

let added = 0;
for (const [path, pkg] of Object.entries(lock.packages)) {
  if (!path.endsWith('node_modules/rollup') || !pkg.optionalDependencies) continue;
  for (const [dep, version] of Object.entries(pkg.optionalDependencies)) {
    const key = `node_modules/${dep}`;
    if (lock.packages[key]) continue;
    const p = platform(dep);
    if (!p) throw new Error(`cannot tell the platform of ${dep}`);
    lock.packages[key] = { version, ...p, dev: pkg.dev, license: pkg.license, optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b, 'en')),
);
writeFileSync(LOCK, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lock: added ${added} entries`);
