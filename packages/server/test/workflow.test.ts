// The yearly QĐ 4725 workflow end to end over HTTP GraphQL, with real accounts, against a real PostGIS:
// every step, every permission edge, stale versions, bad input leaving nothing behind, lateness, the audit
// log's completeness, immutability of published results (in the API and in the database) and corrections.
import { beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '@edugis/db';
import { gql, useTestServer } from './support.ts';
import { answers, CORRECT, DH80, EVALUATE, MANDATORY, ok, pts, QT60, refused, RETURN, SAVE, STEP, workflowClient, YEAR } from './workflow-support.ts';

const server = useTestServer();
const { signIn, call } = workflowClient(server);

let tok: Record<'staff' | 'principal' | 'ward' | 'province' | 'planner', string>;
let schoolA: string;
let schoolB: string;
let thpt: { id: string; ward: string };
const count = async (sql: string) => Number((await server.ctx.db.raw.query<{ n: number }>(sql))[0]!.n);

beforeAll(async () => {
  tok = {
    staff: await signIn('demo.canbo'), principal: await signIn('demo.hieutruong'), ward: await signIn('demo.phuong'),
    province: await signIn('demo.so'), planner: await signIn('demo.quyhoach'),
  };
  const me = await gql(server.url, '{ me { role school { id ward { id code } } } }', {}, 'en', tok.staff);
  schoolA = me.body.data.me.school.id;
  const db = server.ctx.db;
  const wardId = me.body.data.me.school.ward.id;
  schoolB = (await db.raw.query<{ id: string }>(`SELECT id FROM school WHERE ward_id = $1 AND id <> $2 AND levels = '{PRIMARY}' ORDER BY id LIMIT 1`, [wardId, schoolA]))[0]!.id;
  thpt = (await db.raw.query<{ id: string; ward: string }>(`SELECT s.id, s.ward_id AS ward FROM school s JOIN admin_unit w ON w.id = s.ward_id
    WHERE 'UPPER_SECONDARY' = ANY (s.levels) AND w.province_code = '79' ORDER BY s.id LIMIT 1`))[0]!;
  const otherWard = (await db.raw.query<{ id: string }>(`SELECT id FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79' AND id <> $1 ORDER BY id LIMIT 1`, [wardId]))[0]!.id;
  await createAccount(db, { id: 't-staff-b', username: 'staff.b', displayName: 'Staff B', role: 'SCHOOL_STAFF', password: 'pw-b-123456', schoolId: schoolB });
  await createAccount(db, { id: 't-ward-x', username: 'ward.x', displayName: 'Other ward', role: 'WARD_STAFF', password: 'pw-x-123456', unitId: otherWard });
  await createAccount(db, { id: 't-thpt-head', username: 'thpt.head', displayName: 'THPT principal', role: 'PRINCIPAL', password: 'pw-t-123456', schoolId: thpt.id });
  await createAccount(db, { id: 't-thpt-ward', username: 'thpt.ward', displayName: 'THPT ward', role: 'WARD_STAFF', password: 'pw-w-123456', unitId: thpt.ward });
});

describe('accounts and sessions', () => {
  it('refuses a wrong password (translated), signs in, tells who is signed in, and signs out', async () => {
    const bad = await call(undefined, `mutation { login(username: "demo.canbo", password: "nope") { __typename ... on AuthError { code message } } }`, {}, 'vi');
    expect(bad).toEqual({ __typename: 'AuthError', code: 'INVALID_CREDENTIALS', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' });
    const token = await signIn('demo.phuong');
    const me = await gql(server.url, '{ me { username role unit { code } } }', {}, 'en', token);
    expect(me.body.data.me).toMatchObject({ username: 'demo.phuong', role: 'WARD_STAFF' });
    await gql(server.url, 'mutation { logout }', {}, 'en', token);
    const after = await gql(server.url, '{ me { username } reviewQueue { totalCount } }', {}, 'en', token);
    expect(after.body.data).toBeNull();
    expect(after.body.errors![0]).toMatchObject({ message: 'Your session has expired. Please sign in again.', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('stops a session when it expires', async () => {
    const token = await signIn('demo.quyhoach');
    await server.ctx.db.raw.query(`UPDATE user_session SET expires_at = now() - interval '1 second' WHERE user_id = 'demo-planner'`);
    const r = await gql(server.url, '{ me { username } }', {}, 'en', token);
    expect(r.body.data.me).toBeNull();
    tok.planner = await signIn('demo.quyhoach');
  });

  it('blocks a username after 5 failed sign-ins, even with the right password', async () => {
    await createAccount(server.ctx.db, { id: 't-victim', username: 'victim', displayName: 'V', role: 'PLANNER', password: 'right-password' });
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call(undefined, `mutation($p: String!) { login(username: "victim", password: $p) { __typename ... on AuthError { code } } }`,
        { p: i < 5 ? `wrong-${i}` : 'right-password' });
      codes.push(r.code ?? r.__typename);
    }
    expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'RATE_LIMITED']);
  });

  it('stores only Argon2id hashes of passwords and SHA-256 of tokens', async () => {
    const users = await server.ctx.db.raw.query<{ password_hash: string }>(`SELECT password_hash FROM app_user`);
    expect(users.every((u) => u.password_hash.startsWith('$argon2id$'))).toBe(true);
    const sessions = await server.ctx.db.raw.query<{ id: string }>(`SELECT id FROM user_session`);
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => /^[0-9a-f]{64}$/.test(s.id) && !Object.values(tok).includes(s.id))).toBe(true);
  });
});

describe('the yearly workflow, end to end', () => {
  let id: string;
  let v: number;
  const step = async (who: keyof typeof tok, query: string, vars: Record<string, unknown> = {}) => call(tok[who], query, { id, v, ...vars });

  it('runs draft → self-assessed → approved → submitted → under review → returned → … → evaluated → published, with the audit log complete', async () => {
    // School staff: first save creates the assessment; the score is the rules engine's.
    let a = ok(await call(tok.staff, SAVE, { s: schoolA, y: YEAR, v: null, a: answers({ ...DH80, ...QT60 }) }));
    expect(a).toMatchObject({ status: 'SELF_ASSESSED', version: 1, overallLevel: 'LEVEL_2', group1Score: 80, group2Score: 60, selfScore: { overallLevel: 2 } });
    expect(a.allowedActions).toEqual(['saveSelfAssessment']);
    id = a.id;
    // The principal sees the approve button; staff may not approve or submit.
    const seen = await gql(server.url, `query($id: ID!) { assessment(id: $id) { allowedActions } }`, { id }, 'en', tok.principal);
    expect(seen.body.data.assessment.allowedActions).toEqual(['saveSelfAssessment', 'approve']);
    v = 1;
    refused(await step('staff', STEP('approveAssessment')), 'WRONG_ROLE');
    a = ok(await step('principal', STEP('approveAssessment')));
    expect(a).toMatchObject({ status: 'APPROVED', version: 2 });
    v = 2;
    refused(await step('staff', STEP('submitAssessment')), 'WRONG_ROLE');
    a = ok(await step('principal', STEP('submitAssessment')));
    expect(a).toMatchObject({ status: 'SUBMITTED', version: 3, submittedLate: false });
    expect(a.managingUnit.code).toMatch(/^\d{5}$/); // a primary school is managed by its ward
    v = 3;
    // The ward reviews; a return needs a comment.
    refused(await step('ward', STEP('publishAssessment')), 'OUT_OF_ORDER');
    a = ok(await step('ward', STEP('startAssessmentReview')));
    v = a.version;
    refused(await step('ward', RETURN, { c: '   ' }), 'COMMENT_REQUIRED');
    a = ok(await step('ward', RETURN, { c: 'Thiếu minh chứng cho tiêu chí 1.4' }));
    expect(a.status).toBe('RETURNED');
    v = a.version;
    // The school sees why, adds evidence, and goes round again.
    const back = await gql(server.url, `query($id: ID!) { assessment(id: $id) { returnComment status } }`, { id }, 'en', tok.staff);
    expect(back.body.data.assessment).toEqual({ returnComment: 'Thiếu minh chứng cho tiêu chí 1.4', status: 'RETURNED' });
    a = ok(await call(tok.staff, SAVE, { s: schoolA, y: YEAR, v, a: answers({ ...DH80, ...QT60 }),
      e: [{ criterionCode: '1.4', kind: 'LINK', value: 'https://truong.example.edu.vn/lms' }, { criterionCode: '1.1', kind: 'FILE', value: 'KH-CĐS-2026.pdf' }] }));
    v = a.version;
    for (const [who, q] of [['principal', 'approveAssessment'], ['principal', 'submitAssessment'], ['ward', 'startAssessmentReview']] as const) {
      v = ok(await step(who, STEP(q))).version;
    }
    // External evaluation: 1.4 lowered from 10 to 4 needs a reason; with it, DH drops to 74 (Mức 2).
    const evalVars = { p: pts({ ...DH80, ...QT60, '1.4': 4 }), md: MANDATORY };
    const noReason = refused(await step('ward', EVALUATE, evalVars), 'REASON_REQUIRED');
    expect(noReason.message).toBe('The change to 1.4 needs a reason.');
    a = ok(await step('ward', EVALUATE, { ...evalVars, r: [{ code: '1.4', reason: 'LMS chỉ dùng ở 2/5 khối lớp' }] }));
    expect(a).toMatchObject({ status: 'EVALUATED', group1Score: 74, evaluatedScore: { overallLevel: 2, groups: [{ score: 74 }, { score: 60 }] }, selfScore: { overallLevel: 2 } });
    v = a.version;
    // Not public until published.
    const hidden = await gql(server.url, `query($id: ID!) { assessment(id: $id) { id } }`, { id });
    expect(hidden.body.data.assessment).toBeNull();
    a = ok(await step('ward', STEP('publishAssessment')));
    expect(a).toMatchObject({ status: 'PUBLISHED', allowedActions: [] });
    v = a.version;
    const pub = await gql(server.url, `query($s: ID!) { school(id: $s) { maturityResults { schoolYear group1Score overallLevel isDigitalSchool } } }`, { s: schoolA });
    expect(pub.body.data.school.maturityResults[0]).toEqual({ schoolYear: YEAR, group1Score: 74, overallLevel: 'LEVEL_2', isDigitalSchool: true });

    // The audit log has every step, in order, with before/after and the reviewer's reason.
    const log = await gql(server.url, `query($id: ID!) { assessment(id: $id) { auditLog { action fromStatus toStatus version actorRole actorName comment changes { code before after reason } } } }`, { id }, 'en', tok.ward);
    const entries = log.body.data.assessment.auditLog as { action: string; fromStatus: string; toStatus: string; version: number; actorRole: string; comment: string | null; changes: { code: string; before: string | null; after: string | null; reason: string | null }[] }[];
    expect(entries.map((e) => `${e.action}:${e.fromStatus}>${e.toStatus}@${e.version}`)).toEqual([
      'saveSelfAssessment:DRAFT>SELF_ASSESSED@1', 'approve:SELF_ASSESSED>APPROVED@2', 'submit:APPROVED>SUBMITTED@3',
      'startReview:SUBMITTED>UNDER_REVIEW@4', 'return:UNDER_REVIEW>RETURNED@5', 'saveSelfAssessment:RETURNED>SELF_ASSESSED@6',
      'approve:SELF_ASSESSED>APPROVED@7', 'submit:APPROVED>SUBMITTED@8', 'startReview:SUBMITTED>UNDER_REVIEW@9',
      'evaluate:UNDER_REVIEW>EVALUATED@10', 'publish:EVALUATED>PUBLISHED@11',
    ]);
    expect(entries[0]!.changes).toHaveLength(Object.keys({ ...DH80, ...QT60 }).length + MANDATORY.length);
    expect(entries[4]!.comment).toBe('Thiếu minh chứng cho tiêu chí 1.4');
    expect(entries[5]!.changes.map((c) => c.code)).toEqual(['evidence 1.1', 'evidence 1.4']);
    expect(entries[9]!.changes).toEqual([{ code: '1.4', before: '10', after: '4', reason: 'LMS chỉ dùng ở 2/5 khối lớp' }]);
    expect(entries.map((e) => e.actorRole)).toEqual(['SCHOOL_STAFF', 'PRINCIPAL', 'PRINCIPAL', 'WARD_STAFF', 'WARD_STAFF', 'SCHOOL_STAFF', 'PRINCIPAL', 'PRINCIPAL', 'WARD_STAFF', 'WARD_STAFF', 'WARD_STAFF']);
    expect(await count(`SELECT count(*) AS n FROM assessment_audit WHERE assessment_id = '${id}'`)).toBe(11);
  });

  it('keeps a published result final: the API refuses edits, and the database refuses them too', async () => {
    refused(await call(tok.staff, SAVE, { s: schoolA, y: YEAR, v, a: answers(DH80) }), 'PUBLISHED_IS_FINAL');
    refused(await step('ward', EVALUATE, { p: pts(DH80), md: MANDATORY }), 'PUBLISHED_IS_FINAL');
    await expect(server.ctx.db.raw.query(`UPDATE maturity_assessment SET group1_score = 99 WHERE id = '${id}'`)).rejects.toThrow(/immutable/);
    await expect(server.ctx.db.raw.query(`DELETE FROM assessment_audit WHERE assessment_id = '${id}'`)).rejects.toThrow(/append-only/);
    await expect(server.ctx.db.raw.query(`UPDATE assessment_audit SET comment = 'x' WHERE assessment_id = '${id}'`)).rejects.toThrow(/append-only/);
  });

  it('corrects a published result with a new, linked, audited result that replaces it once published', async () => {
    refused(await call(tok.ward, CORRECT, { id, r: ' ' }), 'REASON_REQUIRED');
    refused(await call(tok.staff, CORRECT, { id, r: 'x' }), 'WRONG_ROLE');
    const c = ok(await call(tok.ward, CORRECT, { id, r: 'Nhập sai điểm 1.4' }));
    expect(c).toMatchObject({ status: 'UNDER_REVIEW', revision: 1, version: 1, group1Score: 74 });
    refused(await call(tok.ward, CORRECT, { id, r: 'again' }), 'ALREADY_CORRECTED');
    let e = ok(await call(tok.ward, EVALUATE, { id: c.id, v: 1, p: pts({ ...DH80, ...QT60, '1.4': 8 }), md: MANDATORY, r: [{ code: '1.4', reason: 'Đối chiếu lại nhật ký LMS' }] }));
    e = ok(await call(tok.ward, STEP('publishAssessment'), { id: c.id, v: e.version }));
    const pub = await gql(server.url, `query($s: ID!) { school(id: $s) { maturityResults { schoolYear group1Score } assessments(schoolYear: "${YEAR}") { revision status group1Score corrects { id } } } }`, { s: schoolA });
    expect(pub.body.data.school.maturityResults.filter((r: { schoolYear: string }) => r.schoolYear === YEAR)).toEqual([{ schoolYear: YEAR, group1Score: 78 }]);
    expect(pub.body.data.school.assessments).toEqual([
      { revision: 1, status: 'PUBLISHED', group1Score: 78, corrects: { id } },
      { revision: 0, status: 'PUBLISHED', group1Score: 74, corrects: null },
    ]);
  });
});

describe('permissions', () => {
  it('lets nobody outside a school or its managing unit act on it', async () => {
    refused(await call(undefined, SAVE, { s: schoolB, y: YEAR, v: null, a: answers(DH80) }), 'NOT_SIGNED_IN');
    refused(await call(tok.staff, SAVE, { s: schoolB, y: YEAR, v: null, a: answers(DH80) }), 'OUT_OF_SCOPE');
    refused(await call(tok.planner, SAVE, { s: schoolB, y: YEAR, v: null, a: answers(DH80) }), 'WRONG_ROLE');
    const staffB = await signIn('staff.b', 'pw-b-123456');
    const a = ok(await call(staffB, SAVE, { s: schoolB, y: YEAR, v: null, a: answers(DH80) }));
    // School A's staff cannot touch B's assessment by id either.
    refused(await call(tok.staff, SAVE, { s: schoolB, y: YEAR, v: a.version, a: answers(QT60) }), 'OUT_OF_SCOPE');
    refused(await call(tok.staff, SAVE, { s: schoolB, y: YEAR, v: null, a: answers(QT60) }), 'OUT_OF_SCOPE');
    // By id, a result in progress of another school does not exist for them: no version, no status.
    const outsider = refused(await call(tok.principal, STEP('approveAssessment'), { id: a.id, v: a.version + 5 }), 'NOT_FOUND');
    expect(outsider.message).toBe(refused(await call(tok.principal, STEP('approveAssessment'), { id: 'ma-nothing-here', v: 1 }), 'NOT_FOUND').message);
    // B's principal is not seeded: approve and submit straight in SQL-free way with a new account.
    await createAccount(server.ctx.db, { id: 't-head-b', username: 'head.b', displayName: 'Head B', role: 'PRINCIPAL', password: 'pw-hb-123456', schoolId: schoolB });
    const headB = await signIn('head.b', 'pw-hb-123456');
    let v = ok(await call(headB, STEP('approveAssessment'), { id: a.id, v: a.version })).version;
    v = ok(await call(headB, STEP('submitAssessment'), { id: a.id, v })).version;
    // Another ward's staff and the province (which manages upper-secondary schools) cannot review it.
    const wardX = await signIn('ward.x', 'pw-x-123456');
    refused(await call(wardX, STEP('startAssessmentReview'), { id: a.id, v }), 'NOT_FOUND');
    refused(await call(tok.planner, STEP('startAssessmentReview'), { id: a.id, v: v + 1 }), 'NOT_FOUND');
    refused(await call(tok.province, STEP('startAssessmentReview'), { id: a.id, v }), 'OUT_OF_SCOPE');
    // Queues: the school's ward sees it; the other ward does not.
    const Q = `{ reviewQueue(schoolYear: "${YEAR}", status: SUBMITTED) { totalCount edges { node { id school { id } } } } }`;
    const mine = await gql(server.url, Q, {}, 'en', tok.ward);
    expect(mine.body.data.reviewQueue.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(a.id);
    const theirs = await gql(server.url, Q, {}, 'en', wardX);
    expect(theirs.body.data.reviewQueue.totalCount).toBe(0);
    const planner = await gql(server.url, Q, {}, 'en', tok.planner);
    expect(planner.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const anon = await gql(server.url, Q, {}, 'en');
    expect(anon.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('never shows results in progress to anonymous visitors or planners', async () => {
    const Q = `query($s: ID!) { school(id: $s) { assessments { schoolYear status } } }`;
    for (const token of [undefined, tok.planner]) {
      const r = await gql(server.url, Q, { s: schoolB }, 'en', token);
      const statuses = r.body.data.school.assessments.map((x: { status: string }) => x.status);
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set(['PUBLISHED']));
    }
    const staff = await gql(server.url, Q, { s: schoolB }, 'en', await signIn('staff.b', 'pw-b-123456'));
    expect(staff.body.data.school.assessments[0]).toEqual({ schoolYear: YEAR, status: 'SUBMITTED' });
    const ward = await gql(server.url, Q, { s: schoolB }, 'en', tok.ward);
    expect(ward.body.data.school.assessments[0]).toEqual({ schoolYear: YEAR, status: 'SUBMITTED' });
  });

  it('sends an upper-secondary school to the province, flagged late after a province deadline, and the ward cannot review it', async () => {
    await server.ctx.db.raw.query(`INSERT INTO assessment_deadline VALUES ('${YEAR}', '79', '2026-09-01', '2026-09-30')`);
    const head = await signIn('thpt.head', 'pw-t-123456');
    let a = ok(await call(head, SAVE, { s: thpt.id, y: YEAR, v: null, a: answers(QT60) }));
    a = ok(await call(head, STEP('approveAssessment'), { id: a.id, v: a.version }));
    a = ok(await call(head, STEP('submitAssessment'), { id: a.id, v: a.version }));
    expect(a).toMatchObject({ status: 'SUBMITTED', submittedLate: true, managingUnit: { code: '79' } });
    const wardOfThpt = await signIn('thpt.ward', 'pw-w-123456');
    refused(await call(wardOfThpt, STEP('startAssessmentReview'), { id: a.id, v: a.version }), 'OUT_OF_SCOPE');
    const late = await gql(server.url, `{ reviewQueue(late: true) { edges { node { id submittedLate deadlines { submitBy } } } } }`, {}, 'en', tok.province);
    expect(late.body.data.reviewQueue.edges.map((e: { node: unknown }) => e.node)).toEqual([{ id: a.id, submittedLate: true, deadlines: { submitBy: '2026-09-01' } }]);
    ok(await call(tok.province, STEP('startAssessmentReview'), { id: a.id, v: a.version }));
  });
});

describe('stale versions and bad input', () => {
  let schoolC: string;
  let c1: string;
  let c2: string;
  beforeAll(async () => {
    schoolC = (await server.ctx.db.raw.query<{ id: string }>(`SELECT id FROM school WHERE levels = '{LOWER_SECONDARY}' ORDER BY id LIMIT 1`))[0]!.id;
    await createAccount(server.ctx.db, { id: 't-c1', username: 'c.one', displayName: 'C one', role: 'SCHOOL_STAFF', password: 'pw-c1-123456', schoolId: schoolC });
    await createAccount(server.ctx.db, { id: 't-c2', username: 'c.two', displayName: 'C two', role: 'SCHOOL_STAFF', password: 'pw-c2-123456', schoolId: schoolC });
    [c1, c2] = [await signIn('c.one', 'pw-c1-123456'), await signIn('c.two', 'pw-c2-123456')];
  });

  it('refuses a save on a stale version with a clear message, keeping the other person\'s save', async () => {
    const a = ok(await call(c1, SAVE, { s: schoolC, y: YEAR, v: null, a: answers(DH80) }));
    // Both open version 1; c.one saves first; c.two's save of version 1 is refused, in Vietnamese too.
    ok(await call(c1, SAVE, { s: schoolC, y: YEAR, v: 1, a: answers({ ...DH80, '1.4': 2 }) }));
    const stale = refused(await call(c2, SAVE, { s: schoolC, y: YEAR, v: 1, a: answers({ ...DH80, '1.4': 9 }) }, 'vi'), 'STALE_VERSION');
    expect(stale.message).toMatch(/vừa được người khác thay đổi \(phiên bản 2, bạn đang sửa phiên bản 1\)/);
    // A second "first save" is refused too rather than overwriting.
    refused(await call(c2, SAVE, { s: schoolC, y: YEAR, v: null, a: answers(QT60) }), 'STALE_VERSION');
    const [row] = await server.ctx.db.raw.query<{ version: number; p: number }>(`SELECT version, (answers->'points'->>'1.4')::float AS p FROM maturity_assessment WHERE id = $1`, [a.id]);
    expect(row).toEqual({ version: 2, p: 2 });
  });

  it('refuses bad scores, another index version, bad evidence and a future school year, writing nothing', async () => {
    const before = [await count(`SELECT count(*) AS n FROM maturity_assessment`), await count(`SELECT count(*) AS n FROM assessment_audit`)];
    const [{ answers: saved }] = await server.ctx.db.raw.query<{ answers: unknown }>(`SELECT answers FROM maturity_assessment WHERE school_id = $1 AND school_year = $2`, [schoolC, YEAR]);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ a: answers({ '1.3.1': 7, '1.4': -1, '9.9': 1 }) }, 'INVALID_ANSWERS', /above its maximum of 6/],
      [{ a: { ...answers(DH80), indexVersion: '4725/2099' } }, 'INVALID_ANSWERS', /index version "4725\/2099"/],
      [{ a: answers(DH80), e: [{ criterionCode: '1.4', kind: 'LINK', value: 'javascript:alert(1)' }] }, 'INVALID_EVIDENCE', /must start with http/],
      [{ a: answers(DH80), e: [{ criterionCode: '7.7', kind: 'NOTE', value: 'x' }] }, 'INVALID_EVIDENCE', /no criterion 7\.7/],
      [{ a: answers(DH80), y: '2031-2032' }, 'INVALID_SCHOOL_YEAR', /2031-2032/],
      [{ a: answers(DH80), y: '2026-2028' }, 'INVALID_SCHOOL_YEAR', /2026-2028/],
    ];
    for (const [vars, code, re] of cases) {
      const r = refused(await call(c1, SAVE, { s: schoolC, y: YEAR, v: 2, ...vars }), code);
      expect(r.message).toMatch(re);
    }
    const over = refused(await call(c1, SAVE, { s: schoolC, y: YEAR, v: 2, a: answers({ '1.3.1': 7, '1.4': -1, '9.9': 1 }) }), 'INVALID_ANSWERS');
    expect(over.answerErrors!.map((e) => `${e.code}:${e.target}`)).toEqual(['ABOVE_CAP:1.3.1', 'NEGATIVE:1.4', 'UNKNOWN_CODE:9.9']);
    const vi = refused(await call(c1, SAVE, { s: schoolC, y: YEAR, v: 2, a: answers({ '1.3.1': 7 }) }, 'vi'), 'INVALID_ANSWERS');
    expect(vi.message).toMatch(/vượt mức tối đa 6/);
    // A non-numeric score never reaches the resolver: GraphQL refuses it as a client error (400), not a 500.
    const nan = await gql(server.url, SAVE, { s: schoolC, y: YEAR, v: 2, a: { indexVersion: '4725/2022', points: [{ code: '1.4', points: 'ten' }], mandatory: [] } }, 'en', c1);
    expect(nan.status).toBe(400);
    expect([await count(`SELECT count(*) AS n FROM maturity_assessment`), await count(`SELECT count(*) AS n FROM assessment_audit`)]).toEqual(before);
    const [{ answers: after }] = await server.ctx.db.raw.query<{ answers: unknown }>(`SELECT answers FROM maturity_assessment WHERE school_id = $1 AND school_year = $2`, [schoolC, YEAR]);
    expect(after).toEqual(saved);
  });
});
