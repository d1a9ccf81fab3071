/**
 * @edugis/prisma-postgis — PostGIS for Prisma Client, as a Client extension.
 *
 * Prisma cannot read or write PostGIS columns (`Unsupported(...)`), and raw SQL scattered through an app is
 * where injection and lon/lat mix-ups live. This extension gives each configured model a small, typed,
 * parameterised spatial API: GeoJSON in and out; within-distance with the distance returned (metres, on the
 * geography); nearest-k ordered by distance (index-assisted `<->`, then exact metres); contains-point;
 * intersects a bbox or polygon. Filters are `Prisma.sql` fragments, so they stay parameterised too.
 */
import { Prisma } from '@prisma/client/extension';
import { empty, join, raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import type { Geometry } from 'geojson';

export { sql, join, empty, raw };
export type { Sql };

/** Where a model keeps its geometry. Names are identifiers from your code, never from user input. */
export interface SpatialModelConfig {
  /** Table name in the database (after @@map). */
  table: string;
  /** Geometry column (SRID 4326). */
  column: string;
  /** Primary-key column; default "id". */
  key?: string;
}

export interface PostgisOptions {
  /** Prisma model names (camelCase, as on the client: `school`) to their spatial columns. */
  models: Record<string, SpatialModelConfig>;
  /** Decimal places of coordinates in GeoJSON output; default 6 (≈ 0.1 m). */
  precision?: number;
}

/** A caller mistake (bad coordinates, distance, k, geometry). `code` is stable; translate on it. */
export class PostgisInputError extends Error {
  override name = 'PostgisInputError';
  constructor(
    readonly code: 'INVALID_POINT' | 'INVALID_DISTANCE' | 'INVALID_LIMIT' | 'INVALID_BBOX' | 'INVALID_GEOMETRY' | 'UNKNOWN_MODEL',
    message: string,
  ) {
    super(message);
  }
}

/** [longitude, latitude] in WGS84 degrees (GeoJSON order). */
export type LngLat = readonly [number, number];
/** [west, south, east, north] in WGS84 degrees. */
export type BBox = readonly [number, number, number, number];

export interface DistanceRow<Id = string> {
  id: Id;
  /** Metres on the WGS84 spheroid (geography). */
  distanceMeters: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
function ident(name: string): Sql {
  if (!IDENT.test(name)) throw new Error(`prisma-postgis: "${name}" is not a plain SQL identifier`);
  return raw(`"${name}"`);
}

export function assertPoint(p: LngLat): void {
  const [lng, lat] = p ?? [];
  if (!Number.isFinite(lng) || !Number.isFinite(lat) || lng < -180 || lng > 180 || lat < -90 || lat > 90) {
    throw new PostgisInputError('INVALID_POINT', `Point must be [longitude −180..180, latitude −90..90]; got [${lng}, ${lat}]`);
  }
}
function assertMeters(m: number, what = 'distance'): void {
  if (!Number.isFinite(m) || m <= 0 || m > 20_100_000) {
    throw new PostgisInputError('INVALID_DISTANCE', `The ${what} must be a number of metres above 0 and at most 20,100 km; got ${m}`);
  }
}
function assertLimit(k: number, max: number): void {
  if (!Number.isInteger(k) || k < 1 || k > max) {
    throw new PostgisInputError('INVALID_LIMIT', `The limit must be a whole number from 1 to ${max}; got ${k}`);
  }
}
export function assertBBox(b: BBox): void {
  if (!Array.isArray(b) || b.length !== 4) throw new PostgisInputError('INVALID_BBOX', 'A bbox is [west, south, east, north]');
  const [w, s, e, n] = b;
  const inRange = (lng: number, lat: number) => Number.isFinite(lng) && Number.isFinite(lat) && Math.abs(lng) <= 180 && Math.abs(lat) <= 90;
  if (!inRange(w, s) || !inRange(e, n)) {
    throw new PostgisInputError('INVALID_BBOX', `A bbox is [west, south, east, north] with longitude −180..180 and latitude −90..90; got [${b.join(', ')}]`);
  }
  if (w >= e || s >= n) throw new PostgisInputError('INVALID_BBOX', `A bbox needs west < east and south < north; got [${b.join(', ')}]`);
}

/** A parameterised SQL point (SRID 4326). */
export function pointSql(p: LngLat): Sql {
  assertPoint(p);
  return sql`ST_SetSRID(ST_MakePoint(${p[0]}::float8, ${p[1]}::float8), 4326)`;
}
/** A parameterised SQL envelope (SRID 4326). */
export function bboxSql(b: BBox): Sql {
  assertBBox(b);
  return sql`ST_MakeEnvelope(${b[0]}::float8, ${b[1]}::float8, ${b[2]}::float8, ${b[3]}::float8, 4326)`;
}
/** A parameterised SQL geometry from GeoJSON (SRID 4326). The database validates the JSON. */
export function geoJsonSql(g: Geometry): Sql {
  if (!g || typeof g !== 'object' || typeof (g as { type?: unknown }).type !== 'string') {
    throw new PostgisInputError('INVALID_GEOMETRY', 'Expected a GeoJSON geometry object');
  }
  return sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(g)}::text), 4326)`;
}

interface Resolved {
  table: Sql;
  column: Sql;
  key: Sql;
}

type Raw = { $queryRaw<T>(query: Sql): Promise<T>; $executeRaw(query: Sql): Promise<number> };

export interface NearestArgs {
  point: LngLat;
  /** How many; 1–1000. */
  k: number;
  /** Ignore anything farther than this (metres). */
  maxDistanceMeters?: number;
  /** Extra condition on the table (alias `t`), e.g. sql`'PRIMARY' = any(t.levels)`. */
  where?: Sql;
}

export interface WithinArgs {
  point: LngLat;
  meters: number;
  where?: Sql;
  /** At most this many, nearest first; default 1000, max 10000. */
  limit?: number;
}

/**
 * Builds the extension. Each configured model gains:
 * `nearest`, `withinDistance`, `containing`, `intersecting`, `setGeometry`, `getGeometries`.
 */
export function postgis(options: PostgisOptions) {
  const precision = options.precision ?? 6;
  const models = new Map<string, Resolved>();
  for (const [name, c] of Object.entries(options.models)) {
    models.set(name.toLowerCase(), { table: ident(c.table), column: ident(c.column), key: ident(c.key ?? 'id') });
  }

  function resolve(self: unknown): { m: Resolved; db: Raw } {
    const ctx = Prisma.getExtensionContext(self) as unknown as { $name?: string; $parent: Raw };
    const m = models.get(String(ctx.$name ?? '').toLowerCase());
    if (!m) throw new PostgisInputError('UNKNOWN_MODEL', `prisma-postgis: model ${ctx.$name} has no spatial column configured`);
    return { m, db: ctx.$parent };
  }
  const filter = (where?: Sql) => (where ? sql`AND (${where})` : empty);

  return Prisma.defineExtension({
    name: '@edugis/prisma-postgis',
    model: {
      $allModels: {
        /**
         * The k nearest rows to a point, nearest first, with the distance in metres on the geography.
         * Candidates come from the GiST index (`<->`, planar degrees); they are then ranked by exact metres.
         * The candidate pool is k·2+32, which absorbs the planar/geodesic difference at any latitude
         * where degrees of longitude are not squeezed more than 2:1 (|lat| < 60°).
         */
        async nearest<Id = string>(this: unknown, args: NearestArgs): Promise<DistanceRow<Id>[]> {
          const { m, db } = resolve(this);
          assertLimit(args.k, 1000);
          if (args.maxDistanceMeters !== undefined) assertMeters(args.maxDistanceMeters, 'maximum distance');
          const pt = pointSql(args.point);
          const within = args.maxDistanceMeters !== undefined
            ? sql`AND ST_DWithin(t.${m.column}::geography, ${pt}::geography, ${args.maxDistanceMeters}::float8)`
            : empty;
          const rows = await db.$queryRaw<{ id: Id; distance_meters: number }[]>(sql`
            WITH candidates AS (
              SELECT t.${m.key} AS id, t.${m.column} AS g
              FROM ${m.table} t
              WHERE t.${m.column} IS NOT NULL ${within} ${filter(args.where)}
              ORDER BY t.${m.column} <-> ${pt}
              LIMIT ${args.k * 2 + 32}::int
            )
            SELECT id, ST_Distance(g::geography, ${pt}::geography) AS distance_meters
            FROM candidates ORDER BY distance_meters, id LIMIT ${args.k}::int`);
          return rows.map((r) => ({ id: r.id, distanceMeters: Number(r.distance_meters) }));
        },

        /** Rows within `meters` of a point (metres on the geography), nearest first, with the distance. */
        async withinDistance<Id = string>(this: unknown, args: WithinArgs): Promise<DistanceRow<Id>[]> {
          const { m, db } = resolve(this);
          assertMeters(args.meters);
          const limit = args.limit ?? 1000;
          assertLimit(limit, 10_000);
          const pt = pointSql(args.point);
          const rows = await db.$queryRaw<{ id: Id; distance_meters: number }[]>(sql`
            SELECT t.${m.key} AS id, ST_Distance(t.${m.column}::geography, ${pt}::geography) AS distance_meters
            FROM ${m.table} t
            WHERE ST_DWithin(t.${m.column}::geography, ${pt}::geography, ${args.meters}::float8) ${filter(args.where)}
            ORDER BY distance_meters, id LIMIT ${limit}::int`);
          return rows.map((r) => ({ id: r.id, distanceMeters: Number(r.distance_meters) }));
        },

        /** Metres on the geography from a point to each of the given rows (one query); missing ids are absent. */
        async distances<Id extends string | number = string>(this: unknown, args: { point: LngLat; ids: readonly Id[] }): Promise<Map<Id, number>> {
          const { m, db } = resolve(this);
          if (args.ids.length === 0) return new Map();
          const pt = pointSql(args.point);
          const rows = await db.$queryRaw<{ id: Id; d: number }[]>(sql`
            SELECT t.${m.key} AS id, ST_Distance(t.${m.column}::geography, ${pt}::geography) AS d
            FROM ${m.table} t WHERE t.${m.key} IN (${join(args.ids as Id[])}) AND t.${m.column} IS NOT NULL`);
          return new Map(rows.map((r) => [r.id, Number(r.d)]));
        },

        /** Ids of rows whose geometry covers the point (a point on the border counts). */
        async containing<Id = string>(this: unknown, args: { point: LngLat; where?: Sql }): Promise<Id[]> {
          const { m, db } = resolve(this);
          const pt = pointSql(args.point);
          const rows = await db.$queryRaw<{ id: Id }[]>(sql`
            SELECT t.${m.key} AS id FROM ${m.table} t
            WHERE ST_Covers(t.${m.column}, ${pt}) ${filter(args.where)} ORDER BY t.${m.key}`);
          return rows.map((r) => r.id);
        },

        /** Ids of rows whose geometry intersects a bbox or a GeoJSON geometry. */
        async intersecting<Id = string>(
          this: unknown,
          args: { bbox?: BBox; geometry?: Geometry; where?: Sql; limit?: number },
        ): Promise<Id[]> {
          const { m, db } = resolve(this);
          if (!args.bbox === !args.geometry) throw new PostgisInputError('INVALID_GEOMETRY', 'Give exactly one of bbox or geometry');
          const shape = args.bbox ? bboxSql(args.bbox) : geoJsonSql(args.geometry!);
          const limit = args.limit ?? 10_000;
          assertLimit(limit, 100_000);
          const rows = await db.$queryRaw<{ id: Id }[]>(sql`
            SELECT t.${m.key} AS id FROM ${m.table} t
            WHERE t.${m.column} && ${shape} AND ST_Intersects(t.${m.column}, ${shape}) ${filter(args.where)}
            ORDER BY t.${m.key} LIMIT ${limit}::int`);
          return rows.map((r) => r.id);
        },

        /**
         * Writes a row's geometry from GeoJSON. Invalid geometry is refused (PostgisInputError) unless
         * `makeValid` is set, in which case it is repaired with ST_MakeValid. Returns rows updated.
         */
        async setGeometry(this: unknown, args: { id: unknown; geometry: Geometry | null; makeValid?: boolean }): Promise<number> {
          const { m, db } = resolve(this);
          if (args.geometry === null) {
            return db.$executeRaw(sql`UPDATE ${m.table} SET ${m.column} = NULL WHERE ${m.key} = ${args.id}`);
          }
          const g = geoJsonSql(args.geometry);
          const [check] = await db.$queryRaw<{ valid: boolean; reason: string }[]>(
            sql`SELECT ST_IsValid(${g}) AS valid, ST_IsValidReason(${g}) AS reason`,
          ).catch((err: Error) => {
            throw new PostgisInputError('INVALID_GEOMETRY', `Not a readable GeoJSON geometry: ${err.message.split('\n')[0]}`);
          });
          if (!check!.valid && !args.makeValid) throw new PostgisInputError('INVALID_GEOMETRY', `Invalid geometry: ${check!.reason}`);
          const value = check!.valid ? g : sql`ST_MakeValid(${g})`;
          return db.$executeRaw(sql`UPDATE ${m.table} SET ${m.column} = ${value} WHERE ${m.key} = ${args.id}`);
        },

        /** GeoJSON geometries of the given ids (one query, any number of ids); missing or null ids are absent. */
        async getGeometries<Id extends string | number = string>(this: unknown, ids: readonly Id[]): Promise<Map<Id, Geometry>> {
          const { m, db } = resolve(this);
          if (ids.length === 0) return new Map();
          const rows = await db.$queryRaw<{ id: Id; geojson: Geometry | string }[]>(sql`
            SELECT t.${m.key} AS id, ST_AsGeoJSON(t.${m.column}, ${precision}::int)::json AS geojson
            FROM ${m.table} t WHERE t.${m.key} IN (${join(ids as Id[])}) AND t.${m.column} IS NOT NULL`);
          return new Map(rows.map((r) => [r.id, typeof r.geojson === 'string' ? JSON.parse(r.geojson) : r.geojson]));
        },
      },
    },
  });
}
