// Accent-, case- and typo-tolerant search over school names, today's wards, pre-2025 wards and districts, in
// PostgreSQL (unaccent + pg_trgm word similarity, GIN-indexed; see migration 0002), and over addresses: house
// numbers and streets through the deployment's geocoder (geocoder.ts; built-in: migration 0024). Parameterised only.
import { sql } from '@edugis/prisma-postgis';
import { limitCost } from '../cost.ts';
import { builder } from '../builder.ts';
import { prisma } from '../db.ts';
import { userError } from '../errors.ts';
import { checkLimit, checkPoint } from './geo-args.ts';
import { geocoder, parseAddress, type AddressHit } from '../geocoder.ts';
import { translator } from '../i18n.ts';

const SearchKind = builder.enumType('SearchKind', {
  values: {
    SCHOOL: { description: 'A school, by name.' },
    WARD: { description: 'A ward/commune of today.' },
    FORMER_WARD: { description: 'A pre-2025 ward, written with its district ("Phường 12, Quận 3"); `successors` are the wards it went into.' },
    FORMER_DISTRICT: { description: 'A pre-2025 district ("Quận 1", "Huyện Củ Chi"); `successors` are the wards its wards went into.' },
    ADDRESS: { description: 'A house: its number on its street, as the address data has it (`location` is the house).' },
    STREET: { description: 'A street\'s stretch in one ward (`location` is a point on it, `bbox` the stretch): an approximate location, said in `note`.' },
  } as const,
});

type Kind = 'SCHOOL' | 'WARD' | 'FORMER_WARD' | 'FORMER_DISTRICT' | 'ADDRESS' | 'STREET';
interface Hit {
  kind: Kind; id: string | null; label: string; context: string | null; score: number; provinceCode: string | null;
  bbox: number[] | null; location: { longitude: number; latitude: number } | null; note: string | null; approximate: boolean; source: string | null;
}
const Point = builder.objectRef<{ longitude: number; latitude: number }>('SearchPoint').implement({
  description: 'A WGS84 position (EPSG:4326).',
  fields: (t) => ({ longitude: t.exposeFloat('longitude'), latitude: t.exposeFloat('latitude') }),
});

const Hit = builder.objectRef<Hit>('SearchHit').implement({
  fields: (t) => ({
    kind: t.expose('kind', { type: SearchKind }),
    label: t.exposeString('label', { description: 'What matched, as written in the data.' }),
    context: t.exposeString('context', { nullable: true, description: 'Where it is: the ward of a school, the province of a ward.' }),
    score: t.exposeFloat('score', { description: 'Similarity 0–1 (a house found by its number a little over 1) after removing accents and case; results of the province in view (`near`) come first, then by score.' }),
    provinceCode: t.exposeString('provinceCode', { nullable: true, description: 'The province of the hit (2 digits).' }),
    location: t.field({ type: Point, nullable: true, description: 'Where to put the home for an ADDRESS or STREET hit.', resolve: (h) => h.location }),
    bbox: t.floatList({
      nullable: true, resolve: (h) => h.bbox,
      description: 'What to zoom the map to, [west, south, east, north]: a ward\'s extent; for a pre-2025 ward or district the extent of the wards it went into; a street\'s stretch.',
    }),
    note: t.exposeString('note', { nullable: true, description: 'For ADDRESS and STREET: what the point stands for, e.g. "Vị trí gần đúng: đường Lý Tự Trọng, phường Bến Thành".' }),
    approximate: t.exposeBoolean('approximate', { description: 'True when `location` is not the house itself (a street\'s stretch, a nearby number).' }),
    source: t.exposeString('source', { nullable: true, description: 'For ADDRESS and STREET: the attribution of the address data that answered.' }),
    school: t.prismaField({ type: 'School', nullable: true, resolve: (q, h) => (h.kind === 'SCHOOL' && h.id ? prisma().school.findUnique({ ...q, where: { id: h.id } }) : null) }),
    ward: t.prismaField({
      type: 'AdminUnit', nullable: true, description: 'The unit found (WARD, FORMER_WARD, FORMER_DISTRICT).',
      resolve: (q, h) => (UNIT_KINDS.has(h.kind) && h.id ? prisma().adminUnit.findUnique({ ...q, where: { id: h.id } }) : null),
    }),
    successors: t.prismaField({
      type: ['AdminUnit'],
      description: 'For a pre-2025 ward: today\'s wards it went into (wholly or partly); for a pre-2025 district: those of all its wards.',
      resolve: (q, h) => (h.kind === 'FORMER_WARD' && h.id ? prisma().adminUnit.findMany({ ...q, where: { predecessors: { some: { oldUnitId: h.id } } }, orderBy: { code: 'asc' } })
        : h.kind === 'FORMER_DISTRICT' && h.id ? prisma().adminUnit.findMany({ ...q, where: { predecessors: { some: { oldUnit: { parentId: h.id } } } }, orderBy: { code: 'asc' } })
        : []),
    }),
  }),
});

