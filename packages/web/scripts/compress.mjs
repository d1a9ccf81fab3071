// After `vite build`: writes a Brotli (.br, quality 11) and a gzip (.gz, level 9) copy of every text asset, so
// the server hands out pre-compressed files (express-static-gzip) instead of compressing at a low level on each
// request. MapLibre is most of the first view's weight; Brotli 11 makes it about 17 % smaller than gzip.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = join(import.meta.dirname, '..', 'dist');
const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
let before = 0;
let after = 0;
for (const file of walk(dist).filter((f) => /\.(js|css|html|svg|json)$/.test(f))) {
  const body = readFileSync(file);
  const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  writeFileSync(`${file}.br`, br);
  writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  before += body.length;
  after += br.length;
}
console.log(`compress: ${(before / 1024).toFixed(0)} KiB of assets, ${(after / 1024).toFixed(0)} KiB as Brotli`);
