// Bulk geometry for the map as GeoJSON over plain HTTP (GraphQL carries details, not bulk geometry).
// Built once per process and kept: the data only changes with a reseed, which restarts the server.
import { sql } from '@edugis/prisma-postgis';
import { prisma } from './db.ts';

const cache = new Map<string, Promise<string>>();

function cached(key: string, build: () => Promise<string>): Promise<string> {
  let hit = cache.get(key);
  if (!hit) {
    hit = build();
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

/** Today's wards of a province, simplified (~11 m) for display, as a FeatureCollection string. */
export function wardsGeoJson(provinceCode: string): Promise<string> {
  return cached(`wards:${provinceCode}`, async () => {
    const [row] = await prisma().$queryRaw<{ fc: string }[]>(sql`
      SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
        'type', 'Feature', 'id', u.code,
        'properties', json_build_object('code', u.code, 'name', u.full_name, 'nameEn', u.full_name_en, 'synthetic', u.is_synthetic),
        'geometry', ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(u.boundary, 0.0001)), 5)::json) ORDER BY u.code), '[]'::json))::text AS fc
      FROM admin_unit u
      WHERE u.level = 'WARD' AND u.valid_to IS NULL AND u.province_code = ${provinceCode} AND u.boundary IS NOT NULL`);
    return row!.fc;
  });
}

/** Schools of a province as points with what the map styles on (main level, ownership, synthetic). */
export function schoolsGeoJson(provinceCode: string): Promise<string> {
  return cached(`schools:${provinceCode}`, async () => {
    const [row] = await prisma().$queryRaw<{ fc: string }[]>(sql`
      SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
        'type', 'Feature', 'id', s.id,
        'properties', json_build_object('id', s.id, 'name', s.name,
          'level', CASE WHEN cardinality(s.levels) > 1 THEN 'MULTI' ELSE s.levels[1]::text END,
          'ownership', s.ownership, 'synthetic', s.is_synthetic),
        'geometry', ST_AsGeoJSON(s.location, 5)::json) ORDER BY s.id), '[]'::json))::text AS fc
      FROM school s JOIN admin_unit w ON w.id = s.ward_id
      WHERE w.province_code = ${provinceCode} AND s.location IS NOT NULL`);
    return row!.fc;
  });
}
