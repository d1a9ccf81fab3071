// Import kind "osm-schools": the education objects of an OpenStreetMap extract (.osm.pbf, read with the maintained
// streaming reader osm-pbf-parser-node; no protobuf of our own). amenity=school, kindergarten and college nodes and
// ways (a way's point is the centroid of its outline) become school candidates; their level comes from
// `isced:level`, `school:level`, amenity=kindergarten or the Vietnamese name ("Mầm non", "Tiểu học", "THCS",
// "THPT", "GDTX"), and how it was inferred is kept with the school (source_ref). Each candidate is:
// - the same OSM object as a stored school (id osm-<type>-<id>, as the seed and earlier imports store them):
//   updated to what the extract says (CHANGE) when it came from an older extract, else UNCHANGED (kept);
// - a match: a stored school from another source with the same name nearby (one only): UNCHANGED, never
//   overwritten (a city's own data wins over OSM), listed with its distance;
// - ambiguous (several stored schools could be it), outside the province, or of no level EduGIS knows: SKIP, listed;
// - otherwise new (ADD), real (not synthetic), with OSM's attribution.
import { Readable } from 'node:stream';
import { sqltag as sql } from '@prisma/client/runtime/client';
import { OSMTransform } from 'osm-pbf-parser-node';
import { ImportFileError, type Issue } from './messages.ts';
import type { FileFormat, Upload } from './file.ts';
import { canonical, registerKind, type ImportContext, type ImportKind, type PlanItem, type SqlClient } from './pipeline.ts';
import { applySchools, checkSchoolsRevert, STORED, type SchoolState, type Stored } from './schools.ts';

export const OSM_ATTRIBUTION = '© OpenStreetMap contributors (ODbL 1.0, openstreetmap.org/copyright)';
const AMENITIES = new Set(['school', 'kindergarten', 'college']);
/** A stored school this near with the same name is the same school; with a similar name, this near. */
const SAME_NAME_METRES = 1000;
const SIMILAR_NAME_METRES = 300;

export interface OsmRow {
  row: number; osmType: 'node' | 'way'; osmId: number; name: string; levels: string[]; levelBy: string;
  lng: number; lat: number; address: string | null; phone: string | null; website: string | null; international: boolean;
  /** PRIVATE / PEOPLE_FOUNDED / PUBLIC when a tag or the name says so; UNKNOWN otherwise (OSM rarely tags it). */
  ownership: string; ownershipBy: string;
}

const OPERATOR_TYPE: Record<string, string> = { public: 'PUBLIC', government: 'PUBLIC', private: 'PRIVATE', private_non_profit: 'PRIVATE', community: 'PEOPLE_FOUNDED' };
/** The ownership a school's tags or name state, and what stated it. */
export function inferOwnership(tags: Record<string, string>, name: string): { ownership: string; by: string } {
  const op = OPERATOR_TYPE[(tags['operator:type'] ?? '').toLowerCase()];
  if (op) return { ownership: op, by: 'operator:type' };
  const w = words(name);
  if (/ (dan lap) /.test(w)) return { ownership: 'PEOPLE_FOUNDED', by: 'name' };
  if (/ (tu thuc|quoc te|international|song ngu|ban cong) /.test(w)) return { ownership: 'PRIVATE', by: 'name' };
  if (/ (cong lap) /.test(w)) return { ownership: 'PUBLIC', by: 'name' };
  return { ownership: 'UNKNOWN', by: '' };
}

