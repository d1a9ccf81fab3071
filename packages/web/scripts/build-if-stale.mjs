// Builds the web app only when dist/ is missing or older than its sources, so `pnpm start` does not spend
// ten seconds rebuilding an unchanged app on every start. EDUGIS_WEB_REBUILD=1 forces a build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const newest = (p) => {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((f) => newest(join(p, f))));
};
const built = join(root, 'dist', 'index.html');
const inputs = ['src', 'index.html', 'vite.config.ts', 'package.json', 'scripts/compress.mjs'].map((f) => join(root, f)).filter(existsSync);
const stale = process.env.EDUGIS_WEB_REBUILD === '1' || !existsSync(built) || Math.max(...inputs.map(newest)) > statSync(built).mtimeMs;
if (!stale) {
  console.log('web: dist/ is up to date');
  process.exit(0);
}
const res = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (res.status !== 0) process.exit(res.status ?? 1);
const zip = spawnSync(process.execPath, [join(root, 'scripts', 'compress.mjs')], { cwd: root, stdio: 'inherit' });
process.exit(zip.status ?? 1);
