// pnpm migrate | pnpm seed [--reset]: one clear line on failure, never a stack trace for a known problem.
import { DatabaseConfigError, openDatabase } from './connection.ts';
import { MigrationError, migrate } from './migrate.ts';
import { SeedDataError, seed } from './seed.ts';
import { ensureDemoAccounts } from './accounts.ts';

const [cmd, ...flags] = process.argv.slice(2);
async function main() {
  const db = await openDatabase();
  try {
    const applied = await migrate(db.raw);
    console.log(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: up to date');
    if (cmd === 'seed') {
      await seed(db, { reset: flags.includes('--reset'), discardUserData: flags.includes('--discard-user-data'), national: flags.includes('--national'), log: console.log });
      await ensureDemoAccounts(db, { log: console.log });
    }
  } finally {
    await db.close();
  }
}
main().catch((err) => {
  if (err instanceof DatabaseConfigError || err instanceof MigrationError || err instanceof SeedDataError) {
    console.error(`error: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
