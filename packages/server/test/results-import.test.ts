// Results of past school years through the import pipeline, over HTTP, on PostgreSQL and on the embedded PGlite:
// group scores (and item answers) enter as published results with their source and count in analytics; a result
// made in the EduGIS workflow is never overwritten (listed as SKIP); a synthetic or earlier imported result is
// superseded by a correcting revision; published results are never reverted; two commits at once never both land.
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { answers, DH80, QT60, SAVE, workflowClient, YEAR } from './workflow-support.ts';

const server = useTestServer();
const { signIn, call } = workflowClient(server);
let so: string;
let demoSchool: string;
let synthetic: { id: string; code: string | null; year: string; g1: number };
let bare: string;

const q = async (query: string, variables: Record<string, unknown>, token = so, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang, token)).body;
const code = (body: any) => body.errors?.[0]?.extensions?.code ?? 'OK';
async function upload(text: string) {
  const res = await fetch(`${server.url}/imports?kind=results&province=79&source=${encodeURIComponent('Sở GDĐT TP.HCM, kết quả CĐS 2021–2024')}&licence=CC-BY-4.0`, {
    method: 'POST', headers: { authorization: `Bearer ${so}`, 'x-file-name': 'ketqua.csv', 'accept-language': 'en' }, body: new TextEncoder().encode(text),
  });
  return (await res.json()) as any;
}
const HEADER = 'Mã trường,Năm học,Điểm nhóm 1,Điểm nhóm 2,Mức chung';
const published = (school: string, year: string) => server.ctx.db.raw.query<{ revision: number; g1: number; g2: number; level: string; source: string; synthetic: boolean }>(`
  SELECT p.revision, p.group1_score AS g1, p.group2_score AS g2, p.overall_level AS level, a.source_id AS source, a.is_synthetic AS synthetic
  FROM published_result p JOIN maturity_assessment a ON a.id = p.assessment_id WHERE p.school_id = $1 AND p.school_year = $2`, [school, year]);

beforeAll(async () => {
  so = await signIn('demo.so');
  const canbo = await signIn('demo.canbo');
  const [d] = await server.ctx.db.raw.query<{ school_id: string }>(`SELECT school_id FROM app_user WHERE username = 'demo.canbo'`);
  demoSchool = d!.school_id;
  // The demo school starts this year's assessment in the workflow (a draft is enough to make it the workflow's).
  const saved = await call(canbo, SAVE, { s: demoSchool, y: YEAR, a: answers({ ...DH80, ...QT60 }) });
  expect(saved.__typename).toMatch(/Success$/);
  [synthetic] = await server.ctx.db.raw.query<typeof synthetic>(`
    SELECT s.id, s.official_code AS code, p.school_year AS year, p.group1_score AS g1 FROM published_result p JOIN school s ON s.id = p.school_id
    JOIN admin_unit w ON w.id = s.ward_id JOIN maturity_assessment a ON a.id = p.assessment_id
    WHERE w.province_code = '79' AND a.is_synthetic AND s.id <> $1 ORDER BY s.id, p.school_year LIMIT 1`, [demoSchool]) as [typeof synthetic];
  const [b] = await server.ctx.db.raw.query<{ id: string }>(`
    SELECT s.id FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.province_code = '79' AND s.levels && '{PRIMARY,LOWER_SECONDARY}'
      AND NOT EXISTS (SELECT 1 FROM maturity_assessment a WHERE a.school_id = s.id AND a.school_year = '2021-2022') AND s.id <> $1 ORDER BY s.id DESC LIMIT 1`, [demoSchool]);
  bare = b!.id;
});

