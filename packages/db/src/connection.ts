// Opens the database EduGIS runs on: the PostgreSQL/PostGIS server named by DATABASE_URL, or, without one,
// an embedded PostGIS (PGlite + pglite-postgis) whose data lives in a local folder.
import { AsyncLocalStorage } from 'node:async_hooks';
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
  /** The role requests run as when not the login user's own (see asAppRole). */
  role: string | null;
  /** Where the data is, for /healthz and logs (never contains a password). */
  location: string;
  prisma: PrismaClient;
  raw: RawDriver;
  /**
   * How many write transactions may run at once in this process: 40 % of the pool on PostgreSQL (analytics
   * computed afresh take up to another 40 %), so that reads always find a free connection while hundreds of
   * schools save at once; one on the embedded database, which has one connection and one transaction at a time.
   */
  writeSlots: number;
  /**
   * The same database with statements run as another role: a new pool on PostgreSQL (this one stays the owner's),
   * the same single connection switched on the embedded database.
   */
  reopenAs(role: string): Promise<Database>;
  /** Runs fn while holding a database-wide lock (pg_advisory_lock): one process at a time, e.g. first starts. */
  exclusive<T>(key: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Connections per server process (EDUGIS_DB_POOL_SIZE, default 10); see README "Limits and timeouts". */
export const DEFAULT_POOL_SIZE = 10;
/**
 * The longest a statement of a public read may run (EDUGIS_STATEMENT_TIMEOUT_MS, default 15 s): a runaway query
 * is cancelled by PostgreSQL instead of holding a connection. Write steps and analytics set their own, per
 * transaction. PGlite has no statement timeout (single-threaded WebAssembly, no timer signal).
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

/**
 * pg_trgm's default word-similarity threshold (0.6) misses one-letter typos in short names ("nguen du" scores
 * 0.58 against "nguyễn du"); search uses 0.5. Set per connection so a search is one statement, not a transaction.
 */
export const SEARCH_SIMILARITY_THRESHOLD = 0.5;

/**
 * The signal of the request a statement is sent for. When the client has gone away, statements not yet sent are
 * not sent (StatementCancelled): a parent who closed the tab does not keep the database busy. A statement already
 * running is bounded by statement_timeout.
 */
export const statementGuard = new AsyncLocalStorage<AbortSignal>();
export class StatementCancelled extends Error {
  override name = 'StatementCancelled';
  constructor() {
    super('not sent: the client went away');
  }
}
/** Transaction control always goes through: a COMMIT or ROLLBACK refused would leave the connection mid-transaction. */
const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START TRANSACTION)\b/i;
function guard(text: string): void {
  if (statementGuard.getStore()?.aborted && !CONTROL.test(text)) throw new StatementCancelled();
}

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
  /** statement_timeout of every connection, in ms (0: none). */
  statementTimeoutMs?: number;
  /** Keep trying to reach a server that is down or starting for this long (default 0: fail at once). */
  waitSeconds?: number;
  /** Called before each retry while waiting for the server. */
  onWait?: (line: string) => void;
  /** Run every statement as this role (SET ROLE at connect), e.g. APP_ROLE. */
  role?: string;
  /** Called with the text of every statement sent (for tests that count queries, e.g. against N+1). */
  onStatement?: (sql: string) => void;
}

