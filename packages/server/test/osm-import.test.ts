// OpenStreetMap schools through the import pipeline, over HTTP, on PostgreSQL and on the embedded PGlite: the real
// 2018 extract of old HCMC (../shared/data/osm/hcmc_2018.osm.pbf) is previewed (new, matched, ambiguous and skipped
// candidates, each with why), committed as real schools with OSM's attribution and the extract's date, found
// unchanged when imported again, and reverted. A damaged PBF is refused and writes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveDataDir } from '@edugis/db';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';

const dataDir = resolveDataDir();
const server = useTestServer();
const { signIn } = workflowClient(server);
let so: string;
const pbf = dataDir ? readFileSync(join(dataDir, 'osm', 'hcmc_2018.osm.pbf')) : Buffer.alloc(0);

const q = async (query: string, variables: Record<string, unknown>, token = so, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang, token)).body;
const code = (body: any) => body.errors?.[0]?.extensions?.code ?? 'OK';
async function upload(bytes: Uint8Array, name = 'hcmc_2018.osm.pbf') {
  const res = await fetch(`${server.url}/imports?kind=osm-schools&province=79&source=${encodeURIComponent('OpenStreetMap, old HCMC extract')}&licence=whatever`, {
    method: 'POST', headers: { authorization: `Bearer ${so}`, 'x-file-name': name, 'accept-language': 'en' }, body: new Uint8Array(bytes),
  });
  return { status: res.status, body: (await res.json()) as any };
}
const ITEMS = `query($id: ID!, $a: ImportAction, $n: Int) { dataImport(id: $id) { licence counts { added changed unchanged skipped }
  items(action: $a, first: $n) { action key label lng lat note } } }`;

