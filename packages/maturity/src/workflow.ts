/**
 * The yearly assessment workflow of QĐ 4725 as a pure state machine: which step may follow which, who may take
 * it, and whether a submission is late. No database: the server applies a step in one transaction and writes
 * the audit entry; this module only decides.
 *
 *   DRAFT → SELF_ASSESSED → APPROVED → SUBMITTED → UNDER_REVIEW → EVALUATED → PUBLISHED
 *                 ↑                                     │
 *                 └──────────── RETURNED ←──────────────┘   (the authority asks for more evidence)
 */
export type Status = 'DRAFT' | 'SELF_ASSESSED' | 'APPROVED' | 'SUBMITTED' | 'UNDER_REVIEW' | 'RETURNED' | 'EVALUATED' | 'PUBLISHED';
export type Action = 'saveSelfAssessment' | 'approve' | 'submit' | 'startReview' | 'return' | 'evaluate' | 'publish';
export type Role = 'SCHOOL_STAFF' | 'PRINCIPAL' | 'WARD_STAFF' | 'PROVINCE_STAFF' | 'PLANNER' | 'ADMIN';

/** Who acts: their role, their school (school roles) and the administrative units whose schools they manage. */
export interface Actor {
  role: Role;
  schoolId?: string | null;
  managedUnitIds?: readonly string[];
}
/** The school concerned and the unit that manages it (a ward for preschool to THCS, the province for THPT and centres). */
export interface SchoolScope {
  schoolId: string;
  managingUnitId: string;
}

const STEPS: Record<Action, { from: readonly Status[]; to: Status; side: 'school' | 'authority' | 'principal' }> = {
  saveSelfAssessment: { from: ['DRAFT', 'SELF_ASSESSED', 'RETURNED'], to: 'SELF_ASSESSED', side: 'school' },
  approve: { from: ['SELF_ASSESSED'], to: 'APPROVED', side: 'principal' },
  submit: { from: ['APPROVED'], to: 'SUBMITTED', side: 'principal' },
  startReview: { from: ['SUBMITTED'], to: 'UNDER_REVIEW', side: 'authority' },
  return: { from: ['UNDER_REVIEW'], to: 'RETURNED', side: 'authority' },
  evaluate: { from: ['UNDER_REVIEW', 'EVALUATED'], to: 'EVALUATED', side: 'authority' },
  publish: { from: ['EVALUATED'], to: 'PUBLISHED', side: 'authority' },
};

export type RefusalCode = 'PUBLISHED_IS_FINAL' | 'OUT_OF_ORDER' | 'WRONG_ROLE' | 'OUT_OF_SCOPE' | 'COMMENT_REQUIRED' | 'REASON_REQUIRED';
export interface Refusal {
  code: RefusalCode;
  message: { vi: string; en: string };
}
export type Decision = { ok: true; to: Status } | { ok: false; refusal: Refusal };

const STATUS_VI: Record<Status, string> = {
  DRAFT: 'bản nháp', SELF_ASSESSED: 'đã tự đánh giá', APPROVED: 'hiệu trưởng đã phê duyệt', SUBMITTED: 'đã nộp',
  UNDER_REVIEW: 'đang thẩm định', RETURNED: 'bị trả lại', EVALUATED: 'đã đánh giá ngoài', PUBLISHED: 'đã công bố',
};
const refuse = (code: RefusalCode, vi: string, en: string): Decision => ({ ok: false, refusal: { code, message: { vi, en } } });

/** Every step that may follow a status, whoever takes it. */
export function nextActions(status: Status): Action[] {
  return (Object.keys(STEPS) as Action[]).filter((a) => STEPS[a].from.includes(status));
}

/**
 * Decides whether `actor` may take `action` on an assessment in `status` of `school`. `comment` is required to
 * return an assessment; every score change in an evaluation needs a reason.
 */
