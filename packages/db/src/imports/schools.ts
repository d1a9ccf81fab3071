// Import kind "schools": a table (CSV, XLSX) from the template in the README, or GeoJSON points with the same
// properties. Rows are matched to stored schools by official code, else by EduGIS id; the ward is where the point
// is (as the database's trigger computes it), else the ward code given.
import { createHash } from 'node:crypto';
import { sqltag as sql } from '@prisma/client/runtime/client';
import { fold, mapColumns, readTable, decodeText, MAX_IMPORT_ROWS, type ColumnSpec, type FileFormat, type Upload } from './file.ts';
import { ImportFileError, type Issue } from './messages.ts';
import { BULK_ROWS, canonical, inSlices, registerKind, type ImportContext, type ImportKind, type PlanItem, type SqlClient } from './pipeline.ts';

type Column = 'id' | 'officialCode' | 'name' | 'levels' | 'ownership' | 'address' | 'wardCode' | 'lng' | 'lat' | 'capacity' | 'enrolment' | 'phone' | 'website';

/** The template's columns: the first name is the one the template uses; every name is matched without accents or case. */
export const SCHOOL_COLUMNS: readonly ColumnSpec<Column>[] = [
  { key: 'officialCode', names: ['Mã trường', 'ma_truong', 'official_code', 'school code', 'code'] },
  { key: 'id', names: ['Mã EduGIS', 'edugis_id'] },
  { key: 'name', names: ['Tên trường', 'ten_truong', 'name', 'school name'], required: true },
  { key: 'levels', names: ['Cấp học', 'cap_hoc', 'levels', 'level'], required: true },
  { key: 'ownership', names: ['Loại hình', 'loai_hinh', 'ownership'] },
  { key: 'address', names: ['Địa chỉ', 'dia_chi', 'address'] },
  { key: 'wardCode', names: ['Mã phường/xã', 'mã xã', 'mã phường', 'ma_xa', 'ward_code', 'ward code'] },
  { key: 'lng', names: ['Kinh độ', 'kinh_do', 'longitude', 'lng', 'lon'] },
  { key: 'lat', names: ['Vĩ độ', 'vi_do', 'latitude', 'lat'] },
  { key: 'capacity', names: ['Sức chứa', 'quy mô', 'suc_chua', 'capacity'] },
  { key: 'enrolment', names: ['Số học sinh', 'sĩ số', 'so_hoc_sinh', 'enrolment', 'enrollment', 'students'] },
  { key: 'phone', names: ['Điện thoại', 'số điện thoại', 'dien_thoai', 'phone'] },
  { key: 'website', names: ['Trang web', 'website', 'web'] },
];
const label = (k: Column) => SCHOOL_COLUMNS.find((c) => c.key === k)!.names[0]!;

/** A validated row. A key that is absent means "the file has no such column: keep what is stored". */
export interface SchoolRow {
  row: number;
  id?: string;
  officialCode?: string;
  name: string;
  levels: string[];
  ownership?: string;
  address?: string | null;
  wardCode?: string | null;
  lng?: number | null;
  lat?: number | null;
  capacity?: number | null;
  enrolment?: number | null;
  phone?: string | null;
  website?: string | null;
}

/** A school as stored (edugis_school_json in migration 0014). */
export interface SchoolState {
  id: string; official_code: string | null; name: string; levels: string[]; ownership: string; is_international: boolean;
  address: string | null; ward_id: string | null; capacity: number | null; enrolment: number | null; location_confidence: string;
  is_synthetic: boolean; source_id: string; source_ref: string | null; phone: string | null; website: string | null;
  lng: number | null; lat: number | null;
}

