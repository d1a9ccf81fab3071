// Import kind "admission-calendar": a province's admissions calendar, one row per step and school year (when
// parents confirm their data, when online registration for grade 1, 6 or 10 opens and closes, when results come
// out), as the Sở publishes it. Dates are checked on their own (a real date, start before end, in the admissions
// season of the year) and against each other (data confirmation closes before registration opens, results come
// after registration): each problem names its row.
import { sqltag as sql } from '@prisma/client/runtime/client';
import { fold, mapColumns, readTable, type ColumnSpec, type FileFormat, type Upload } from './file.ts';
import type { Issue } from './messages.ts';
import { canonical, registerKind, type ImportContext, type ImportKind, type PlanItem, type SqlClient } from './pipeline.ts';

const COLUMNS: readonly ColumnSpec<'schoolYear' | 'step' | 'starts' | 'ends' | 'note'>[] = [
  { key: 'schoolYear', names: ['Năm học', 'school_year', 'school year'], required: true },
  { key: 'step', names: ['Bước', 'Mốc', 'step'], required: true },
  { key: 'starts', names: ['Từ ngày', 'Bắt đầu', 'starts_on', 'from'], required: true },
  { key: 'ends', names: ['Đến ngày', 'Kết thúc', 'ends_on', 'to'], required: true },
  { key: 'note', names: ['Ghi chú', 'note'] },
];

export const CALENDAR_STEPS = ['DATA_CONFIRMATION', 'REGISTRATION_GRADE1', 'REGISTRATION_GRADE6', 'REGISTRATION_GRADE10', 'RESULTS'] as const;
export type CalendarStep = typeof CALENDAR_STEPS[number];
/** The names a Sở's table uses for each step (matched without accents or case), besides the code itself. */
const STEP_NAMES: Record<CalendarStep, string[]> = {
  DATA_CONFIRMATION: ['Xác nhận dữ liệu', 'Rà soát dữ liệu', 'Xác nhận thông tin'],
  REGISTRATION_GRADE1: ['Đăng ký lớp 1', 'Đăng ký tuyển sinh lớp 1', 'Tuyển sinh lớp 1'],
  REGISTRATION_GRADE6: ['Đăng ký lớp 6', 'Đăng ký tuyển sinh lớp 6', 'Tuyển sinh lớp 6'],
  REGISTRATION_GRADE10: ['Đăng ký lớp 10', 'Đăng ký tuyển sinh lớp 10', 'Tuyển sinh lớp 10'],
  RESULTS: ['Kết quả', 'Công bố kết quả', 'Thông báo kết quả'],
};
const stepByName = new Map(Object.entries(STEP_NAMES).flatMap(([code, names]) => [code, ...names].map((n) => [fold(n), code as CalendarStep])));

export interface CalendarRow { row: number; schoolYear: string; step: CalendarStep; startsOn: string; endsOn: string; note: string | null }
export interface CalendarState { school_year: string; step: CalendarStep; starts_on: string; ends_on: string; note: string | null; source_id: string }

/** 3/2/2026, 03/02/2026 or 2026-02-03 as an ISO date; null for anything else or a day that does not exist. */
export function parseDate(text: string): string | null {
  const t = text.trim();
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = t.includes('-') && m[1]!.length === 4 ? [m[1], m[2], m[3]].map(Number) : [m[3], m[2], m[1]].map(Number);
  const date = new Date(Date.UTC(y!, mo! - 1, d!));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}
const shown = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

async function read(upload: Upload, format: FileFormat) {
  const errors: Issue[] = [];
  const { table, warnings } = await readTable(upload, format);
  const col = mapColumns(table.header, COLUMNS);
  const rows: CalendarRow[] = [];
  const first = new Map<string, number>();
  const cell = (cells: string[], k: 'schoolYear' | 'step' | 'starts' | 'ends' | 'note') => (col.has(k) ? (cells[col.get(k)!] ?? '').trim() : '');
  for (const { row, cells } of table.rows) {
    const schoolYear = cell(cells, 'schoolYear');
    const y = /^(\d{4})-(\d{4})$/.exec(schoolYear);
    if (!y || Number(y[2]) !== Number(y[1]) + 1) { errors.push({ key: 'schoolYear', row, values: { value: schoolYear.slice(0, 20) } }); continue; }
    const step = stepByName.get(fold(cell(cells, 'step')));
    if (!step) { errors.push({ key: 'unknownStep', row, values: { value: cell(cells, 'step').slice(0, 60), steps: Object.values(STEP_NAMES).map((n) => n[0]).join(', ') } }); continue; }
    const startsOn = parseDate(cell(cells, 'starts'));
    const endsOn = parseDate(cell(cells, 'ends'));
    const bad = !startsOn ? 'starts' : !endsOn ? 'ends' : null;
    if (bad) { errors.push({ key: 'badDate', row, column: COLUMNS.find((c) => c.key === bad)!.names[0], values: { value: cell(cells, bad).slice(0, 30) } }); continue; }
    if (endsOn! < startsOn!) { errors.push({ key: 'datesReversed', row, values: { from: shown(startsOn!), to: shown(endsOn!) } }); continue; }
    // Admissions for a school year happen in the months before it starts: its first calendar year (or the one before).
    const start = Number(y[1]);
    if (![start - 1, start].includes(Number(startsOn!.slice(0, 4))) || ![start - 1, start].includes(Number(endsOn!.slice(0, 4)))) {
      errors.push({ key: 'dateOutsideYear', row, values: { year: schoolYear, from: start - 1, to: start } });
      continue;
    }
    const key = `${schoolYear}:${step}`;
    if (first.has(key)) { errors.push({ key: 'duplicateStep', row, values: { step: STEP_NAMES[step][0]!, first: first.get(key)! } }); continue; }
    first.set(key, row);
    rows.push({ row, schoolYear, step, startsOn: startsOn!, endsOn: endsOn!, note: cell(cells, 'note').slice(0, 500) || null });
  }
  // The order of the steps in each year: data confirmed before registration opens; results after it closes.
  for (const r of rows) {
    const other = (s: CalendarStep) => rows.find((o) => o.schoolYear === r.schoolYear && o.step === s);
    const confirm = other('DATA_CONFIRMATION');
    if (r.step.startsWith('REGISTRATION') && confirm && r.startsOn <= confirm.endsOn) {
      errors.push({ key: 'calendarOrder', row: r.row, values: { step: STEP_NAMES[r.step][0]!, other: STEP_NAMES.DATA_CONFIRMATION[0]!, row2: confirm.row } });
    }
    const results = other('RESULTS');
    if (r.step.startsWith('REGISTRATION') && results && results.startsOn < r.endsOn) {
      errors.push({ key: 'calendarOrder', row: results.row, values: { step: STEP_NAMES.RESULTS[0]!, other: STEP_NAMES[r.step][0]!, row2: r.row } });
    }
  }
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { rows, errors, warnings };
}