describe('past results through the importer', () => {
  it('a file with bad rows is refused row by row, in the reader\'s language, and writes nothing', async () => {
    const bad = await upload([HEADER, `${bare},2030-2031,60,60,`, `${bare},2021-2022,40,80,3`, `${bare},2018-2019,,55,`, `no-such,2021-2022,50,50,`].join('\n'));
    expect(bad.status).toBe('INVALID');
    expect(bad.errors.map((e: any) => [e.key, e.row])).toEqual([['resultYear', 2], ['resultOverall', 3], ['resultScores', 4], ['unknownSchool', 5]]);
    expect(bad.errors[1].message).toBe('Row 3: the overall level 3 is not the lower of the two groups\' levels (1).');
    expect(await published(bare, '2021-2022')).toEqual([]);
  });

  it('adds results, supersedes synthetic ones by a correction, never touches a workflow result', async () => {
    const items = 'Mã trường,Năm học,1.3.1,1.3.2,1.4,2.3.3,2.3.5,2.1';
    const staged = await upload([HEADER,
      `${bare},2021-2022,"62,5",48,Mức 1`,
      `${synthetic.id},${synthetic.year},${synthetic.g1 === 90 ? 91 : 90},80,`,
      `${demoSchool},${YEAR},99,99,`,
    ].join('\n'));
    expect(staged).toMatchObject({ status: 'PREVIEW', counts: { ADD: 1, CHANGE: 1, SKIP: 1, errors: 0 } });
    const preview = (await q(`query($id: ID!) { dataImport(id: $id) { items { action key note fields { field before after } } } }`, { id: staged.id })).data.dataImport.items;
    expect(preview.find((i: any) => i.action === 'SKIP').note).toMatch(/^The 2026-2027 result of .* was made in EduGIS: not overwritten\.$/);
    expect(preview.find((i: any) => i.action === 'CHANGE').fields[0]).toMatchObject({ field: 'group1_score' });
    const done = await q(`mutation($id: ID!) { commitImport(id: $id) { status } }`, { id: staged.id });
    expect(done.data.commitImport.status).toBe('COMMITTED');

    expect(await published(bare, '2021-2022')).toEqual([{ revision: 0, g1: 62.5, g2: 48, level: 'LEVEL_1', source: `import-${staged.id}`, synthetic: false }]);
    const corrected = await published(synthetic.id, synthetic.year);
    expect(corrected[0]).toMatchObject({ revision: 1, g2: 80, level: 'LEVEL_3', source: `import-${staged.id}`, synthetic: false });
    // The workflow's draft is as it was, and nothing was published for it.
    expect(await published(demoSchool, YEAR)).toEqual([]);
    // Analytics count it: the school's public results show the imported year.
    const pub = (await q(`query($id: ID!) { school(id: $id) { maturityResults { schoolYear group1Score source { title } } } }`, { id: bare })).data.school.maturityResults;
    expect(pub.find((a: any) => a.schoolYear === '2021-2022')).toMatchObject({ group1Score: 62.5, source: { title: 'Sở GDĐT TP.HCM, kết quả CĐS 2021–2024' } });

    // Published results never disappear: the import is not reverted.
    const revert = await q(`mutation($id: ID!) { revertImport(id: $id) { id } }`, { id: staged.id });
    expect(code(revert)).toBe('IMPORT_CONFLICT');
    expect(revert.errors[0].message).toMatch(/never deleted or changed/);

    // Item answers: scores and levels computed from them; the same file again changes nothing.
    const withItems = [items, `${bare},2019-2020,6,6,10,10,10,Đạt`].join('\n');
    const first = await upload(withItems);
    expect(first).toMatchObject({ status: 'PREVIEW', counts: { ADD: 1 } });
    await q(`mutation($id: ID!) { commitImport(id: $id) { status } }`, { id: first.id });
    expect(await published(bare, '2019-2020')).toMatchObject([{ g1: 22, g2: 20, level: 'LEVEL_1' }]);
    expect((await upload(withItems)).counts).toMatchObject({ ADD: 0, CHANGE: 0, UNCHANGED: 1 });
  });

  it('two files for the same school and year committed at once: one lands, the other is told IMPORT_STALE', async () => {
    const a = await upload([HEADER, `${bare},2020-2021,55,55,`].join('\n'));
    const b = await upload([HEADER, `${bare},2020-2021,70,70,`].join('\n'));
    const outs = await Promise.all([a, b].map((s) => q(`mutation($id: ID!) { commitImport(id: $id) { status } }`, { id: s.id })));
    expect(outs.map(code).sort()).toEqual(['IMPORT_STALE', 'OK']);
    expect(await published(bare, '2020-2021')).toHaveLength(1);
  });
});
