import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/index.ts';
import { SCHEMA_FILE } from '../src/schema-file.ts';
import { gql, provider, useTestServer } from './support.ts';

const server = useTestServer();

const count = async (sql: string, params: unknown[] = []) => Number((await server.ctx.db.raw.query<{ n: number }>(sql, params))[0]!.n);

describe('public contract', () => {
  it('matches the committed schema.graphql (run pnpm --filter @edugis/server print-schema after an intended change)', () => {
    expect(printSchema(schema) + '\n').toBe(readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('documents the root fields schools and school', async () => {
    const { body } = await gql(server.url, `{ __schema { queryType { fields { name description args { name } } } } }`);
    const fields = body.data.__schema.queryType.fields as { name: string; description: string; args: { name: string }[] }[];
    const schools = fields.find((f) => f.name === 'schools')!;
    expect(schools.description).toMatch(/bbox/);
    expect(schools.args.map((a) => a.name).sort()).toEqual(['after', 'bbox', 'before', 'first', 'last', 'level', 'ownership', 'provinceCode', 'synthetic', 'wardCode']);
    expect(fields.find((f) => f.name === 'school')!.description).toBeTruthy();
  });
});

describe('GET /healthz', () => {
  it('reports the server and the database as ok, with PostGIS', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { status: 'ok', kind: provider, postgis: expect.stringMatching(/^3\./), seeded: true, syntheticOnly: false } });
  });
});

