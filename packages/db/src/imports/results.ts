// Import kind "results": digital-transformation results of past school years (QĐ 4725), one row per school and
// school year, as the tools schools use today export them: group scores, optionally the levels, and item answers
// where the source has them (columns named by criterion or item code, e.g. "1.3.1"; mandatory conditions as
// Đạt/Chưa đạt). They enter as published results with the import's source and count in analytics. A result made in
// the EduGIS workflow (any step recorded in its audit log) is never overwritten: its row is listed as SKIP. A result
// imported before, or a synthetic one, is superseded by a new revision that corrects it (published results never
// change or disappear), so an import of results is not reverted: a corrected file is imported instead.
import { sqltag as sql } from '@prisma/client/runtime/client';
import { CURRENT_VERSION, DEFAULT_RULES, deadlinesFor, indexVersion, levelForScore, parseSchoolYear, schoolYearAt, score, validateAnswers } from '@edugis/maturity';
import { fold, mapColumns, readTable, type ColumnSpec, type FileFormat, type Upload } from './file.ts';
import { ImportRefused, type Issue } from './messages.ts';
import { inSlices, registerKind, type ImportContext, type ImportKind, type PlanItem, type SqlClient } from './pipeline.ts';

type Column = 'school' | 'schoolYear' | 'group1' | 'group2' | 'level1' | 'level2' | 'overall';
export const RESULT_COLUMNS: readonly ColumnSpec<Column>[] = [
  { key: 'school', names: ['Mã trường', 'Mã EduGIS', 'ma_truong', 'school', 'school_id', 'official_code'], required: true },
  { key: 'schoolYear', names: ['Năm học', 'nam_hoc', 'school_year', 'year'], required: true },
  { key: 'group1', names: ['Điểm nhóm 1', 'Nhóm 1', 'Dạy học', 'diem_nhom_1', 'group1', 'group 1 score'] },
  { key: 'group2', names: ['Điểm nhóm 2', 'Nhóm 2', 'Quản trị', 'diem_nhom_2', 'group2', 'group 2 score'] },
  { key: 'level1', names: ['Mức nhóm 1', 'muc_nhom_1', 'group1_level'] },
  { key: 'level2', names: ['Mức nhóm 2', 'muc_nhom_2', 'group2_level'] },
  { key: 'overall', names: ['Mức chung', 'Mức độ', 'muc_chung', 'overall_level', 'level'] },
];
const LEVEL_NAMES = ['', 'LEVEL_1', 'LEVEL_2', 'LEVEL_3'] as const;
const CODE = /^\d+(\.\d+)+$/;

export interface ResultRow {
  row: number; school: string; schoolYear: string; group1: number; group2: number; level1: number; level2: number; overall: number;
  answers: { indexVersion: string; points: Record<string, number>; mandatory: Record<string, boolean> } | null; levelsFrom: 'file' | 'scores' | 'items';
}
/** A published result as an import writes it. */
export interface ResultState {
  id: string; school_id: string; school_year: string; revision: number; corrects_id: string | null;
  group1_score: number; group2_score: number; group1_level: string; group2_level: string; overall_level: string;
}

const num = (t: string) => { const x = Number(t.replace(',', '.').trim()); return t.trim() && Number.isFinite(x) ? x : NaN; };
const levelOf = (t: string) => { const m = /([123])\s*$/.exec(t.trim()); return m ? Number(m[1]) : NaN; };
const yesNo = (t: string): boolean | null => {
  const f = fold(t);
  if (['dat', 'co', 'yes', 'true', '1', 'x'].includes(f)) return true;
  if (['chuadat', 'khong', 'no', 'false', '0', 'khongdat'].includes(f)) return false;
  return null;
};

