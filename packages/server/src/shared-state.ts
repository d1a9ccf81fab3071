// State that must hold across server processes: rate limits and cost budgets. Without REDIS_URL they live in this
// process's memory (one server: the quick start); with REDIS_URL every process counts in the same Redis, so two
// servers behind a load balancer enforce one limit, not two. If Redis becomes unreachable, each process falls
// back to counting in its own memory (rate-limiter-flexible's insurance limiter) rather than failing requests.
// Caches need no shared state: they are keyed by the database's generation counters (analytics_state), which
// every process reads, so a publication through one process is seen by all.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

let redis: Redis | null = null;
let redisUrl: string | null = null;

/** Connects to REDIS_URL (once per process). Returns null when it is not set. */
export function sharedStore(env: NodeJS.ProcessEnv = process.env): Redis | null {
  const url = env.REDIS_URL?.trim() || null;
  if (!url) return null;
  if (redis && redisUrl === url) return redis;
  redisUrl = url;
  redis = new Redis(url, {
    // Never queue commands while disconnected: a limit check must answer now (from memory) or not at all.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  redis.on('error', (err) => {
    const now = Date.now();
    if (now - lastRedisError > 30_000) console.error(`[redis] ${redisUrl?.replace(/\/\/[^@]*@/, '//***@')}: ${err.message} (limits count in memory meanwhile)`);
    lastRedisError = now;
  });
  return redis;
}
let lastRedisError = 0;

/** Where limits are kept, for /healthz. */
export function sharedStateKind(): 'redis' | 'memory' {
  return sharedStore() ? 'redis' : 'memory';
}

export async function closeSharedStore(): Promise<void> {
  const r = redis;
  redis = null;
  redisUrl = null;
  if (r) await r.quit().catch(() => r.disconnect());
}

/**
 * A limiter of `points` per `duration` seconds under a name (keys "<EDUGIS_REDIS_PREFIX, default edugis>:<name>…"
 * in Redis, so several deployments can share one Redis), shared through Redis when configured. `blockSeconds`
 * keeps a key blocked that long once it went over.
 */
export function limiter(name: string, opts: { points: number; duration: number; blockSeconds?: number }): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: name, points: opts.points, duration: opts.duration, blockDuration: opts.blockSeconds ?? 0 });
  const store = sharedStore();
  if (!store) return memory;
  return new RateLimiterRedis({
    storeClient: store, keyPrefix: `${process.env.EDUGIS_REDIS_PREFIX || 'edugis'}:${name}`, points: opts.points, duration: opts.duration, blockDuration: opts.blockSeconds ?? 0,
    rejectIfRedisNotReady: true, insuranceLimiter: memory,
  });
}

/** Consumes points; null when allowed, else the seconds to wait. Errors of the store itself are rethrown. */
export async function take(l: RateLimiterAbstract, key: string, points = 1): Promise<number | null> {
  try {
    await l.consume(key, points);
    return null;
  } catch (e) {
    if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    throw e;
  }
}
