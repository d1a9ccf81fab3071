// The parents' questions: which school is my home zoned for, what is near, find a school or a ward.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '@edugis/db';
import { gql, useTestServer } from './support.ts';

const server = useTestServer();
const sqlRows = <T>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);

const ZONES = `query($lng: Float!, $lat: Float!, $y: String) { enrollmentZonesAt(longitude: $lng, latitude: $lat, schoolYear: $y) {
  covered message schoolYear ward { code }
  grades { entryGrade status explanation zones { distanceMeters zone { isSynthetic school { id name } } } nearestCandidates { school { id } } } } }`;

describe('enrollmentZonesAt', () => {
  it('zones each point to the nearest public school of the level in its ward (the rule the zones were drawn by)', async () => {
    // Independent of the zone polygons: the planar nearest public (or real, of unknown ownership) primary/THCS
    // school within the point's ward.
    const points = await sqlRows<{ lng: number; lat: number; ward: string }>(`
      SELECT ST_X(p) lng, ST_Y(p) lat, w.id ward FROM admin_unit w, LATERAL ST_Dump(ST_GeneratePoints(w.boundary, 2, 7)) d(path, p)
      WHERE w.id IN (SELECT id FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79' ORDER BY md5(id) LIMIT 8)`);
    expect(points.length).toBe(16);
    for (const p of points) {
      const { body } = await gql(server.url, ZONES, { lng: p.lng, lat: p.lat });
      for (const [grade, level] of [[1, 'PRIMARY'], [6, 'LOWER_SECONDARY']] as const) {
        const [expected] = await sqlRows<{ id: string }>(`SELECT id FROM school WHERE ward_id = $1 AND (ownership = 'PUBLIC' OR (ownership = 'UNKNOWN' AND NOT is_synthetic)) AND $2::"SchoolLevel" = ANY(levels)
          ORDER BY ST_Distance(location, ST_SetSRID(ST_MakePoint($3, $4), 4326)) LIMIT 1`, [p.ward, level, p.lng, p.lat]);
        const g = body.data.enrollmentZonesAt.grades.find((x: { entryGrade: number }) => x.entryGrade === grade);
        expect(g.status, `${grade} at ${p.lng},${p.lat}`).toBe('ZONED');
        expect(g.zones[0].zone.school.id).toBe(expected!.id);
      }
    }
  });

  it('explains the answer in the user\'s language, with the distance, and says the zone is synthetic', async () => {
    const [s] = await sqlRows<{ lng: number; lat: number; name: string }>(`SELECT ST_X(location) lng, ST_Y(location) lat, name FROM school
      WHERE ownership = 'PUBLIC' AND levels = '{PRIMARY}' AND ward_id = '26740@2025-07-01' ORDER BY id LIMIT 1`);
    const vi = (await gql(server.url, ZONES, { lng: s!.lng + 0.0005, lat: s!.lat })).body.data.enrollmentZonesAt.grades[0];
    expect(vi.explanation).toContain(`khu vực tuyển sinh lớp 1 năm học 2026-2027 của ${s!.name}`);
    expect(vi.explanation).toMatch(/cách trường \d+ m theo đường chim bay/);
    expect(vi.explanation).toMatch(/mô phỏng/);
    const en = (await gql(server.url, ZONES, { lng: s!.lng + 0.0005, lat: s!.lat }, 'en')).body.data.enrollmentZonesAt.grades[0];
    expect(en.explanation).toMatch(new RegExp(`grade 1 admission zone of ${s!.name} for 2026-2027, \\d+ m from the school`));
    expect(en.explanation).toMatch(/synthetic admission zone/);
    expect(en.zones[0].distanceMeters).toBeGreaterThan(40);
    expect(en.zones[0].distanceMeters).toBeLessThan(70); // 0.0005° of longitude at 10.78°N ≈ 55 m
  });

  it('says so when a point lies on the border of two zones, listing both', async () => {
    const [b] = await sqlRows<{ lng: number; lat: number; a: string; b: string }>(`
      SELECT ST_X(p) lng, ST_Y(p) lat, a.school_id a, b.school_id b
      FROM enrollment_zone a JOIN enrollment_zone b ON a.id < b.id AND a.school_year = b.school_year AND a.entry_grade = b.entry_grade,
      LATERAL ST_PointOnSurface(ST_Intersection(ST_Boundary(a.area), ST_Boundary(b.area))) p
      WHERE a.school_year = '2026-2027' AND a.entry_grade = 1 AND a.area && b.area AND ST_Touches(a.area, b.area)
        AND ST_Covers(a.area, p) AND ST_Covers(b.area, p) LIMIT 1`);
    const g = (await gql(server.url, ZONES, { lng: b!.lng, lat: b!.lat })).body.data.enrollmentZonesAt.grades[0];
    expect(g.status).toBe('SEVERAL_ZONES');
    expect(g.zones.map((z: { zone: { school: { id: string } } }) => z.zone.school.id).sort()).toEqual([b!.a, b!.b].sort());
    expect(g.nearestCandidates.length).toBeGreaterThan(0);
    expect(g.explanation).toMatch(/2 trường/);
  });

  it('answers honestly outside the covered region and where no zones exist', async () => {
    const sea = (await gql(server.url, ZONES, { lng: 107.3, lat: 9.9 }, 'en')).body.data.enrollmentZonesAt;
    expect(sea).toMatchObject({ covered: false, grades: [] });
    expect(sea.message).toMatch(/outside the area/);
    const hanoi = (await gql(server.url, ZONES, { lng: 105.8542, lat: 21.0285 }, 'en')).body.data.enrollmentZonesAt; // Hoàn Kiếm: wards, no zones yet
    expect(hanoi.covered).toBe(true);
    expect(hanoi.grades.map((g: { status: string }) => g.status)).toEqual(['NO_ZONE', 'NO_ZONE']);
    // No rule and no zone (and the seed has no schools in Hanoi): said plainly, never an invented zone.
    expect(hanoi.grades[0].explanation).toBe('2026-2027, grade 1: ward Hoàn Kiếm has not published an admission rule for this address on EduGIS, ' +
      'and no public school of the level is within 15 km. No admissions calendar for 2026-2027 is on EduGIS yet.');
    expect(hanoi.grades[0].explanation).not.toMatch(/admission zone/);
  });

  it('refuses bad coordinates and unknown school years with clear errors', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ lng: 200, lat: 10 }, /kinh độ phải từ −180 đến 180/],
      [{ lng: 106.7, lat: -91 }, /vĩ độ từ −90 đến 90/],
      [{ lng: 106.7, lat: 10.78, y: '2030-2031' }, /Không có dữ liệu tuyển sinh cho năm học "2030-2031"\. Các năm học có dữ liệu: 2025-2026, 2026-2027\./],
      [{ lng: 106.7, lat: 10.78, y: "'; DROP TABLE school; --" }, /Không có dữ liệu tuyển sinh cho năm học/],
    ];
    for (const [vars, re] of cases) {
      const { status, body } = await gql(server.url, ZONES, vars);
      expect(status).toBeLessThan(500);
      expect(body.errors![0]!.message).toMatch(re);
      expect(body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    }
  });
});

