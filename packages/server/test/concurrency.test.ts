// Concurrency is behaviour: every write path with parallel callers, over HTTP, on PostgreSQL and on the embedded
// PGlite (the same file runs in both projects). Same version at once: exactly one wins, the others are told
// STALE_VERSION. Many schools at once: every save lands. Bulk loads in different orders: no deadlock, no 500.
import { beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '@edugis/db';
import { gql, onEmbedded, useTestServer } from './support.ts';
import { answers, CORRECT, DH80, EVALUATE, MANDATORY, ok, pts, QT60, SAVE, STEP, workflowClient, type Outcome } from './workflow-support.ts';

const server = useTestServer();
const { signIn, call } = workflowClient(server);
const SCHOOLS = 20;

const tally = (outcomes: Outcome[]) => {
  const t: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.__typename === 'WorkflowError' ? o.code! : 'OK';
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
};
const count = async (sql: string, params: unknown[] = []) => Number((await server.ctx.db.raw.query<{ n: number }>(sql, params))[0]!.n);

let schools: { id: string; token: string }[];
let ward: string;
let head: string;

beforeAll(async () => {
  ward = await signIn('demo.phuong');
  head = await signIn('demo.hieutruong');
  // Twenty primary schools of HCMC (not the demo school), each with its own staff.
  const rows = await server.ctx.db.raw.query<{ id: string }>(`
    SELECT s.id FROM school s JOIN admin_unit w ON w.id = s.ward_id
    WHERE w.province_code = '79' AND s.levels = '{PRIMARY}'
      AND s.id <> (SELECT school_id FROM app_user WHERE username = 'demo.canbo')
    ORDER BY s.id LIMIT ${SCHOOLS}`);
  expect(rows.length).toBe(SCHOOLS);
  schools = [];
  for (const [i, r] of rows.entries()) {
    await createAccount(server.ctx.db, { id: `t-cc-${i}`, username: `cc.staff${i}`, displayName: `Staff ${i}`, role: 'SCHOOL_STAFF', password: 'pw-cc-123456', schoolId: r.id });
    schools.push({ id: r.id, token: await signIn(`cc.staff${i}`, 'pw-cc-123456') });
  }
});

describe('parallel callers', () => {
  it('20 saves of one version at once: exactly one is saved, 19 are told STALE_VERSION, and the log has one entry', async () => {
    const me = schools[0]!;
    const first = ok(await call(me.token, SAVE, { s: me.id, y: '2026-2027', v: null, a: answers(DH80) }));
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      call(me.token, SAVE, { s: me.id, y: '2026-2027', v: first.version, a: answers({ ...DH80, '1.4': i % 10 }) })));
    expect(tally(outcomes)).toEqual({ OK: 1, STALE_VERSION: 19 });
    const winner = outcomes.find((o) => o.__typename !== 'WorkflowError')!.data!;
    const [row] = await server.ctx.db.raw.query<{ version: number; p: number }>(
      `SELECT version, (answers->'points'->>'1.4')::float AS p FROM maturity_assessment WHERE id = $1`, [first.id]);
    expect(row).toEqual({ version: 2, p: winner.group1Score - 70 });
    expect(await count(`SELECT count(*) AS n FROM assessment_audit WHERE assessment_id = $1`, [first.id])).toBe(2);
    // The refusal says which version is current, translated.
    const stale = outcomes.find((o) => o.code === 'STALE_VERSION')!;
    expect(stale.message).toMatch(/\(version 2; you were editing version 1\)/);
  });

  it('20 first saves of one school at once: one creates the year\'s assessment, the others are told it exists', async () => {
    const me = schools[1]!;
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => call(me.token, SAVE, { s: me.id, y: '2026-2027', v: null, a: answers(QT60) })));
    expect(tally(outcomes)).toEqual({ OK: 1, STALE_VERSION: 19 });
    expect(await count(`SELECT count(*) AS n FROM maturity_assessment WHERE school_id = $1 AND school_year = '2026-2027'`, [me.id])).toBe(1);
  });

  it('200 saves by 20 schools at once, each school saving 10 times in a row: every save lands, and reads go on', async () => {
    const reads: number[] = [];
    let saving = true;
    const reader = (async () => {
      while (saving) {
        const t = performance.now();
        const r = await gql(server.url, `{ schools(first: 5, wardCode: "26740") { totalCount } }`);
        expect(r.body.errors).toBeUndefined();
        reads.push(performance.now() - t);
      }
    })();
    const perSchool = await Promise.all(schools.slice(2).concat(schools.slice(0, 2)).map(async (me, i) => {
      const results: Outcome[] = [];
      const existing = await gql(server.url, `query($s: ID!) { school(id: $s) { assessments(schoolYear: "2026-2027") { version } } }`, { s: me.id }, 'en', me.token);
      let v: number | null = existing.body.data.school.assessments[0]?.version ?? null;
      for (let k = 0; k < 10; k++) {
        const o = await call(me.token, SAVE, { s: me.id, y: '2026-2027', v, a: answers({ ...DH80, '1.4': (i + k) % 10 }) });
        results.push(o);
        if (o.data) v = o.data.version;
      }
      return results;
    }));
    saving = false;
    await reader;
    const all = perSchool.flat();
    expect(tally(all)).toEqual({ OK: 200 });
    expect(reads.length).toBeGreaterThan(0);
    // Each school's last save is what is stored.
    for (const [i, me] of schools.slice(2).concat(schools.slice(0, 2)).entries()) {
      const [row] = await server.ctx.db.raw.query<{ p: number }>(
        `SELECT (answers->'points'->>'1.4')::float AS p FROM maturity_assessment WHERE school_id = $1 AND school_year = '2026-2027'`, [me.id]);
      expect(row!.p).toBe((i + 9) % 10);
    }
  });

  it('approve, submit, review, evaluate, publish and correct by several people at once: one each, the others refused', async () => {
    const staff = await signIn('demo.canbo');
    const school = (await gql(server.url, '{ me { school { id } } }', {}, 'en', staff)).body.data.me.school.id as string;
    let a = ok(await call(staff, SAVE, { s: school, y: '2026-2027', v: null, a: answers({ ...DH80, ...QT60 }) }));
    const race = async (token: string, query: string, vars: Record<string, unknown>, lost = 'STALE_VERSION') => {
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => call(token, query, { id: a.id, v: a.version, ...vars })));
      expect(tally(outcomes)).toEqual({ OK: 1, [lost]: 9 });
      a = outcomes.find((o) => o.data)!.data!;
    };
    await race(head, STEP('approveAssessment'), {});
    await race(head, STEP('submitAssessment'), {});
    await race(ward, STEP('startAssessmentReview'), {});
    await race(ward, EVALUATE, { p: pts({ ...DH80, ...QT60 }), md: MANDATORY });
    // Once one publication is in, the others are told the result is final (more than "stale": nothing can follow).
    await race(ward, STEP('publishAssessment'), {}, 'PUBLISHED_IS_FINAL');
    expect(a.status).toBe('PUBLISHED');
    const corrections = await Promise.all(Array.from({ length: 10 }, () => call(ward, CORRECT, { id: a.id, r: 'Đối chiếu lại' })));
    expect(tally(corrections)).toEqual({ OK: 1, ALREADY_CORRECTED: 9 });
    expect(await count(`SELECT count(*) AS n FROM maturity_assessment WHERE corrects_id = $1`, [a.id])).toBe(1);
    // Six steps, six audit entries: no refused step left a trace.
    expect(await count(`SELECT count(*) AS n FROM assessment_audit WHERE assessment_id = $1`, [a.id])).toBe(6);
  });

  it('publishes 20 schools\' results at once: all published, each once, and the figures see them all', async () => {
    // Upper-secondary results waiting for the province's publication, as on 20 June (written directly: the
    // steps before publication are raced above).
    const province = await signIn('demo.so');
    const thpt = (await server.ctx.db.raw.query<{ id: string }>(`SELECT s.id FROM school s JOIN admin_unit w ON w.id = s.ward_id
      WHERE w.province_code = '79' AND s.levels = '{UPPER_SECONDARY}' ORDER BY s.id LIMIT ${SCHOOLS}`)).map((r) => r.id);
    expect(thpt).toHaveLength(SCHOOLS);
    await server.ctx.db.raw.query(`
      INSERT INTO maturity_assessment (id, school_id, school_year, revision, index_version, status, version, group1_score, group2_score,
        group1_level, group2_level, overall_level, managing_unit_id, is_synthetic, source_id)
      SELECT 'ma-cc-' || s.id, s.id, '2026-2027', 0,
             '4725/2022', 'EVALUATED', 3, 90, 90, 'LEVEL_3', 'LEVEL_3', 'LEVEL_3', w.parent_id, false, 'edugis-synthetic'
      FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE s.id = ANY ($1::text[])`, [thpt]);
    const ids = thpt.map((id) => `ma-cc-${id}`);
    const outcomes = await Promise.all(ids.map((id) => call(province, STEP('publishAssessment'), { id, v: 3 })));
    expect(tally(outcomes)).toEqual({ OK: SCHOOLS });
    expect(await count(`SELECT count(*) AS n FROM published_result WHERE assessment_id = ANY ($1::text[])`, [ids])).toBe(SCHOOLS);
    expect(await count(`SELECT count(*) AS n FROM assessment_audit WHERE assessment_id = ANY ($1::text[]) AND action = 'publish'`, [ids])).toBe(SCHOOLS);
  });

  it('loads ward demand with the same wards in different orders at once: no deadlock, each load whole', async () => {
    const province = await signIn('demo.so');
    const wards = (await server.ctx.db.raw.query<{ code: string }>(`SELECT code FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79' ORDER BY code LIMIT 150`)).map((w) => w.code);
    const LOAD = `mutation($rows: [WardDemandInput!]!, $s: String!) { loadWardDemand(schoolYear: "2026-2027", level: PRIMARY, source: $s, rows: $rows) }`;
    const orders = Array.from({ length: 8 }, (_, k) => {
      const rows = wards.map((code, i) => ({ wardCode: code, children: 1000 + k }));
      return k % 2 ? rows.reverse() : rows.sort(() => 0.5 - ((k * 7919) % 13) / 13);
    });
    const results = await Promise.all(orders.map((rows, k) => gql(server.url, LOAD, { rows, s: `load ${k}` }, 'en', province)));
    for (const r of results) {
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      expect(r.body.data.loadWardDemand).toBe(wards.length);
    }
    // Whichever load committed last, it holds every ward (never a mix of two loads).
    const mixes = await server.ctx.db.raw.query<{ n: number }>(`SELECT count(DISTINCT source) AS n FROM ward_demand WHERE school_year = '2026-2027' AND level = 'PRIMARY'`);
    expect(Number(mixes[0]!.n)).toBe(1);
  });

  it('answers a parent\'s read while a write is open on the embedded database (one connection), instead of waiting forever', async () => {
    // The embedded database runs one transaction at a time: reads queue behind the open one, never inside it.
    const me = schools[3]!;
    const existing = await gql(server.url, `query($s: ID!) { school(id: $s) { assessments(schoolYear: "2026-2027") { version } } }`, { s: me.id }, 'en', me.token);
    const v = existing.body.data.school.assessments[0].version as number;
    const [save, read] = await Promise.all([
      call(me.token, SAVE, { s: me.id, y: '2026-2027', v, a: answers(DH80) }),
      gql(server.url, `{ nearestSchools(longitude: 106.70, latitude: 10.78, level: PRIMARY, limit: 3) { distanceMeters } }`),
    ]);
    expect(save.__typename).toBe('MutationSaveSelfAssessmentSuccess');
    expect(read.body.data.nearestSchools).toHaveLength(3);
    expect(onEmbedded ? 'embedded' : 'postgres').toBe(server.ctx.db.kind);
  });
});
