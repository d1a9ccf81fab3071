// Province staff change a rule's quota or cap in the workspace, over HTTP, on PostgreSQL and on the embedded
// PGlite: through the import pipeline (the same checks, the province's history, undone by revert), naming the
// version they saw. Five people saving the same version at once: one lands, four are told STALE_VERSION; five
// rules edited at once all land.
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';
import { at, worldFixtures } from './road-world.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
const sqlq = <T = any>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);
const { addSchool, addSource } = worldFixtures(sqlq);
const YEAR = '2029-2030';
const EDIT = `mutation($id: ID!, $g: Int!, $v: String!, $c: AdmissionRuleChanges!, $why: String!) {
  editAdmissionRule(schoolId: $id, schoolYear: "${YEAR}", grade: $g, expectedVersion: $v, changes: $c, reason: $why) {
    school { id } quotaPlaces quotaClasses distanceCapKm distanceMetric version sourceTitle } }`;
const RULES = `query($g: Int!) { admissionRules(provinceCode: "79", schoolYear: "${YEAR}", grade: $g) { school { id } quotaPlaces quotaClasses distanceCapKm version } }`;

let so: string; let phuong: string;
const edit = async (vars: Record<string, unknown>, token: string | null = so, lang = 'en'): Promise<any> =>
  (await gql(server.url, EDIT, { g: 6, why: 'Quyết định bổ sung chỉ tiêu', ...vars }, lang, token ?? undefined)).body;
const rules = async (g = 6) => new Map(((await gql(server.url, RULES, { g })).body.data.admissionRules as any[]).map((r) => [r.school.id, r]));

beforeAll(async () => {
  so = await signIn('demo.so');
  phuong = await signIn('demo.phuong');
  await addSource();
  for (let i = 1; i <= 6; i++) await addSchool(`edt-${i}`, at(0.001 * i, 0.002), 'LOWER_SECONDARY', 400);
  const body = ['Mã trường,Năm học,Lớp,Phương thức,Chỉ tiêu (học sinh),Chỉ tiêu (lớp),Bán kính (km),Cách đo',
    ...Array.from({ length: 6 }, (_, i) => `edt-${i + 1},${YEAR},6,Gần nhà,70,2,3,Đường đi`)].join('\n');
  const res = await fetch(`${server.url}/imports?kind=admission-rules&province=79&source=${encodeURIComponent('Kế hoạch thử')}&licence=unknown`, {
    method: 'POST', headers: { authorization: `Bearer ${so}`, 'x-file-name': 'rules.csv' }, body,
  });
  const staged = (await res.json()) as { id: string; status: string };
  expect(staged.status).toBe('PREVIEW');
  expect((await gql(server.url, `mutation($id: ID!) { commitImport(id: $id) { status } }`, { id: staged.id }, 'en', so)).body.data.commitImport.status).toBe('COMMITTED');
});