const LEVEL_WORDS: Record<string, string> = {
  mamnon: 'PRESCHOOL', mn: 'PRESCHOOL', mau: 'PRESCHOOL', maugiao: 'PRESCHOOL', nhatre: 'PRESCHOOL', preschool: 'PRESCHOOL', kindergarten: 'PRESCHOOL',
  tieuhoc: 'PRIMARY', th: 'PRIMARY', primary: 'PRIMARY',
  thcs: 'LOWER_SECONDARY', trunghoccoso: 'LOWER_SECONDARY', lowersecondary: 'LOWER_SECONDARY',
  thpt: 'UPPER_SECONDARY', trunghocphothong: 'UPPER_SECONDARY', uppersecondary: 'UPPER_SECONDARY',
  gdtx: 'CONTINUING', gdnn: 'CONTINUING', gdnngdtx: 'CONTINUING', continuing: 'CONTINUING', giaoducthuongxuyen: 'CONTINUING',
};
const LEVEL_ORDER = ['PRESCHOOL', 'PRIMARY', 'LOWER_SECONDARY', 'UPPER_SECONDARY', 'CONTINUING'];
const OWNERSHIP_WORDS: Record<string, string> = {
  conglap: 'PUBLIC', public: 'PUBLIC', cl: 'PUBLIC', tuthuc: 'PRIVATE', private: 'PRIVATE', tt: 'PRIVATE', danlap: 'PEOPLE_FOUNDED',
  peoplefounded: 'PEOPLE_FOUNDED', dl: 'PEOPLE_FOUNDED', unknown: 'UNKNOWN', khongro: 'UNKNOWN',
};
const MAX_COUNT = 100_000;
const MAX_TEXT: Partial<Record<Column, number>> = { name: 200, address: 300, officialCode: 40, id: 80, phone: 40, website: 300 };

/** "1.200" and "1 200" are 1200 (Vietnamese thousands); "106,7" is 106.7 (a decimal comma). */
function number(text: string, integer: boolean): number | null {
  let t = text.replace(/\s/g, '');
  if (integer && /^\d{1,3}([.,]\d{3})+$/.test(t)) t = t.replace(/[.,]/g, '');
  else if (/^-?\d+,\d+$/.test(t)) t = t.replace(',', '.');
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return null;
  return Number(t);
}