export function decide(
  status: Status,
  action: Action,
  actor: Actor,
  school: SchoolScope,
  details: { comment?: string | null; scoreChanges?: readonly { code: string; reason?: string | null }[] } = {},
): Decision {
  const step = STEPS[action];
  if (status === 'PUBLISHED') {
    return refuse('PUBLISHED_IS_FINAL', 'Kết quả đã công bố không thể sửa; hãy tạo một kết quả đính chính.', 'A published result cannot be changed; create a correction instead.');
  }
  if (!step.from.includes(status)) {
    return refuse('OUT_OF_ORDER', `Không thể thực hiện bước này khi kết quả đang ở trạng thái "${STATUS_VI[status]}".`,
      `This step is not possible while the assessment is ${status.toLowerCase().replace('_', ' ')}.`);
  }
  const schoolSide = actor.role === 'SCHOOL_STAFF' || actor.role === 'PRINCIPAL';
  const authoritySide = actor.role === 'WARD_STAFF' || actor.role === 'PROVINCE_STAFF';
  const roleOk = step.side === 'school' ? schoolSide : step.side === 'principal' ? actor.role === 'PRINCIPAL' : authoritySide;
  if (!roleOk) {
    const who = { school: ['cán bộ hoặc hiệu trưởng nhà trường', 'school staff or the principal'], principal: ['hiệu trưởng', 'the principal'], authority: ['cơ quan quản lý', 'the managing authority'] }[step.side];
    return refuse('WRONG_ROLE', `Chỉ ${who[0]} được thực hiện bước này.`, `Only ${who[1]} may take this step.`);
  }
  const inScope = schoolSide ? actor.schoolId === school.schoolId : (actor.managedUnitIds ?? []).includes(school.managingUnitId);
  if (!inScope) {
    return refuse('OUT_OF_SCOPE', 'Bạn không quản lý trường này.', 'This school is outside your scope.');
  }
  if (action === 'return' && !details.comment?.trim()) {
    return refuse('COMMENT_REQUIRED', 'Khi trả lại cần ghi rõ minh chứng cần bổ sung.', 'Say which evidence is needed when returning an assessment.');
  }
  if (action === 'evaluate' && (details.scoreChanges ?? []).some((c) => !c.reason?.trim())) {
    const code = details.scoreChanges!.find((c) => !c.reason?.trim())!.code;
    return refuse('REASON_REQUIRED', `Thay đổi điểm ${code} cần có lý do.`, `The change to ${code} needs a reason.`);
  }
  return { ok: true, to: step.to };
}

export interface Deadlines {
  /** Last day to submit to the managing authority (default 31 May of the school year's second calendar year). */
  submit: string;
  /** Last day to publish (default 20 June). */
  publish: string;
}

/** Parses "2025-2026": two consecutive years. */
export function parseSchoolYear(schoolYear: string): [number, number] | null {
  const m = /^(\d{4})-(\d{4})$/.exec(schoolYear);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return b === a + 1 && a >= 2000 && a < 2100 ? [a, b] : null;
}

/** Deadlines of a school year, with per-year or per-province overrides (YYYY-MM-DD) when configured. */
export function deadlinesFor(schoolYear: string, override: Partial<Deadlines> = {}): Deadlines {
  const years = parseSchoolYear(schoolYear);
  if (!years) throw new RangeError(`"${schoolYear}" is not a school year like 2025-2026`);
  return { submit: override.submit ?? `${years[1]}-05-31`, publish: override.publish ?? `${years[1]}-06-20` };
}

/** Vietnam keeps UTC+7 all year (no daylight saving). */
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

/** True when `at` falls after the whole deadline day in Vietnam. Late submissions are accepted and flagged. */
export function isLate(at: Date, deadlineDay: string): boolean {
  const [y, m, d] = deadlineDay.split('-').map(Number) as [number, number, number];
  const endOfDayVn = Date.UTC(y, m - 1, d + 1) - VN_OFFSET_MS; // 00:00 of the next day in Vietnam
  return at.getTime() >= endOfDayVn;
}

/**
 * The school year a date falls in, in Vietnam: a year runs from August (enrolment and the September opening)
 * to the next July, so 22 November 2026 is in 2026-2027.
 */
export function schoolYearAt(at: Date): string {
  const vn = new Date(at.getTime() + VN_OFFSET_MS);
  const y = vn.getUTCFullYear();
  return vn.getUTCMonth() >= 7 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
}

/**
 * Which workflow steps an actor may take now: the steps that follow `status` and that `decide` allows them
 * (comments and reasons are asked for when the step is taken). For the buttons a screen shows.
 */
export function allowedActions(status: Status, actor: Actor, school: SchoolScope): Action[] {
  return nextActions(status).filter((a) => {
    const d = decide(status, a, actor, school, { comment: 'x', scoreChanges: [] });
    return d.ok;
  });
}
