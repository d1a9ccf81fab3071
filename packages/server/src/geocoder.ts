// Address search: from what a parent types to a point on the map, and how sure it is. The built-in geocoder looks
// up the house numbers and streets the import pipeline loaded (migration 0024: the OSM extract's addresses with its
// roads, newer street files), in PostGIS, nothing leaving the machine. A deployer with a fresher source plugs in
// another by implementing `Geocoder`; `nominatimGeocoder` is one for any Nominatim-compatible /search URL
// (EDUGIS_GEOCODER_URL), used instead of the built-in street lookup when set.
import { sql } from '@edugis/prisma-postgis';
import { abbreviation, parseAddress, type ParsedAddress } from './address.ts';
import { prisma } from './db.ts';
import { translator, type Lang } from './i18n.ts';

export interface AddressHit {
  /** ADDRESS: the house itself; STREET: a point on the street's stretch in a ward (approximate). */
  kind: 'ADDRESS' | 'STREET';
  label: string;
  context: string | null;
  longitude: number;
  latitude: number;
  bbox: [number, number, number, number] | null;
  /** What the point stands for, in words: "vị trí gần đúng: đường Lý Tự Trọng, phường Bến Thành". */
  note: string;
  approximate: boolean;
  score: number;
  provinceCode: string | null;
  /** Where the answer came from (the street data's attribution). */
  source: string;
}

export interface GeocodeQuery { text: string; parsed: ParsedAddress; lang: Lang; limit: number }

/** What a deployment plugs in to turn typed addresses into points. */
export interface Geocoder {
  readonly id: string;
  search(q: GeocodeQuery): Promise<AddressHit[]>;
}

interface Street { province_code: string; key: string; name: string; sim: number }
interface Area { wards: string[]; label: string }

/** A street matches the typed one this well (trigram similarity) or better, or by its initials ("NTMK"). */
const STREET_SIMILARITY = 0.45;
const SCHOOL_WORDS = /^(truong|tieu hoc|thcs|thpt|trung hoc|mam non|mau giao|nha tre|th|mn|gdtx|lien cap) /;
/** Stretches shown for a street typed without a ward: the longest ones. */
const STRETCHES = 4;

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** "Phường Bến Thành" inside a Vietnamese sentence is "phường Bến Thành". */
const inSentence = (lang: Lang, ward: string | null) => (ward && lang === 'vi' ? ward.charAt(0).toLowerCase() + ward.slice(1) : ward ?? '');
const t = (lang: Lang, key: string, vars: Record<string, unknown> = {}) =>
  translator(lang)(key, { ...vars, ward: inSentence(lang, (vars.ward as string | null) ?? null) }) as string;

/** Today's wards an area of an address stands for: a ward of today, a pre-2025 ward or district (their successors). */
async function resolveAreas(areas: string[], province: string | null): Promise<Area | null> {
  if (!areas.length) return null;
  const rows = await prisma().$queryRaw<{ area: string; kind: string; unit: string; label: string; wards: string[] }[]>(sql`
    WITH a AS (SELECT area, ord FROM unnest(${areas}::text[]) WITH ORDINALITY AS x(area, ord)),
    units AS (
      SELECT a.area, a.ord, u.id, u.level, u.valid_to, u.parent_id, u.full_name
      FROM a CROSS JOIN LATERAL (
        SELECT id, level, valid_to, parent_id, full_name, province_code FROM admin_unit WHERE edugis_fold(full_name) = a.area
        UNION SELECT id, level, valid_to, parent_id, full_name, province_code FROM admin_unit WHERE edugis_fold(name) = a.area) u
      WHERE u.level IN ('WARD', 'DISTRICT') AND (${province}::text IS NULL OR u.province_code = ${province}::text))
    SELECT u.area, CASE WHEN u.valid_to IS NULL THEN 'WARD' WHEN u.level = 'WARD' THEN 'FORMER_WARD' ELSE 'FORMER_DISTRICT' END AS kind,
           u.id AS unit, u.full_name AS label,
           CASE WHEN u.valid_to IS NULL THEN ARRAY[u.id]
                WHEN u.level = 'WARD' THEN ARRAY(SELECT c.new_unit_id FROM admin_unit_crosswalk c WHERE c.old_unit_id = u.id)
                ELSE ARRAY(SELECT DISTINCT c.new_unit_id FROM admin_unit o JOIN admin_unit_crosswalk c ON c.old_unit_id = o.id WHERE o.parent_id = u.id) END AS wards
    FROM units u ORDER BY u.ord`);
  if (!rows.length) return null;
  // Each area is the union of what its name can mean; the address is where all its areas meet ("Phường 12" of
  // "Quận 3"), or the narrowest one when they do not (a typo in one of them).
  const sets = areas.map((a) => new Set(rows.filter((r) => r.area === a).flatMap((r) => r.wards))).filter((s) => s.size);
  let wards = [...sets[0]!].filter((w) => sets.every((s) => s.has(w)));
  if (!wards.length) wards = [...sets.reduce((a, b) => (b.size < a.size ? b : a))];
  const label = areas.map((a) => rows.find((r) => r.area === a)?.label).filter(Boolean).join(', ');
  return { wards, label };
}

