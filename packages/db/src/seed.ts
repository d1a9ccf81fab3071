// The seed loader: real, openly licensed data from the data directory (checked against seeds/manifest.json
// before anything is written), then the deterministic synthetic generator for what has no open source.
// Everything is written in one transaction; a second run with the same inputs writes nothing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  GENERATOR_VERSION, NATIONAL_SCALE, SEED, SYNTHETIC_SOURCE, manifest, planSchools, fillAfterReal, kindOf, generateSchools, generateZones,
  generateAssessments, generateFallbackUnits, generateCommunePolygons, type ManifestFile,
} from '@edugis/seeds';
import { sql } from '@edugis/prisma-postgis';
import type { Database } from './connection.ts';
import { censusEstimates } from './census.ts';
import { commitImport, stageImport, type RunTransaction, type SqlClient } from './imports/index.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/**
 * A source's title in Vietnamese when it is one of the seed's (the manifest's files, matched by checksum so that
 * an importer's record of the same file matches too, and the synthetic source); null for a city's own import.
 */
const TITLE_VI = new Map<string, string>([...manifest.files.map((f) => [f.sha256, f.titleVi] as [string, string]), [SYNTHETIC_SOURCE.id, SYNTHETIC_SOURCE.titleVi]]);
export const sourceTitleVi = (s: { id: string; sha256: string | null }): string | null => TITLE_VI.get(s.sha256 ?? '') ?? TITLE_VI.get(s.id) ?? null;

export const CURRENT_FROM = '2025-07-01'; // the reform's effective date: today's units are valid from here
export const HISTORY_FROM = '2025-01-01'; // the pre-2025 snapshot's date (units as of 1 Jan 2025 mergers)
export const HISTORY_TO = '2025-06-30';
export const unitId = (code: string, from: string) => `${code}@${from}`;

/** A data file that is missing, altered or of the wrong shape. Names the file and the problem. */
export class SeedDataError extends Error {
  override name = 'SeedDataError';
}

/**
 * EDUGIS_DATA_DIR when set (it must exist; "none" means run on synthetic data only), else ../shared/data beside
 * the repository when it exists, else none.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.EDUGIS_DATA_DIR === 'none') return null;
  if (env.EDUGIS_DATA_DIR) {
    const dir = resolve(env.EDUGIS_DATA_DIR);
    if (!existsSync(dir)) throw new SeedDataError(`EDUGIS_DATA_DIR=${env.EDUGIS_DATA_DIR} does not exist.`);
    return dir;
  }
  const fallback = resolve(REPO_ROOT, '..', 'shared', 'data');
  return existsSync(fallback) ? fallback : null;
}

type Loaded = Map<string, string>;

/** Reads every manifest file and checks checksum and shape. Throws SeedDataError naming the first bad file. */
export function verifyDataDir(dir: string, files: ManifestFile[] = manifest.files): Loaded {
  const out: Loaded = new Map();
  for (const f of files) {
    const path = join(dir, f.file);
    if (!existsSync(path)) throw new SeedDataError(`Data file ${f.file}: missing from ${dir}.`);
    const buf = readFileSync(path);
    const sha = createHash('sha256').update(buf).digest('hex');
    if (sha !== f.sha256) throw new SeedDataError(`Data file ${f.file}: checksum ${sha.slice(0, 12)}… does not match the manifest (${f.sha256.slice(0, 12)}…); the file was changed or replaced.`);
    if (f.shape.kind === 'pbf') {
      // A binary extract: read by the importer (imports/osm.ts); here only that it is one.
      if (!(buf.length > 16 && buf[4] === 0x0a && buf.subarray(6, 15).toString('latin1') === 'OSMHeader')) {
        throw new SeedDataError(`Data file ${f.file}: not an OpenStreetMap PBF (no OSMHeader block at the start).`);
      }
      out.set(f.id, '');
      continue;
    }
    const text = buf.toString('utf8');
    if (f.shape.kind === 'csv') {
      const rows = parseCsv(text, { bom: true }) as string[][];
      const header = rows[0] ?? [];
      const missing = f.shape.columns.filter((c) => !header.includes(c));
      if (missing.length) throw new SeedDataError(`Data file ${f.file}: missing column(s) ${missing.join(', ')}.`);
      if (rows.length - 1 !== f.shape.rows) throw new SeedDataError(`Data file ${f.file}: ${rows.length - 1} rows, manifest says ${f.shape.rows}.`);
    } else {
      let fc: { type?: string; features?: { properties?: Record<string, unknown>; geometry?: unknown }[] };
      try {
        fc = JSON.parse(text);
      } catch (err) {
        throw new SeedDataError(`Data file ${f.file}: not valid JSON (${(err as Error).message}).`);
      }
      if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new SeedDataError(`Data file ${f.file}: not a GeoJSON FeatureCollection.`);
      if (fc.features.length !== f.shape.features) throw new SeedDataError(`Data file ${f.file}: ${fc.features.length} features, manifest says ${f.shape.features}.`);
      const shape = f.shape;
      fc.features.forEach((feat, i) => {
        const missing = shape.properties.filter((p) => !(p in (feat.properties ?? {})));
        if (missing.length) throw new SeedDataError(`Data file ${f.file}: feature ${i} lacks propert${missing.length > 1 ? 'ies' : 'y'} ${missing.join(', ')}.`);
        if (!feat.geometry) throw new SeedDataError(`Data file ${f.file}: feature ${i} has no geometry.`);
      });
    }
    out.set(f.id, text);
  }
  return out;
}

export interface SeedOptions {
  /** Province codes that get synthetic schools, zones and results (default: HCMC, "79"). */
  provinces?: string[];
  /**
   * National scale, for benchmarks: every province gets schools, zones and results, and provinces without
   * real ward polygons get synthetic ones (about 3,300 communes, about 53,000 schools). Needs the data directory.
   */
  national?: boolean;
  /**
   * Delete what an earlier seed wrote and load again (only needed when the inputs changed). Refused when the
   * database holds what people entered (assessments, audit log, accounts, demand figures, problem reports)
   * unless discardUserData is also given.
   */
  reset?: boolean;
  /** With reset: also delete what people entered (listed by userData) instead of refusing. */
  discardUserData?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface SeedReport {
  skipped: boolean;
  fingerprint: string;
  dataDir: string | null;
  syntheticOnly: boolean;
  counts: Record<string, number>;
  /** Geometries that were invalid in the source and repaired with ST_MakeValid. */
  repaired: { file: string; code: string; reason: string }[];
  ms: number;
}

export const SEED_TABLES = ['data_source', 'admin_unit', 'admin_unit_crosswalk', 'school', 'enrollment_zone', 'maturity_assessment'] as const;

export async function tableCounts(db: Database): Promise<Record<string, number>> {
  const rows = await db.prisma.$queryRaw<{ t: string; n: number }[]>(sql`
    SELECT 'data_source' AS t, count(*)::int AS n FROM data_source UNION ALL
    SELECT 'admin_unit', count(*)::int FROM admin_unit UNION ALL
    SELECT 'admin_unit_crosswalk', count(*)::int FROM admin_unit_crosswalk UNION ALL
    SELECT 'school', count(*)::int FROM school UNION ALL
    SELECT 'enrollment_zone', count(*)::int FROM enrollment_zone UNION ALL
    SELECT 'maturity_assessment', count(*)::int FROM maturity_assessment`);
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}

function stripPrefix(full: string): { name: string; type: string } {
  const prefixes: [RegExp, string][] = [
    [/^Phường /, 'phuong'], [/^Xã /, 'xa'], [/^Thị trấn /, 'thi_tran'], [/^Quận /, 'quan'], [/^Huyện /, 'huyen'],
    [/^Thành phố /, 'thanh_pho'], [/^Thị xã /, 'thi_xa'], [/^Tỉnh /, 'tinh'], [/^Đặc khu /, 'dac_khu'],
  ];
  for (const [re, type] of prefixes) if (re.test(full)) return { name: full.replace(re, ''), type };
  return { name: full, type: 'unknown' };
}

type Tx = Parameters<Parameters<Database['prisma']['$transaction']>[0]>[0];
type Csv = Record<string, string>[];
const csv = (text: string): Csv => parseCsv(text, { bom: true, columns: true, skip_empty_lines: true });

interface UnitRow {
  id: string; code: string; name: string; full_name: string; name_en: string | null; full_name_en: string | null;
  level: 'PROVINCE' | 'DISTRICT' | 'WARD'; unit_type: string; parent_id: string | null; province_code: string;
  valid_from: string; valid_to: string | null; source_id: string;
}

async function insertUnits(tx: Tx, rows: UnitRow[]): Promise<void> {
  // Parents before children: provinces, then districts, then wards (the FK is checked per row).
  const order = { PROVINCE: 0, DISTRICT: 1, WARD: 2 };
  const sorted = [...rows].sort((a, b) => order[a.level] - order[b.level]);
  await tx.$executeRaw(sql`
    INSERT INTO admin_unit (id, code, name, full_name, name_en, full_name_en, level, unit_type, parent_id, province_code,
                            valid_from, valid_to, is_synthetic, source_id)
    SELECT id, code, name, full_name, name_en, full_name_en, level::"AdminLevel", unit_type, parent_id, province_code,
           valid_from::date, valid_to::date, false, source_id
    FROM json_populate_recordset(NULL::admin_unit, ${JSON.stringify(sorted)}::json)
    ON CONFLICT (id) DO NOTHING`);
}

/** Sets boundaries from a FeatureCollection keyed by `codeProp`; returns the features that needed repair. */
async function loadBoundaries(tx: Tx, file: ManifestFile, text: string, codeProp: string, from: string) {
  const fc = JSON.parse(text) as { features: { properties: Record<string, unknown>; geometry: unknown }[] };
  const feats = fc.features.map((f) => ({ code: String(f.properties[codeProp]), area: f.properties.area_km2 ?? null, geom: JSON.stringify(f.geometry) }));
  const payload = JSON.stringify(feats);
  const repaired = await tx.$queryRaw<{ code: string; reason: string }[]>(sql`
    SELECT f.code, ST_IsValidReason(ST_GeomFromGeoJSON(f.geom)) AS reason
    FROM json_to_recordset(${payload}::json) AS f(code text, area float8, geom text)
    WHERE NOT ST_IsValid(ST_GeomFromGeoJSON(f.geom)) ORDER BY f.code`);
  const updated = await tx.$executeRaw(sql`
    UPDATE admin_unit u SET
      boundary = ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f.geom), 4326)), 3)),
      area_km2 = coalesce(f.area, ST_Area(ST_SetSRID(ST_GeomFromGeoJSON(f.geom), 4326)::geography) / 1e6),
      source_id = ${file.id}
    FROM json_to_recordset(${payload}::json) AS f(code text, area float8, geom text)
    WHERE u.id = f.code || '@' || ${from}`);
  if (updated !== feats.length) throw new SeedDataError(`Data file ${file.file}: ${feats.length - updated} feature(s) name a unit code that is not in the unit list.`);
  return repaired.map((r) => ({ file: file.file, code: r.code, reason: r.reason }));
}

async function loadReal(tx: Tx, files: Loaded) {
  const m = new Map(manifest.files.map((f) => [f.id, f]));
  const text = (id: string) => files.get(id)!;
  const repaired: SeedReport['repaired'] = [];

  // Today's units: 34 provinces and 3,321 wards/communes.
  const units: UnitRow[] = csv(text('vn-units-2025')).map((r) => ({
    id: unitId(r.code!, CURRENT_FROM), code: r.code!, name: r.name!, full_name: r.full_name!, name_en: r.name_en || null,
    full_name_en: r.full_name_en || null, level: r.level === 'province' ? 'PROVINCE' : 'WARD', unit_type: r.unit_type!,
    parent_id: r.level === 'province' ? null : unitId(r.province_code!, CURRENT_FROM), province_code: r.province_code!,
    valid_from: CURRENT_FROM, valid_to: null, source_id: 'vn-units-2025',
  }));

  // History: HCMC's districts and wards as of 2025 (with English names), then every other old unit the
  // crosswalks name (Bình Dương, Bà Rịa–Vũng Tàu, Hanoi), so every crosswalk row has both ends.
  const hist = new Map<string, UnitRow>();
  const addHist = (u: Omit<UnitRow, 'id' | 'valid_from' | 'valid_to'>) => {
    const id = unitId(u.code, HISTORY_FROM);
    if (!hist.has(id)) hist.set(id, { ...u, id, valid_from: HISTORY_FROM, valid_to: HISTORY_TO });
  };
  const crosswalks: Record<string, string>[] = [...csv(text('hcmc-crosswalk-2025')).map((r) => ({ ...r, src: 'hcmc-crosswalk-2025' })),
    ...csv(text('hanoi-crosswalk-2025')).map((r) => ({ ...r, src: 'hanoi-crosswalk-2025' }))];
  for (const r of crosswalks) {
    const p = stripPrefix(r.old_province_name!);
    addHist({ code: r.old_province_code!, name: p.name, full_name: r.old_province_name!, name_en: null, full_name_en: null,
      level: 'PROVINCE', unit_type: p.type, parent_id: null, province_code: r.old_province_code!, source_id: r.src });
  }
  for (const r of csv(text('hcmc-units-pre2025'))) {
    addHist({ code: r.code!, name: r.name!, full_name: r.full_name!, name_en: r.name_en || null, full_name_en: r.full_name_en || null,
      level: r.level === 'district' ? 'DISTRICT' : 'WARD', unit_type: stripPrefix(r.full_name!).type,
      parent_id: unitId(r.parent_code!, HISTORY_FROM), province_code: r.province_code!, source_id: 'hcmc-units-pre2025' });
  }
  for (const r of crosswalks) {
    const d = stripPrefix(r.old_district_name!);
    addHist({ code: r.old_district_code!, name: d.name, full_name: r.old_district_name!, name_en: null, full_name_en: null,
      level: 'DISTRICT', unit_type: d.type, parent_id: unitId(r.old_province_code!, HISTORY_FROM), province_code: r.old_province_code!, source_id: r.src });
    if (r.old_ward_code === r.old_district_code) continue; // Huyện Côn Đảo had no communes: the district itself maps
    const w = stripPrefix(r.old_ward_name!);
    addHist({ code: r.old_ward_code!, name: w.name, full_name: r.old_ward_name!, name_en: null, full_name_en: null,
      level: 'WARD', unit_type: w.type, parent_id: unitId(r.old_district_code!, HISTORY_FROM), province_code: r.old_province_code!, source_id: r.src });
  }
  await insertUnits(tx, [...units, ...hist.values()]);

  repaired.push(...(await loadBoundaries(tx, m.get('vn-provinces-2025')!, text('vn-provinces-2025'), 'code', CURRENT_FROM)));
  repaired.push(...(await loadBoundaries(tx, m.get('hcmc-wards-2025')!, text('hcmc-wards-2025'), 'code', CURRENT_FROM)));
  repaired.push(...(await loadBoundaries(tx, m.get('hanoi-wards-2025')!, text('hanoi-wards-2025'), 'code', CURRENT_FROM)));
  repaired.push(...(await loadBoundaries(tx, m.get('hcmc-old-provinces')!, text('hcmc-old-provinces'), 'old_province_code', HISTORY_FROM)));
  repaired.push(...(await loadBoundaries(tx, m.get('hcmc-districts-pre2025')!, text('hcmc-districts-pre2025'), 'code', HISTORY_FROM)));

  const pairs = new Map<string, { old_unit_id: string; new_unit_id: string; merge_type: string }>();
  for (const r of crosswalks) {
    const old = unitId(r.old_ward_code!, HISTORY_FROM);
    const neu = unitId(r.new_ward_code!, CURRENT_FROM);
    pairs.set(`${old}>${neu}`, { old_unit_id: old, new_unit_id: neu, merge_type: r.merge_type! });
  }
  await tx.$executeRaw(sql`
    INSERT INTO admin_unit_crosswalk (old_unit_id, new_unit_id, merge_type)
    SELECT old_unit_id, new_unit_id, merge_type FROM json_populate_recordset(NULL::admin_unit_crosswalk, ${JSON.stringify([...pairs.values()])}::json)
    ON CONFLICT DO NOTHING`);

  // The 2019 census carried to today's wards (an estimate for the placement simulation; census.ts says how).
  const census = censusEstimates(csv(text('census-2019-wards')), csv(text('census-2019-ages')), crosswalks)
    .map((e) => ({ ...e, wardId: unitId(e.wardCode, CURRENT_FROM) }));
  await tx.$executeRaw(sql`
    INSERT INTO census_ward_estimate (ward_id, census_year, population, age_0_4, age_5_9, age_10_14, age_15_19, census_units, split_units, source_id)
    SELECT e."wardId", 2019, e.population, e."age0to4", e."age5to9", e."age10to14", e."age15to19", e."censusUnits", e."splitUnits", 'census-2019-wards'
    FROM json_to_recordset(${JSON.stringify(census)}::json) AS e("wardId" text, population float8, "age0to4" float8, "age5to9" float8,
      "age10to14" float8, "age15to19" float8, "censusUnits" int, "splitUnits" int)
    ON CONFLICT (ward_id) DO NOTHING`);

  // Real schools (OpenStreetMap, ODbL): names and positions as mapped; the ward is found by point-in-polygon.
  const osm = JSON.parse(text('osm-schools-hcmc')) as { features: { properties: Record<string, string | boolean>; geometry: { coordinates: [number, number] } }[] };
  const LEVEL: Record<string, string> = { preschool: 'PRESCHOOL', primary: 'PRIMARY', lower_secondary: 'LOWER_SECONDARY', upper_secondary: 'UPPER_SECONDARY' };
  const schools = osm.features.map((f) => {
    const p = f.properties;
    const listed = String(p.levels ?? '').split(';').filter(Boolean).map((l) => LEVEL[l]).filter(Boolean);
    return {
      id: `osm-${p.osm_type}-${p.osm_id}`, name: String(p.name),
      // OSM gives no level for two international schools; they teach K-12, recorded as the three general levels.
      levels: `{${(listed.length ? listed : ['PRIMARY', 'LOWER_SECONDARY', 'UPPER_SECONDARY']).join(',')}}`,
      intl: p.is_international === true || p.is_international === 'True',
      lng: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
      ref: `openstreetmap.org/${p.osm_type}/${p.osm_id}${listed.length ? '' : ' (levels not tagged in OSM; K-12 assumed)'}`,
    };
  });
  await tx.$executeRaw(sql`
    INSERT INTO school (id, name, levels, ownership, is_international, location, ward_id, location_confidence, is_synthetic, source_id, source_ref)
    SELECT s.id, s.name, s.levels::"SchoolLevel"[], 'UNKNOWN', s.intl, ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326),
           (SELECT u.id FROM admin_unit u WHERE u.level = 'WARD' AND u.valid_to IS NULL
              AND ST_Covers(u.boundary, ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326)) ORDER BY u.id LIMIT 1),
           'SURVEYED', false, 'osm-schools-hcmc', s.ref
    FROM json_to_recordset(${JSON.stringify(schools)}::json) AS s(id text, name text, levels text, intl boolean, lng float8, lat float8, ref text)
    ON CONFLICT (id) DO NOTHING`);
  return repaired;
}

/** The seed's own import of OpenStreetMap's schools: a fixed id, so two seeds of the same inputs are the same. */
export const SEED_OSM_IMPORT = 'imp-seed-osm-hcmc-2018';
/** The seed's own import of the same extract's roads (kind osm-roads): HCMC's road network for distances by road. */
export const SEED_ROADS_IMPORT = 'imp-seed-roads-hcmc-2018';
/** The seed's import of the 2025 central roads (kind streets): current street names for address search. */
export const SEED_STREETS_IMPORT = 'imp-seed-streets-hcmc-2025';

/**
 * The real schools of the OSM extract, through the same importer a city uses (kind osm-schools): previewed and
 * committed inside the seed's transaction, recorded as an import by "seed" with the extract's attribution.
 */
async function importOsm(tx: Tx, dataDir: string, id: string, kind: 'osm-schools' | 'osm-roads' | 'streets', fileId = 'osm-hcmc-2018') {
  const f = manifest.files.find((m) => m.id === fileId)!;
  const run: RunTransaction = (fn) => fn(tx as unknown as SqlClient);
  const actor = { id: null, name: 'seed' };
  const staged = await stageImport(tx as unknown as SqlClient, run, {
    id, kind, upload: { name: f.file.split('/').pop()!, bytes: readFileSync(join(dataDir, f.file)) },
    provinceCode: '79', actor, source: { title: f.title, licence: f.licence },
  });
  if (staged.status !== 'PREVIEW') throw new SeedDataError(`Data file ${f.file}: the importer refused it (${staged.errors.map((e) => e.key).join(', ')}).`);
  await commitImport(run, staged.id, actor);
}

async function writeSources(tx: Tx, withReal: boolean) {
  const rows = [
    // An extract read by an importer gets its source row from that import (with the extract's date).
    ...(withReal ? manifest.files.filter((f) => f.shape.kind !== 'pbf' && !f.importer).map((f) => ({ id: f.id, title: f.title, file: f.file, sha256: f.sha256, licence: f.licence, attribution: f.attribution, url: f.url, is_synthetic: false })) : []),
    { id: SYNTHETIC_SOURCE.id, title: SYNTHETIC_SOURCE.title, file: null, sha256: null, licence: SYNTHETIC_SOURCE.licence, attribution: SYNTHETIC_SOURCE.attribution, url: SYNTHETIC_SOURCE.url, is_synthetic: true },
  ];
  await tx.$executeRaw(sql`
    INSERT INTO data_source (id, title, file, sha256, licence, attribution, url, is_synthetic)
    SELECT id, title, file, sha256, licence, attribution, url, is_synthetic
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS s(id text, title text, file text, sha256 text, licence text, attribution text, url text, is_synthetic boolean)
    ON CONFLICT (id) DO NOTHING`);
}

/** What people entered, which a reload would delete: a backup is the only way back. */
export interface UserData { assessments: number; auditEntries: number; accounts: number; demand: number; reports: number; imports: number }

export async function userData(db: Database): Promise<UserData> {
  const [r] = await db.prisma.$queryRaw<{ [K in keyof UserData]: number }[]>(sql`
    SELECT (SELECT count(*)::int FROM maturity_assessment WHERE NOT is_synthetic) AS assessments,
           (SELECT count(*)::int FROM assessment_audit) AS "auditEntries",
           (SELECT count(*)::int FROM app_user WHERE NOT is_demo) AS accounts,
           (SELECT count(*)::int FROM ward_demand) AS demand,
           (SELECT count(*)::int FROM problem_report) AS reports,
           (SELECT count(*)::int FROM data_import WHERE status = 'COMMITTED' AND id NOT LIKE 'imp-seed-%') AS imports`);
  return r!;
}

/** "12 assessments entered in EduGIS, 80 audit entries, …", or null when there is nothing. */
export function describeUserData(u: UserData): string | null {
  const parts = [
    [u.assessments, 'assessment result(s) entered in EduGIS'], [u.auditEntries, 'audit log entries'], [u.accounts, 'account(s) (demo accounts aside)'],
    [u.demand, 'demand figure(s) loaded by province staff'], [u.reports, 'problem report(s) from the public'],
    [u.imports, 'committed import(s) of files'],
  ].filter(([n]) => (n as number) > 0).map(([n, what]) => `${n} ${what}`);
  return parts.length ? parts.join(', ') : null;
}

export async function seed(db: Database, opts: SeedOptions = {}): Promise<SeedReport> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const dataDir = resolveDataDir(opts.env);
  const files = dataDir ? verifyDataDir(dataDir) : null;
  if (opts.national && !files) throw new SeedDataError('A national seed needs the real data directory (province polygons and the commune list).');
  const provinces = opts.national
    ? [...new Set(csv(files!.get('vn-units-2025')!).filter((r) => r.level === 'province').map((r) => r.code!))].sort()
    : (opts.provinces ?? ['79']);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ files: files ? manifest.files.map((f) => f.sha256) : 'none', GENERATOR_VERSION, SEED, provinces, national: !!opts.national }))
    .digest('hex');

  const state = await db.prisma.seedState.findUnique({ where: { id: 1 } });
  if (state && !opts.reset) {
    if (state.fingerprint !== fingerprint) {
      throw new SeedDataError(`The database was seeded from other inputs (fingerprint ${state.fingerprint.slice(0, 12)}…, now ${fingerprint.slice(0, 12)}…). ` +
        'Run "pnpm seed --reset" to reload it (it refuses, saying what would be lost, when people have entered data; back up first, see README "Backups").');
    }
    log('seed: the database already holds this data; nothing to do');
    return { skipped: true, fingerprint, dataDir, syntheticOnly: state.syntheticOnly, counts: await tableCounts(db), repaired: [], ms: Date.now() - t0 };
  }
  if (!files) log('seed: no data directory found (set EDUGIS_DATA_DIR); seeding SYNTHETIC data only');
  if (opts.reset && state) {
    const lost = describeUserData(await userData(db));
    if (lost && !opts.discardUserData) {
      throw new SeedDataError(`pnpm seed --reset would delete what people entered: ${lost}. Nothing was changed. ` +
        'Back up the database first (README "Backups"), then run "pnpm seed --reset --discard-user-data" to reload and delete it.');
    }
    if (lost) log(`seed: --discard-user-data: deleting ${lost}`);
  }

  const repaired = await db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw(sql`SET LOCAL statement_timeout = 0`); // a national seed runs statements of minutes
    // The seed's rows are recorded in seed_state, not one by one in the schools' history (migration 0014).
    await tx.$executeRaw(sql`SELECT set_config('edugis.audit', 'off', true)`);
    if (opts.reset) {
      // Everything that refers to the seeded tables goes with them (accounts, sessions, the audit log, demand
      // figures, reports, zone facts): checked above, so only demo accounts are lost unless discardUserData.
      // TRUNCATE, not DELETE: it passes the audit log's append-only row trigger, which guards it against
      // everything but a full reload by the schema's owner.
      // The wall against truncating results and the audit log (migration 0012) is lifted for this transaction only.
      await tx.$executeRaw(sql`DELETE FROM seed_state`);
      const guards = ['assessment_audit', 'maturity_assessment'];
      for (const t of guards) await tx.$executeRawUnsafe(`ALTER TABLE ${t} DISABLE TRIGGER ${t}_no_truncate`); // fixed names
      await tx.$executeRaw(sql`DELETE FROM data_import WHERE id LIKE 'imp-seed-%'`); // the seed's own imports go with its data
      await tx.$executeRawUnsafe(`TRUNCATE ${SEED_TABLES.join(', ')}, demo_accounts_state, school_change CASCADE`);
      for (const t of guards) await tx.$executeRawUnsafe(`ALTER TABLE ${t} ENABLE TRIGGER ${t}_no_truncate`);
    }
    await writeSources(tx, !!files);
    let fixed: SeedReport['repaired'] = [];
    if (files) fixed = await loadReal(tx, files);
    else await generateFallbackUnits(tx);
    if (opts.national) await generateCommunePolygons(tx);
    const wards = await tx.$queryRaw<{ id: string; unit_type: string }[]>(sql`
      SELECT id, unit_type FROM admin_unit
      WHERE level = 'WARD' AND valid_to IS NULL AND boundary IS NOT NULL AND province_code = ANY(${provinces}::text[])`);
    // What units are found by in search (migration 0002): pre-2025 wards with their district's name.
    await tx.$executeRaw(sql`
      UPDATE admin_unit u SET search_text = edugis_fold(CASE WHEN u.valid_to IS NOT NULL AND u.level = 'WARD'
        THEN coalesce(u.full_name || ', ' || (SELECT d.full_name FROM admin_unit d WHERE d.id = u.parent_id), u.full_name)
        ELSE u.full_name END)`);
    if (files && dataDir) {
      await importOsm(tx, dataDir, SEED_OSM_IMPORT, 'osm-schools');
      await importOsm(tx, dataDir, SEED_ROADS_IMPORT, 'osm-roads');
      await importOsm(tx, dataDir, SEED_STREETS_IMPORT, 'streets', 'osm-hcmc-central-roads-2025');
    }
    // Synthetic schools only where the real ones do not reach the counts of real life.
    const real = await tx.$queryRaw<{ ward_id: string; levels: string[] }[]>(sql`
      SELECT ward_id, levels::text[] AS levels FROM school WHERE NOT is_synthetic AND ward_id IS NOT NULL`);
    const realCounts = new Map<string, number>();
    for (const r of real) realCounts.set(`${r.ward_id}|${kindOf(r.levels)}`, (realCounts.get(`${r.ward_id}|${kindOf(r.levels)}`) ?? 0) + 1);
    const plan = planSchools(wards.map((w) => ({ id: w.id, unitType: w.unit_type })), SEED, opts.national ? NATIONAL_SCALE : 1);
    await generateSchools(tx, fillAfterReal(plan, realCounts));
    await generateZones(tx);
    await generateAssessments(tx);
    await tx.$executeRaw(sql`
      INSERT INTO seed_state (id, fingerprint, region, synthetic_only, counts)
      VALUES (1, ${fingerprint}, ${provinces.join(',')}, ${!files}, '{}'::jsonb)`);
    return fixed;
  }, { timeout: 600_000, maxWait: 60_000 });

  // A freshly loaded database has no planner statistics: without them PostgreSQL ignores the trigram and
  // spatial indexes (search went from 43 ms to 6 ms once analysed).
  await db.raw.transaction((tx) => tx.exec('SET LOCAL statement_timeout = 0; ANALYZE'));
  const counts = await tableCounts(db);
  await db.prisma.seedState.update({ where: { id: 1 }, data: { counts } });
  for (const r of repaired) log(`seed: repaired invalid geometry in ${r.file}, unit ${r.code}: ${r.reason}`);
  log(`seed: done in ${Date.now() - t0} ms: ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  return { skipped: false, fingerprint, dataDir, syntheticOnly: !files, counts, repaired, ms: Date.now() - t0 };
}
