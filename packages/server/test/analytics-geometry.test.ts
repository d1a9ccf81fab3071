// Coverage and catchment quality on a hand-made province of known geometry (two square wards on the equator,
// three schools, three zones), each area checked against PostGIS's area of the rectangle it must equal.
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, onEmbedded, useTestServer } from './support.ts';

const server = useTestServer();
const sql = <T>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);
const env = (w: number, s: number, e: number, n: number) => `ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)`;
/** km² of a lon/lat rectangle, by PostGIS on the spheroid. */
const km2 = async (w: number, s: number, e: number, n: number) =>
  Number((await sql<{ a: number }>(`SELECT ST_Area(${env(w, s, e, n)}::geography) / 1e6 AS a`))[0]!.a);
const geoKm2 = async (geojson: unknown) =>
  Number((await sql<{ a: number }>(`SELECT ST_Area(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)::geography) / 1e6 AS a`, [JSON.stringify(geojson)]))[0]!.a);

beforeAll(async () => {
  await server.ctx.db.raw.exec(`
    INSERT INTO admin_unit (id, code, name, full_name, level, unit_type, province_code, valid_from, boundary, is_synthetic, source_id) VALUES
      ('98@2025-07-01', '98', 'Thử nghiệm', 'Tỉnh Thử nghiệm', 'PROVINCE', 'tinh', '98', '2025-07-01', ST_Multi(${env(150, 0, 150.04, 0.02)}), true, 'edugis-synthetic');
    INSERT INTO admin_unit (id, code, name, full_name, level, unit_type, parent_id, province_code, valid_from, boundary, is_synthetic, source_id) VALUES
      ('98001@2025-07-01', '98001', 'A', 'Phường A', 'WARD', 'phuong', '98@2025-07-01', '98', '2025-07-01', ST_Multi(${env(150, 0, 150.02, 0.02)}), true, 'edugis-synthetic'),
      ('98002@2025-07-01', '98002', 'B', 'Phường B', 'WARD', 'phuong', '98@2025-07-01', '98', '2025-07-01', ST_Multi(${env(150.02, 0, 150.04, 0.02)}), true, 'edugis-synthetic');
    INSERT INTO school (id, name, levels, ownership, location, ward_id, location_confidence, is_synthetic, source_id) VALUES
      ('t-s1', 'S1', '{PRIMARY}', 'PUBLIC', ST_SetSRID(ST_MakePoint(150.01, 0.01), 4326), '98001@2025-07-01', 'SYNTHETIC', true, 'edugis-synthetic'),
      ('t-s2', 'S2', '{PRIMARY}', 'PUBLIC', ST_SetSRID(ST_MakePoint(150.03, 0.01), 4326), '98002@2025-07-01', 'SYNTHETIC', true, 'edugis-synthetic'),
      ('t-s3', 'S3', '{PRIMARY}', 'PUBLIC', ST_SetSRID(ST_MakePoint(150.035, 0.018), 4326), '98002@2025-07-01', 'SYNTHETIC', true, 'edugis-synthetic');
    INSERT INTO enrollment_zone (id, school_id, entry_grade, school_year, area, rule, is_synthetic, source_id) VALUES
      ('t-z1', 't-s1', 1, '2026-2027', ST_Multi(${env(150, 0, 150.015, 0.02)}), 'test', true, 'edugis-synthetic'),
      ('t-z2', 't-s2', 1, '2026-2027', ST_Multi(${env(150.012, 0, 150.04, 0.015)}), 'test', true, 'edugis-synthetic'),
      ('t-z3', 't-s3', 1, '2026-2027', ST_Multi(${env(150.021, 0.001, 150.022, 0.002)}), 'test', true, 'edugis-synthetic');`);
});

