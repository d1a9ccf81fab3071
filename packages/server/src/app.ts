// One HTTP server, one port: /graphql, /livez, /readyz, /healthz, /geo/*.geojson, /tiles/* and the web app at /.
import { existsSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import expressStaticGzip from 'express-static-gzip';
import { mountBasemap } from './basemap.ts';
import express, { type NextFunction, type Request, type Response } from 'express';
import { MAX_IMPORT_BYTES, statementGuard, type Database } from '@edugis/db';
import { setDatabase } from './db.ts';
import { GraphQLError } from 'graphql';
import { apiKeyClient, apiKeyOf, startUsageFlush } from './api-keys.ts';
import { bearerToken, placesLoader, viewerForToken } from './auth.ts';
import { anonymousClient, BUDGETS, costPlugin, costValidationRules, staffClient, type Budgets } from './cost.ts';
import { currentLang, logUnexpected, maskError, newRequestId, requestScope } from './errors.ts';
import { schoolsGeoJson, TILE_MAX_ZOOM, wardsGeoJson, wardsTile, type Bbox } from './geo.ts';
import { dataTag } from './cache.ts';
import { health, ready } from './health.ts';
import { mountImportRoute } from './imports.ts';
import { maxResponseBytes, securityHeaders, trustProxy } from './http-security.ts';
import { mutationLinePlugin } from './transactions.ts';
import { pickLang, translator } from './i18n.ts';
import { schema } from './schema/index.ts';
import type { Context } from './builder.ts';

export { health } from './health.ts';
export const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

export interface RunningServer {
  url: string;
  port: number;
  /** Stops taking requests (/readyz says 503 at once), finishes those in flight (up to the grace period), then stops. */
  close(): Promise<void>;
}

/** How long a shutdown waits for requests in flight (EDUGIS_SHUTDOWN_GRACE_MS, default 25 s; orchestrators allow 30). */
const SHUTDOWN_GRACE_MS = Number(process.env.EDUGIS_SHUTDOWN_GRACE_MS ?? 25_000) || 25_000;

const MAX_BBOX_SIDE = 3;

/** "west,south,east,north" in WGS84 degrees, west < east, south < north, at most MAX_BBOX_SIDE degrees a side. */
function parseBbox(text: string): Bbox | null {
  const n = text.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (n.length !== 4 || !n.every(Number.isFinite)) return null;
  const [w, s, e, no] = n as Bbox;
  if (w < -180 || e > 180 || s < -90 || no > 90 || w >= e || s >= no) return null;
  if (e - w > MAX_BBOX_SIDE || no - s > MAX_BBOX_SIDE) return null;
  return [w, s, e, no];
}

/**
 * NUL never belongs in text (PostgreSQL refuses it in every text column): a request carrying one, in a variable
 * or as a \u0000 escape in the query, is refused as the client's mistake before anything runs.
 */
function refuseNul(req: Request, res: Response, next: NextFunction) {
  const body = req.method === 'GET' ? req.query : req.body;
  // A NUL in a variable is "\u0000" in JSON; a \u0000 (or \u{0}) escape in the query text becomes "\\u0000".
  if (/\\u0000|\\u\{0+\}/.test(JSON.stringify(body ?? null))) {
    const lang = currentLang();
    res.status(400).json({ errors: [{ message: translator(lang)('error.nulCharacter'), extensions: { code: 'BAD_USER_INPUT', reason: 'nulCharacter' } }] });
    return;
  }
  next();
}

/** An answer over the byte cap is replaced by a RESPONSE_TOO_LARGE error (the cost budget keeps this rare). */
function capResponse(max: number) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const send = res.send.bind(res);
    res.send = ((body: unknown) => {
      if (typeof body === 'string' && body.length > max / 4 && Buffer.byteLength(body) > max) {
        const message = translator(currentLang())('error.responseTooLarge', { max: Math.round(max / 1024 / 1024) });
        res.status(413).type('application/json');
        return send(JSON.stringify({ errors: [{ message, extensions: { code: 'RESPONSE_TOO_LARGE' } }] }));
      }
      return send(body as never);
    }) as typeof res.send;
    next();
  };
}

