// pnpm start: open the database (DATABASE_URL, or the embedded PostGIS), migrate, seed if empty, serve.
import { DatabaseConfigError, MigrationError, SeedDataError, asAppRole, openDatabase } from '@edugis/db';
import { startServer } from './app.ts';
import { prepare } from './prepare.ts';

async function main() {
  const t0 = Date.now();
  const port = process.env.PORT ? Number(process.env.PORT) : 4000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DatabaseConfigError(`PORT must be a number from 0 to 65535 (got "${process.env.PORT}").`);
  const owner = await openDatabase(process.env, { onWait: console.log });
  console.log(`database: ${owner.kind === 'embedded' ? `embedded PostGIS (PGlite) in ${owner.location}` : `PostgreSQL at ${owner.location}`} (${Date.now() - t0} ms)`);
  await prepare(owner, console.log);
  // Migrated and seeded as the owner; requests run as the application's role (migration 0012).
  const { db, warning } = await asAppRole(owner);
  if (db !== owner) await owner.close();
  console.log(warning ? `WARNING: ${warning}` : `database: requests run as role ${db.role}`);
  const server = await startServer(db, { port });
  console.log(`EduGIS ready in ${Date.now() - t0} ms: http://localhost:${server.port}/  (GraphQL /graphql, health /healthz)`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing the requests in flight, then stopping`);
    await server.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof DatabaseConfigError || err instanceof MigrationError || err instanceof SeedDataError) {
    console.error(`error: ${err.message}`);
  } else if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    console.error(`error: port ${process.env.PORT ?? 4000} is already in use; set PORT to another port.`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
