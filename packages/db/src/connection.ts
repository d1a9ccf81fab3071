// Opens the database EduGIS runs on: the PostgreSQL/PostGIS server named by DATABASE_URL, or, without one,
// an embedded PostGIS (PGlite + pglite-postgis) whose data lives in a local folder.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

/** The few raw operations the migration runner needs (multi-statement SQL), over either driver. */
export interface RawDriver {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs fn inside one transaction on one connection. */
  transaction<T>(fn: (tx: RawDriver) => Promise<T>): Promise<T>;
}

export interface Database {
  kind: 'postgres' | 'embedded';
  /** Where the data is, for /healthz and logs (never contains a password). */
  location: string;
  prisma: PrismaClient;
  raw: RawDriver;
  close(): Promise<void>;
}

/**
 * pg_trgm's default word-similarity threshold (0.6) misses one-letter typos in short names ("nguen du" scores
 * 0.58 against "nguyễn du"); search uses 0.5. Set per connection so a search is one statement, not a transaction.
 */
export const SEARCH_SIMILARITY_THRESHOLD = 0.5;

/** A client mistake in configuration: printed as one line, never as a stack trace. */
export class DatabaseConfigError extends Error {
  override name = 'DatabaseConfigError';
}

export function parseDatabaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseConfigError(`DATABASE_URL is not a valid URL (expected postgresql://user@host:5432/dbname).`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DatabaseConfigError(`DATABASE_URL must start with postgresql:// (got ${parsed.protocol}//).`);
  }
  if (!parsed.pathname || parsed.pathname === '/') {
    throw new DatabaseConfigError('DATABASE_URL names no database (add /dbname after the host).');
  }
  return parsed;
}

/** host:port/db, without credentials. */
export function describeUrl(url: URL): string {
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

function pgDriver(q: pg.Pool | pg.PoolClient): RawDriver {
  return {
    async exec(sql) {
      await q.query(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await q.query(sql, params)).rows as T[];
    },
    async transaction(fn) {
      const client = 'release' in q ? q : await q.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(pgDriver(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        if (!('release' in q)) (client as pg.PoolClient).release();
      }
    },
  };
}

export interface PostgresOptions {
  poolSize?: number;
  /** Called with the text of every statement sent (for tests that count queries, e.g. against N+1). */
  onStatement?: (sql: string) => void;
}

export async function openPostgres(databaseUrl: string, opts: PostgresOptions = {}): Promise<Database> {
  const url = parseDatabaseUrl(databaseUrl);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    options: `-c pg_trgm.word_similarity_threshold=${SEARCH_SIMILARITY_THRESHOLD}`,
  });
  pool.on('error', () => {}); // idle-client errors surface on the next query instead of crashing the process
  const onStatement = opts.onStatement;
  if (onStatement) {
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...a: unknown[]) => unknown;
      (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const first = args[0] as string | { text?: string };
        onStatement(typeof first === 'string' ? first : (first?.text ?? ''));
        return query(...args);
      };
    });
  }
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => {});
    const reason = (err as Error).message || String(err);
    throw new DatabaseConfigError(`Cannot reach the database at ${describeUrl(url)}: ${reason}`);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: 'postgres',
    location: describeUrl(url),
    prisma,
    raw: pgDriver(pool),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export async function openEmbedded(dir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const db = await PGlite.create(abs, { extensions: { postgis, pg_trgm, unaccent } });
  await db.exec(`SET pg_trgm.word_similarity_threshold = ${SEARCH_SIMILARITY_THRESHOLD}`); // one connection: once is enough
  type Q = Pick<typeof db, 'query' | 'exec'>;
  const driver = (q: Q, inTx: boolean): RawDriver => ({
    async exec(sql) {
      await q.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await q.query<T>(sql, params)).rows;
    },
    async transaction(fn) {
      if (inTx) return fn(driver(q, true));
      return db.transaction((tx) => fn(driver(tx, true)));
    },
  });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    kind: 'embedded',
    location: abs,
    prisma,
    raw: driver(db, false),
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
  };
}

/** DATABASE_URL when set, else the embedded database in EDUGIS_EMBEDDED_DIR (default ./.data/pglite). */
export async function openDatabase(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  if (env.DATABASE_URL) return openPostgres(env.DATABASE_URL);
  return openEmbedded(env.EDUGIS_EMBEDDED_DIR ?? resolve(process.cwd(), '.data', 'pglite'));
}