async function matchStreets(street: string, province: string | null): Promise<Street[]> {
  const initials = abbreviation(street);
  const inProvince = sql`(${province}::text IS NULL OR province_code = ${province}::text)`;
  // The street as typed (folded), or names it begins ("nguyen thi minh" → Nguyễn Thị Minh Khai), or an abbreviation.
  const prefix = `${street.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  let rows = await prisma().$queryRaw<Street[]>(sql`
    SELECT province_code, key, name, sim FROM (
      (SELECT province_code, key, name, CASE WHEN key = ${street} THEN 1 ELSE similarity(key, ${street}) END AS sim, lines FROM street_name
       WHERE key LIKE ${prefix} AND ${inProvince} ORDER BY key = ${street} DESC, lines DESC LIMIT 12)
      UNION
      (SELECT province_code, key, name, 0.9 AS sim, lines FROM street_name
       WHERE initials = ${initials ?? ''} AND ${initials}::text IS NOT NULL AND ${inProvince} ORDER BY lines DESC LIMIT 3)
    ) s ORDER BY sim DESC, lines DESC, key`);
  // A typo: by trigram similarity.
  if (!rows.length) {
    rows = await prisma().$queryRaw<Street[]>(sql`
      SELECT province_code, key, name, similarity(key, ${street}) AS sim FROM street_name
      WHERE key % ${street} AND ${inProvince} ORDER BY sim DESC, lines DESC LIMIT 12`);
  }
  return rows.map((r) => ({ ...r, sim: Number(r.sim) })).filter((r) => r.sim >= STREET_SIMILARITY).slice(0, 3);
}

interface HouseRow { housenumber: string; street: string; lng: number; lat: number; ward: string | null; ward_id: string | null; source: string }
async function houses(s: Street, house: string, area: Area | null): Promise<HouseRow[]> {
  return prisma().$queryRaw<HouseRow[]>(sql`
    SELECT p.housenumber, p.street, ST_X(p.geom) AS lng, ST_Y(p.geom) AS lat, w.full_name AS ward, w.id AS ward_id, d.attribution AS source
    FROM road_network_active a
    JOIN road_network n ON n.id = a.network_id JOIN data_source d ON d.id = n.source_id
    JOIN address_point p ON p.network_id = a.network_id
    LEFT JOIN LATERAL (SELECT id, full_name FROM admin_unit w WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.boundary && p.geom
                       AND ST_Intersects(w.boundary, p.geom) LIMIT 1) w ON true
    WHERE a.province_code = ${s.province_code} AND edugis_street_key(p.street) = ${s.key} AND edugis_house_key(p.housenumber) = ${house}
      AND (${area?.wards ?? null}::text[] IS NULL OR w.id = ANY(${area?.wards ?? null}::text[]))
    ORDER BY p.osm_ref LIMIT 5`);
}

interface StretchRow { ward_id: string; ward: string; lng: number; lat: number; w: number; s: number; e: number; n: number; metres: number; source: string }
/**
 * The known house whose number is nearest the typed one on that street (the same side, odd or even, first), or
 * null: where an unknown number most likely is ("12" between the known 2 and 14).
 */
async function nearestNumber(s: Street, house: string, area: Area | null): Promise<[number, number] | null> {
  const want = Number(/^\d+/.exec(house)?.[0] ?? NaN);
  if (!Number.isFinite(want)) return null;
  const rows = await prisma().$queryRaw<{ n: number; lng: number; lat: number }[]>(sql`
    SELECT substring(p.housenumber from '^[0-9]+')::int AS n, ST_X(p.geom) AS lng, ST_Y(p.geom) AS lat
    FROM road_network_active a JOIN address_point p ON p.network_id = a.network_id
    WHERE a.province_code = ${s.province_code} AND edugis_street_key(p.street) = ${s.key} AND p.housenumber ~ '^[0-9]{1,5}'
      AND (${area?.wards ?? null}::text[] IS NULL OR EXISTS (
        SELECT 1 FROM admin_unit w WHERE w.id = ANY(${area?.wards ?? null}::text[]) AND w.boundary && p.geom AND ST_Intersects(w.boundary, p.geom)))`);
  const cost = (n: number) => Math.abs(n - want) + (n % 2 === want % 2 ? 0 : 1000);
  const best = rows.reduce<(typeof rows)[number] | null>((b, r) => (!b || cost(r.n) < cost(b.n) ? r : b), null);
  return best && Math.abs(best.n - want) <= 100 ? [Number(best.lng), Number(best.lat)] : null;
}

/**
 * The street's stretch in each ward it runs through (of the area when one is given), longest first; with `toward`
 * (a nearby known house), the stretch holding it first and its point the street's nearest to that house.
 */
async function stretches(s: Street, area: Area | null, limit: number, toward: [number, number] | null = null): Promise<StretchRow[]> {
  const to = toward ? sql`ST_SetSRID(ST_MakePoint(${toward[0]}, ${toward[1]}), 4326)` : sql`NULL::geometry`;
  return prisma().$queryRaw<StretchRow[]>(sql`
    WITH lines AS (
      SELECT w.geom, d.attribution AS source FROM road_network_active a
      JOIN road_network n ON n.id = a.network_id JOIN data_source d ON d.id = n.source_id
      JOIN road_way w ON w.network_id = a.network_id
      WHERE a.province_code = ${s.province_code} AND w.name IS NOT NULL AND edugis_street_key(w.name) = ${s.key}
      UNION ALL
      SELECT l.geom, d.attribution FROM street_set_active a
      JOIN street_set t ON t.id = a.set_id JOIN data_source d ON d.id = t.source_id
      JOIN street_line l ON l.set_id = a.set_id
      WHERE a.province_code = ${s.province_code} AND edugis_street_key(l.name) = ${s.key}),
    box AS (SELECT ST_SetSRID(ST_Extent(geom), 4326) AS b FROM lines),
    parts AS (
      SELECT u.id, u.full_name, ST_CollectionExtract(ST_Intersection(ST_Collect(l.geom), u.boundary), 2) AS g, string_agg(DISTINCT l.source, '; ') AS source
      FROM box, admin_unit u JOIN lines l ON l.geom && u.boundary
      WHERE u.level = 'WARD' AND u.valid_to IS NULL AND u.province_code = ${s.province_code} AND u.boundary && box.b
        AND (${area?.wards ?? null}::text[] IS NULL OR u.id = ANY(${area?.wards ?? null}::text[]))
      GROUP BY u.id, u.full_name, u.boundary)
    SELECT id AS ward_id, full_name AS ward, ST_X(pt) AS lng, ST_Y(pt) AS lat,
           ST_XMin(g) AS w, ST_YMin(g) AS s, ST_XMax(g) AS e, ST_YMax(g) AS n, ST_Length(g::geography) AS metres, source
    FROM parts, LATERAL (SELECT ${to} AS toward) t,
         LATERAL (SELECT ST_ClosestPoint(g, CASE WHEN ST_DWithin(g, t.toward, 0.002) THEN t.toward ELSE ST_Centroid(g) END) AS pt) p
    WHERE NOT ST_IsEmpty(g)
    ORDER BY coalesce(ST_Distance(g, t.toward), 0), metres DESC LIMIT ${limit}::int`);
}

export const builtinGeocoder: Geocoder = {
  id: 'edugis',
  async search({ parsed, lang, limit }) {
    const { street, house } = parsed;
    // A school's name ("tieu hoc ben thanh", "truong thcs …") is not a street: the name search answers it.
    if (!street || street.length < 2 || SCHOOL_WORDS.test(street)) return [];
    const [area, streets] = await Promise.all([resolveAreas(parsed.areas, parsed.province), matchStreets(street, parsed.province)]);
    // The few candidate streets are looked up side by side (one connection each from the pool; queued on PGlite).
    const per = await Promise.all(streets.map(async (s): Promise<AddressHit[]> => {
      const out: AddressHit[] = [];
      const areaScore = parsed.areas.length && !area ? 0.9 : 1;
      if (house) {
        // The number as written, else the house it is an alley of ("18/5" → 18): still a house, said so.
        const base = house.split(/[/-]/)[0]!;
        let found = await houses(s, house, area);
        let near = false;
        if (!found.length && base !== house) { found = await houses(s, base, area); near = found.length > 0; }
        // The same number twice in one ward (a shop and its building both tagged) is one answer.
        const seen = new Set<string>();
        found = found.filter((h) => !seen.has(`${h.housenumber}|${h.ward_id}`) && !!seen.add(`${h.housenumber}|${h.ward_id}`));
        for (const h of found) {
          const label = `${near ? base : h.housenumber} ${s.name}`;
          out.push({
            kind: 'ADDRESS', label, context: h.ward, longitude: Number(h.lng), latitude: Number(h.lat), bbox: null,
            note: near ? t(lang, 'geocode.nearHouse', { house, base: label, ward: h.ward ?? '' }) : t(lang, 'geocode.house', { address: label, ward: h.ward ?? '' }),
            approximate: near, score: (near ? 1.05 : 1.1) * s.sim * areaScore, provinceCode: s.province_code, source: h.source,
          });
        }
        if (found.length) return out;
      }
      const toward = house ? await nearestNumber(s, house, area) : null;
      for (const r of await stretches(s, area, area ? 2 : STRETCHES, toward)) {
        out.push({
          kind: 'STREET', label: s.name, context: r.ward, longitude: Number(r.lng), latitude: Number(r.lat),
          bbox: [Number(r.w), Number(r.s), Number(r.e), Number(r.n)],
          note: t(lang, house ? 'geocode.stretchNoHouse' : 'geocode.stretch', { street: s.name, ward: r.ward, house: house ?? '' }),
          approximate: true, score: s.sim * areaScore * (house ? 0.98 : 0.97), provinceCode: s.province_code, source: r.source,
        });
      }
      return out;
    }));
    const out = per.flat();
    // Two OSM sets name OSM twice: "© OpenStreetMap contributors (…); extract as of 2018-01-01; streets as of 2025-11-26".
    const source = (s: string) => [...new Set(s.split('; '))].join('; ');
    return out.sort((a, b) => b.score - a.score).slice(0, limit).map((h) => ({ ...h, note: upperFirst(h.note), source: source(h.source) }));
  },
};

/**
 * A Nominatim-compatible geocoder (OSM's own, a self-hosted Nominatim, Photon's /search shim…): GET
 * `<url>?q=…&format=jsonv2&addressdetails=1&countrycodes=vn&limit=…`, its answers mapped to ADDRESS (it named a
 * house number) or STREET hits. Respect the service's usage policy: a public instance needs a User-Agent and at
 * most one request a second, so deploy it behind the API's rate limits or host your own.
 */
export function nominatimGeocoder(url: string, opts: { userAgent?: string; timeoutMs?: number; attribution?: string } = {}): Geocoder {
  const base = new URL(url);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error(`EDUGIS_GEOCODER_URL must be http(s): ${url}`);
  return {
    id: `nominatim:${base.host}`,
    async search({ text, lang, limit }) {
      const u = new URL(base);
      u.search = new URLSearchParams({ q: text, format: 'jsonv2', addressdetails: '1', countrycodes: 'vn', limit: String(limit), 'accept-language': lang }).toString();
      const res = await fetch(u, { headers: { 'User-Agent': opts.userAgent ?? 'EduGIS (https://github.com/edugis)', Accept: 'application/json' }, signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
      if (!res.ok) throw new Error(`geocoder answered ${res.status}`);
      const body = (await res.json()) as { lat: string; lon: string; display_name: string; boundingbox?: string[]; address?: Record<string, string>; importance?: number }[];
      if (!Array.isArray(body)) throw new Error('geocoder answer is not a list');
      return body.slice(0, limit).flatMap((r) => {
        const lng = Number(r.lon); const lat = Number(r.lat);
        if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) return [];
        const a = r.address ?? {};
        const road = a.road ?? a.pedestrian ?? a.footway ?? '';
        const house = a.house_number;
        const ward = a.quarter ?? a.suburb ?? a.city_district ?? a.village ?? null;
        const bb = (r.boundingbox ?? []).map(Number);
        const label = house && road ? `${house} ${road}` : road || r.display_name.split(',')[0]!;
        return [{
          kind: house ? 'ADDRESS' as const : 'STREET' as const, label, context: ward, longitude: lng, latitude: lat,
          bbox: bb.length === 4 && bb.every(Number.isFinite) ? [bb[2]!, bb[0]!, bb[3]!, bb[1]!] as [number, number, number, number] : null,
          note: upperFirst(house ? t(lang, 'geocode.house', { address: label, ward: ward ?? '' }) : t(lang, 'geocode.stretch', { street: road || label, ward: ward ?? '' })),
          approximate: !house, score: 0.5 + Math.min(0.5, Number(r.importance ?? 0)), provinceCode: null,
          source: opts.attribution ?? `${base.host} (Nominatim; © OpenStreetMap contributors, ODbL)`,
        }];
      });
    },
  };
}

let configured: Geocoder | null = null;
/** The deployment's geocoder: EDUGIS_GEOCODER_URL's Nominatim-compatible service, else the built-in one. */
export function geocoder(): Geocoder {
  if (!configured) configured = process.env.EDUGIS_GEOCODER_URL ? nominatimGeocoder(process.env.EDUGIS_GEOCODER_URL) : builtinGeocoder;
  return configured;
}
export function setGeocoder(g: Geocoder | null): void { configured = g; }
export { parseAddress };