const NEAREST = `query($lng: Float!, $lat: Float!, $level: SchoolLevel!, $limit: Int, $max: Float, $own: Ownership, $digital: Boolean) {
  nearestSchools(longitude: $lng, latitude: $lat, level: $level, limit: $limit, maxDistanceMeters: $max, ownership: $own, digitalSchool: $digital) {
    distanceMeters walkingMinutes school { id ownership } } }`;

describe('nearestSchools', () => {
  it('returns the k nearest in order with distances equal to PostGIS ST_Distance on geography', async () => {
    const { body } = await gql(server.url, NEAREST, { lng: 106.66, lat: 10.76, level: 'LOWER_SECONDARY', limit: 10 });
    const truth = await sqlRows<{ id: string; d: number }>(`SELECT id, ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(106.66, 10.76), 4326)::geography) d
      FROM school WHERE 'LOWER_SECONDARY' = ANY(levels) ORDER BY d, id LIMIT 10`);
    const got = body.data.nearestSchools as { distanceMeters: number; walkingMinutes: number; school: { id: string } }[];
    expect(got.map((n) => n.school.id)).toEqual(truth.map((t) => t.id));
    got.forEach((n, i) => expect(n.distanceMeters).toBeCloseTo(Number(truth[i]!.d), 4));
    expect(got[0]!.walkingMinutes).toBe(Math.max(1, Math.round((got[0]!.distanceMeters * 1.3) / 75)));
  });

  it('filters by ownership, digital school and distance', async () => {
    const { body } = await gql(server.url, NEAREST, { lng: 106.7, lat: 10.78, level: 'PRIMARY', limit: 20, max: 3000, own: 'PUBLIC', digital: true });
    const got = body.data.nearestSchools as { distanceMeters: number; school: { id: string; ownership: string } }[];
    expect(got.length).toBeGreaterThan(0);
    for (const n of got) {
      expect(n.school.ownership).toBe('PUBLIC');
      expect(n.distanceMeters).toBeLessThanOrEqual(3000);
      const [latest] = await sqlRows<{ overall_level: string }>(`SELECT overall_level FROM maturity_assessment WHERE school_id = $1 AND status = 'PUBLISHED' ORDER BY school_year DESC LIMIT 1`, [n.school.id]);
      expect(latest!.overall_level).not.toBe('LEVEL_1');
    }
  });

  it('looks 20 km unless asked further: a home in Hanoi is not sent to HCMC\'s schools', async () => {
    const hanoi = { lng: 105.8542, lat: 21.0285, level: 'PRIMARY', limit: 5 };
    expect((await gql(server.url, NEAREST, hanoi)).body.data.nearestSchools).toEqual([]);
    expect((await gql(server.url, NEAREST, { ...hanoi, max: 100_000 })).body.data.nearestSchools).toEqual([]);
    // In HCMC the default changes nothing near a home: the same five as within 100 km.
    const near = (await gql(server.url, NEAREST, { lng: 106.7, lat: 10.78, level: 'PRIMARY', limit: 5 })).body.data.nearestSchools;
    const far = (await gql(server.url, NEAREST, { lng: 106.7, lat: 10.78, level: 'PRIMARY', limit: 5, max: 100_000 })).body.data.nearestSchools;
    expect(near).toHaveLength(5);
    expect(near).toEqual(far);
    // From the sea edge of Cần Giờ, however many are asked for: none beyond 20 km.
    const edge = (await gql(server.url, NEAREST, { lng: 106.95, lat: 10.4, level: 'PRIMARY', limit: 100 })).body.data.nearestSchools as { distanceMeters: number }[];
    for (const n of edge) expect(n.distanceMeters).toBeLessThanOrEqual(20_000);
  });

  it('refuses a limit of 0 or 1,000,000, a negative distance and coordinates out of range', async () => {
    for (const [vars, re] of [
      [{ limit: 0 }, /từ 1 đến 100/], [{ limit: 1_000_000 }, /từ 1 đến 100/], [{ max: -5 }, /lớn hơn 0/], [{ max: 0 }, /lớn hơn 0/], [{ lat: 95 }, /vĩ độ/],
    ] as const) {
      const { body } = await gql(server.url, NEAREST, { lng: 106.7, lat: 10.78, level: 'PRIMARY', ...vars });
      expect(body.errors![0]!.message).toMatch(re);
    }
  });
});

