// pnpm migrate | pnpm seed [--reset [--discard-user-data]] | pnpm account <username> <role> [--name …] [--school id]
// [--unit id] | pnpm imports <kind> <file> --province <code> … [--commit] | pnpm imports --revert <id>: one clear
// line on failure, never a stack trace for a known problem.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { commitImport, describeIssue, importKinds, ImportRefused, revertImport, stageImport, checkSize, ImportFileError, type IssueLang, type RunTransaction } from './imports/index.ts';
import { DatabaseConfigError, openDatabase } from './connection.ts';
import { MigrationError, migrate } from './migrate.ts';
import { SeedDataError, seed } from './seed.ts';
import { createAccount, ensureDemoAccounts, ROLES, type Role } from './accounts.ts';

class UsageError extends Error {}
const [cmd, ...rest] = process.argv.slice(2);

/**
 * Creates an account, e.g. the first administrator of a production server (which has no demo accounts). The
 * password is read from EDUGIS_NEW_PASSWORD (at least 12 characters), else a random one is made and printed once.
 */
async function account(db: Awaited<ReturnType<typeof openDatabase>>) {
  const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: { name: { type: 'string' }, school: { type: 'string' }, unit: { type: 'string' } } });
  const [username, role] = positionals;
  if (!username || !/^[a-z0-9._-]{3,64}$/.test(username)) throw new UsageError('usage: pnpm account <username> <role> [--name "Full name"] [--school <id>] [--unit <id>]; a username is 3–64 of a-z 0-9 . _ -');
  if (!ROLES.includes(role as Role)) throw new UsageError(`role must be one of ${ROLES.join(', ')}`);
  if ((role === 'SCHOOL_STAFF' || role === 'PRINCIPAL') && !values.school) throw new UsageError(`${role} needs --school <school id>`);
  if ((role === 'WARD_STAFF' || role === 'PROVINCE_STAFF') && !values.unit) throw new UsageError(`${role} needs --unit <unit id, e.g. 79@2025-07-01>`);
  const given = process.env.EDUGIS_NEW_PASSWORD;
  if (given !== undefined && given.length < 12) throw new UsageError('EDUGIS_NEW_PASSWORD must have at least 12 characters');
  const password = given ?? randomBytes(18).toString('base64url');
  if (await db.prisma.user.findUnique({ where: { username } })) throw new UsageError(`an account named ${username} exists already`);
  await createAccount(db, {
    id: `u-${randomBytes(8).toString('hex')}`, username, displayName: values.name ?? username, role: role as Role, password,
    schoolId: values.school ?? null, unitId: values.unit ?? null,
  });
  console.log(`account: created ${username} (${role})${given === undefined ? `, password: ${password}  (shown once; sign in and keep it safe)` : ''}`);
}

/**
 * Imports a file through the same pipeline as the API: prints the preview (counts, the first errors) and, with
 * --commit, commits it. Runs as the database's owner, recorded as actor "cli".
 */