/** Lower case, no accents, đ → d, anything else a single space: "Trường TH-THCS Đức Trí" → "truong th thcs duc tri". */
export const words = (s: string) => ` ${s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;

const NAME_LEVELS: [RegExp, string][] = [
  [/ (mam non|mau giao|nha tre|mn) /, 'PRESCHOOL'],
  [/ (tieu hoc|th) /, 'PRIMARY'],
  [/ (thcs|trung hoc co so|pho thong co so|ptcs) /, 'LOWER_SECONDARY'],
  [/ (thpt|trung hoc pho thong|pho thong trung hoc|ptth) /, 'UPPER_SECONDARY'],
  [/ (gdtx|giao duc thuong xuyen|ttgdtx) /, 'CONTINUING'],
  [/ (kindergarten|preschool|nursery school) /, 'PRESCHOOL'],
  [/ primary school /, 'PRIMARY'],
  [/ high school /, 'UPPER_SECONDARY'],
];
const ISCED: Record<string, string> = { 0: 'PRESCHOOL', 1: 'PRIMARY', 2: 'LOWER_SECONDARY', 3: 'UPPER_SECONDARY' };
const SCHOOL_LEVEL: Record<string, string[]> = {
  kindergarten: ['PRESCHOOL'], preschool: ['PRESCHOOL'], primary: ['PRIMARY'], lower_secondary: ['LOWER_SECONDARY'],
  upper_secondary: ['UPPER_SECONDARY'], secondary: ['LOWER_SECONDARY', 'UPPER_SECONDARY'],
};
const ORDER = ['PRESCHOOL', 'PRIMARY', 'LOWER_SECONDARY', 'UPPER_SECONDARY', 'CONTINUING'];
const sorted = (levels: Iterable<string>) => [...new Set(levels)].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));

/** The levels an OSM object teaches and what told us, or null when nothing does. */
export function inferLevels(tags: Record<string, string>): { levels: string[]; by: string } | null {
  const isced = (tags['isced:level'] ?? '').split(/[;,]/).flatMap((p) => {
    const m = /^\s*(\d)\s*(?:-\s*(\d))?\s*$/.exec(p);
    if (!m) return [];
    const to = Number(m[2] ?? m[1]);
    return Array.from({ length: Math.max(0, to - Number(m[1]) + 1) }, (_, i) => ISCED[Number(m[1]) + i]).filter((l): l is string => !!l);
  });
  if (isced.length) return { levels: sorted(isced), by: 'isced:level' };
  const school = (tags['school:level'] ?? tags['school'] ?? '').split(/[;,]/).flatMap((p) => SCHOOL_LEVEL[p.trim().toLowerCase()] ?? []);
  if (school.length) return { levels: sorted(school), by: 'school:level' };
  if (tags.amenity === 'kindergarten') return { levels: ['PRESCHOOL'], by: 'amenity=kindergarten' };
  const name = words(tags['name:vi'] ?? tags.name ?? '');
  const byName = NAME_LEVELS.filter(([re]) => re.test(name)).map(([, l]) => l);
  if (byName.length) return { levels: sorted(byName), by: 'name' };
  return null;
}

/** A school's name without "Trường", its levels or ownership words: what two sources agree on. */
const LEVEL_WORDS = / (truong|mam non|mau giao|nha tre|tieu hoc|trung hoc co so|trung hoc pho thong|pho thong|trung hoc|thcs|thpt|th|mn|gdtx|cong lap|tu thuc|dan lap|quoc te|lien cap|cap|va|school|primary|secondary|high|kindergarten) /g;
export const coreName = (name: string) => {
  let w = words(name);
  for (let i = 0; i < 3; i++) w = w.replace(LEVEL_WORDS, ' ');
  return w.trim().replace(/\s+/g, ' ');
};
const tokens = (s: string) => new Set(s.split(' ').filter(Boolean));
function similarity(a: string, b: string): number {
  const x = tokens(a);
  const y = tokens(b);
  if (!x.size || !y.size) return 0;
  let both = 0;
  for (const t of x) if (y.has(t)) both++;
  return both / (x.size + y.size - both);
}

/** The centroid of a closed outline (area-weighted), or the mean of its points for a line or a degenerate ring. */
function centroid(pts: [number, number][]): [number, number] | null {
  if (!pts.length) return null;
  let a = 0; let cx = 0; let cy = 0;
  for (let i = 0; i < pts.length - 1; i++) {
    const [x0, y0] = pts[i]!; const [x1, y1] = pts[i + 1]!;
    const f = x0 * y1 - x1 * y0;
    a += f; cx += (x0 + x1) * f; cy += (y0 + y1) * f;
  }
  if (Math.abs(a) > 1e-12) return [cx / (3 * a), cy / (3 * a)];
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}

/** Metres between two points (haversine). */
function metres(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const r = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * r) / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lng - a.lng) * r) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

export type OsmItem = { type: 'node' | 'way' | 'relation'; id: number; lat?: number; lon?: number; refs?: number[]; tags?: Record<string, string>; info?: { timestamp?: number } };

/**
 * The reader's stream, with its failures passed on as stream errors: the library throws from _transform (a damaged
 * zlib block, a bad header) and asserts in _flush (a truncated file), which would escape the stream otherwise.
 */
class SafeOsmTransform extends OSMTransform {
  override _transform(chunk: Buffer, encoding: BufferEncoding, next: (err?: Error | null) => void): void {
    try { super._transform(chunk, encoding, next); } catch (err) { next(err as Error); }
  }
  override _flush(done: (err?: Error | null) => void): void {
    try { super._flush(done); } catch (err) { done(err as Error); }
  }
}

/** Every element of a PBF, batch by batch (a malformed file is a badPbf error, not a crash). */
export async function* elements(bytes: Uint8Array, opts: ConstructorParameters<typeof OSMTransform>[0]): AsyncGenerator<OsmItem> {
  const stream = Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]).pipe(new SafeOsmTransform(opts));
  // pipe() does not forward errors from the source's end: the transform's own errors end the iteration below.
  stream.on('error', () => {});
  try {
    for await (const batch of stream as AsyncIterable<OsmItem[]>) for (const e of batch) if (e.type) yield e;
  } catch (err) {
    throw new ImportFileError({ key: 'badPbf', values: { detail: String((err as Error).message ?? err).slice(0, 120) } });
  }
}

const clip = (v: string | undefined, max: number) => (v ? v.normalize('NFC').trim().slice(0, max) || null : null);

async function read(upload: Upload, _format: FileFormat, ctx: ImportContext) {
  const warnings: Issue[] = [];
  const found: { e: OsmItem; row: number }[] = [];
  let newest = 0;
  let row = 0;
  // Pass 1: the education objects (and the newest edit, the extract's "as of" date).
  for await (const e of elements(upload.bytes, { withTags: true, withInfo: true })) {
    if (e.info?.timestamp && e.info.timestamp > newest) newest = e.info.timestamp;
    if (!e.tags || !AMENITIES.has(e.tags.amenity ?? '')) continue;
    row += 1;
    if (e.type === 'relation') { warnings.push({ key: 'osmRelation', row, values: { ref: `relation/${e.id}`, name: e.tags.name ?? '' } }); continue; }
    found.push({ e, row });
  }
  // Pass 2: the points of the ways' outlines.
  const wanted = new Set(found.flatMap(({ e }) => e.refs ?? []));
  const coords = new Map<number, [number, number]>();
  if (wanted.size) {
    for await (const e of elements(upload.bytes, { withTags: false })) {
      if (e.type === 'node' && wanted.has(e.id)) coords.set(e.id, [e.lon!, e.lat!]);
      else if (e.type !== 'node') break; // sorted files: nodes first
    }
  }
  const rows: OsmRow[] = [];
  for (const { e, row: r } of found) {
    const t = e.tags!;
    const ref = `${e.type}/${e.id}`;
    const name = clip(t['name:vi'] ?? t.name, 200);
    if (!name) { warnings.push({ key: 'osmNoName', row: r, values: { ref } }); continue; }
    const point = e.type === 'node' ? [e.lon!, e.lat!] as [number, number] : centroid((e.refs ?? []).flatMap((id) => (coords.has(id) ? [coords.get(id)!] : [])));
    if (!point) { warnings.push({ key: 'osmNoPoint', row: r, values: { ref, name } }); continue; }
    const inferred = inferLevels(t);
    const street = [t['addr:housenumber'], t['addr:street']].filter(Boolean).join(' ');
    const address = [street, t['addr:subdistrict'], t['addr:district'], t['addr:city']].filter(Boolean).join(', ');
    const website = clip(t.website ?? t['contact:website'], 300);
    const owner = inferOwnership(t, name);
    rows.push({
      ownership: owner.ownership, ownershipBy: owner.by,
      row: r, osmType: e.type as 'node' | 'way', osmId: e.id, name, levels: inferred?.levels ?? [], levelBy: inferred?.by ?? '',
      lng: Math.round(point[0] * 1e7) / 1e7, lat: Math.round(point[1] * 1e7) / 1e7, address: clip(address, 300),
      phone: clip(t.phone ?? t['contact:phone'], 40), website: website && /^https?:\/\//i.test(website) ? website : website ? `http://${website}` : null,
      international: / (quoc te|international) /.test(words(name)),
    });
  }
  if (!row) throw new ImportFileError({ key: 'osmNothing' });
  if (newest) {
    const date = new Date(newest).toISOString().slice(0, 10);
    ctx.options.extractDate = date; // recorded with the import and in its source's attribution
    warnings.unshift({ key: 'osmExtractDate', values: { date, n: rows.length } });
  }
  return { rows, errors: [], warnings };
}