describe('schools', () => {
  it('filters by level, ownership and ward, with totals equal to a recount in SQL', async () => {
    const cases: [string, string, unknown[]][] = [
      ['level: PRIMARY', `SELECT count(*) n FROM school WHERE 'PRIMARY' = ANY(levels)`, []],
      ['level: LOWER_SECONDARY, ownership: PUBLIC', `SELECT count(*) n FROM school WHERE 'LOWER_SECONDARY' = ANY(levels) AND ownership = 'PUBLIC'`, []],
      ['wardCode: "26740"', `SELECT count(*) n FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.code = '26740'`, []],
      ['synthetic: false', `SELECT count(*) n FROM school WHERE NOT is_synthetic`, []],
    ];
    for (const [args, sql, params] of cases) {
      const { body } = await gql(server.url, `{ schools(first: 5, ${args}) { totalCount edges { node { id } } } }`);
      expect(body.errors, args).toBeUndefined();
      const expected = await count(sql, params);
      expect(expected, args).toBeGreaterThan(0);
      expect(body.data.schools.totalCount, args).toBe(expected);
      expect(body.data.schools.edges.length).toBe(Math.min(5, expected));
    }
  });

  it('filters by bounding box like ST_Intersects does', async () => {
    const bbox = [106.69, 10.77, 106.71, 10.79];
    const { body } = await gql(server.url, `query($b: [Float!]) { schools(first: 200, bbox: $b) { totalCount edges { node { location { longitude latitude } } } } }`, { b: bbox });
    const expected = await count(`SELECT count(*) n FROM school WHERE ST_Intersects(location, ST_MakeEnvelope($1, $2, $3, $4, 4326))`, bbox);
    expect(body.data.schools.totalCount).toBe(expected);
    for (const { node } of body.data.schools.edges) {
      expect(node.location.longitude).toBeGreaterThanOrEqual(bbox[0]!);
      expect(node.location.latitude).toBeLessThanOrEqual(bbox[3]!);
    }
  });

  it('pages with first/after through every school exactly once', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const { body }: { body: any } = await gql(server.url, `query($a: String) { schools(first: 200, after: $a, wardCode: "26740") { pageInfo { hasNextPage endCursor } edges { node { id } } } }`, { a: after });
      for (const e of body.data.schools.edges) seen.add(e.node.id);
      if (!body.data.schools.pageInfo.hasNextPage) break;
      after = body.data.schools.pageInfo.endCursor;
    }
    expect(seen.size).toBe(await count(`SELECT count(*) n FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.code = '26740'`));
  });

  it('returns one school with its location, ward, provenance and published results', async () => {
    const { body } = await gql(server.url, `{ school(id: "osm-node-1606180393") { name levels isSynthetic locationConfidence sourceRef
      location { longitude latitude } ward { code fullName } source { licence attribution } } }`);
    expect(body.data.school).toEqual({
      name: 'Trường Tiểu Học Ngọc Hồi', levels: ['PRIMARY'], isSynthetic: false, locationConfidence: 'SURVEYED',
      sourceRef: 'openstreetmap.org/node/1606180393', location: { longitude: 106.65332, latitude: 10.777859 },
      ward: { code: '26995', fullName: 'Phường Tân Hoà' },
      source: { licence: 'ODbL-1.0', attribution: expect.stringContaining('OpenStreetMap contributors') },
    });
    const syn = await gql(server.url, `{ schools(first: 1, synthetic: true, level: PRIMARY) { edges { node { isSynthetic locationConfidence source { id } maturityResults { schoolYear overallLevel isSynthetic } } } } }`);
    const node = syn.body.data.schools.edges[0].node;
    expect(node).toMatchObject({ isSynthetic: true, locationConfidence: 'SYNTHETIC', source: { id: 'edugis-synthetic' } });
    expect(node.maturityResults.map((m: { schoolYear: string }) => m.schoolYear)).toEqual(['2025-2026', '2024-2025', '2023-2024', '2022-2023']);
    expect(node.maturityResults.every((m: { isSynthetic: boolean }) => m.isSynthetic)).toBe(true);
  });

  it('answers null for an unknown id', async () => {
    const { body } = await gql(server.url, `{ school(id: "nope") { id } }`);
    expect(body).toEqual({ data: { school: null } });
  });

  it('says in the API what is real and what is synthetic', async () => {
    const vi = await gql(server.url, `{ dataset { syntheticOnly realSchools syntheticSchools notice sources { id isSynthetic } } }`);
    const [{ n }] = await server.ctx.db.raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM school WHERE NOT is_synthetic`) as [{ n: number }];
    expect(n).toBeGreaterThan(500); // the 27 of the sample and OpenStreetMap's 2018 extract
    expect(vi.body.data.dataset).toMatchObject({ syntheticOnly: false, realSchools: n });
    expect(vi.body.data.dataset.notice).toMatch(/mô phỏng/);
    expect(vi.body.data.dataset.sources.at(-1)).toEqual({ id: 'edugis-synthetic', isSynthetic: true });
    const en = await gql(server.url, `{ dataset { notice } }`, {}, 'en');
    expect(en.body.data.dataset.notice).toMatch(/synthetic, not real/);
  });
});

describe('bad input gets a clear, translated error, never a 500', () => {
  const bad: [string, RegExp, RegExp][] = [
    [`{ schools(bbox: [1, 2, 3]) { totalCount } }`, /Khung bao \(bbox\) không hợp lệ/, /Invalid bbox/],
    [`{ schools(bbox: [200, 2, 3, 4]) { totalCount } }`, /Khung bao/, /Invalid bbox/],
    [`{ schools(bbox: [5, 5, 1, 1]) { totalCount } }`, /Khung bao/, /west < east/],
    [`{ schools(wardCode: "x'; drop table school; --") { totalCount } }`, /Mã phường\/xã .* không hợp lệ/, /Ward\/commune code .* is not valid/],
    [`{ schools(provinceCode: "7") { totalCount } }`, /Mã tỉnh/, /Province code "7" is not valid/],
    [`{ schools(first: 5000) { edges { node { id } } } }`, /từ 1 đến 200/, /from 1 to 200/],
    [`{ wards(provinceCode: "abc") { id } }`, /Mã tỉnh/, /Province code/],
  ];
  it.each(bad)('%s', async (query, vi, en) => {
    for (const [lang, re] of [['vi', vi], ['en', en]] as const) {
      const { status, body } = await gql(server.url, query, {}, lang);
      expect(status).toBeLessThan(500);
      expect(body.errors?.[0]?.message).toMatch(re);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(body)).not.toMatch(/stack|SELECT|at \//);
    }
    expect(await count('SELECT count(*) n FROM school')).toBeGreaterThan(2000);
  });

  it('refuses malformed JSON, unknown fields and over-deep queries with 400s', async () => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/at .*\.js/);
    const unknown = await gql(server.url, `{ schools { nope } }`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const deep = `{ wards { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } } } }`;
    expect((await gql(server.url, deep)).status).toBe(400);
  });
});

describe('GeoJSON for the map', () => {
  it('serves the region\'s wards and schools as FeatureCollections', async () => {
    const wards: any = await (await fetch(`${server.url}/geo/wards.geojson?province=79`)).json();
    expect(wards.type).toBe('FeatureCollection');
    expect(wards.features).toHaveLength(168);
    expect(wards.features[0].geometry.type).toBe('MultiPolygon');
    const schools: any = await (await fetch(`${server.url}/geo/schools.geojson`)).json();
    expect(schools.features).toHaveLength(await count(`SELECT count(*) n FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.province_code = '79'`));
    expect(schools.features[0].properties).toEqual(expect.objectContaining({ id: expect.any(String), level: expect.any(String), synthetic: expect.any(Boolean) }));
  });

  it('refuses a bad province code and unknown layers with a 4xx', async () => {
    const res = await fetch(`${server.url}/geo/wards.geojson?province=1%27%20or%201=1`, { headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/Province code/);
    expect((await fetch(`${server.url}/geo/nope.geojson`)).status).toBe(404);
  });
});