export const MAX_SEARCH_LENGTH = 200;
const UNIT_KINDS = new Set<Kind>(['WARD', 'FORMER_WARD', 'FORMER_DISTRICT']);
const fromAddress = (a: AddressHit): Hit => ({
  kind: a.kind, id: null, label: a.label, context: a.context, score: a.score, provinceCode: a.provinceCode, bbox: a.bbox,
  location: { longitude: a.longitude, latitude: a.latitude }, note: a.note, approximate: a.approximate, source: a.source,
});

builder.queryField('search', (t) =>
  t.field({
    type: [Hit],
    complexity: (args) => ({ field: 10, multiplier: limitCost(args.limit, 10, 50) }),
    description:
      'Finds schools, today\'s wards/communes and pre-2025 wards by name, ignoring accents and case and tolerating typos: "nguyen du" finds ' +
      '"Nguyễn Du", "tieu hoc ben thanh" finds "Trường Tiểu học Bến Thành", "Phường 12, Quận 3" finds that former ward and the wards it went into. ' +
      `Best matches first; \`limit\` 1–50 (default 10); text 1–${MAX_SEARCH_LENGTH} characters.`,
    args: {
      text: t.arg.string({ required: true }),
      limit: t.arg.int({ required: false, defaultValue: 10 }),
      near: t.arg.floatList({ required: false, description: 'The map\'s centre, [longitude, latitude]: hits in the province there come first.' }),
    },
    resolve: async (_root, args, ctx) => {
      const text = args.text.normalize('NFC').trim();
      if (!text) throw userError(ctx.lang, 'error.emptySearch');
      if (text.length > MAX_SEARCH_LENGTH) throw userError(ctx.lang, 'error.searchTooLong', { max: MAX_SEARCH_LENGTH });
      const limit = checkLimit(ctx.lang, args.limit ?? 10, 50);
      if (args.near && args.near.length !== 2) throw userError(ctx.lang, 'error.invalidPoint');
      const near = args.near ? checkPoint(ctx.lang, args.near[0]!, args.near[1]!) : null;
      const parsed = parseAddress(text);
      const [names, addresses, [inView]] = await Promise.all([
        searchNames(text, parsed.expanded, limit),
        geocoder().search({ text, parsed, lang: ctx.lang, limit }),
        near ? prisma().$queryRaw<{ code: string }[]>(sql`
          SELECT province_code AS code FROM admin_unit WHERE level = 'PROVINCE' AND valid_to IS NULL
            AND boundary && ST_SetSRID(ST_MakePoint(${near[0]}, ${near[1]}), 4326)
            AND ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(${near[0]}, ${near[1]}), 4326)) LIMIT 1`) : Promise.resolve([]),
      ]);
      const view = inView?.code ?? null;
      return [...names, ...addresses.map(fromAddress)]
        .sort((a, b) => Number(b.provinceCode === view) - Number(a.provinceCode === view) || b.score - a.score)
        .slice(0, limit);
    },
  }),
);