describe('editing an admission rule in the workspace', () => {
  it('changes the quota and the cap, shows in the province\'s history, and is undone by revert', async () => {
    const v0 = (await rules()).get('edt-1').version;
    const res = await edit({ id: 'edt-1', v: v0, c: { quotaPlaces: 90, quotaClasses: 3, distanceCapKm: 4.5 } });
    expect(res.errors).toBeUndefined();
    const r = res.data.editAdmissionRule;
    expect(r).toMatchObject({ school: { id: 'edt-1' }, quotaPlaces: 90, quotaClasses: 3, distanceCapKm: 4.5, distanceMetric: 'ROAD' });
    expect(r.version).not.toBe(v0);
    expect(r.sourceTitle).toMatch(/^Edited in EduGIS by .+: Quyết định bổ sung chỉ tiêu$/);
    const history = (await gql(server.url, `{ dataImports(provinceCode: "79", first: 5) { id kind sourceTitle revertible counts { changed } } }`, {}, 'en', so)).body.data.dataImports;
    const mine = history.find((h: any) => h.sourceTitle === r.sourceTitle);
    expect(mine).toMatchObject({ kind: 'admission-rules', revertible: true });
    expect(mine.counts).toEqual({ changed: 1 });
    // Undo: the quota is 70 again.
    expect((await gql(server.url, `mutation($id: ID!) { revertImport(id: $id) { status } }`, { id: mine.id }, 'en', so)).body.errors).toBeUndefined();
    expect((await rules()).get('edt-1')).toMatchObject({ quotaPlaces: 70, quotaClasses: 2, distanceCapKm: 3 });
  });

  it('five people saving the same version at once: one lands, four are told it changed', async () => {
    const v0 = (await rules()).get('edt-2').version;
    const results = await Promise.all([81, 82, 83, 84, 85].map((n) => edit({ id: 'edt-2', v: v0, c: { quotaPlaces: n } })));
    const ok = results.filter((r) => !r.errors);
    const refused = results.filter((r) => r.errors);
    expect(ok).toHaveLength(1);
    expect(refused.map((r) => r.errors[0].extensions.code)).toEqual(['STALE_VERSION', 'STALE_VERSION', 'STALE_VERSION', 'STALE_VERSION']);
    expect(refused[0].errors[0].message).toBe('Someone else has just changed this rule: reload to see it, then make your change again.');
    expect((await rules()).get('edt-2').quotaPlaces).toBe(ok[0].data.editAdmissionRule.quotaPlaces);
    // Saving again on the version seen before: refused, in Vietnamese too.
    const late = await edit({ id: 'edt-2', v: v0, c: { quotaPlaces: 60 } }, so, 'vi');
    expect(late.errors[0]).toMatchObject({ message: 'Quy định này vừa được người khác sửa: hãy tải lại để xem bản mới rồi sửa lại.', extensions: { code: 'STALE_VERSION' } });
  });

  it('five rules edited at once all land', async () => {
    const before = await rules();
    const ids = ['edt-2', 'edt-3', 'edt-4', 'edt-5', 'edt-6'];
    const results = await Promise.all(ids.map((id, i) => edit({ id, v: before.get(id).version, c: { quotaPlaces: 100 + i } })));
    for (const r of results) expect(r.errors).toBeUndefined();
    const after = await rules();
    expect(ids.map((id) => after.get(id).quotaPlaces)).toEqual([100, 101, 102, 103, 104]);
  });

  it('says what is wrong and changes nothing: above capacity, bad numbers, no change, not found, not allowed', async () => {
    const v = (await rules()).get('edt-1').version;
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ quotaPlaces: 450 }, 'Not saved: the quota of 450 pupils for Trường THCS edt-1 is above the whole school\'s capacity (400); check the quota or correct the school\'s capacity.'],
      [{ quotaPlaces: 0 }, 'Places must be a whole number from 1 to 5000.'],
      [{ quotaClasses: 0 }, 'Classes must be a whole number from 1 to 100, or empty.'],
      [{ distanceCapKm: 80 }, 'The distance cap must be above 0 and at most 50 km.'],
      [{ quotaPlaces: 70 }, 'Nothing differs from the rule as it is.'],
    ];
    for (const [c, message] of cases) {
      const res = await edit({ id: 'edt-1', v, c });
      expect(res.errors?.[0]?.message, JSON.stringify(c)).toBe(message);
      expect(res.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect((await rules()).get('edt-1')).toMatchObject({ quotaPlaces: 70, version: v });
    const missing = await edit({ id: 'edt-1', g: 1, v, c: { quotaPlaces: 10 } });
    expect(missing.errors[0]).toMatchObject({ message: `School edt-1 has no grade 1 admission rule for ${YEAR}.`, extensions: { code: 'NOT_FOUND' } });
    const ward = await edit({ id: 'edt-1', v, c: { quotaPlaces: 75 } }, phuong);
    expect(ward.errors[0].extensions.code).toBe('FORBIDDEN');
    const anonymous = await edit({ id: 'edt-1', v, c: { quotaPlaces: 75 } }, null);
    expect(anonymous.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
