// Staff correct schools and moderate parents' reports, over HTTP, on PostgreSQL and on the embedded PGlite: a
// ward officer accepts a report and moves the school; the ward, the history and the public answers follow. Two
// people at once: one correction wins, the other is told STALE_VERSION; one moderation wins, the other is told.
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
let wardToken: string;
let so: string;
let planner: string;
let wardCode: string;
let schoolId: string;
let elsewhere: { ward: string; x: number; y: number };

const q = async (query: string, variables: Record<string, unknown>, token?: string, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang, token)).body;
const CORRECT = `mutation($id: ID!, $v: Int!, $c: SchoolCorrectionInput!, $r: String!, $rep: ID) {
  correctSchool(id: $id, expectedVersion: $v, changes: $c, reason: $r, reportId: $rep) { id name version capacity ward { code } location { longitude latitude } } }`;
const VERSION = `query($id: ID!) { school(id: $id) { version ward { code } } }`;
const REPORT = `mutation($s: ID!, $m: String!, $x: Float, $y: Float) { reportProblem(schoolId: $s, kind: WRONG_LOCATION, message: $m, longitude: $x, latitude: $y) { id } }`;
const QUEUE = `query($st: ProblemReportStatus) { problemReports(status: $st) { id schoolId schoolName status longitude latitude moderatorName moderationNote } }`;
const MODERATE = `mutation($id: ID!, $d: ProblemReportStatus!, $n: String) { moderateProblemReport(id: $id, decision: $d, note: $n) { id status moderatorName moderationNote } }`;
const code = (body: any) => body.errors?.[0]?.extensions?.code ?? 'OK';

beforeAll(async () => {
  wardToken = await signIn('demo.phuong');
  so = await signIn('demo.so');
  planner = await signIn('demo.quyhoach');
  const [w] = await server.ctx.db.raw.query<{ code: string; school: string }>(`
    SELECT w.code, (SELECT s.id FROM school s WHERE s.ward_id = w.id AND s.location IS NOT NULL ORDER BY s.id LIMIT 1) AS school
    FROM app_user u JOIN admin_unit w ON w.id = u.unit_id WHERE u.username = 'demo.phuong'`);
  wardCode = w!.code;
  schoolId = w!.school;
  // A point in another ward of HCMC (where some other school stands).
  [elsewhere] = await server.ctx.db.raw.query<{ ward: string; x: number; y: number }>(`
    SELECT w.code AS ward, ST_X(s.location) AS x, ST_Y(s.location) AS y FROM school s JOIN admin_unit w ON w.id = s.ward_id
    WHERE w.province_code = '79' AND w.code <> $1 AND s.location IS NOT NULL ORDER BY s.id LIMIT 1`, [wardCode]) as [typeof elsewhere];
});