/** Schools by name, and units by name: today's wards, pre-2025 wards (with their district) and districts. */
async function searchNames(text: string, expanded: string, limit: number): Promise<Hit[]> {
  // The similarity threshold (0.5, typo-tolerant) is set on every connection: see SEARCH_SIMILARITY_THRESHOLD.
  // Each kind is read from its GiST trigram index as a nearest-neighbour scan on word-similarity distance
  // (<<->), which stops after `pool` rows however many names match (migration 0003); that small pool is
  // then ranked by word similarity, then whole-name similarity, so that "ben thanh" puts "Phường Bến Thành"
  // before "Trường Mầm non Bến Thành 10".
  // The folded text goes in as an expression of the parameter, not a joined column: a nearest-neighbour
  // index scan needs a constant on one side of <<->. Units are matched with abbreviations spelled out ("Q1" is
  // "quận 1", "P.12, Q.3" is "phường 12, quận 3").
  const pool = Math.max(limit * 3, 30);
  const q = sql`edugis_fold(${text})`;
  const u = sql`${expanded}::text`;
  const rows = await prisma().$queryRaw<(Hit & { w: number | null; s: number | null; e: number | null; n: number | null })[]>(sql`
    WITH schools AS (
      SELECT s.id, s.name, s.ward_id, 1 - (${q} <<-> edugis_fold(s.name)) AS score, similarity(${q}, edugis_fold(s.name)) AS whole
      FROM school s WHERE ${q} <% edugis_fold(s.name)
      ORDER BY ${q} <<-> edugis_fold(s.name) LIMIT ${pool}::int),
    units AS (
      SELECT a.id, a.level, a.valid_to, a.full_name, a.parent_id, a.province_code, a.boundary,
             1 - (${u} <<-> a.search_text) AS score, similarity(${u}, a.search_text) AS whole
      FROM admin_unit a WHERE ${u} <% a.search_text AND (a.level = 'WARD' OR a.level = 'DISTRICT' AND a.valid_to IS NOT NULL)
      ORDER BY ${u} <<-> a.search_text LIMIT ${pool}::int),
    hits AS (
      SELECT 'SCHOOL' AS kind, s.id, s.name AS label, w.full_name AS context, s.score, s.whole, w.province_code, NULL::geometry AS extent
      FROM schools s LEFT JOIN admin_unit w ON w.id = s.ward_id
      UNION ALL
      SELECT CASE WHEN u.valid_to IS NULL THEN 'WARD' WHEN u.level = 'WARD' THEN 'FORMER_WARD' ELSE 'FORMER_DISTRICT' END, u.id,
             CASE WHEN u.valid_to IS NULL OR u.level = 'DISTRICT' THEN u.full_name ELSE u.full_name || ', ' || d.full_name END,
             CASE WHEN u.valid_to IS NULL THEN d.full_name END,
             u.score, u.whole, u.province_code, u.boundary
      FROM units u LEFT JOIN admin_unit d ON d.id = u.parent_id),
    top AS (
      SELECT * FROM hits
      ORDER BY score DESC, whole DESC, CASE kind WHEN 'SCHOOL' THEN 0 WHEN 'WARD' THEN 1 WHEN 'FORMER_DISTRICT' THEN 2 ELSE 3 END, label
      LIMIT ${limit}::int)
    SELECT t.kind, t.id, t.label, t.context, t.score, t.province_code AS "provinceCode", ST_XMin(b.g) AS w, ST_YMin(b.g) AS s, ST_XMax(b.g) AS e, ST_YMax(b.g) AS n
    FROM top t
    -- What the map zooms to: a ward's own extent; for a pre-2025 unit (no boundary of its own) its successors'.
    LEFT JOIN LATERAL (SELECT CASE
        WHEN t.kind = 'WARD' THEN t.extent
        WHEN t.kind = 'FORMER_WARD' THEN (SELECT ST_Extent(n.boundary)::geometry FROM admin_unit_crosswalk c JOIN admin_unit n ON n.id = c.new_unit_id WHERE c.old_unit_id = t.id)
        WHEN t.kind = 'FORMER_DISTRICT' THEN (SELECT ST_Extent(n.boundary)::geometry FROM admin_unit o JOIN admin_unit_crosswalk c ON c.old_unit_id = o.id
                                              JOIN admin_unit n ON n.id = c.new_unit_id WHERE o.parent_id = t.id) END AS g) b ON true
    ORDER BY t.score DESC, t.whole DESC, CASE t.kind WHEN 'SCHOOL' THEN 0 WHEN 'WARD' THEN 1 WHEN 'FORMER_DISTRICT' THEN 2 ELSE 3 END, t.label`);
  return rows.map(({ w, s, e, n, ...r }) => ({
    ...r, score: Number(r.score), bbox: w === null || w === undefined ? null : [w, s!, e!, n!].map(Number), location: null, note: null, approximate: false, source: null,
  }));
}

builder.queryField('searchCoverage', (t) =>
  t.string({
    description: 'What search covers, in words (shown when a search finds nothing): names everywhere, and the provinces whose streets and house numbers are loaded, with their sources and dates.',
    resolve: async (_root, _args, ctx) => {
      const tr = translator(ctx.lang);
      const g = geocoder();
      if (g.id !== 'edugis') return tr('geocode.coverage', { streets: tr('geocode.coverageExternal', { service: g.id.replace(/^nominatim:/, '') }) });
      const rows = await prisma().$queryRaw<{ province: string; streets: number; houses: number; dates: string | null }[]>(sql`
        SELECT p.full_name AS province, count(*)::int AS streets,
               (SELECT count(*)::int FROM road_network_active a JOIN address_point x ON x.network_id = a.network_id WHERE a.province_code = n.province_code) AS houses,
               (SELECT string_agg(d, ', ' ORDER BY d) FROM (
                  SELECT 'OpenStreetMap ' || to_char(r.extract_date, 'YYYY-MM') AS d FROM road_network_active a JOIN road_network r ON r.id = a.network_id WHERE a.province_code = n.province_code
                  UNION ALL SELECT to_char(s.as_of, 'YYYY-MM') FROM street_set_active a JOIN street_set s ON s.id = a.set_id WHERE a.province_code = n.province_code AND s.as_of IS NOT NULL) x) AS dates
        FROM street_name n JOIN admin_unit p ON p.level = 'PROVINCE' AND p.valid_to IS NULL AND p.code = n.province_code
        GROUP BY n.province_code, p.full_name ORDER BY p.full_name`);
      const places = rows.map((r) => `${r.province} (${r.dates ?? ''})`).join(', ');
      return tr('geocode.coverage', { streets: rows.length ? tr('geocode.coverageStreets', { places }) : '' });
    },
  }),
);
