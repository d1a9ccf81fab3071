import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '@edugis/db/testing';
import { manifest } from '@edugis/seeds';
import { migrate } from '../src/migrate.ts';
import { SEED_OSM_IMPORT, SEED_ROADS_IMPORT, SEED_STREETS_IMPORT, SeedDataError, resolveDataDir, seed, tableCounts, verifyDataDir } from '../src/seed.ts';

const dataDir = resolveDataDir()!;
type Db = Awaited<ReturnType<typeof freshDatabase>>;

/** A digest of everything the seed wrote, to prove a re-run or a second database is identical. */
async function digest(db: Db): Promise<string> {
  const [r] = await db.raw.query<{ d: string }>(`SELECT md5(
    (SELECT string_agg(id || code || coalesce(ST_AsText(boundary, 6), ''), ',' ORDER BY id) FROM admin_unit) ||
    (SELECT string_agg(id || name || ownership || ST_AsText(location, 7) || coalesce(capacity, 0), ',' ORDER BY id) FROM school) ||
    (SELECT string_agg(id || ST_AsText(area, 6), ',' ORDER BY id) FROM enrollment_zone) ||
    (SELECT string_agg(id || group1_score || group2_score || overall_level, ',' ORDER BY id) FROM maturity_assessment)) AS d`);
  return r!.d;
}

