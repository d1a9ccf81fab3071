// What a server does before it serves: migrate, seed an empty database, create the demo accounts when wanted,
// one process at a time, and say loudly when demo accounts exist.
import { demoAccounts, ensureDemoAccounts, migrate, seed, type Database } from '@edugis/db';

/** Held while a process migrates, seeds and creates accounts: two first starts at once do it once. */
const FIRST_START_LOCK = 727255;

/** Migrate, seed when empty, demo accounts when wanted: one process at a time (the others wait, then find it done). */
export async function prepare(db: Database, log: (line: string) => void): Promise<void> {
  await db.exclusive(FIRST_START_LOCK, async () => {
    const applied = await migrate(db.raw);
    if (applied.length) log(`migrate: applied ${applied.join(', ')}`);
    const state = await db.prisma.seedState.findUnique({ where: { id: 1 } });
    if (!state) {
      await seed(db, { log });
    } else if (state.syntheticOnly) {
      log('data: SYNTHETIC ONLY (no real data directory was loaded)');
    }
    await ensureDemoAccounts(db, { log });
  });
  const demo = await demoAccounts(db);
  if (demo.length) {
    log(`WARNING: ${demo.length} demo accounts exist (${demo.join(', ')}) with the public password "edugis-demo": ` +
      'anyone can sign in as them, an administrator included. Delete or disable them before real use (see README, "Accounts").');
  }
}
