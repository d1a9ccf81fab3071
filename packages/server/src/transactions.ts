// Write transactions, the one way the server changes data. Every statement of a step runs on the step's own
// transaction client (never the global client: on PGlite, with one connection, a read outside the transaction
// waits for it forever; on PostgreSQL it takes a second pooled connection, and 20 callers exhaust the pool).
// At most `writeSlots` transactions run at once per process, so reads always find a free connection; the rest
// wait in line, a bounded time. A deadlock or serialization failure is retried; what still cannot run is
// answered "busy" with a typed error, never a 500.
import pLimit, { type LimitFunction } from 'p-limit';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Database, Prisma } from '@edugis/db';
import { sql } from '@edugis/prisma-postgis';
import { database } from './db.ts';

export type Tx = Prisma.TransactionClient;

/** The longest a write transaction may run, and each of its statements (PostgreSQL; PGlite has no timeout). */
export const WRITE_TIMEOUT_MS = 10_000;
/** The longest a step waits in line for a write slot before it is answered "busy". */
export const WRITE_QUEUE_WAIT_MS = 20_000;
/** Steps waiting in line beyond this are answered "busy" at once (a client hammering, or a stuck database). */
export const WRITE_QUEUE_MAX = 2_000;
const RETRIES = 3;

/** The server cannot run the step now (too many waiting, a timeout, a conflict that kept recurring). Nothing was written. */
export class BusyError extends Error {
  override name = 'BusyError';
  constructor(readonly reason: 'QUEUE_FULL' | 'QUEUE_TIMEOUT' | 'TRANSACTION_TIMEOUT' | 'CONFLICT') {
    super(`write transaction not run: ${reason}`);
  }
}

const lines = new WeakMap<Database, LimitFunction>();
function lineOf(db: Database): LimitFunction {
  let line = lines.get(db);
  if (!line) lines.set(db, (line = pLimit(db.writeSlots)));
  return line;
}

/** The PostgreSQL SQLSTATE behind a Prisma or driver error, when there is one. */
export function sqlState(err: unknown): string | null {
  for (let e = err as Record<string, any> | undefined, depth = 0; e && depth < 6; e = e.cause, depth++) {
    const candidates = [e.meta?.code, e.meta?.driverAdapterError?.cause?.originalCode, e.cause?.originalCode, e.originalCode, e.code];
    const found = candidates.find((c) => typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c) && !/^P\d{4}$/.test(c));
    if (found) return found;
  }
  return null;
}
const prismaCode = (err: unknown) => (err as { code?: string })?.code ?? '';
const isConflict = (err: unknown) => prismaCode(err) === 'P2034' || ['40P01', '40001'].includes(sqlState(err) ?? '');
const isTimeout = (err: unknown) => prismaCode(err) === 'P2028' || sqlState(err) === '57014';

/**
 * Runs fn in one transaction on one connection. fn must use only `tx`. It may run again after a deadlock or a
 * serialization failure (nothing of the failed attempt is kept), so it must not have effects outside the database.
 */
export async function writeTransaction<T>(fn: (tx: Tx) => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
  const db = database();
  const line = lineOf(db);
  if (line.pendingCount >= WRITE_QUEUE_MAX) throw new BusyError('QUEUE_FULL');
  const queued = Date.now();
  const timeout = opts.timeoutMs ?? WRITE_TIMEOUT_MS;
  return line(async () => {
    if (Date.now() - queued > WRITE_QUEUE_WAIT_MS) throw new BusyError('QUEUE_TIMEOUT');
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.prisma.$transaction(async (tx) => {
          if (db.kind === 'postgres') await tx.$executeRaw(sql`SELECT set_config('statement_timeout', ${String(timeout)}, true)`);
          return fn(tx);
        }, { maxWait: timeout, timeout });
      } catch (err) {
        if (isConflict(err) && attempt < RETRIES) {
          await new Promise((ok) => setTimeout(ok, 5 + Math.random() * 20 * attempt));
          continue;
        }
        if (isConflict(err)) throw new BusyError('CONFLICT');
        if (isTimeout(err)) throw new BusyError('TRANSACTION_TIMEOUT');
        throw err;
      }
    }
  });
}

/**
 * On the embedded database (one connection, statements served first come, first served) the whole of a mutation
 * request waits in line, not only its transaction: 20 schools saving at once would otherwise keep some 20
 * statements queued ahead of every parent's read. Reads are not in line, so they pass between mutations.
 * PostgreSQL needs none of this (the write line and the pool keep connections free for reads).
 */
export function mutationLinePlugin(db: Database): ApolloServerPlugin<object> {
  const line = pLimit(1);
  const acquire = () => new Promise<() => void>((got) => void line(() => new Promise<void>((release) => got(release))));
  return {
    async requestDidStart() {
      let release: (() => void) | null = null;
      if (db.kind !== 'embedded') return {};
      return {
        async executionDidStart({ operation }) {
          if (operation.operation === 'mutation') release = await acquire();
        },
        async willSendResponse() {
          release?.();
          release = null;
        },
      };
    },
  };
}