async function read(upload: Upload, format: FileFormat) {
  const index = indexVersion(CURRENT_VERSION)!;
  const mandatoryCodes = new Set(index.groups.flatMap((g) => g.criteria.filter((c) => c.mandatory).map((c) => c.code)));
  const { table, warnings } = await readTable(upload, format);
  const col = mapColumns(table.header, RESULT_COLUMNS);
  const items = table.header.map((h, i) => ({ code: h.trim(), i })).filter((h) => CODE.test(h.code));
  const errors: Issue[] = [];
  const rows: ResultRow[] = [];
  const first = new Map<string, number>();
  const thisYear = schoolYearAt(new Date());
  for (const { row, cells } of table.rows) {
    const get = (k: Column) => (col.has(k) ? (cells[col.get(k)!] ?? '').trim() : '');
    const school = get('school');
    const schoolYear = get('schoolYear').replace(/\s*[–—/]\s*/, '-');
    if (!school) { errors.push({ key: 'required', row, column: RESULT_COLUMNS[0]!.names[0] }); continue; }
    const years = parseSchoolYear(schoolYear);
    if (!years || schoolYear > thisYear) { errors.push({ key: 'resultYear', row, values: { value: schoolYear.slice(0, 20), last: thisYear } }); continue; }
    const key = `${school}|${schoolYear}`;
    if (first.has(key)) { errors.push({ key: 'duplicateResult', row, values: { school, year: schoolYear, first: first.get(key)! } }); continue; }
    first.set(key, row);
    // Item answers, where the file has them.
    let answers: ResultRow['answers'] = null;
    const filled = items.filter((it) => (cells[it.i] ?? '').trim() !== '');
    if (filled.length) {
      answers = { indexVersion: index.version, points: {}, mandatory: {} };
      let bad = false;
      for (const it of filled) {
        const text = cells[it.i]!.trim();
        if (mandatoryCodes.has(it.code)) {
          const v = yesNo(text);
          if (v === null) { errors.push({ key: 'resultMandatory', row, column: it.code, values: { value: text.slice(0, 20) } }); bad = true; } else answers.mandatory[it.code] = v;
        } else {
          const v = num(text);
          if (Number.isNaN(v)) { errors.push({ key: 'notNumber', row, column: it.code, values: { value: text.slice(0, 20) } }); bad = true; } else answers.points[it.code] = v;
        }
      }
      const problems = bad ? [] : validateAnswers(index, answers);
      for (const p of problems.slice(0, 5)) errors.push({ key: 'resultItem', row, column: p.target, values: { en: p.message.en, vi: p.message.vi } });
      if (bad || problems.length) continue;
    }
    const given = { g1: num(get('group1')), g2: num(get('group2')) };
    let g1 = given.g1; let g2 = given.g2; let levelsFrom: ResultRow['levelsFrom'] = 'scores';
    let l1 = levelOf(get('level1')); let l2 = levelOf(get('level2'));
    if (answers) {
      const s = score(index, answers, DEFAULT_RULES);
      const [a, b] = s.groups as [typeof s.groups[0], typeof s.groups[0]];
      if ((!Number.isNaN(g1) && Math.abs(g1 - a.score) > 0.005) || (!Number.isNaN(g2) && Math.abs(g2 - b.score) > 0.005)) {
        errors.push({ key: 'resultScoreMismatch', row, values: { g1: a.score, g2: b.score } });
        continue;
      }
      g1 = a.score; g2 = b.score;
      // Mandatory conditions the file does not give are not known: the levels then follow the scores.
      const complete = mandatoryCodes.size === Object.keys(answers.mandatory).length;
      l1 = Number.isNaN(l1) ? (complete ? a.level : a.levelFromScore) : l1;
      l2 = Number.isNaN(l2) ? (complete ? b.level : b.levelFromScore) : l2;
      levelsFrom = 'items';
    }
    if (Number.isNaN(g1) || Number.isNaN(g2) || g1 < 0 || g1 > 100 || g2 < 0 || g2 > 100) {
      errors.push({ key: 'resultScores', row, values: { g1: get('group1').slice(0, 10), g2: get('group2').slice(0, 10) } });
      continue;
    }
    if (!Number.isNaN(l1) || !Number.isNaN(l2)) levelsFrom = levelsFrom === 'items' ? 'items' : 'file';
    l1 = Number.isNaN(l1) ? levelForScore(g1) : l1;
    l2 = Number.isNaN(l2) ? levelForScore(g2) : l2;
    // A level above what the score allows is a typo (an unmet mandatory condition can only hold a level down).
    if (l1 > levelForScore(g1) || l2 > levelForScore(g2)) { errors.push({ key: 'resultLevelAboveScore', row, values: { g1, g2, l1, l2 } }); continue; }
    const overallGiven = levelOf(get('overall'));
    const overall = Math.min(l1, l2);
    if (!Number.isNaN(overallGiven) && overallGiven !== overall) { errors.push({ key: 'resultOverall', row, values: { given: overallGiven, overall } }); continue; }
    rows.push({ row, school, schoolYear, group1: g1, group2: g2, level1: l1, level2: l2, overall, answers, levelsFrom });
  }
  return { rows, errors, warnings };
}