describe.skipIf(!dataDir)('the real OSM extract through the importer', () => {
  beforeAll(async () => {
    so = await signIn('demo.so');
  });

  it('the default seed holds the extract\'s schools, imported by the same importer, with OSM\'s attribution', async () => {
    const [seeded] = await server.ctx.db.raw.query<{ status: string; actor_name: string; added: number; attribution: string }>(`
      SELECT d.status, d.actor_name, (d.counts->>'ADD')::int AS added, s.attribution FROM data_import d JOIN data_source s ON s.id = 'import-' || d.id
      WHERE d.id = 'imp-seed-osm-hcmc-2018'`);
    expect(seeded).toMatchObject({ status: 'COMMITTED', actor_name: 'seed' });
    expect(seeded!.added).toBeGreaterThan(500);
    expect(seeded!.attribution).toMatch(/^© OpenStreetMap contributors .*extract as of 2018-01-01$/);
    const sources = (await q(`{ dataset { realSchools sources { title attribution licence } } }`, {})).data.dataset;
    expect(sources.sources).toContainEqual({ title: 'OpenStreetMap extract of old Ho Chi Minh City, as of 2018-01-01', attribution: seeded!.attribution, licence: 'ODbL-1.0' });
    // The Vietnamese interface gets Vietnamese titles for the seed's sources, the synthetic one included.
    const vi = (await q(`{ dataset { sources { id title } } }`, {}, so, 'vi')).data.dataset.sources as { id: string; title: string }[];
    expect(vi.map((s) => s.title)).toContain('Bản trích OpenStreetMap của TP.HCM cũ, tính đến ngày 1/1/2018');
    expect(vi.find((s) => s.id === 'edugis-synthetic')!.title).toMatch(/^Dữ liệu mô phỏng của EduGIS/);
  });

  it('the seed\'s own import is not offered for revert, and a revert of it is refused in words', async () => {
    const history = (await q(`query { dataImports(provinceCode: "79") { id revertible } }`, {})).data.dataImports;
    expect(history).toContainEqual({ id: 'imp-seed-osm-hcmc-2018', revertible: false });
    const refused = await q(`mutation($id: ID!) { revertImport(id: $id) { id } }`, { id: 'imp-seed-osm-hcmc-2018' }, so, 'vi');
    expect(code(refused)).toBe('IMPORT_CONFLICT');
    expect(refused.errors[0].message).toMatch(/dữ liệu mẫu.*pnpm seed/);
  });

  it('previews candidates as new, matched, ambiguous or skipped, each saying why', async () => {
    // Kindergartens the seed took from OSM (they have no results, so they can go): the first is replaced by the
    // city's own record of it (another name form, 60 m away), the second by two stored schools that could both be
    // it, and five are deleted (they come back as new).
    const kg = await server.ctx.db.raw.query<{ id: string; name: string; x: number; y: number }>(`
      SELECT id, name, ST_X(location) AS x, ST_Y(location) AS y FROM school s WHERE source_id = 'import-imp-seed-osm-hcmc-2018' AND levels = '{PRESCHOOL}'
        AND name ~* '^trường mầm non [^ ]+' AND NOT EXISTS (SELECT 1 FROM maturity_assessment a WHERE a.school_id = s.id) ORDER BY id LIMIT 7`);
    expect(kg).toHaveLength(7);
    [k1, k2] = kg as [typeof k1, typeof k1];
    await server.ctx.db.raw.query(`DELETE FROM school WHERE id = ANY ($1::text[])`, [kg.map((k) => k.id)]);
    const near = (k: typeof k1, m: number, az: number) => [k.x, k.y, m, az];
    const put = (id: string, name: string, [x, y, m, az]: number[]) => server.ctx.db.raw.query(`
      INSERT INTO school (id, name, levels, ownership, location, location_confidence, is_synthetic, source_id)
      VALUES ($1, $2, '{PRESCHOOL}', 'PUBLIC', ST_Project(ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4326)::geography, $5::float8, $6::float8)::geometry, 'SURVEYED', false, 'osm-schools-hcmc')`,
    [id, name, x, y, m, az]);
    await put('city-k1', k1.name.replace(/^trường\s+/i, ''), near(k1, 60, 0));
    await put('city-k2a', k2.name, near(k2, 100, 0));
    await put('city-k2b', k2.name, near(k2, 150, 3.14));
    gone = kg.slice(2);

    const staged = await upload(pbf);
    expect(staged.status).toBe(201);
    expect(staged.body.status).toBe('PREVIEW');
    expect(staged.body.counts).toMatchObject({ ADD: 5, CHANGE: 0 }); // the rest is stored already, from the same extract
    expect(staged.body.warnings[0]).toMatchObject({ key: 'osmExtractDate', values: { date: '2018-01-01' } });
    const id = staged.body.id;
    importId = id;

    const preview = (await q(ITEMS, { id, n: 500 })).data.dataImport;
    expect(preview.licence).toBe('ODbL-1.0'); // OSM data is ODbL whatever the uploader typed
    const unchanged = (await q(ITEMS, { id, a: 'UNCHANGED', n: 500 })).data.dataImport.items;
    expect(unchanged.find((i: any) => i.key === 'city-k1')).toMatchObject({ label: k1.name, note: expect.stringMatching(/^Matches the stored school ".*" \((59|6\d) m away\)/) });
    const skipped = (await q(ITEMS, { id, a: 'SKIP', n: 500 })).data.dataImport.items;
    expect(skipped.find((i: any) => i.key === k2.id)?.note).toMatch(/could be any of 2 stored schools/);
    expect(skipped.find((i: any) => /^Cao đẳng/i.test(i.label))?.note).toMatch(/level .* cannot be inferred/);
    const added = (await q(ITEMS, { id, a: 'ADD', n: 500 })).data.dataImport.items;
    expect(added.map((i: any) => i.key).sort()).toEqual(gone.map((g) => g.id).sort());
    expect(added[0].note).toMatch(/^Levels PRESCHOOL, inferred from (amenity=kindergarten|name|isced:level|school:level)\.$/);
    expect(added.every((i: any) => i.lng > 106 && i.lng < 107.1 && i.lat > 10.3 && i.lat < 11.2)).toBe(true);
  });

  it('commits real schools with OSM\'s attribution and the extract\'s date; the public API shows them', async () => {
    const done = await q(`mutation($id: ID!) { commitImport(id: $id) { status counts { added } } }`, { id: importId });
    expect(done.data.commitImport.status).toBe('COMMITTED');
    const added = done.data.commitImport.counts.added;
    const [row] = await server.ctx.db.raw.query<{ n: number; synthetic: number; no_ward: number; attribution: string }>(`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE s.is_synthetic)::int AS synthetic, count(*) FILTER (WHERE s.ward_id IS NULL)::int AS no_ward,
             min(d.attribution) AS attribution
      FROM school s JOIN data_source d ON d.id = s.source_id WHERE s.source_id = $1`, [`import-${importId}`]);
    expect(row).toMatchObject({ n: 5, synthetic: 0, no_ward: 0 });
    expect(added).toBe(5);
    expect(row!.attribution).toBe('© OpenStreetMap contributors (ODbL 1.0, openstreetmap.org/copyright); extract as of 2018-01-01');
    // Matched and ambiguous: not written.
    expect(await server.ctx.db.raw.query(`SELECT id FROM school WHERE id = ANY ($1::text[])`, [[k1.id, k2.id]])).toEqual([]);
    const [some] = await server.ctx.db.raw.query<{ id: string }>(`SELECT id FROM school WHERE source_id = $1 ORDER BY id LIMIT 1`, [`import-${importId}`]);
    const pub = (await q(`query($id: ID!) { school(id: $id) { isSynthetic sourceRef source { licence attribution } ward { code } } }`, { id: some!.id })).data.school;
    expect(pub).toMatchObject({ isSynthetic: false, source: { licence: 'ODbL-1.0' } });
    expect(pub.sourceRef).toMatch(/^openstreetmap\.org\/(node|way)\/\d+ \(levels from (name|amenity=kindergarten|isced:level|school:level)\)$/);
  });

  it('the same extract again finds every school unchanged; a revert removes what the import added', async () => {
    const again = await upload(pbf);
    expect(again.body.counts).toMatchObject({ ADD: 0, CHANGE: 0 });
    await q(`mutation($id: ID!) { discardImport(id: $id) { status } }`, { id: again.body.id });
    const reverted = await q(`mutation($id: ID!) { revertImport(id: $id) { status counts { removed } } }`, { id: importId });
    expect(code(reverted)).toBe('OK');
    expect(await server.ctx.db.raw.query(`SELECT id FROM school WHERE source_id = $1`, [`import-${importId}`])).toEqual([]);
  });

  it('a damaged PBF is refused with a specific message, and nothing is recorded but the refusal', async () => {
    const broken = Buffer.from(pbf.subarray(0, 200_000));
    broken.fill(0x5a, 20_000, 40_000);
    const res = await upload(broken, 'broken.osm.pbf');
    expect(res.body.status).toBe('INVALID');
    expect(res.body.errors[0]).toMatchObject({ key: 'badPbf', message: expect.stringMatching(/^The file is not a valid OpenStreetMap PBF/) });
  });
});

let importId = '';
let k1 = { id: '', name: '', x: 0, y: 0 };
let k2 = k1;
let gone: typeof k1[] = [];