describe('coverage', () => {
  it('gives the share of each ward within the distance of a school, and the uncovered part, on known areas', async () => {
    const { body } = await gql(server.url, `{ coverage(provinceCode: "98", level: PRIMARY, distanceMeters: 500, withGeometry: true) {
      unit { code } areaKm2 coveredKm2 coveredShare uncovered } }`);
    expect(body.errors).toBeUndefined();
    const [a, b] = body.data.coverage;
    // One 500 m circle (a 32-sided polygon: 0.99359 of the circle) wholly inside each... ward A holds S1's.
    const circle = Math.PI * 0.5 * 0.5 * 0.99359;
    expect(a.unit.code).toBe('98001');
    expect(a.areaKm2).toBeCloseTo(await km2(150, 0, 150.02, 0.02), 3);
    expect(a.coveredKm2).toBeCloseTo(circle, 2);
    expect(a.coveredShare).toBeCloseTo(circle / a.areaKm2, 3);
    expect(await geoKm2(a.uncovered)).toBeCloseTo(a.areaKm2 - a.coveredKm2, 3);
    // Ward B: S2's circle whole, plus the part of S3's (0.2 km from the north edge) inside the ward, overlapping counted once.
    expect(b.coveredKm2).toBeGreaterThan(circle * 1.4);
    expect(b.coveredKm2).toBeLessThan(circle * 2);
    // 2 km reaches across: S2 (1.1 km from A's east edge) now covers part of ward A too.
    const far = await gql(server.url, `{ coverage(provinceCode: "98", level: PRIMARY, distanceMeters: 2000) { unit { code } coveredShare } }`);
    expect(far.body.data.coverage[0].coveredShare).toBeGreaterThan(0.95);
  });

  it('refuses a zero, negative or absurd distance, translated', async () => {
    for (const d of [0, -5, 50000]) {
      const r = await gql(server.url, `{ coverage(provinceCode: "98", level: PRIMARY, distanceMeters: ${d}) { coveredShare } }`, {}, 'en');
      expect(r.body.errors![0]!.message).toBe('The distance must be above 0 and at most 10000 m.');
    }
  });
});