const notFound = (req: Request, res: Response) => {
  const message = translator(currentLang())('error.notFound') as string;
  if (req.accepts(['json', 'html']) === 'html') {
    res.status(404).type('html').send(`<!doctype html><html lang="${currentLang()}"><meta charset="utf-8"><title>404</title><p>${message}</p><p><a href="/">EduGIS</a></p></html>`);
  } else {
    res.status(404).json({ error: message });
  }
};

export interface ServerOptions {
  port?: number;
  host?: string;
  webDist?: string;
  env?: NodeJS.ProcessEnv;
  /** Cost budgets per kind of client (default cost.BUDGETS). */
  budgets?: Budgets;
}

export async function startServer(db: Database, opts: ServerOptions = {}): Promise<RunningServer> {
  const env = opts.env ?? process.env;
  const budgets = opts.budgets ?? BUDGETS;
  setDatabase(db);
  const state = { draining: false };
  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    validationRules: costValidationRules,
    formatError: (formatted, error) => maskError(currentLang(), formatted, error),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: SHUTDOWN_GRACE_MS }),
      // Answers are not HTTP-cached by GraphQL hints (the GeoJSON and tile routes set their own headers).
      ApolloServerPluginCacheControlDisabled(),
      costPlugin(schema),
      mutationLinePlugin(db),
    ],
  });
  await apollo.start();
  const stopUsageFlush = startUsageFlush();

  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy(env));
  app.use(securityHeaders(env));
  app.use(compression());
  // Every request gets an id: in the X-Request-Id header, in a masked error's message and extensions, in the log.
  app.use((req, res, next) => {
    const id = newRequestId();
    res.setHeader('X-Request-Id', id);
    requestScope.run({ lang: pickLang(req.headers['accept-language']), id }, next);
  });

  app.get('/livez', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const ok = await ready(db, state);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : state.draining ? 'draining' : 'database unavailable' });
  });
  app.get('/healthz', async (_req, res) => {
    const h = await health(db, state);
    res.status(h.ok ? 200 : 503).json(h.body);
  });

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    refuseNul,
    capResponse(maxResponseBytes(env)),
    // Statements of a request whose client went away are not sent (see statementGuard).
    (req, res, next) => {
      const gone = new AbortController();
      res.once('close', () => { if (!res.writableFinished) gone.abort(); });
      res.locals.signal = gone.signal;
      statementGuard.run(gone.signal, next);
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const lang = pickLang(req.headers['accept-language']);
        // An API key gives its own limits (a program of a planner); it is never a signed-in person.
        const key = apiKeyOf(req.headers);
        const keyClient = key && key !== 'invalid' ? await apiKeyClient(key) : null;
        if (key && !keyClient) {
          throw new GraphQLError(translator(lang)('error.apiKeyUnknown') as string, { extensions: { code: 'UNAUTHENTICATED', reason: 'apiKeyUnknown', http: { status: 401 } } });
        }
        const token = keyClient ? null : bearerToken(req.headers.authorization);
        const viewer = await viewerForToken(token);
        const ip = req.ip ?? req.socket.remoteAddress ?? '';
        const session = viewer && viewer !== 'expired' ? viewer : null;
        // A one-time password opens only `me` and `changePassword`: every other resolver sees no viewer.
        const signedIn = session && !session.mustChangePassword ? session : null;
        return {
          lang, ip,
          viewer: signedIn, passwordChange: session?.mustChangePassword ? session : null,
          sessionExpired: viewer === 'expired' ? true : session?.mustChangePassword ? 'password' as const : false, token, places: placesLoader(), memo: new Map(),
          signal: res.locals.signal as AbortSignal,
          client: keyClient ?? (session ? staffClient(session.id, budgets) : anonymousClient(ip, budgets)),
        };
      },
    }),
  );

  mountImportRoute(app);

  const badRequest = (res: Response, key: string, vars: Record<string, unknown> = {}) =>
    res.status(400).json({ error: translator(currentLang())(key, vars) });
  const provinceOf = (req: Request, res: Response): string | null => {
    const province = String(req.query.province ?? '79');
    if (/^\d{2}$/.test(province)) return province;
    badRequest(res, 'error.invalidProvinceCode', { code: province.slice(0, 20) });
    return null;
  };

  // ?province=79 (default) or, for schools, ?bbox=west,south,east,north (at most 3° a side: the map's view).
  // Downloads and tiles are revalidated on every use (no-cache + an ETag of the data's generations): once data
  // changes, by any process or plain SQL, no browser or proxy keeps serving the old answer.
  const notModified = async (req: Request, res: Response) => {
    const tag = await dataTag();
    res.set({ 'Cache-Control': 'no-cache', ETag: tag });
    if (req.headers['if-none-match'] !== tag) return false;
    res.status(304).end();
    return true;
  };

  app.get('/geo/:layer.geojson', async (req, res, next) => {
    const layer = req.params.layer;
    if (layer !== 'wards' && layer !== 'schools') {
      res.status(404).json({ error: translator(currentLang())('error.notFound') });
      return;
    }
    try {
      if (await notModified(req, res)) return;
      let body: string;
      if (layer === 'schools' && req.query.bbox !== undefined) {
        const bbox = parseBbox(String(req.query.bbox));
        if (!bbox) return void badRequest(res, 'error.invalidMapBbox', { max: MAX_BBOX_SIDE });
        body = await schoolsGeoJson({ bbox });
      } else {
        const province = provinceOf(req, res);
        if (!province) return;
        body = layer === 'wards' ? await wardsGeoJson(province) : await schoolsGeoJson({ provinceCode: province });
      }
      res.type('application/geo+json').send(body);
    } catch (err) {
      next(err);
    }
  });

  app.get('/tiles/wards/:z/:x/:y.pbf', async (req, res, next) => {
    const [z, x, y] = [req.params.z, req.params.x, req.params.y].map(Number) as [number, number, number];
    const ok = [z, x, y].every(Number.isInteger) && z >= 0 && z <= TILE_MAX_ZOOM && x >= 0 && y >= 0 && x < 2 ** z && y < 2 ** z;
    if (!ok) return void badRequest(res, 'error.invalidTile', { max: TILE_MAX_ZOOM });
    const province = provinceOf(req, res);
    if (!province) return;
    try {
      if (await notModified(req, res)) return;
      const tile = await wardsTile(province, z, x, y);
      if (!tile) return void res.status(204).end();
      res.type('application/vnd.mapbox-vector-tile').send(Buffer.from(tile));
    } catch (err) {
      next(err);
    }
  });

  mountBasemap(app);

  const webDist = opts.webDist ?? WEB_DIST;
  if (existsSync(join(webDist, 'index.html'))) {
    // Pre-compressed Brotli/gzip copies written at build time (packages/web/scripts/compress.mjs) when the
    // browser accepts them; hashed assets never change, so they are cached for a year. The app has one page, /
    // (its state is in the query string and the hash): every other path that is not a file is a 404.
    app.use(expressStaticGzip(webDist, {
      enableBrotli: true,
      orderPreference: ['br', 'gz'],
      serveStatic: {
        index: 'index.html',
        setHeaders: (res, path) => res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
      },
    }));
  } else {
    app.get('/', (_req, res) => {
      res.status(503).type('text/plain; charset=utf-8').send('The web app is not built. Run: pnpm --filter @edugis/web build');
    });
  }

  app.use(notFound);
  // Last stop for errors: bad JSON bodies are the client's (400); anything else is logged and masked (500).
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const lang = currentLang();
    if (err.type === 'entity.too.large' && req.path === '/imports') {
      res.status(413).json({ error: translator(lang)('error.importTooLarge', { size: '>' + MAX_IMPORT_BYTES / 1048576, max: MAX_IMPORT_BYTES / 1048576 }) });
      return;
    }
    if (err.status && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ error: err.type === 'entity.parse.failed' ? 'Malformed JSON body' : err.type === 'entity.too.large' ? 'Request body too large (at most 1 MB)' : err.message });
      return;
    }
    logUnexpected('http', err);
    res.status(500).json({ error: translator(lang)('error.internal', { id: requestScope.getStore()?.id ?? '-' }) });
  });

  const port = opts.port ?? 4000;
  await new Promise<void>((ok, fail) => {
    httpServer.once('error', fail);
    httpServer.listen(port, opts.host ?? '0.0.0.0', () => ok());
  });
  const actual = (httpServer.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    async close() {
      state.draining = true;
      // The drain plugin stops accepting connections, lets the requests in flight finish (up to the grace
      // period), then closes what is left.
      await apollo.stop();
      await stopUsageFlush();
    },
  };
}
