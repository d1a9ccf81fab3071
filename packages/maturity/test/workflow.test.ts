import { describe, expect, it } from 'vitest';
import { decide, deadlinesFor, isLate, nextActions, parseSchoolYear, type Action, type Actor, type Status } from '../src/index.ts';

const SCHOOL = { schoolId: 'school-a', managingUnitId: 'ward-1' };
const staffA: Actor = { role: 'SCHOOL_STAFF', schoolId: 'school-a' };
const principalA: Actor = { role: 'PRINCIPAL', schoolId: 'school-a' };
const principalB: Actor = { role: 'PRINCIPAL', schoolId: 'school-b' };
const ward1: Actor = { role: 'WARD_STAFF', managedUnitIds: ['ward-1'] };
const ward2: Actor = { role: 'WARD_STAFF', managedUnitIds: ['ward-2'] };
const planner: Actor = { role: 'PLANNER' };

describe('the yearly workflow', () => {
  it('runs draft → self-assessed → approved → submitted → under review → evaluated → published with the right people', () => {
    const steps: [Status, Action, Actor, object?][] = [
      ['DRAFT', 'saveSelfAssessment', staffA],
      ['SELF_ASSESSED', 'approve', principalA],
      ['APPROVED', 'submit', principalA],
      ['SUBMITTED', 'startReview', ward1],
      ['UNDER_REVIEW', 'evaluate', ward1, { scoreChanges: [{ code: '1.4', reason: 'Thiếu minh chứng học liệu' }] }],
      ['EVALUATED', 'publish', ward1],
    ];
    const reached = steps.map(([status, action, actor, details]) => decide(status, action, actor, SCHOOL, details));
    expect(reached.map((d) => (d.ok ? d.to : d.refusal.code))).toEqual(['SELF_ASSESSED', 'APPROVED', 'SUBMITTED', 'UNDER_REVIEW', 'EVALUATED', 'PUBLISHED']);
  });

  it('lets the authority return an assessment with a comment, and the school answer it', () => {
    expect(decide('UNDER_REVIEW', 'return', ward1, SCHOOL, { comment: 'Bổ sung kế hoạch dạy học trực tuyến' })).toEqual({ ok: true, to: 'RETURNED' });
    expect(decide('RETURNED', 'saveSelfAssessment', staffA, SCHOOL)).toEqual({ ok: true, to: 'SELF_ASSESSED' });
    expect(nextActions('RETURNED')).toEqual(['saveSelfAssessment']);
  });

  it.each([
    ['a step out of order', 'DRAFT', 'submit', principalA, 'OUT_OF_ORDER'],
    ['skipping approval', 'SELF_ASSESSED', 'submit', principalA, 'OUT_OF_ORDER'],
    ['staff approving', 'SELF_ASSESSED', 'approve', staffA, 'WRONG_ROLE'],
    ['a school publishing', 'EVALUATED', 'publish', principalA, 'WRONG_ROLE'],
    ['a planner reviewing', 'SUBMITTED', 'startReview', planner, 'WRONG_ROLE'],
    ['staff of school B editing school A', 'DRAFT', 'saveSelfAssessment', principalB, 'OUT_OF_SCOPE'],
    ['another ward reviewing', 'SUBMITTED', 'startReview', ward2, 'OUT_OF_SCOPE'],
    ['any edit once published', 'PUBLISHED', 'evaluate', ward1, 'PUBLISHED_IS_FINAL'],
    ['re-saving once published', 'PUBLISHED', 'saveSelfAssessment', staffA, 'PUBLISHED_IS_FINAL'],
  ] as const)('refuses %s', (_name, status, action, actor, code) => {
    const d = decide(status, action, actor, SCHOOL);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.code).toBe(code);
      expect(d.refusal.message.vi.length).toBeGreaterThan(10);
      expect(d.refusal.message.en.length).toBeGreaterThan(10);
    }
  });

  it('requires a comment to return and a reason for every score change', () => {
    const r = decide('UNDER_REVIEW', 'return', ward1, SCHOOL, { comment: '  ' });
    expect(!r.ok && r.refusal.code).toBe('COMMENT_REQUIRED');
    const e = decide('UNDER_REVIEW', 'evaluate', ward1, SCHOOL, { scoreChanges: [{ code: '1.4', reason: 'ok' }, { code: '2.3.1' }] });
    expect(!e.ok && e.refusal.message.en).toBe('The change to 2.3.1 needs a reason.');
  });
});

describe('deadlines and lateness (Vietnam time)', () => {
  it('defaults to 31 May and 20 June of the school year\'s second year, overridable', () => {
    expect(deadlinesFor('2025-2026')).toEqual({ submit: '2026-05-31', publish: '2026-06-20' });
    expect(deadlinesFor('2025-2026', { submit: '2026-06-05' })).toEqual({ submit: '2026-06-05', publish: '2026-06-20' });
    expect(() => deadlinesFor('2025-2027')).toThrow(/not a school year/);
    expect(parseSchoolYear('2025/2026')).toBeNull();
  });

  it('is late from 00:00 on 1 June in Vietnam (17:00 UTC on 31 May), not before', () => {
    expect(isLate(new Date('2026-05-31T16:59:59Z'), '2026-05-31')).toBe(false); // 23:59:59 in Hanoi
    expect(isLate(new Date('2026-05-31T17:00:00Z'), '2026-05-31')).toBe(true); // 00:00 on 1 June in Hanoi
  });
});