describe('a parent reports a school in the wrong place; the ward officer fixes it', () => {
  it('the report waits in the queue with its point; accepting it with a correction moves the school, the ward follows', async () => {
    // The parent says the school is in another ward.
    const target = [Number(elsewhere.x.toFixed(5)), Number(elsewhere.y.toFixed(5))];
    const rep = (await q(REPORT, { s: schoolId, m: 'Trường đã chuyển về Lý Tự Trọng', x: target[0], y: target[1] })).data.reportProblem;
    const queue = (await q(QUEUE, {}, wardToken)).data.problemReports;
    expect(queue.find((r: any) => r.id === rep.id)).toMatchObject({ schoolId, status: 'NEW', longitude: target[0], latitude: target[1] });
    // Other wards' officers and planners do not see it.
    expect(code(await q(QUEUE, {}, planner))).toBe('FORBIDDEN');

    const { version } = (await q(VERSION, { id: schoolId })).data.school;
    const fixed = await q(CORRECT, { id: schoolId, v: version, c: { longitude: target[0], latitude: target[1], capacity: 777 }, r: 'Theo báo cáo của phụ huynh', rep: rep.id }, wardToken);
    expect(fixed.data.correctSchool).toMatchObject({ version: version + 1, capacity: 777, ward: { code: elsewhere.ward }, location: { longitude: target[0], latitude: target[1] } });
    // The report is accepted, by whom and why.
    const accepted = (await q(QUEUE, { st: 'ACCEPTED' }, so)).data.problemReports.find((r: any) => r.id === rep.id);
    expect(accepted).toMatchObject({ status: 'ACCEPTED', moderatorName: 'Cán bộ văn hóa – xã hội phường (demo)', moderationNote: 'Theo báo cáo của phụ huynh' });
    // The history says who, why and what changed.
    const history = (await q(`query($id: ID!) { schoolHistory(id: $id) { operation actorName reason fields } }`, { id: schoolId }, so)).data.schoolHistory;
    expect(history[0]).toEqual({ operation: 'UPDATE', actorName: 'Cán bộ văn hóa – xã hội phường (demo)', reason: 'Theo báo cáo của phụ huynh', fields: ['ward_id', 'lng', 'lat', 'capacity'] });
    // The parents' map and the downloads follow at once.
    const geo = await (await fetch(`${server.url}/geo/schools.geojson?province=79`)).json() as any;
    expect(geo.features.find((f: any) => f.properties.id === schoolId).geometry.coordinates).toEqual(target);
    const [{ level }] = await server.ctx.db.raw.query<{ level: string }>('SELECT levels[1]::text AS level FROM school WHERE id = $1', [schoolId]) as [{ level: string }];
    const near = (await q(`query($x: Float!, $y: Float!, $l: SchoolLevel!) { nearestSchools(longitude: $x, latitude: $y, level: $l, limit: 5) { school { id } distanceMeters } }`,
      { x: target[0], y: target[1], l: level })).data.nearestSchools;
    expect(near.map((n: any) => n.school.id)).toContain(schoolId);
    // Now it is outside the officer's ward: only the province can correct it further.
    const again = await q(CORRECT, { id: schoolId, v: version + 1, c: { capacity: 1 }, r: 'x' }, wardToken);
    expect(code(again)).toBe('NOT_FOUND');
  });

  it('a rejection needs a reason; two moderators at once: one decides, the other is told who did', async () => {
    const rep = (await q(REPORT, { s: schoolId, m: 'Sai vị trí' })).data.reportProblem;
    expect(code(await q(MODERATE, { id: rep.id, d: 'REJECTED' }, so))).toBe('BAD_USER_INPUT');
    const outcomes = await Promise.all([
      q(MODERATE, { id: rep.id, d: 'REJECTED', n: 'Vị trí đúng, đã kiểm tra' }, so),
      q(MODERATE, { id: rep.id, d: 'ACCEPTED' }, so),
      q(MODERATE, { id: rep.id, d: 'REJECTED', n: 'Trùng' }, so),
    ]);
    expect(outcomes.map(code).sort()).toEqual(['OK', 'REPORT_MODERATED', 'REPORT_MODERATED']);
    expect(outcomes.find((o) => code(o) === 'REPORT_MODERATED').errors[0].message).toMatch(/already (accepted|rejected) by Chuyên viên Sở GDĐT/);
  });
});

describe('corrections refuse bad input and lost updates', () => {
  it('five corrections of one version at once: one is saved, four are told STALE_VERSION', async () => {
    const [s] = await server.ctx.db.raw.query<{ id: string }>(`
      SELECT s.id FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.province_code = '79' AND s.id <> $1 ORDER BY s.id LIMIT 1`, [schoolId]);
    const { version } = (await q(VERSION, { id: s!.id })).data.school;
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((i) => q(CORRECT, { id: s!.id, v: version, c: { capacity: 100 * i }, r: `lần ${i}` }, so)));
    expect(outcomes.map(code).sort()).toEqual(['OK', 'STALE_VERSION', 'STALE_VERSION', 'STALE_VERSION', 'STALE_VERSION']);
    const winner = outcomes.find((o) => code(o) === 'OK').data.correctSchool;
    const [row] = await server.ctx.db.raw.query<{ capacity: number; n: number }>(
      `SELECT capacity, (SELECT count(*)::int FROM school_change WHERE school_id = $1) AS n FROM school WHERE id = $1`, [s!.id]);
    expect(row).toEqual({ capacity: winner.capacity, n: 1 });
    expect(outcomes.find((o) => code(o) === 'STALE_VERSION').errors[0].message).toMatch(/version \d+; you were editing version \d+/);
  });

  it('swapped or projected coordinates, a point outside the province, an empty name, no reason: a specific message, nothing written', async () => {
    const { version } = (await q(VERSION, { id: schoolId })).data.school;
    const tries: [Record<string, unknown>, string, RegExp][] = [
      [{ longitude: 10.77, latitude: 106.7 }, 'x', /look swapped/],
      [{ longitude: 686000, latitude: 1191000 }, 'x', /metres of a projection/],
      [{ longitude: 105.85, latitude: 21.03 }, 'x', /outside the school's province/],
      [{ name: '  ' }, 'x', /"name" is not valid/],
      [{ website: 'javascript:alert(1)' }, 'x', /"website" is not valid/],
      [{ capacity: 10 }, '  ', /reason for the correction/],
    ];
    for (const [c, r, re] of tries) {
      const body = await q(CORRECT, { id: schoolId, v: version, c, r }, so);
      expect(code(body), JSON.stringify(c)).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message).toMatch(re);
    }
    expect((await q(VERSION, { id: schoolId })).data.school.version).toBe(version);
    expect(code(await q(CORRECT, { id: schoolId, v: version, c: { capacity: 1 }, r: 'x' }, planner))).toBe('FORBIDDEN');
    expect(code(await q(CORRECT, { id: schoolId, v: version, c: { capacity: 1 }, r: 'x' }))).toBe('UNAUTHENTICATED');
  });
});
