// pnpm migrate | pnpm seed [--reset [--discard-user-data]] | pnpm account <username> <role> [--name …] [--school id]
// [--unit id]: one clear line on failure, never a stack trace for a known problem.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
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
    }
  } finally {
    await db.close();
  }
}
main().catch((err) => {
  if (err instanceof DatabaseConfigError || err instanceof MigrationError || err instanceof SeedDataError || err instanceof UsageError) {
    console.error(`error: ${err.message}`);
  } else if ((err as { code?: string }).code === 'P2003') {
    console.error('error: no such school or unit (check the id with the API: school(id) or wards)');
  } else {
    console.error(err);
  }
  process.exit(1);
});
