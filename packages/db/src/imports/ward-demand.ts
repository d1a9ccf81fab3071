// Import kind "ward-demand": the number of children of a level's age living in each ward for a school year
// (capacity compares seats with it), from a table of ward code and children. The school year and level are the
// import's options; the source is the import's. The same figures as the loadWardDemand mutation, now previewed,
// recorded and reversible.
import { sqltag as sql } from '@prisma/client/runtime/client';
import { mapColumns, readTable, type ColumnSpec, type FileFormat, type Upload } from './file.ts';
import { ImportFileError, type Issue } from './messages.ts';
import { canonical, registerKind, type ImportContext, type ImportKind, type PlanItem, type SqlClient } from './pipeline.ts';

// Other columns (the template's "Tên phường/xã") are read past.
const COLUMNS: readonly ColumnSpec<'wardCode' | 'children'>[] = [
  { key: 'wardCode', names: ['Mã phường/xã', 'mã xã', 'mã phường', 'ma_xa', 'ward_code', 'ward code'], required: true },
  { key: 'children', names: ['Số trẻ', 'so_tre', 'children'], required: true },
];
const LEVELS = ['PRESCHOOL', 'PRIMARY', 'LOWER_SECONDARY', 'UPPER_SECONDARY', 'CONTINUING'];
export const MAX_CHILDREN = 1_000_000;

export interface DemandRow { row: number; wardCode: string; children: number }
/** A stored figure (null `children`: none stored). */
export interface DemandState { ward_id: string; children: number; source: string }

function optionsOf(ctx: ImportContext): { schoolYear: string; level: string } {
  const schoolYear = String(ctx.options.schoolYear ?? '');
  const level = String(ctx.options.level ?? '');
  const m = /^(\d{4})-(\d{4})$/.exec(schoolYear);
  if (!m || Number(m[2]) !== Number(m[1]) + 1) throw new ImportFileError({ key: 'schoolYear', values: { value: schoolYear.slice(0, 20) } });
  if (!LEVELS.includes(level)) throw new ImportFileError({ key: 'levelOption', values: { value: level.slice(0, 30) } });
  return { schoolYear, level };
}

async function read(upload: Upload, format: FileFormat, ctx: ImportContext) {
  optionsOf(ctx);
  const errors: Issue[] = [];
  const { table, warnings } = await readTable(upload, format);
  const col = mapColumns(table.header, COLUMNS);
  const rows: DemandRow[] = [];
  const first = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const ward = (cells[col.get('wardCode')!] ?? '').trim().padStart(5, '0');
    const text = (cells[col.get('children')!] ?? '').replace(/[\s.,](?=\d{3}\b)/g, '').trim();
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!/^\d{5}$/.test(ward)) { errors.push({ key: 'unknownWard', row, values: { code: ward.slice(0, 10) } }); continue; }
    // A blank figure (the downloaded template lists every ward) leaves the ward as it is.
    if (text === '') { warnings.push({ key: 'noFigure', row, values: { code: ward } }); continue; }
    if (!Number.isInteger(n) || n > MAX_CHILDREN) { errors.push({ key: 'notCount', row, column: COLUMNS[1]!.names[0], values: { max: MAX_CHILDREN } }); continue; }
    if (first.has(ward)) { errors.push({ key: 'duplicateCode', row, values: { code: ward, first: first.get(ward)! } }); continue; }
    first.set(ward, row);
    rows.push({ row, wardCode: ward, children: n });
  }
  return { rows, errors, warnings };
}

async function plan(client: SqlClient, rows: DemandRow[], ctx: ImportContext) {
  const { schoolYear, level } = optionsOf(ctx);
  const errors: Issue[] = [];
  const wards = await client.$queryRaw<{ id: string; code: string; name: string; province_code: string; children: number | null; source: string | null }[]>(sql`
    SELECT w.id, w.code, w.full_name AS name, w.province_code, d.children, d.source
    FROM admin_unit w LEFT JOIN ward_demand d ON d.ward_id = w.id AND d.school_year = ${schoolYear} AND d.level = ${level}::"SchoolLevel"
    WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.code = ANY (${rows.map((r) => r.wardCode)}::text[])`);
  const byCode = new Map(wards.map((w) => [w.code, w]));
  const items: PlanItem<DemandState, DemandRow>[] = [];
  for (const r of rows) {
    const w = byCode.get(r.wardCode);
    if (!w) { errors.push({ key: 'unknownWard', row: r.row, values: { code: r.wardCode } }); continue; }
    if (w.province_code !== ctx.province.code) { errors.push({ key: 'wardOutsideProvince', row: r.row, values: { code: r.wardCode, province: ctx.province.name } }); continue; }
    const before = w.children === null ? null : { ward_id: w.id, children: w.children, source: w.source! };
    const same = before?.children === r.children;
    const after = same ? before : { ward_id: w.id, children: r.children, source: ctx.sourceId };
    items.push({
      action: !before ? 'ADD' : same ? 'UNCHANGED' : 'CHANGE', key: w.id, label: w.name, row: r.row, data: r, before, after,
      fields: before && !same ? [{ field: 'children', before: before.children, after: r.children }] : undefined,
    });
  }
  return { items, errors, warnings: [] };
}

async function apply(tx: SqlClient, items: PlanItem<DemandState>[], ctx: ImportContext) {
  const { schoolYear, level } = optionsOf(ctx);
  const put = items.filter((i) => (i.action === 'ADD' || i.action === 'CHANGE') && i.after).map((i) => i.after!).sort((a, b) => (a.ward_id < b.ward_id ? -1 : 1));
  if (put.length) {
    await tx.$executeRaw(sql`
      INSERT INTO ward_demand (ward_id, level, school_year, children, source, loaded_by)
      SELECT x.ward_id, ${level}::"SchoolLevel", ${schoolYear}, x.children, x.source, nullif(current_setting('edugis.actor', true), '')
      FROM jsonb_to_recordset(${JSON.stringify(put)}::jsonb) AS x(ward_id text, children int, source text) ORDER BY x.ward_id
      ON CONFLICT (ward_id, level, school_year) DO UPDATE SET children = EXCLUDED.children, source = EXCLUDED.source,
        loaded_by = EXCLUDED.loaded_by, loaded_at = CURRENT_TIMESTAMP`);
  }
  const gone = items.filter((i) => i.action === 'REMOVE').map((i) => i.key).sort();
  if (gone.length) {
    await tx.$executeRaw(sql`DELETE FROM ward_demand WHERE ward_id = ANY (${gone}::text[]) AND school_year = ${schoolYear} AND level = ${level}::"SchoolLevel"`);
  }
}

async function checkRevert(tx: SqlClient, items: PlanItem<DemandState>[], ctx: ImportContext): Promise<Issue | null> {
  const { schoolYear, level } = optionsOf(ctx);
  const now = await tx.$queryRaw<DemandState[]>(sql`
    SELECT ward_id, children, source FROM ward_demand WHERE ward_id = ANY (${items.map((i) => i.key)}::text[])
      AND school_year = ${schoolYear} AND level = ${level}::"SchoolLevel" ORDER BY ward_id FOR UPDATE`);
  const current = new Map(now.map((d) => [d.ward_id, d]));
  const conflicts = items.filter((i) => canonical(current.get(i.key) ?? null) !== canonical(i.before));
  return conflicts.length ? { key: 'revertConflict', values: { n: conflicts.length, name: conflicts[0]!.label } } : null;
}

export const wardDemandKind: ImportKind<DemandRow, DemandState> = { id: 'ward-demand', formats: ['csv', 'xlsx'], read, plan, apply, checkRevert };
registerKind(wardDemandKind);