interface Existing { school_id: string; school_year: string; newest_id: string | null; revision: number | null; from_workflow: boolean; state: ResultState | null }

async function plan(client: SqlClient, rows: ResultRow[], ctx: ImportContext) {
  const errors: Issue[] = [];
  const schools = await client.$queryRaw<{ key: string; id: string; name: string; province_code: string | null }[]>(sql`
    SELECT k.key, s.id, s.name, w.province_code FROM unnest(${[...new Set(rows.map((r) => r.school))]}::text[]) AS k(key)
    JOIN LATERAL (SELECT * FROM school s WHERE s.id = k.key OR s.official_code = k.key ORDER BY (s.id = k.key) DESC LIMIT 1) s ON true
    LEFT JOIN admin_unit w ON w.id = s.ward_id`);
  const byKey = new Map(schools.map((s) => [s.key, s]));
  const pairs = rows.flatMap((r) => (byKey.get(r.school) ? [{ school_id: byKey.get(r.school)!.id, school_year: r.schoolYear }] : []));
  const existing = await client.$queryRaw<Existing[]>(sql`
    SELECT p.school_id, p.school_year, n.id AS newest_id, n.revision,
      EXISTS (SELECT 1 FROM maturity_assessment a WHERE a.school_id = p.school_id AND a.school_year = p.school_year
              AND (a.source_id = 'edugis-workflow' OR EXISTS (SELECT 1 FROM assessment_audit au WHERE au.assessment_id = a.id))) AS from_workflow,
      CASE WHEN n.id IS NULL THEN NULL ELSE jsonb_build_object('id', n.id, 'school_id', n.school_id, 'school_year', n.school_year, 'revision', n.revision,
        'corrects_id', n.corrects_id, 'group1_score', n.group1_score, 'group2_score', n.group2_score, 'group1_level', n.group1_level,
        'group2_level', n.group2_level, 'overall_level', n.overall_level) END AS state
    FROM jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) AS p(school_id text, school_year text)
    LEFT JOIN LATERAL (SELECT * FROM maturity_assessment a WHERE a.school_id = p.school_id AND a.school_year = p.school_year
                       ORDER BY a.revision DESC LIMIT 1) n ON true`);
  const ex = new Map(existing.map((e) => [`${e.school_id}|${e.school_year}`, e]));
  const items: PlanItem<ResultState, ResultRow>[] = [];
  for (const r of rows) {
    const s = byKey.get(r.school);
    if (!s) { errors.push({ key: 'unknownSchool', row: r.row, values: { id: r.school } }); continue; }
    if (s.province_code !== ctx.province.code) { errors.push({ key: 'resultOutsideProvince', row: r.row, values: { name: s.name, province: ctx.province.name } }); continue; }
    const e = ex.get(`${s.id}|${r.schoolYear}`);
    const label = `${s.name} — ${r.schoolYear}`;
    const key = `${s.id}|${r.schoolYear}`;
    if (e?.from_workflow) {
      items.push({ action: 'SKIP', key, label, row: r.row, data: r, before: null, after: null, note: { key: 'resultFromWorkflow', values: { name: s.name, year: r.schoolYear } } });
      continue;
    }
    const revision = e?.revision == null ? 0 : e.revision + 1;
    const after: ResultState = {
      id: `res-${s.id}-${r.schoolYear}-r${revision}`, school_id: s.id, school_year: r.schoolYear, revision, corrects_id: e?.newest_id ?? null,
      group1_score: r.group1, group2_score: r.group2, group1_level: LEVEL_NAMES[r.level1]!, group2_level: LEVEL_NAMES[r.level2]!, overall_level: LEVEL_NAMES[r.overall]!,
    };
    const before = e?.state ?? null;
    const same = !!before && (['group1_score', 'group2_score', 'group1_level', 'group2_level', 'overall_level'] as const).every((f) => before[f] === after[f]);
    const fields = before ? (['group1_score', 'group2_score', 'overall_level'] as const).filter((f) => before[f] !== after[f]).map((f) => ({ field: f, before: before[f], after: after[f] })) : undefined;
    items.push({
      action: !before ? 'ADD' : same ? 'UNCHANGED' : 'CHANGE', key, label, row: r.row, data: r, before, after: same ? before : after, fields,
      note: { key: r.levelsFrom === 'file' ? 'resultLevelsFile' : r.levelsFrom === 'items' ? 'resultLevelsItems' : 'resultLevelsScores' },
    });
  }
  return { items, errors, warnings: [] };
}