async function importFile(db: Awaited<ReturnType<typeof openDatabase>>) {
  const { positionals, values } = parseArgs({
    args: rest, allowPositionals: true,
    options: {
      province: { type: 'string' }, source: { type: 'string' }, licence: { type: 'string' }, commit: { type: 'boolean' }, revert: { type: 'string' },
      'full-province': { type: 'boolean' }, 'remove-missing': { type: 'boolean' }, synthetic: { type: 'boolean' }, lang: { type: 'string' }, 'school-year': { type: 'string' }, level: { type: 'string' },
    },
  });
  const lang: IssueLang = values.lang === 'vi' ? 'vi' : 'en';
  const run: RunTransaction = (fn) => db.prisma.$transaction((tx) => fn(tx), { timeout: 600_000, maxWait: 60_000 });
  const actor = { id: null, name: 'cli' };
  if (values.revert) {
    const r = await revertImport(run, values.revert, actor);
    console.log(`imports: reverted ${values.revert} by ${r.id}: ${JSON.stringify(r.counts)}`);
    for (const s of r.secrets) console.log(`  one-time password for ${s.username}: ${s.password}`);
    return;
  }
  const [kind, given] = positionals;
  // pnpm runs the script in packages/db; a path is the user's, relative to where they typed it.
  const file = given && resolve(process.env.INIT_CWD ?? process.cwd(), given);
  if (!kind || !importKinds().includes(kind) || !file || !values.province) {
    throw new UsageError(`usage: pnpm imports <${importKinds().join('|')}> <file> --province <2-digit code> [--source "title"] [--licence "licence"] ` +
      '[--full-province [--remove-missing]] [--synthetic] [--school-year 2026-2027 --level PRIMARY (ward-demand)] [--commit] [--lang vi|en]   |   pnpm imports --revert <import id>');
  }
  try { checkSize(statSync(file).size); } catch (err) {
    if (err instanceof ImportFileError) throw new UsageError(describeIssue(err.issue, lang));
    throw new UsageError(`cannot read ${file}`);
  }
  const staged = await stageImport(db.prisma, run, {
    kind, upload: { name: basename(file), bytes: readFileSync(file) }, provinceCode: values.province, actor,
    source: { title: values.source ?? basename(file), licence: values.licence ?? 'unknown' }, isSynthetic: !!values.synthetic,
    options: {
      fullProvince: !!values['full-province'], removeMissing: !!values['remove-missing'],
      ...(values['school-year'] ? { schoolYear: values['school-year'] } : {}), ...(values.level ? { level: values.level } : {}),
    },
  });
  const c = staged.counts;
  console.log(`imports: ${staged.id} ${staged.status}: ${c.ADD} to add, ${c.CHANGE} to change, ${c.UNCHANGED} unchanged, ${c.REMOVE} to remove, ` +
    `${c.KEEP} missing but kept; ${c.errors} error(s), ${c.warnings} warning(s)`);
  for (const e of staged.errors.slice(0, 20)) console.log(`  error: ${describeIssue(e, lang)}`);
  for (const w of staged.warnings.slice(0, 10)) console.log(`  warning: ${describeIssue(w, lang)}`);
  if (staged.status === 'INVALID') throw new UsageError(`${file}: not imported (${c.errors} error(s)); nothing was written`);
  if (values.commit) {
    const done = await commitImport(run, staged.id, actor);
    console.log(`imports: ${staged.id} committed`);
    // New accounts' one-time passwords: printed this once, stored nowhere (hand each to its person).
    for (const s of done.secrets) console.log(`  one-time password for ${s.username}: ${s.password}`);
  } else {
    console.log(`imports: preview only; run again with --commit, or commit ${staged.id} in the workspace`);
  }
}

async function main() {
  const db = await openDatabase();
  try {
    const applied = await migrate(db.raw);
    console.log(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: up to date');
    if (cmd === 'seed') {
      await seed(db, { reset: rest.includes('--reset'), discardUserData: rest.includes('--discard-user-data'), national: rest.includes('--national'), log: console.log });
      await ensureDemoAccounts(db, { log: console.log });
    } else if (cmd === 'account') {
      await account(db);
    } else if (cmd === 'imports') {
      await importFile(db);
    }
  } finally {
    await db.close();
  }
}
main().catch((err) => {
  if (err instanceof DatabaseConfigError || err instanceof MigrationError || err instanceof SeedDataError || err instanceof UsageError) {
    console.error(`error: ${err.message}`);
  } else if (err instanceof ImportRefused) {
    console.error(`error: ${describeIssue(err.issue, process.argv.includes('vi') ? 'vi' : 'en')}`);
  } else if ((err as { code?: string }).code === 'P2003') {
    console.error('error: no such school or unit (check the id with the API: school(id) or wards)');
  } else {
    console.error(err);
  }
  process.exit(1);
});