export async function openPostgres(databaseUrl: string, opts: PostgresOptions = {}): Promise<Database> {
  const url = parseDatabaseUrl(databaseUrl);
  const poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
  const statementTimeout = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    // A request waits this long for a free connection before it is answered "busy" (never forever).
    connectionTimeoutMillis: 10_000,
    options: `-c pg_trgm.word_similarity_threshold=${SEARCH_SIMILARITY_THRESHOLD} -c statement_timeout=${statementTimeout}` +
      (opts.role && /^[a-z_][a-z0-9_]*$/.test(opts.role) ? ` -c role=${opts.role}` : ''),
  });
  pool.on('error', () => {}); // idle-client errors surface on the next query instead of crashing the process
  const onStatement = opts.onStatement;
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | { text?: string };
      const text = typeof first === 'string' ? first : (first?.text ?? '');
      guard(text);
      onStatement?.(text);
      return query(...args);
    };
  });
  // A server that is starting, restarting or not yet reachable (a container started alongside ours) is waited
  // for; a refusal that waiting cannot cure (bad password, no such database) fails at once.
  const deadline = Date.now() + (opts.waitSeconds ?? 0) * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query('select 1');
      break;
    } catch (err) {
      const reason = (err as Error).message || String(err);
      const code = (err as { code?: string }).code ?? '';
      const transient = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P03', '53300'].includes(code) || /timeout/i.test(reason);
      if (!transient || Date.now() >= deadline) {
        await pool.end().catch(() => {});
        throw new DatabaseConfigError(`Cannot reach the database at ${describeUrl(url)}: ${reason}`);
      }
      const delay = Math.min(5000, 250 * 2 ** Math.min(attempt, 5));
      opts.onWait?.(`database: ${describeUrl(url)} not reachable yet (${reason}); retrying in ${(delay / 1000).toFixed(1)} s`);
      await new Promise((ok) => setTimeout(ok, delay));
    }
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const reopenAs = (role: string) => openPostgres(databaseUrl, { ...opts, role, waitSeconds: 0 });
  return {
    reopenAs,
    kind: 'postgres',
    role: opts.role ?? null,
    location: describeUrl(url),
    prisma,
    raw: pgDriver(pool),
    writeSlots: Math.max(1, Math.floor(poolSize * 0.4)),
    async exclusive(key, fn) {
      // A session lock needs one connection for its whole life: a dedicated client, not the pool's next one.
      const client = await pool.connect();
      try {
        // Waiting for the holder (another process seeding, which takes as long as it takes) is not a runaway
        // statement: no statement_timeout for the wait on this dedicated client.
        await client.query('SET statement_timeout = 0');
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
        }
      } finally {
        await client.query('RESET statement_timeout').catch(() => {});
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export async function openEmbedded(dir: string, opts: Pick<PostgresOptions, 'onStatement'> = {}): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const db = await PGlite.create(abs, { extensions: { postgis, pg_trgm, unaccent } });
  await db.exec(`SET pg_trgm.word_similarity_threshold = ${SEARCH_SIMILARITY_THRESHOLD}`); // one connection: once is enough
  const onStatement = opts.onStatement;
  // Statements outside transactions (what the N+1 tests count, and what a parent's read sends) go through query().
  const query = db.query.bind(db);
  db.query = ((text: string, ...rest: unknown[]) => {
    guard(text);
    onStatement?.(text);
    return (query as (...a: unknown[]) => unknown)(text, ...rest);
  }) as typeof db.query;
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
  const embedded: Database = {
    kind: 'embedded',
    role: null,
    location: abs,
    prisma,
    raw: driver(db, false),
    writeSlots: 1,
    // One connection: switching it switches everything sent after (see asAppRole).
    async reopenAs(role) {
      if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`not a role name: ${role}`);
      await db.exec(`SET ROLE ${role}`);
      embedded.role = role;
      return embedded;
    },
    // One process owns an embedded folder (PGlite locks it), so there is nobody to exclude.
    exclusive: (_key, fn) => fn(),
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
  };
  return embedded;
}

/** The role the application's requests run as (migration 0012): it cannot truncate, delete results or rewrite the audit log. */
export const APP_ROLE = 'edugis_app';

/**
 * The database as the application should use it: as APP_ROLE when the role exists and the login user may take
 * it, else (a user who may not create roles) as the owner, with a warning to log. Migrate and seed before this.
 */
export async function asAppRole(db: Database): Promise<{ db: Database; warning: string | null }> {
  const [r] = await db.raw.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND pg_has_role(session_user, $1, 'MEMBER') AS ok`, [APP_ROLE]);
  if (!r?.ok) {
    return { db, warning: `role ${APP_ROLE} is not available to this login (it could not be created: no CREATEROLE), so requests run with the owner's privileges; see README "Database roles"` };
  }
  return { db: await db.reopenAs(APP_ROLE), warning: null };
}

/** DATABASE_URL when set, else the embedded database in EDUGIS_EMBEDDED_DIR (default ./.data/pglite). */
export async function openDatabase(env: NodeJS.ProcessEnv = process.env, opts: Pick<PostgresOptions, 'onWait'> = {}): Promise<Database> {
  if (env.DATABASE_URL) {
    return openPostgres(env.DATABASE_URL, {
      poolSize: positiveInt(env, 'EDUGIS_DB_POOL_SIZE', DEFAULT_POOL_SIZE, 2),
      statementTimeoutMs: positiveInt(env, 'EDUGIS_STATEMENT_TIMEOUT_MS', DEFAULT_STATEMENT_TIMEOUT_MS),
      waitSeconds: positiveInt(env, 'EDUGIS_DB_WAIT_SECONDS', 60),
      onWait: opts.onWait,
    });
  }
  return openEmbedded(env.EDUGIS_EMBEDDED_DIR ?? resolve(process.cwd(), '.data', 'pglite'));
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new DatabaseConfigError(`${name} must be a whole number ≥ ${min} (got "${text}").`);
  return n;
}