const SEARCH = `query($t: String!, $n: Int) { search(text: $t, limit: $n) { kind label context score school { id } successors { code } } }`;

describe('search', () => {
  const first = async (text: string, kind?: string) => {
    const { body } = await gql(server.url, SEARCH, { t: text, n: 10 });
    expect(body.errors, text).toBeUndefined();
    return (body.data.search as { kind: string; label: string }[]).filter((h) => !kind || h.kind === kind)[0];
  };

  it('ignores accents and case and tolerates a typo', async () => {
    // OpenStreetMap has several Nguyễn Du schools (THCS, THPT): any of them, the same one for all three spellings.
    const best = (await first('nguyen du', 'SCHOOL'))!.label;
    expect(best).toMatch(/^(Trường )?(THCS|THPT|Tiểu học) Nguyễn Du$/i);
    expect((await first('NGUYỄN DU', 'SCHOOL'))!.label).toBe(best);
    expect((await first('nguen du', 'SCHOOL'))!.label).toBe(best);
    expect((await first('tieu hoc ben thanh'))!.label).toBe('Trường Tiểu học Bến Thành');
    expect((await first('ben thanh', 'WARD'))!.label).toBe('Phường Bến Thành');
  });

  it('finds a pre-2025 ward with its district and leads to the wards it went into, as the crosswalk says', async () => {
    const { body } = await gql(server.url, SEARCH, { t: 'Phường 12, Quận 3', n: 5 });
    const hit = body.data.search[0];
    expect(hit).toMatchObject({ kind: 'FORMER_WARD', label: 'Phường 12, Quận 3' });
    const csv = readFileSync(join(resolveDataDir()!, 'admin/hcmc_ward_crosswalk_2025.csv'), 'utf8').split('\n')
      .map((l) => l.split(',')).filter((c) => c[3] === 'Phường 12' && c[5] === 'Quận 3').map((c) => c[0]).sort();
    expect(hit.successors.map((s: { code: string }) => s.code)).toEqual(csv);
  });

  it('treats SQL and regex metacharacters as text, and refuses empty or overlong text', async () => {
    for (const t of ["'; DROP TABLE school; --", '%_\\', '.*+?()[]{}|^$', 'a'.repeat(200)]) {
      const { status, body } = await gql(server.url, SEARCH, { t });
      expect(status, t).toBe(200);
      expect(body.errors, t).toBeUndefined();
    }
    for (const [t, re] of [['   ', /Hãy nhập từ khóa/], ['x'.repeat(10_000), /tối đa 200 ký tự/]] as const) {
      expect((await gql(server.url, SEARCH, { t })).body.errors![0]!.message).toMatch(re);
    }
    expect((await gql(server.url, SEARCH, { t: 'nguyen', n: 51 })).body.errors![0]!.message).toMatch(/từ 1 đến 50/);
    const [{ n }] = (await sqlRows<{ n: number }>('SELECT count(*)::int n FROM school')) as [{ n: number }];
    expect(n).toBeGreaterThan(2000);
  });
});