async function plan(client: SqlClient, rows: CalendarRow[], ctx: ImportContext) {
  const stored = await client.$queryRaw<CalendarState[]>(sql`
    SELECT school_year, step, to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on, note, source_id
    FROM admission_calendar_step WHERE province_code = ${ctx.province.code} AND school_year = ANY (${[...new Set(rows.map((r) => r.schoolYear))]}::text[])`);
  const byKey = new Map(stored.map((s) => [`${s.school_year}:${s.step}`, s]));
  const items: PlanItem<CalendarState, CalendarRow>[] = rows.map((r) => {
    const key = `${r.schoolYear}:${r.step}`;
    const before = byKey.get(key) ?? null;
    const fields = (['starts_on', 'ends_on', 'note'] as const)
      .map((f) => ({ field: f, before: before?.[f] ?? null, after: { starts_on: r.startsOn, ends_on: r.endsOn, note: r.note }[f] }))
      .filter((f) => f.before !== f.after);
    const after = before && !fields.length ? before
      : { school_year: r.schoolYear, step: r.step, starts_on: r.startsOn, ends_on: r.endsOn, note: r.note, source_id: ctx.sourceId };
    return {
      action: !before ? 'ADD' : fields.length ? 'CHANGE' : 'UNCHANGED', key, label: `${r.schoolYear} · ${STEP_NAMES[r.step][0]}`, row: r.row, data: r,
      before, after, fields: before ? fields : undefined,
    };
  });
  return { items, errors: [], warnings: [] };
}

async function apply(tx: SqlClient, items: PlanItem<CalendarState>[], ctx: ImportContext) {
  const put = items.filter((i) => (i.action === 'ADD' || i.action === 'CHANGE') && i.after).sort((a, b) => (a.key < b.key ? -1 : 1)).map((i) => i.after!);
  if (put.length) {
    await tx.$executeRaw(sql`
      INSERT INTO admission_calendar_step (province_code, school_year, step, starts_on, ends_on, note, source_id)
      SELECT ${ctx.province.code}, x.school_year, x.step, x.starts_on, x.ends_on, x.note, x.source_id
      FROM jsonb_to_recordset(${JSON.stringify(put)}::jsonb) AS x(school_year text, step text, starts_on date, ends_on date, note text, source_id text)
      ORDER BY x.school_year, x.step
      ON CONFLICT (province_code, school_year, step) DO UPDATE SET starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,
        note = EXCLUDED.note, source_id = EXCLUDED.source_id`);
  }
  const gone = items.filter((i) => i.action === 'REMOVE').map((i) => i.key).sort();
  if (gone.length) {
    await tx.$executeRaw(sql`DELETE FROM admission_calendar_step WHERE province_code = ${ctx.province.code}
      AND school_year || ':' || step = ANY (${gone}::text[])`);
  }
}

async function checkRevert(tx: SqlClient, items: PlanItem<CalendarState>[], ctx: ImportContext): Promise<Issue | null> {
  const now = await tx.$queryRaw<CalendarState[]>(sql`
    SELECT school_year, step, to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on, note, source_id
    FROM admission_calendar_step WHERE province_code = ${ctx.province.code} AND school_year || ':' || step = ANY (${items.map((i) => i.key)}::text[])
    ORDER BY school_year, step FOR UPDATE`);
  const current = new Map(now.map((s) => [`${s.school_year}:${s.step}`, s]));
  const conflicts = items.filter((i) => canonical(current.get(i.key) ?? null) !== canonical(i.before));
  return conflicts.length ? { key: 'revertConflictCalendar', values: { n: conflicts.length, name: conflicts[0]!.label } } : null;
}

export const admissionCalendarKind: ImportKind<CalendarRow, CalendarState> = {
  id: 'admission-calendar', formats: ['csv', 'xlsx'], read, plan, apply, checkRevert,
};
registerKind(admissionCalendarKind);
