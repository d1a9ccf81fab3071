// Bulk geometry for the map over plain HTTP (GraphQL carries details, not bulk geometry):
// - ward boundaries as Mapbox vector tiles, cut and simplified per zoom by geojson-vt from one in-memory index
//   per province, so a view downloads only the wards it shows, at the detail its zoom needs (this works on the
//   embedded database too, which has no ST_AsMVT);
// - schools as GeoJSON points, for a province or a bounding box (the map asks for its view plus a margin).
// Built once per data generation (cache.ts): a ward redrawn or a result published is served at the next request,
// by every server process.
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import { sql, type Sql } from '@edugis/prisma-postgis';
import { cached } from './cache.ts';
import { prisma } from './db.ts';

/** Today's wards of a province, simplified (~11 m) for display, as a FeatureCollection string (the export). */
export function wardsGeoJson(provinceCode: string): Promise<string> {
  return cached(`geo:wards:${provinceCode}`, () => wardsCollection(provinceCode, 0.0001, 5), 'geometry');
}

async function wardsCollection(provinceCode: string, tolerance: number, digits: number): Promise<string> {
  const [row] = await prisma().$queryRaw<{ fc: string }[]>(sql`
    SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
      'type', 'Feature', 'id', u.code,
      'properties', json_build_object('code', u.code, 'name', u.full_name, 'nameEn', u.full_name_en, 'synthetic', u.is_synthetic),
      'geometry', ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(u.boundary, ${tolerance}::float8)), ${digits}::int)::json) ORDER BY u.code), '[]'::json))::text AS fc
    FROM admin_unit u
    WHERE u.level = 'WARD' AND u.valid_to IS NULL AND u.province_code = ${provinceCode} AND u.boundary IS NOT NULL`);
  return row!.fc;
}

export const TILE_MAX_ZOOM = 14;

/** One vector tile (layer "wards"; properties code, name, nameEn, synthetic) or null when it holds nothing. */
export async function wardsTile(provinceCode: string, z: number, x: number, y: number): Promise<Uint8Array | null> {
  const index = await cached(`geo:wards-vt:${provinceCode}`, async () => {
    const fc = JSON.parse(await wardsCollection(provinceCode, 0.00002, 6)) as GeoJSON.FeatureCollection;
    // Vector tile ids must be integers: the client promotes the `code` property to the feature id instead.
    for (const f of fc.features) delete f.id;
    return new GeoJSONVT(fc, { maxZoom: TILE_MAX_ZOOM, indexMaxZoom: 6, tolerance: 3, buffer: 64 });
  }, 'geometry');
  const tile = index.getTile(z, x, y);
  if (!tile || tile.features.length === 0) return null;
  return vtpbf.fromGeojsonVt({ wards: tile }, { version: 2 });
}

export type Bbox = [number, number, number, number];

/**
 * Schools as points with what the map styles and filters on: main level, ownership, synthetic, and `digital`
 * (the newest published QĐ 4725 result is Mức 2 or above; `maturitySynthetic` when that result is generated). For a province, or for a bounding box.
 */
export function schoolsGeoJson(where: { provinceCode: string } | { bbox: Bbox }): Promise<string> {
  const build = () => schoolsCollection('bbox' in where ? sql`ST_Intersects(s.location, ST_MakeEnvelope(${where.bbox[0]}::float8, ${where.bbox[1]}::float8, ${where.bbox[2]}::float8, ${where.bbox[3]}::float8, 4326))` : sql`w.province_code = ${where.provinceCode}`);
  // 'results': the digital flag follows publications, the points follow schools (both bump it).
  return 'bbox' in where ? build() : cached(`geo:schools:${where.provinceCode}`, build, 'results');
}

async function schoolsCollection(filter: Sql): Promise<string> {
  const [row] = await prisma().$queryRaw<{ fc: string }[]>(sql`
    SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
      'type', 'Feature',
      'properties', json_build_object('id', s.id, 'name', s.name,
        'level', CASE WHEN cardinality(s.levels) > 1 THEN 'MULTI' ELSE s.levels[1]::text END,
        'levels', s.levels, 'ownership', s.ownership, 'synthetic', s.is_synthetic,
        'digital', coalesce(m.overall_level <> 'LEVEL_1', false), 'maturitySynthetic', m.is_synthetic),
      'geometry', ST_AsGeoJSON(s.location, 5)::json) ORDER BY s.id), '[]'::json))::text AS fc
    FROM school s JOIN admin_unit w ON w.id = s.ward_id
    LEFT JOIN LATERAL (
      SELECT a.overall_level, a.is_synthetic FROM maturity_assessment a
      WHERE a.school_id = s.id AND a.status = 'PUBLISHED' ORDER BY a.school_year DESC, a.revision DESC LIMIT 1
    ) m ON true
    WHERE ${filter} AND s.location IS NOT NULL`);
  return row!.fc;
}