/** Checks one record (cells by column) and returns the row, or adds its errors. */
function checkRow(row: number, get: (k: Column) => string | undefined, errors: Issue[], warnings: Issue[]): SchoolRow | null {
  const before = errors.length;
  const text = (k: Column): string | null | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    const t = v.normalize('NFC').trim();
    if (t.length > (MAX_TEXT[k] ?? 300)) errors.push({ key: 'tooLong', row, column: label(k), values: { max: MAX_TEXT[k] ?? 300 } });
    return t === '' ? null : t;
  };
  const r: SchoolRow = { row, name: '', levels: [] };
  const name = text('name');
  if (!name) errors.push({ key: 'required', row, column: label('name') });
  else r.name = name;
  const code = text('officialCode');
  const id = text('id');
  if (code) r.officialCode = code;
  if (id) r.id = id;
  if (!code && !id) errors.push({ key: 'required', row, column: label('officialCode') });
  const levels = text('levels');
  if (!levels) errors.push({ key: 'required', row, column: label('levels') });
  else {
    const found = new Set<string>();
    for (const part of levels.split(/[;,/+|]|\s-\s|-(?=[A-ZĐa-zđ])/)) {
      const w = fold(part).replace(/^truong/, '');
      if (!w) continue;
      const level = LEVEL_WORDS[w] ?? LEVEL_ORDER.find((l) => fold(l) === w);
      if (!level) errors.push({ key: 'unknownLevel', row, values: { value: part.trim().slice(0, 40) } });
      else found.add(level);
    }
    r.levels = LEVEL_ORDER.filter((l) => found.has(l));
  }
  const ownership = text('ownership');
  if (ownership !== undefined) {
    const w = fold(ownership ?? 'unknown');
    const o = OWNERSHIP_WORDS[w] ?? ['PUBLIC', 'PRIVATE', 'PEOPLE_FOUNDED', 'UNKNOWN'].find((x) => fold(x) === w);
    if (!o) errors.push({ key: 'unknownOwnership', row, values: { value: (ownership ?? '').slice(0, 40) } });
    else r.ownership = o;
  }
  for (const k of ['address', 'phone'] as const) {
    const v = text(k);
    if (v !== undefined) r[k] = v;
  }
  const website = text('website');
  if (website !== undefined) {
    if (website === null) r.website = null;
    else {
      let url: URL | null = null;
      try { url = new URL(/^[a-z]+:\/\//i.test(website) ? website : `https://${website}`); } catch { /* reported below */ }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname.includes('.')) errors.push({ key: 'badUrl', row, values: { value: website.slice(0, 80) } });
      else r.website = url.href;
    }
  }
  const ward = text('wardCode');
  if (ward !== undefined) r.wardCode = ward === null ? null : ward.padStart(5, '0');
  for (const k of ['capacity', 'enrolment'] as const) {
    const v = text(k);
    if (v === undefined) continue;
    if (v === null) { r[k] = null; continue; }
    const n = number(v, true);
    if (n === null || !Number.isInteger(n) || n < 0 || n > MAX_COUNT) errors.push({ key: 'notCount', row, column: label(k), values: { max: MAX_COUNT } });
    else r[k] = n;
  }
  if (r.capacity != null && r.enrolment != null && r.enrolment > r.capacity) {
    warnings.push({ key: 'enrolmentOverCapacity', row, values: { enrolment: r.enrolment, capacity: r.capacity } });
  }
  const lngText = text('lng');
  const latText = text('lat');
  if (lngText !== undefined || latText !== undefined) {
    if (!lngText && !latText) { r.lng = null; r.lat = null; }
    else if (!lngText || !latText) errors.push({ key: 'coordinatesMissing', row });
    else {
      const lng = number(lngText, false);
      const lat = number(latText, false);
      if (lng === null) errors.push({ key: 'notNumber', row, column: label('lng'), values: { value: lngText.slice(0, 30) } });
      else if (lat === null) errors.push({ key: 'notNumber', row, column: label('lat'), values: { value: latText.slice(0, 30) } });
      else {
        const issue = coordinateIssue(lng, lat);
        if (issue) errors.push({ key: issue, row, values: { lng, lat } });
        else { r.lng = Math.round(lng * 1e7) / 1e7; r.lat = Math.round(lat * 1e7) / 1e7; }
      }
    }
  }
  return errors.length === before ? r : null;
}

/** Swapped or projected coordinates, told apart from plain wrong ones (EduGIS serves Vietnam: lon 102–110, lat 8–24). */
export function coordinateIssue(lng: number, lat: number): 'coordinatesSwapped' | 'coordinatesProjected' | 'coordinatesRange' | null {
  if (Math.abs(lng) > 1000 || Math.abs(lat) > 1000) return 'coordinatesProjected';
  if (lat >= 100 && lat <= 112 && lng >= 7 && lng <= 25) return 'coordinatesSwapped';
  if (Math.abs(lng) > 180 || Math.abs(lat) > 90) return 'coordinatesRange';
  return null;
}

interface Feature { type?: string; geometry?: { type?: string; coordinates?: unknown } | null; properties?: Record<string, unknown> | null }

/** GeoJSON features as records; a school mapped as an area becomes its centre (reported). */
function readGeojson(bytes: Uint8Array, errors: Issue[], warnings: Issue[]): SchoolRow[] {
  const { text, warnings: w } = decodeText(bytes);
  warnings.push(...w);
  let doc: { type?: string; features?: Feature[] };
  try { doc = JSON.parse(text) as typeof doc; } catch (err) {
    throw new ImportFileError({ key: 'badGeojson', values: { detail: String((err as Error).message).slice(0, 120) } });
  }
  const features = doc?.type === 'FeatureCollection' && Array.isArray(doc.features) ? doc.features : doc?.type === 'Feature' ? [doc as Feature] : null;
  if (!features) throw new ImportFileError({ key: 'badGeojson', values: { detail: 'expected a FeatureCollection' } });
  if (!features.length) throw new ImportFileError({ key: 'empty' });
  if (features.length > MAX_IMPORT_ROWS) throw new ImportFileError({ key: 'tooManyRows', values: { n: features.length, max: MAX_IMPORT_ROWS } });
  const names = new Map<string, Column>();
  for (const c of SCHOOL_COLUMNS) for (const n of [c.key, ...c.names]) names.set(fold(n), c.key);
  const rows: SchoolRow[] = [];
  features.forEach((f, i) => {
    const row = i + 1;
    const props = new Map<Column, string>();
    for (const [k, v] of Object.entries(f?.properties ?? {})) {
      const key = names.get(fold(k));
      if (key && v !== null && v !== undefined) props.set(key, Array.isArray(v) ? v.join(';') : String(v));
    }
    const point = pointOf(f?.geometry, row, errors, warnings);
    if (point === undefined) return;
    if (point) { props.set('lng', String(point[0])); props.set('lat', String(point[1])); }
    const r = checkRow(row, (k) => props.get(k), errors, warnings);
    if (r) rows.push(r);
  });
  return rows;
}

function pointOf(g: Feature['geometry'], row: number, errors: Issue[], warnings: Issue[]): [number, number] | null | undefined {
  if (!g) return null;
  const c = g.coordinates;
  const isPos = (p: unknown): p is [number, number] => Array.isArray(p) && p.length >= 2 && p.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (g.type === 'Point' && isPos(c)) return [c[0], c[1]];
  if (g.type === 'MultiPoint' && Array.isArray(c) && c.length === 1 && isPos(c[0])) return [c[0][0], c[0][1]];
  const ring = g.type === 'Polygon' && Array.isArray(c) ? c[0] : g.type === 'MultiPolygon' && Array.isArray(c) && Array.isArray(c[0]) ? (c[0] as unknown[])[0] : null;
  if (Array.isArray(ring) && ring.length >= 3 && ring.every(isPos)) {
    const pts = ring as [number, number][];
    warnings.push({ key: 'geometryRepaired', row, values: { detail: `${g.type} → Point` } });
    return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
  }
  errors.push({ key: 'notPoint', row, values: { type: String(g.type ?? 'null').slice(0, 30) } });
  return undefined;
}

async function read(upload: Upload, format: FileFormat): Promise<{ rows: SchoolRow[]; errors: Issue[]; warnings: Issue[] }> {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  if (format === 'geojson') return { rows: readGeojson(upload.bytes, errors, warnings), errors, warnings };
  const { table, warnings: w } = await readTable(upload, format);
  warnings.push(...w);
  const columns = mapColumns(table.header, SCHOOL_COLUMNS);
  const rows: SchoolRow[] = [];
  for (const { row, cells } of table.rows) {
    const r = checkRow(row, (k) => (columns.has(k) ? cells[columns.get(k)!] ?? '' : undefined), errors, warnings);
    if (r) rows.push(r);
  }
  // Two rows with one code would each overwrite the other.
  const first = new Map<string, number>();
  for (const r of rows) {
    const key = r.officialCode ?? `id:${r.id}`;
    const seen = first.get(key);
    if (seen !== undefined) errors.push({ key: 'duplicateCode', row: r.row, values: { code: r.officialCode ?? r.id!, first: seen } });
    else first.set(key, r.row);
  }
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { rows, errors, warnings };
}

const FIELDS = ['official_code', 'name', 'levels', 'ownership', 'address', 'ward_id', 'lng', 'lat', 'capacity', 'enrolment', 'phone', 'website', 'is_synthetic'] as const;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
/** Deterministic id of a new school: the same code in the same province gets the same id on every import. */
const newSchoolId = (ctx: ImportContext, code: string) => `s-${ctx.province.code}-${createHash('sha256').update(`${ctx.province.code}:${code}`).digest('hex').slice(0, 12)}`;

export interface Stored { state: SchoolState; has_results: boolean; has_accounts: boolean }
/** A stored school's state and what depends on it (for `FROM school s`). */
export const STORED = sql`edugis_school_json(s) AS state,
  EXISTS (SELECT 1 FROM maturity_assessment a WHERE a.school_id = s.id) AS has_results,
  EXISTS (SELECT 1 FROM app_user u WHERE u.school_id = s.id) AS has_accounts`;

async function plan(client: SqlClient, rows: SchoolRow[], ctx: ImportContext) {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const codes = rows.flatMap((r) => (r.officialCode ? [r.officialCode] : []));
  const ids = rows.flatMap((r) => (r.id && !r.officialCode ? [r.id] : []));
  const stored = await client.$queryRaw<Stored[]>(sql`
    SELECT ${STORED} FROM school s WHERE s.official_code = ANY (${codes}::text[]) OR s.id = ANY (${ids}::text[])`);
  const byCode = new Map(stored.filter((s) => s.state.official_code).map((s) => [s.state.official_code!, s]));
  const byId = new Map(stored.map((s) => [s.state.id, s]));
  const wardCodes = [...new Set(rows.flatMap((r) => (r.wardCode ? [r.wardCode] : [])))];
  const wards = await client.$queryRaw<{ id: string; code: string; name: string; province_code: string }[]>(sql`
    SELECT id, code, full_name AS name, province_code FROM admin_unit
    WHERE level = 'WARD' AND valid_to IS NULL AND code = ANY (${wardCodes}::text[])`);
  const wardByCode = new Map(wards.map((w) => [w.code, w]));
  const located = rows.filter((r) => r.lng != null && r.lat != null).map((r) => ({ row: r.row, lng: r.lng, lat: r.lat }));
  // Where each point is: inside the province (its outline, or one of its wards: the two sources' edges differ by
  // up to a few hundred metres on the coast)? In which current ward (the same rule as the trigger school_ward)?
  const places = await client.$queryRaw<{ row: number; inside: boolean | null; ward_id: string | null; ward_name: string | null }[]>(sql`
    WITH pts AS (SELECT x.row, ST_SetSRID(ST_MakePoint(x.lng, x.lat), 4326) AS pt FROM jsonb_to_recordset(${JSON.stringify(located)}::jsonb) AS x(row int, lng float8, lat float8)),
         prov AS (SELECT boundary FROM admin_unit WHERE id = ${ctx.province.id})
    SELECT pts.row, (w.province_code = ${ctx.province.code} OR ST_Intersects(prov.boundary, pts.pt)) AS inside,
           w.id AS ward_id, w.full_name AS ward_name
    FROM pts CROSS JOIN prov
    LEFT JOIN LATERAL (SELECT u.id, u.full_name, u.province_code FROM admin_unit u
      WHERE u.level = 'WARD' AND u.valid_to IS NULL AND u.boundary IS NOT NULL AND ST_Intersects(u.boundary, pts.pt) ORDER BY u.id LIMIT 1) w ON true`);
  const placeOf = new Map(places.map((p) => [p.row, p]));

  const items: PlanItem<SchoolState, SchoolRow>[] = [];
  const matched = new Set<string>();
  for (const r of rows) {
    const s = r.officialCode ? byCode.get(r.officialCode) : byId.get(r.id!);
    if (!s && !r.officialCode) { errors.push({ key: 'unknownSchool', row: r.row, values: { id: r.id! } }); continue; }
    let wardId: string | null | undefined;
    if (r.wardCode) {
      const w = wardByCode.get(r.wardCode);
      if (!w) { errors.push({ key: 'unknownWard', row: r.row, values: { code: r.wardCode } }); continue; }
      if (w.province_code !== ctx.province.code) { errors.push({ key: 'wardOutsideProvince', row: r.row, values: { code: r.wardCode, province: ctx.province.name } }); continue; }
      wardId = w.id;
    } else if (r.wardCode === null) wardId = null;
    const place = placeOf.get(r.row);
    if (place) {
      if (place.inside === false) { errors.push({ key: 'outsideProvince', row: r.row, values: { lng: r.lng!, lat: r.lat!, province: ctx.province.name } }); continue; }
      if (place.ward_id) {
        if (wardId && wardId !== place.ward_id) warnings.push({ key: 'wardDisagrees', row: r.row, values: { actual: place.ward_name!, given: wardByCode.get(r.wardCode!)!.name } });
        wardId = place.ward_id;
      }
    }
    const base: SchoolState = s?.state ?? {
      id: newSchoolId(ctx, r.officialCode!), official_code: null, name: '', levels: [], ownership: 'UNKNOWN', is_international: false,
      address: null, ward_id: null, capacity: null, enrolment: null, location_confidence: 'GEOCODED', is_synthetic: ctx.isSynthetic,
      source_id: ctx.sourceId, source_ref: null, phone: null, website: null, lng: null, lat: null,
    };
    if (!s && r.lng == null && !wardId) { errors.push({ key: 'noPlace', row: r.row }); continue; }
    const next: SchoolState = { ...base, name: r.name, levels: r.levels, is_synthetic: ctx.isSynthetic };
    if (r.officialCode) next.official_code = r.officialCode;
    for (const k of ['ownership', 'address', 'capacity', 'enrolment', 'phone', 'website'] as const) {
      if (r[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = r[k];
    }
    if (wardId !== undefined) next.ward_id = wardId;
    if (r.lng !== undefined) {
      next.lng = r.lng ?? null;
      next.lat = r.lat ?? null;
      if (r.lng != null && !same(base.lng, r.lng)) next.location_confidence = ctx.isSynthetic ? 'SYNTHETIC' : 'SURVEYED';
    }
    const fields = FIELDS.filter((f) => !same(base[f], next[f])).map((f) => ({ field: f, before: s ? base[f] : null, after: next[f] }));
    matched.add(base.id);
    const changed = !s || fields.length > 0;
    const after = changed ? { ...next, source_id: ctx.sourceId } : base;
    items.push({
      action: !s ? 'ADD' : changed ? 'CHANGE' : 'UNCHANGED', key: base.id, label: r.name, row: r.row, data: r,
      before: s?.state ?? null, after, fields: s ? fields : undefined, lng: after.lng, lat: after.lat,
    });
  }
  // A file that lists the whole province: the stored schools it leaves out are listed, and removed only when
  // the importer asked for it and nothing depends on them.
  if (ctx.options.fullProvince) {
    const missing = await client.$queryRaw<Stored[]>(sql`
      SELECT ${STORED} FROM school s JOIN admin_unit w ON w.id = s.ward_id
      WHERE w.province_code = ${ctx.province.code} AND NOT (s.id = ANY (${[...matched]}::text[])) ORDER BY s.id`);
    for (const m of missing) {
      const reason = m.has_results ? 'keptHasResults' : m.has_accounts ? 'keptHasAccounts' : null;
      const remove = !!ctx.options.removeMissing && !reason;
      items.push({
        action: remove ? 'REMOVE' : 'KEEP', key: m.state.id, label: m.state.name, before: m.state, after: remove ? null : m.state,
        lng: m.state.lng, lat: m.state.lat, note: reason ? { key: 'missingKept', values: { name: m.state.name, id: m.state.id, reason } } : undefined,
      });
    }
  }
  return { items, errors, warnings };
}

async function writeStates(tx: SqlClient, states: SchoolState[]) {
  states.sort((a, b) => (a.id < b.id ? -1 : 1));
  // In key order and in slices (a national file is 53,000 states): parallel writers take row locks in one order.
  await inSlices(states, (slice) => writeSlice(tx, slice), 2 * BULK_ROWS);
}

async function writeSlice(tx: SqlClient, states: SchoolState[]) {
  await tx.$executeRaw(sql`
    INSERT INTO school (id, official_code, name, levels, ownership, is_international, address, location, ward_id, capacity, enrolment,
                        location_confidence, is_synthetic, source_id, source_ref, phone, website)
    SELECT x.id, x.official_code, x.name, x.levels::"SchoolLevel"[], x.ownership::"Ownership", x.is_international, x.address,
           CASE WHEN x.lng IS NULL OR x.lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(x.lng, x.lat), 4326) END,
           x.ward_id, x.capacity, x.enrolment, x.location_confidence::"LocationConfidence", x.is_synthetic, x.source_id, x.source_ref, x.phone, x.website
    FROM jsonb_to_recordset(${JSON.stringify(states)}::jsonb) AS x(id text, official_code text, name text, levels text[], ownership text,
      is_international boolean, address text, lng float8, lat float8, ward_id text, capacity int, enrolment int, location_confidence text,
      is_synthetic boolean, source_id text, source_ref text, phone text, website text)
    ORDER BY x.id
    ON CONFLICT (id) DO UPDATE SET official_code = EXCLUDED.official_code, name = EXCLUDED.name, levels = EXCLUDED.levels,
      ownership = EXCLUDED.ownership, is_international = EXCLUDED.is_international, address = EXCLUDED.address,
      location = EXCLUDED.location, ward_id = EXCLUDED.ward_id, capacity = EXCLUDED.capacity, enrolment = EXCLUDED.enrolment,
      location_confidence = EXCLUDED.location_confidence, is_synthetic = EXCLUDED.is_synthetic, source_id = EXCLUDED.source_id,
      source_ref = EXCLUDED.source_ref, phone = EXCLUDED.phone, website = EXCLUDED.website`);
}

/** Writes ADD/CHANGE states and removes REMOVEs: shared by every kind whose records are schools. */
export async function applySchools(tx: SqlClient, items: PlanItem<SchoolState>[]) {
  await writeStates(tx, items.filter((i) => (i.action === 'ADD' || i.action === 'CHANGE') && i.after).map((i) => i.after!));
  const gone = items.filter((i) => i.action === 'REMOVE').map((i) => i.key).sort();
  if (gone.length) await tx.$queryRaw(sql`SELECT edugis_remove_schools(${gone}::text[])`);
}

export async function checkSchoolsRevert(tx: SqlClient, items: PlanItem<SchoolState>[]): Promise<Issue | null> {
  const keys = items.map((i) => i.key).sort();
  const now = await tx.$queryRaw<Stored[]>(sql`SELECT ${STORED} FROM school s WHERE s.id = ANY (${keys}::text[]) ORDER BY s.id FOR UPDATE`);
  const current = new Map(now.map((s) => [s.state.id, s]));
  const conflicts = items.filter((i) => {
    const c = current.get(i.key);
    return i.action === 'ADD' ? !!c : !c || canonical(c.state) !== canonical(i.before);
  });
  if (conflicts.length) return { key: 'revertConflict', values: { n: conflicts.length, name: conflicts[0]!.label } };
  const depends = items.find((i) => i.action === 'REMOVE' && (current.get(i.key)?.has_results || current.get(i.key)?.has_accounts));
  return depends ? { key: 'revertHasResults', values: { name: depends.label } } : null;
}

export const schoolsKind: ImportKind<SchoolRow, SchoolState> = {
  id: 'schools',
  formats: ['csv', 'xlsx', 'geojson'],
  read,
  plan,
  apply: applySchools,
  checkRevert: checkSchoolsRevert,
};
registerKind(schoolsKind);