const LABEL_BY: Record<string, string> = { 'isced:level': 'isced:level', 'school:level': 'school:level', 'amenity=kindergarten': 'amenity=kindergarten', name: 'name' };

async function plan(client: SqlClient, rows: OsmRow[], ctx: ImportContext) {
  const ids = rows.map((r) => `osm-${r.osmType}-${r.osmId}`);
  const same = new Map((await client.$queryRaw<Stored[]>(sql`SELECT ${STORED} FROM school s WHERE s.id = ANY (${ids}::text[])`)).map((s) => [s.state.id, s]));
  const pts = rows.map((r) => ({ row: r.row, lng: r.lng, lat: r.lat }));
  // Where each point is (inside the province; its ward) and which stored schools of other sources are near.
  const places = await client.$queryRaw<{ row: number; inside: boolean; ward_id: string | null; near: { id: string; name: string; levels: string[]; m: number }[] | null }[]>(sql`
    WITH pts AS (SELECT x.row, ST_SetSRID(ST_MakePoint(x.lng, x.lat), 4326) AS pt FROM jsonb_to_recordset(${JSON.stringify(pts)}::jsonb) AS x(row int, lng float8, lat float8)),
         prov AS (SELECT boundary FROM admin_unit WHERE id = ${ctx.province.id})
    SELECT pts.row, (w.province_code = ${ctx.province.code} OR coalesce(ST_Intersects(prov.boundary, pts.pt), false)) AS inside, w.id AS ward_id,
      (SELECT jsonb_agg(jsonb_build_object('id', s.id, 'name', s.name, 'levels', s.levels, 'm', round(ST_Distance(s.location::geography, pts.pt::geography))))
       FROM school s WHERE s.id NOT LIKE 'osm-%' AND NOT s.is_synthetic AND s.location IS NOT NULL
         AND s.location && ST_Expand(pts.pt, ${SAME_NAME_METRES / 100_000}) AND ST_DWithin(s.location::geography, pts.pt::geography, ${SAME_NAME_METRES})) AS near
    FROM pts CROSS JOIN prov
    LEFT JOIN LATERAL (SELECT u.id, u.province_code FROM admin_unit u
      WHERE u.level = 'WARD' AND u.valid_to IS NULL AND u.boundary IS NOT NULL AND ST_Intersects(u.boundary, pts.pt) ORDER BY u.id LIMIT 1) w ON true`);
  const placeOf = new Map(places.map((p) => [p.row, p]));
  // The extract each stored OSM school came from: only an older extract is updated by this one.
  const sources = [...new Set([...same.values()].map((s) => s.state.source_id))];
  const extractOf = new Map((await client.$queryRaw<{ source: string; date: string | null }[]>(sql`
    SELECT 'import-' || id AS source, options->>'extractDate' AS date FROM data_import WHERE 'import-' || id = ANY (${sources}::text[])`)).map((r) => [r.source, r.date]));
  const thisExtract = typeof ctx.options.extractDate === 'string' ? ctx.options.extractDate : null;
  const items: PlanItem<SchoolState, OsmRow>[] = [];
  const warnings: Issue[] = [];
  // One school mapped twice (a node and its building's outline): the same name and a shared level within 300 m.
  const seen = new Map<string, OsmRow[]>();
  for (const r of rows) {
    const id = `osm-${r.osmType}-${r.osmId}`;
    const ref = `openstreetmap.org/${r.osmType}/${r.osmId}`;
    const place = placeOf.get(r.row)!;
    const base = { key: id, label: r.name, row: r.row, data: r, lng: r.lng, lat: r.lat };
    const skip = (note: Issue) => items.push({ ...base, action: 'SKIP', before: null, after: null, note });
    if (!r.levels.length) { skip({ key: 'osmNoLevel', values: { name: r.name } }); continue; }
    if (!place.inside) { skip({ key: 'osmOutside', values: { name: r.name, province: ctx.province.name } }); continue; }
    const core = coreName(r.name);
    const twin = (seen.get(core) ?? []).find((o) => o.levels.some((l) => r.levels.includes(l)) && metres(o, r) <= SIMILAR_NAME_METRES);
    if (core && twin && !same.has(id)) { skip({ key: 'osmDuplicate', values: { name: r.name, ref: `${twin.osmType}/${twin.osmId}`, m: Math.round(metres(twin, r)) } }); continue; }
    if (core) seen.set(core, [...(seen.get(core) ?? []), r]);
    const stored = same.get(id);
    const next: SchoolState = {
      id, official_code: stored?.state.official_code ?? null, name: r.name, levels: r.levels,
      ownership: r.ownership !== 'UNKNOWN' ? r.ownership : (stored?.state.ownership ?? 'UNKNOWN'),
      is_international: r.international || !!stored?.state.is_international, address: r.address ?? stored?.state.address ?? null,
      ward_id: place.ward_id ?? stored?.state.ward_id ?? null, capacity: stored?.state.capacity ?? null, enrolment: stored?.state.enrolment ?? null,
      location_confidence: 'SURVEYED', is_synthetic: false, source_id: ctx.sourceId, source_ref: `${ref} (levels from ${LABEL_BY[r.levelBy]}${r.ownershipBy ? `; ownership from ${r.ownershipBy}` : ''})`,
      phone: r.phone ?? stored?.state.phone ?? null, website: r.website ?? stored?.state.website ?? null, lng: r.lng, lat: r.lat,
    };
    const levelNote: Issue = { key: 'osmLevelBy', values: { by: LABEL_BY[r.levelBy]!, levels: r.levels.join(', ') } };
    if (stored) {
      const fields = (['name', 'levels', 'ownership', 'address', 'ward_id', 'lng', 'lat', 'phone', 'website', 'is_international'] as const)
        .filter((f) => canonical(stored.state[f]) !== canonical(next[f])).map((f) => ({ field: f, before: stored.state[f], after: next[f] }));
      const storedExtract = extractOf.get(stored.state.source_id) ?? null;
      const older = !!storedExtract && !!thisExtract && storedExtract < thisExtract;
      if (fields.length && !older) {
        items.push({ ...base, action: 'UNCHANGED', before: null, after: null, note: { key: 'osmKept', values: { name: stored.state.name, date: storedExtract ?? '—' } } });
        continue;
      }
      items.push({ ...base, action: fields.length ? 'CHANGE' : 'UNCHANGED', before: stored.state, after: fields.length ? next : stored.state, fields, note: levelNote });
      continue;
    }
    // A stored school of another source: the same name within 1 km, or a similar one within 300 m, of a shared level.
    const near = (place.near ?? []).filter((s) => s.levels.some((l) => r.levels.includes(l)));
    const sameName = near.filter((s) => core && coreName(s.name) === core);
    const similar = near.filter((s) => s.m <= SIMILAR_NAME_METRES && similarity(coreName(s.name), core) >= 0.5);
    const candidates = sameName.length ? sameName : similar;
    if (candidates.length === 1) {
      const m = candidates[0]!;
      items.push({ ...base, key: m.id, action: 'UNCHANGED', before: null, after: null, note: { key: 'osmMatched', values: { name: m.name, m: m.m, ref } } });
      continue;
    }
    if (candidates.length > 1) {
      skip({ key: 'osmAmbiguous', values: { name: r.name, n: candidates.length, names: candidates.slice(0, 3).map((c) => `${c.name} (${c.m} m)`).join('; ') } });
      continue;
    }
    items.push({ ...base, action: 'ADD', before: null, after: next, note: levelNote });
  }
  return { items, errors: [], warnings };
}

export const osmSchoolsKind: ImportKind<OsmRow, SchoolState> = {
  id: 'osm-schools', formats: ['pbf'], read, plan, licence: 'ODbL-1.0',
  apply: (tx, items) => applySchools(tx, items.filter((i) => i.action !== 'UNCHANGED' && i.action !== 'SKIP')),
  checkRevert: checkSchoolsRevert,
  attribution: (rec) => `${OSM_ATTRIBUTION}${rec.options.extractDate ? `; extract as of ${String(rec.options.extractDate)}` : ''}`,
};
registerKind(osmSchoolsKind);