describe('seed from the real data directory', () => {
  let db: Db;
  beforeAll(async () => {
    db = await freshDatabase({ seeded: true });
  });
  afterAll(() => db.drop());

  it('loads today\'s 34 provinces and 3,321 wards/communes, with HCMC\'s 168 and Hanoi\'s 126 ward polygons', async () => {
    const [r] = await db.raw.query<Record<string, number>>(`SELECT
      count(*) FILTER (WHERE level = 'PROVINCE' AND valid_to IS NULL)::int AS provinces,
      count(*) FILTER (WHERE level = 'WARD' AND valid_to IS NULL)::int AS wards,
      count(*) FILTER (WHERE level = 'PROVINCE' AND valid_to IS NULL AND boundary IS NOT NULL)::int AS province_polys,
      count(*) FILTER (WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79' AND boundary IS NOT NULL)::int AS hcmc,
      count(*) FILTER (WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '01' AND boundary IS NOT NULL)::int AS hanoi,
      count(*) FILTER (WHERE boundary IS NOT NULL AND NOT ST_IsValid(boundary))::int AS invalid
      FROM admin_unit`);
    expect(r).toEqual({ provinces: 34, wards: 3321, province_polys: 34, hcmc: 168, hanoi: 126, invalid: 0 });
    const [code] = await db.raw.query<{ full_name: string }>(`SELECT full_name FROM admin_unit WHERE id = '26740@2025-07-01'`);
    expect(code!.full_name).toBe('Phường Sài Gòn');
  });

  it('keeps pre-2025 units as history with the crosswalk, so "Phường 12, Quận 3" leads to today\'s ward', async () => {
    const [h] = await db.raw.query<Record<string, number>>(`SELECT
      count(*) FILTER (WHERE level = 'DISTRICT' AND province_code = '79')::int AS hcmc_districts,
      count(*) FILTER (WHERE level = 'WARD' AND province_code = '79')::int AS hcmc_wards,
      count(*) FILTER (WHERE level = 'DISTRICT' AND boundary IS NOT NULL)::int AS district_polys
      FROM admin_unit WHERE valid_to = '2025-06-30'`);
    expect(h).toEqual({ hcmc_districts: 22, hcmc_wards: 273, district_polys: 22 });
    // Independent expectation from the crosswalk CSV itself.
    const rows = readFileSync(join(dataDir, 'admin/hcmc_ward_crosswalk_2025.csv'), 'utf8').split('\n').filter((l) => l.includes(',Quận 3,'));
    const p12 = rows.filter((l) => l.split(',')[3] === 'Phường 12').map((l) => l.split(',')[0]).sort();
    const mapped = await db.raw.query<{ code: string }>(`
      SELECT n.code FROM admin_unit o
      JOIN admin_unit d ON d.id = o.parent_id AND d.full_name = 'Quận 3'
      JOIN admin_unit_crosswalk x ON x.old_unit_id = o.id JOIN admin_unit n ON n.id = x.new_unit_id
      WHERE o.full_name = 'Phường 12' AND o.valid_to IS NOT NULL ORDER BY n.code`);
    expect(p12.length).toBeGreaterThan(0);
    expect(mapped.map((m) => m.code)).toEqual(p12);
    const [{ n }] = (await db.raw.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_unit_crosswalk')) as [{ n: number }];
    expect(n).toBe(493 + 796); // every row of both crosswalks (no duplicate pairs in them)
  });

  it('puts each real OpenStreetMap school in the ward the data file gives, labelled real with its licence', async () => {
    const fc = JSON.parse(readFileSync(join(dataDir, 'schools/hcmc_schools_osm_central_sample.geojson'), 'utf8'));
    const rows = await db.raw.query<{ id: string; code: string; is_synthetic: boolean; licence: string; name: string }>(`
      SELECT s.id, w.code, s.is_synthetic, d.licence, s.name FROM school s
      JOIN admin_unit w ON w.id = s.ward_id JOIN data_source d ON d.id = s.source_id WHERE s.source_id = 'osm-schools-hcmc' ORDER BY s.id`);
    expect(rows).toHaveLength(27);
    for (const f of fc.features) {
      const row = rows.find((r) => r.id === `osm-${f.properties.osm_type}-${f.properties.osm_id}`)!;
      expect(row.code, f.properties.name).toBe(f.properties.ward_code_2025);
      expect(row.name).toBe(f.properties.name);
      expect(row.is_synthetic).toBe(false);
      expect(row.licence).toBe('ODbL-1.0');
    }
  });

  it('imports the 2018 extract\'s schools through the importer: real, ODbL, each in the ward its point is in', async () => {
    const [r] = await db.raw.query<Record<string, number | string>>(`SELECT count(*)::int AS n,
      count(*) FILTER (WHERE s.is_synthetic OR d.is_synthetic)::int AS synthetic, min(d.licence) AS licence,
      count(*) FILTER (WHERE s.location IS NULL OR s.source_ref !~ '^openstreetmap\\.org/(node|way)/[0-9]+ \\(levels from ')::int AS unreferenced,
      count(*) FILTER (WHERE s.ward_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM admin_unit w WHERE w.id = s.ward_id AND ST_Covers(w.boundary, s.location)))::int AS wrong_ward
      FROM school s JOIN data_source d ON d.id = s.source_id WHERE s.source_id = 'import-' || $1`, [SEED_OSM_IMPORT]);
    expect(r!.n).toBeGreaterThan(500);
    expect(r).toMatchObject({ synthetic: 0, licence: 'ODbL-1.0', unreferenced: 0, wrong_ward: 0 });
  });

  it('generates schools up to about 2,100 preschool/primary/lower-secondary and a few hundred others with the real ones, all synthetic and inside their ward', async () => {
    // Synthetic schools fill what the real ones leave: counted together they reach the counts of real life.
    const [all] = await db.raw.query<Record<string, number>>(`SELECT
      count(*) FILTER (WHERE levels && '{PRESCHOOL,PRIMARY,LOWER_SECONDARY}' AND NOT levels && '{UPPER_SECONDARY}')::int AS admissions
      FROM school s`);
    expect(all!.admissions).toBeGreaterThan(1900);
    expect(all!.admissions).toBeLessThan(2500);
    const [r] = await db.raw.query<Record<string, number>>(`SELECT
      count(*) FILTER (WHERE levels && '{PRESCHOOL,PRIMARY,LOWER_SECONDARY}' AND NOT levels && '{UPPER_SECONDARY}')::int AS admissions,
      count(*) FILTER (WHERE levels && '{UPPER_SECONDARY,CONTINUING}')::int AS others,
      count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM admin_unit w WHERE w.id = s.ward_id AND ST_Covers(w.boundary, s.location)))::int AS outside,
      count(*) FILTER (WHERE is_synthetic AND (source_id <> 'edugis-synthetic' OR location_confidence <> 'SYNTHETIC'))::int AS mislabelled
      FROM school s WHERE s.is_synthetic`);
    expect(r!.admissions).toBeGreaterThan(1500);
    expect(r!.admissions).toBeLessThan(all!.admissions);
    expect(r!.others).toBeGreaterThan(150);
    expect(r!.others).toBeLessThan(500);
    expect(r!.outside).toBe(0);
    expect(r!.mislabelled).toBe(0);
    // Every HCMC ward can admit grades 1 and 6.
    const noPrimary = await db.raw.query(`SELECT w.code FROM admin_unit w WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.province_code = '79'
      AND NOT EXISTS (SELECT 1 FROM school s WHERE s.ward_id = w.id AND 'PRIMARY' = ANY(s.levels))`);
    expect(noPrimary).toEqual([]);
  });

  it('derives zones that contain their school, stay inside its ward, and do not overlap', async () => {
    const [r] = await db.raw.query<Record<string, number>>(`SELECT
      count(*)::int AS zones,
      count(*) FILTER (WHERE NOT ST_Covers(z.area, s.location))::int AS school_outside,
      count(*) FILTER (WHERE ST_Area(ST_Difference(z.area, w.boundary)::geography) > 1)::int AS spills,
      count(*) FILTER (WHERE NOT z.is_synthetic)::int AS unlabelled
      FROM enrollment_zone z JOIN school s ON s.id = z.school_id JOIN admin_unit w ON w.id = s.ward_id`);
    expect(r!.zones).toBeGreaterThan(1000);
    expect(r).toMatchObject({ school_outside: 0, spills: 0, unlabelled: 0 });
    const [o] = await db.raw.query<{ overlap_m2: number }>(`SELECT coalesce(sum(ST_Area(ST_Intersection(a.area, b.area)::geography)), 0) AS overlap_m2
      FROM enrollment_zone a JOIN enrollment_zone b ON a.id < b.id AND a.school_year = b.school_year AND a.entry_grade = b.entry_grade
      AND a.area && b.area AND ST_Intersects(a.area, b.area) WHERE a.school_year = '2025-2026'`);
    expect(o!.overlap_m2).toBeLessThan(1000); // shared borders only, numerically tiny
  });

  it('gives maturity results for 2022-2023 to 2025-2026 that trend upward, with levels from the 4725 bands', async () => {
    const rows = await db.raw.query<{ school_year: string; mean: number; digital: number }>(`
      SELECT school_year, avg(group1_score + group2_score) / 2 AS mean, avg((overall_level <> 'LEVEL_1')::int) AS digital
      FROM maturity_assessment GROUP BY 1 ORDER BY 1`);
    expect(rows.map((r) => r.school_year)).toEqual(['2022-2023', '2023-2024', '2024-2025', '2025-2026']);
    for (let i = 1; i < rows.length; i++) expect(Number(rows[i]!.mean)).toBeGreaterThan(Number(rows[i - 1]!.mean));
    const wrong = await db.raw.query(`SELECT id FROM maturity_assessment WHERE
      group1_level <> (CASE WHEN group1_score > 75 THEN 'LEVEL_3' WHEN group1_score >= 50 THEN 'LEVEL_2' ELSE 'LEVEL_1' END)::"MaturityLevel"
      OR overall_level > least(group1_level, group2_level) OR overall_level < least(group1_level, group2_level) OR NOT is_synthetic`);
    expect(wrong).toEqual([]);
    const preschool = await db.raw.query(`SELECT 1 FROM maturity_assessment m JOIN school s ON s.id = m.school_id WHERE s.levels = '{PRESCHOOL}'`);
    expect(preschool).toEqual([]); // QĐ 4725 covers general-education schools and centres, not preschools
  });

  it('records every source with the manifest\'s checksum and licence', async () => {
    const rows = await db.raw.query<{ id: string; sha256: string; licence: string }>(`SELECT id, sha256, licence FROM data_source WHERE NOT is_synthetic ORDER BY id`);
    // An extract read by the importer is recorded as that import's source, with the file's checksum.
    // The OSM extract is read twice, for its schools and for its roads: two imports, two sources of the same file.
    // The 2025 central roads go through the streets importer: that import's source.
    const expected = manifest.files.flatMap((f) => (f.shape.kind === 'pbf' ? [SEED_OSM_IMPORT, SEED_ROADS_IMPORT].map((i) => `import-${i}`)
      : f.importer ? [`import-${SEED_STREETS_IMPORT}`] : [f.id])
      .map((id) => ({ id, sha256: f.sha256, licence: f.licence })));
    expect(rows).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('carries the 2019 census to today\'s wards, keeping each city\'s total and its children by age', async () => {
    const rows = await db.raw.query<{ p: string; wards: number; pop: number; a59: number; a1014: number }>(`
      SELECT w.province_code AS p, count(*)::int AS wards, round(sum(e.population))::int AS pop, round(sum(e.age_5_9))::int AS a59, round(sum(e.age_10_14))::int AS a1014
      FROM census_ward_estimate e JOIN admin_unit w ON w.id = e.ward_id GROUP BY 1 ORDER BY 1`);
    // The published census totals (data README): nobody lost between the 2019 wards and today's.
    expect(rows).toEqual([
      { p: '01', wards: 126, pop: 8_053_663, a59: 744_255, a1014: 584_755 },
      { p: '79', wards: 102, pop: 8_993_082, a59: 610_815, a1014: 544_876 },
    ]);
    // Thạnh An (Cần Giờ): one 2019 commune, unchanged, so its figure is the census's own.
    const [thanhAn] = await db.raw.query<{ population: number; census_units: number; split_units: number }>(
      `SELECT population, census_units, split_units FROM census_ward_estimate WHERE ward_id = '27676@2025-07-01'`);
    expect(thanhAn).toEqual({ population: 4512, census_units: 1, split_units: 0 });
  });

  it('changes nothing on a second run', async () => {
    const before = { counts: await tableCounts(db), digest: await digest(db) };
    const report = await seed(db);
    expect(report.skipped).toBe(true);
    expect({ counts: await tableCounts(db), digest: await digest(db) }).toEqual(before);
  });
});

describe('seed input checks and determinism', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'edugis-data-'));
    cpSync(dataDir, tmp, { recursive: true });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('stops on an altered file, naming it, and writes nothing', async () => {
    const file = join(tmp, 'admin/hcmc_ward_crosswalk_2025.csv');
    const original = readFileSync(file);
    writeFileSync(file, Buffer.concat([original, Buffer.from('\n')]));
    const db = await freshDatabase();
    try {
      await migrate(db.raw);
      const err = await seed(db, { env: { EDUGIS_DATA_DIR: tmp } }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(SeedDataError);
      expect((err as Error).message).toMatch(/^Data file admin\/hcmc_ward_crosswalk_2025\.csv: checksum .* does not match the manifest/);
      expect(Object.values(await tableCounts(db)).every((n) => n === 0)).toBe(true);
    } finally {
      writeFileSync(file, original);
      await db.drop();
    }
  });

  it('stops on a missing file or a wrong shape, naming the file and the problem', () => {
    rmSync(join(tmp, 'schools/hcmc_schools_osm_central_sample.geojson'));
    expect(() => verifyDataDir(tmp)).toThrow(/^Data file schools\/hcmc_schools_osm_central_sample\.geojson: missing from /);
    cpSync(join(dataDir, 'schools'), join(tmp, 'schools'), { recursive: true });
    const wrongShape = manifest.files.map((f) => (f.id === 'vn-units-2025' && f.shape.kind === 'csv' ? { ...f, shape: { ...f.shape, rows: 3000 } } : f));
    expect(() => verifyDataDir(tmp, wrongShape)).toThrow('Data file admin/vn_admin_units_2025.csv: 3355 rows, manifest says 3000.');
    const missingProp = manifest.files.map((f) => (f.id === 'hcmc-wards-2025' && f.shape.kind === 'geojson' ? { ...f, shape: { ...f.shape, properties: [...f.shape.properties, 'population'] } } : f));
    expect(() => verifyDataDir(tmp, missingProp)).toThrow('Data file boundaries/hcmc_wards_2025.geojson: feature 0 lacks property population.');
  });

  it('reports the invalid source polygons it repaired, instead of dropping them', async () => {
    const db = await freshDatabase();
    try {
      await migrate(db.raw);
      const report = await seed(db, { env: { EDUGIS_DATA_DIR: tmp } });
      expect(report.repaired.map((r) => `${r.file}#${r.code}`)).toEqual([
        'boundaries/hcmc_wards_2025.geojson#27031',
        'boundaries/hanoi_wards_2025.geojson#09676',
      ]);
      const [p] = await db.raw.query<{ ok: boolean }>(`SELECT ST_IsValid(boundary) AND NOT ST_IsEmpty(boundary) AS ok FROM admin_unit WHERE id = '27031@2025-07-01'`);
      expect(p!.ok).toBe(true);
      // Same inputs, another database: the very same rows (the generator is deterministic).
      const template = await freshDatabase({ seeded: true });
      expect(await digest(db)).toBe(await digest(template));
      await template.drop();
    } finally {
      await db.drop();
    }
  });

  it('without any data directory still seeds, on synthetic data that says so', async () => {
    const db = await freshDatabase();
    try {
      await migrate(db.raw);
      const report = await seed(db, { env: { EDUGIS_DATA_DIR: 'none' } });
      expect(report.syntheticOnly).toBe(true);
      const [r] = await db.raw.query<Record<string, number>>(`SELECT
        (SELECT count(*) FROM admin_unit WHERE level = 'WARD')::int AS wards,
        (SELECT count(*) FROM admin_unit WHERE NOT is_synthetic)::int AS real_units,
        (SELECT count(*) FROM school)::int AS schools,
        (SELECT count(*) FROM school WHERE NOT is_synthetic)::int AS real_schools,
        (SELECT count(*) FROM data_source WHERE NOT is_synthetic)::int AS real_sources`);
      expect(r).toMatchObject({ wards: 24, real_units: 0, real_schools: 0, real_sources: 0 });
      expect(r!.schools).toBeGreaterThan(200);
    } finally {
      await db.drop();
    }
  });
});

describe('national scale (for benchmarks)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await freshDatabase();
    await migrate(db.raw);
    await seed(db, { national: true });
  }, 240_000);
  afterAll(() => db.drop());

  it('gives every one of the 3,321 communes a polygon: real for HCMC and Hanoi, synthetic (and labelled) elsewhere', async () => {
    const [r] = await db.raw.query<Record<string, number>>(`SELECT
      count(*)::int AS wards, count(*) FILTER (WHERE boundary IS NULL OR ST_IsEmpty(boundary))::int AS missing,
      count(*) FILTER (WHERE is_synthetic)::int AS synthetic,
      count(*) FILTER (WHERE is_synthetic AND province_code IN ('79', '01'))::int AS synthetic_in_real,
      count(*) FILTER (WHERE is_synthetic AND source_id <> 'edugis-synthetic')::int AS mislabelled
      FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL`);
    expect(r).toEqual({ wards: 3321, missing: 0, synthetic: 3321 - 168 - 126, synthetic_in_real: 0, mislabelled: 0 });
  });

  it('tiles each province with its communes: inside it, not overlapping, covering it', async () => {
    // Quảng Ninh (22): mainland and many islands, the hard case for point generation.
    const [r] = await db.raw.query<{ province_km2: number; union_km2: number; sum_km2: number; outside_km2: number }>(`
      WITH p AS (SELECT boundary FROM admin_unit WHERE id = '22@2025-07-01'),
           w AS (SELECT boundary FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '22')
      SELECT ST_Area(p.boundary::geography) / 1e6 AS province_km2,
             (SELECT ST_Area(ST_Union(boundary)::geography) / 1e6 FROM w) AS union_km2,
             (SELECT sum(ST_Area(boundary::geography)) / 1e6 FROM w) AS sum_km2,
             (SELECT ST_Area(ST_Difference(ST_Union(boundary), p.boundary)::geography) / 1e6 FROM w) AS outside_km2
      FROM p`);
    expect(r!.outside_km2).toBeLessThan(0.01);
    expect(r!.sum_km2 / r!.union_km2).toBeCloseTo(1, 3); // no overlaps
    expect(r!.union_km2 / r!.province_km2).toBeCloseTo(1, 3); // nothing left uncovered
  });

  it('places about 53,000 schools, every commune with a primary and a lower-secondary school', async () => {
    const [r] = await db.raw.query<{ schools: number; without: number; provinces: number }>(`SELECT
      (SELECT count(*) FROM school)::int AS schools,
      (SELECT count(DISTINCT w.province_code) FROM school s JOIN admin_unit w ON w.id = s.ward_id)::int AS provinces,
      (SELECT count(*) FROM admin_unit w WHERE w.level = 'WARD' AND w.valid_to IS NULL AND NOT EXISTS
        (SELECT 1 FROM school s WHERE s.ward_id = w.id AND 'PRIMARY' = ANY(s.levels))
        OR w.level = 'WARD' AND w.valid_to IS NULL AND NOT EXISTS
        (SELECT 1 FROM school s WHERE s.ward_id = w.id AND 'LOWER_SECONDARY' = ANY(s.levels)))::int AS without`);
    expect(r!.schools).toBeGreaterThan(50_000);
    expect(r!.schools).toBeLessThan(56_000);
    expect(r!.provinces).toBe(34);
    expect(r!.without).toBe(0);
  });
});
