// Generates the Prisma client offline. Prisma 7's CLI wants a native schema engine it would download
// from a host these machines cannot reach; `generate` does not use it, but checks the variable points at
// a file, so we point it at the Node binary. Set PRISMA_SCHEMA_ENGINE_BINARY yourself to override.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const env = { ...process.env, PATH: join(here, '..', 'node_modules', '.bin') + ':' + process.env.PATH, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath };
const res = spawnSync(process.execPath, [join(here, '..', 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', join(here, '..', 'prisma', 'schema.prisma')], { stdio: 'inherit', env, cwd: join(here, '..') });
process.exit(res.status ?? 1);
