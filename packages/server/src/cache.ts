// The one cache of the server: answers kept in memory per data generation. Counters in analytics_state are bumped
// by triggers (migrations 0006 and 0007) whenever the data a family of answers reads changes, by any server
// process or the seed; every lookup reads them (one indexed row), so a change made through one process is seen
// by all at their next request, with or without Redis. Two families: 'results' (published results, schools,
// units) and 'geometry' (schools, units, enrollment zones): publishing a result keeps coverage and tiles,
// importing zones keeps the maturity figures.
import { sql } from '@edugis/prisma-postgis';
import { prisma } from './db.ts';

export type CacheFamily = 'results' | 'geometry';
const caches: Record<CacheFamily, { entries: Map<string, Promise<unknown>>; generation: bigint }> = {
  results: { entries: new Map(), generation: -1n },
  geometry: { entries: new Map(), generation: -1n },
};
/** Entries per family before it is emptied (answers are recomputed on demand). */
const MAX_CACHED = 500;

/**
 * The answer to `key` computed once per generation of `family`; concurrent askers share one computation (single
 * flight). A failed computation is not kept.
 */
export async function cached<T>(key: string, compute: () => Promise<T>, family: CacheFamily = 'results'): Promise<T> {
  const state = await generations();
  const c = caches[family];
  if (state[family] !== c.generation || c.entries.size > MAX_CACHED) {
    c.entries.clear();
    c.generation = state[family];
  }
  let p = c.entries.get(key) as Promise<T> | undefined;
  if (!p) {
    p = compute();
    c.entries.set(key, p);
    p.catch(() => c.entries.delete(key));
  }
  return p;
}

/** The data generations now (one indexed row): what every cached answer, and every HTTP ETag, is keyed on. */
export async function generations(): Promise<Record<CacheFamily, bigint>> {
  const [state] = await prisma().$queryRaw<{ results: bigint; geometry: bigint }[]>(
    sql`SELECT generation AS results, geometry_generation AS geometry FROM analytics_state WHERE id = 1`);
  return state!;
}

/**
 * An ETag for a download computed from the data (GeoJSON, tiles): it changes with the generations, so a browser or
 * a proxy revalidates (Cache-Control: no-cache) and gets 304 until the data changes, never a stale copy.
 */
export async function dataTag(): Promise<string> {
  const g = await generations();
  return `W/"g${g.results}.${g.geometry}"`;
}