async function apply(tx: SqlClient, items: PlanItem<ResultState, ResultRow>[], ctx: ImportContext) {
  const put = items.filter((i) => (i.action === 'ADD' || i.action === 'CHANGE') && i.after).sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((i) => ({ ...i.after!, answers: i.data?.answers ?? null, published_at: `${deadlinesFor(i.after!.school_year).publish}T12:00:00+07:00` }));
  if (!put.length) return;
  // The published_result trigger makes each the result of record. A step of the workflow that created a row for
  // the same school and year since the preview makes a revision collide: refused as stale.
  let written = 0;
  await inSlices(put, async (slice) => { written += await tx.$executeRaw(sql`
    INSERT INTO maturity_assessment (id, school_id, school_year, revision, corrects_id, correction_reason, index_version, status,
      group1_score, group2_score, group1_level, group2_level, overall_level, answers, published_at, is_synthetic, source_id)
    SELECT x.id, x.school_id, x.school_year, x.revision, x.corrects_id,
           CASE WHEN x.corrects_id IS NULL THEN NULL ELSE 'Imported result of a past school year' END, ${CURRENT_VERSION}, 'PUBLISHED',
           x.group1_score, x.group2_score, x.group1_level::"MaturityLevel", x.group2_level::"MaturityLevel", x.overall_level::"MaturityLevel",
           x.answers, x.published_at, ${ctx.isSynthetic}, ${ctx.sourceId}
    FROM jsonb_to_recordset(${JSON.stringify(slice)}::jsonb) AS x(id text, school_id text, school_year text, revision int, corrects_id text,
      group1_score float8, group2_score float8, group1_level text, group2_level text, overall_level text, answers jsonb, published_at timestamptz)
    ORDER BY x.id
    ON CONFLICT DO NOTHING`); });
  if (written !== put.length) throw new ImportRefused({ key: 'stale' }, 'IMPORT_STALE');
}

export const resultsKind: ImportKind<ResultRow, ResultState> = {
  id: 'results', formats: ['csv', 'xlsx'], read, plan, apply,
  checkRevert: async () => ({ key: 'resultsFinal' }),
};
registerKind(resultsKind);