// On the embedded database catchment quality is refused (PGlite's GEOS, migration 0008): the overlays are tested
// on PostgreSQL, the refusal on PGlite.
describe('catchment quality', () => {
  it.runIf(onEmbedded)('is refused on the embedded database with a translated message naming what it needs', async () => {
    const r = await gql(server.url, `{ catchmentQuality(provinceCode: "98", schoolYear: "2026-2027", entryGrade: 1) { gaps { areaKm2 } } }`, {}, 'vi');
    expect(r.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'catchmentNeedsServer' } });
    expect(r.body.errors![0]!.message).toMatch(/PostgreSQL/);
  });

  it.skipIf(onEmbedded)('finds the gaps, the overlaps, the school outside its zone and the zone crossing its ward, with their areas', async () => {
    const { body } = await gql(server.url, `{ catchmentQuality(provinceCode: "98", schoolYear: "2026-2027", entryGrade: 1) {
      gaps { unit { code } areaKm2 wardAreaKm2 geometry } overlaps { schoolIds areaKm2 geometry } schoolsOutsideTheirZone { schoolId }
      zonesCrossingWards { schoolId wardCode outsideKm2 } } }`);
    expect(body.errors).toBeUndefined();
    const q = body.data.catchmentQuality;
    expect(q.gaps.map((g: any) => g.unit.code)).toEqual(['98001', '98002']);
    expect(q.gaps[0].areaKm2).toBeCloseTo(await km2(150.015, 0.015, 150.02, 0.02), 4);
    expect(q.gaps[1].areaKm2).toBeCloseTo(await km2(150.02, 0.015, 150.04, 0.02), 4);
    expect(q.gaps[0].wardAreaKm2).toBeCloseTo(await km2(150, 0, 150.02, 0.02), 4);
    expect(await geoKm2(q.gaps[1].geometry)).toBeCloseTo(q.gaps[1].areaKm2, 4);
    expect(q.overlaps.map((o: any) => o.schoolIds)).toEqual([['t-s1', 't-s2'], ['t-s2', 't-s3']]);
    expect(q.overlaps[0].areaKm2).toBeCloseTo(await km2(150.012, 0, 150.015, 0.015), 4);
    expect(q.overlaps[1].areaKm2).toBeCloseTo(await km2(150.021, 0.001, 150.022, 0.002), 5);
    expect(q.schoolsOutsideTheirZone).toEqual([{ schoolId: 't-s3' }]);
    expect(q.zonesCrossingWards).toHaveLength(1);
    expect(q.zonesCrossingWards[0]).toMatchObject({ schoolId: 't-s2', wardCode: '98002' });
    expect(q.zonesCrossingWards[0].outsideKm2).toBeCloseTo(await km2(150.012, 0, 150.02, 0.015), 4);
  });

  it.skipIf(onEmbedded)('reports exactly the wards of HCMC that a zone-by-zone area recount leaves uncovered, with the same areas', async () => {
    // Independent of the query's method: each ward's area minus the area of each zone clipped to it, one zone at a
    // time (the seed's zones overlap only by slivers, so the sum is the covered area). Whole-ward unions once made
    // GEOS report two fully zoned wards (27028, 27316) as entirely uncovered.
    const recount = await sql<{ code: string; gap_m2: number }>(`
      SELECT w.code, ST_Area(w.boundary::geography) - coalesce(sum(ST_Area(ST_Intersection(z.area, w.boundary)::geography)), 0) AS gap_m2
      FROM admin_unit w LEFT JOIN (enrollment_zone z JOIN school s ON s.id = z.school_id JOIN admin_unit sw ON sw.id = s.ward_id AND sw.province_code = '79')
        ON z.school_year = '2026-2027' AND z.entry_grade = 1 AND z.area && w.boundary AND ST_Intersects(z.area, w.boundary)
      WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.province_code = '79' GROUP BY w.code, w.boundary`);
    const { body } = await gql(server.url, `{ catchmentQuality(provinceCode: "79", schoolYear: "2026-2027", entryGrade: 1) { gaps { unit { code } areaKm2 } } }`);
    expect(body.errors).toBeUndefined();
    const reported = new Map<string, number>(body.data.catchmentQuality.gaps.map((g: any) => [g.unit.code, g.areaKm2 * 1e6]));
    const clear = recount.filter((r) => Math.abs(Number(r.gap_m2) - 10) > 5); // leave the 5–15 m² band to rounding
    expect(clear.length).toBeGreaterThan(150);
    for (const r of clear) {
      const gap = Number(r.gap_m2);
      if (gap > 10) expect(reported.get(r.code), r.code).toBeCloseTo(gap, -1); // within 5 m²
      else expect(reported.has(r.code), r.code).toBe(false);
    }
  });

  it.skipIf(onEmbedded)('follows new zones and schools at once (their answers are cached per geometry generation, not per publication)', async () => {
    const q = `{ catchmentQuality(provinceCode: "98", schoolYear: "2026-2027", entryGrade: 1) { gaps { unit { code } } } }`;
    const cov = `{ coverage(provinceCode: "98", level: PRIMARY, distanceMeters: 500) { unit { code } coveredKm2 } }`;
    const before = await gql(server.url, q);
    expect(before.body.data.catchmentQuality.gaps.map((g: any) => g.unit.code)).toEqual(['98001', '98002']);
    const covBefore = (await gql(server.url, cov)).body.data.coverage[1].coveredKm2;
    try {
      // A fourth school in ward B with a zone filling B's gap (150.02–150.04 × 0.015–0.02), 1.2 km from S2 and S3's circles.
      await sql(`INSERT INTO school (id, name, levels, ownership, location, ward_id, location_confidence, is_synthetic, source_id) VALUES
        ('t-s4', 'S4', '{PRIMARY}', 'PUBLIC', ST_SetSRID(ST_MakePoint(150.022, 0.0175), 4326), '98002@2025-07-01', 'SYNTHETIC', true, 'edugis-synthetic')`);
      await sql(`INSERT INTO enrollment_zone (id, school_id, entry_grade, school_year, area, rule, is_synthetic, source_id) VALUES
        ('t-z4', 't-s4', 1, '2026-2027', ST_Multi(${env(150.02, 0.015, 150.04, 0.02)}), 'test', true, 'edugis-synthetic')`);
      const after = await gql(server.url, q);
      expect(after.body.data.catchmentQuality.gaps.map((g: any) => g.unit.code)).toEqual(['98001']);
      const covAfter = (await gql(server.url, cov)).body.data.coverage[1].coveredKm2;
      expect(covAfter).toBeGreaterThan(covBefore + 0.3);
    } finally {
      await sql(`DELETE FROM enrollment_zone WHERE id = 't-z4'`);
      await sql(`DELETE FROM school WHERE id = 't-s4'`);
    }
    expect((await gql(server.url, q)).body.data.catchmentQuality.gaps).toHaveLength(2);
  });

  it.skipIf(onEmbedded)('keeps the zones\' overlaps, crossings and schools outside as zones and schools change (kept by triggers, migration 0008)', async () => {
    const q = `{ catchmentQuality(provinceCode: "98", schoolYear: "2026-2027", entryGrade: 1) { overlaps { schoolIds } schoolsOutsideTheirZone { schoolId }
      zonesCrossingWards { schoolId wardCode outsideKm2 } } }`;
    const quality = async () => (await gql(server.url, q)).body.data.catchmentQuality;
    try {
      // S3's zone moved out of S2's: their overlap goes.
      await sql(`UPDATE enrollment_zone SET area = ST_Multi(${env(150.035, 0.016, 150.036, 0.017)}) WHERE id = 't-z3'`);
      expect((await quality()).overlaps.map((o: any) => o.schoolIds)).toEqual([['t-s1', 't-s2']]);
      // S3 moved into its (moved) zone: no school is outside its zone any more.
      await sql(`UPDATE school SET location = ST_SetSRID(ST_MakePoint(150.0355, 0.0165), 4326) WHERE id = 't-s3'`);
      expect((await quality()).schoolsOutsideTheirZone).toEqual([]);
      // S2 now counted in ward A: its zone's part in ward B (150.02–150.04 × 0–0.015) is outside its ward.
      await sql(`UPDATE school SET ward_id = '98001@2025-07-01' WHERE id = 't-s2'`);
      const crossing = (await quality()).zonesCrossingWards;
      expect(crossing).toHaveLength(1);
      expect(crossing[0]).toMatchObject({ schoolId: 't-s2', wardCode: '98001' });
      expect(crossing[0].outsideKm2).toBeCloseTo(await km2(150.02, 0, 150.04, 0.015), 4);
    } finally {
      await sql(`UPDATE school SET ward_id = '98002@2025-07-01' WHERE id = 't-s2'`);
      await sql(`UPDATE school SET location = ST_SetSRID(ST_MakePoint(150.035, 0.018), 4326) WHERE id = 't-s3'`);
      await sql(`UPDATE enrollment_zone SET area = ST_Multi(${env(150.021, 0.001, 150.022, 0.002)}) WHERE id = 't-z3'`);
    }
    const back = await quality();
    expect(back.overlaps).toHaveLength(2);
    expect(back.schoolsOutsideTheirZone).toEqual([{ schoolId: 't-s3' }]);
    expect(back.zonesCrossingWards[0].outsideKm2).toBeCloseTo(await km2(150.012, 0, 150.02, 0.015), 4);
  });

  it('refuses an unknown school year, a grade without entry and an unknown province', async () => {
    const cases: [string, RegExp][] = [
      ['provinceCode: "98", schoolYear: "2019-2020", entryGrade: 1', /no admissions data for school year "2019-2020"/],
      ['provinceCode: "98", schoolYear: "2026-2027", entryGrade: 3', /Entry grade 3 is not valid/],
      ['provinceCode: "97", schoolYear: "2026-2027", entryGrade: 1', /No current province has code 97/],
    ];
    for (const [args, re] of cases) {
      const r = await gql(server.url, `{ catchmentQuality(${args}) { gaps { areaKm2 } } }`, {}, 'en');
      expect(r.body.errors![0]!.message).toMatch(re);
    }
  });
});
