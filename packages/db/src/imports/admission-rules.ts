// Import kind "admission-rules": what a ward (or the Sở, for grade 10) publishes for each school, school year and
// entry grade: the quota in places and classes, the method (the listed areas, the nearest school by distance, or
// both), the areas it takes (whole wards, khu phố/ấp by name within a ward, streets with an optional house-number
// range), an optional distance cap and how it is measured, the priority groups, the feeder schools and the
// document. One row per area: the rule's own columns are given on its first row and may be left blank (or
// repeated unchanged) on the rows that follow. Checked on their own (numbers, names, dates) and against what is
// stored: unknown schools and wards, a school or feeder of the wrong level, a quota of 0 or above the school's
// capacity, one area listed by two schools that do not say they share it; wards no rule reaches are a warning.
import { createHash } from 'node:crypto';
import { sqltag as sql } from '@prisma/client/runtime/client';
import { stringify } from 'csv-stringify/sync';
import { fold, mapColumns, readTable, type ColumnSpec, type FileFormat, type Upload } from './file.ts';
import type { Issue } from './messages.ts';
import { parseDate } from './admission-calendar.ts';
import { canonical, registerKind, type ImportContext, type ImportKind, type PlanItem, type SqlClient } from './pipeline.ts';

type Col = 'school' | 'schoolYear' | 'grade' | 'method' | 'places' | 'classes' | 'cap' | 'metric' | 'priority' | 'feeders' | 'shared'
  | 'docNumber' | 'docDate' | 'issuer' | 'areaKind' | 'areaWard' | 'areaName' | 'houseFrom' | 'houseTo' | 'parity';
export const RULE_COLUMNS: readonly ColumnSpec<Col>[] = [
  { key: 'school', names: ['Mã trường', 'school_code', 'school_id', 'school'], required: true },
  { key: 'schoolYear', names: ['Năm học', 'school_year', 'school year'], required: true },
  { key: 'grade', names: ['Lớp', 'Lớp đầu cấp', 'grade', 'entry_grade'], required: true },
  { key: 'method', names: ['Phương thức', 'method'] },
  { key: 'places', names: ['Chỉ tiêu (học sinh)', 'Chỉ tiêu', 'quota_places', 'places'] },
  { key: 'classes', names: ['Chỉ tiêu (lớp)', 'Số lớp', 'quota_classes', 'classes'] },
  { key: 'cap', names: ['Bán kính (km)', 'Khoảng cách tối đa (km)', 'distance_cap_km'] },
  { key: 'metric', names: ['Cách đo', 'distance_metric'] },
  { key: 'priority', names: ['Nhóm ưu tiên', 'priority_groups'] },
  { key: 'feeders', names: ['Trường nguồn', 'Trường tiểu học nguồn', 'feeder_schools'] },
  { key: 'shared', names: ['Tuyển chung với', 'shared_with'] },
  { key: 'docNumber', names: ['Số văn bản', 'document_number'] },
  { key: 'docDate', names: ['Ngày văn bản', 'document_date'] },
  { key: 'issuer', names: ['Cơ quan ban hành', 'issuing_body'] },
  { key: 'areaKind', names: ['Loại địa bàn', 'area_kind'] },
  { key: 'areaWard', names: ['Mã phường/xã', 'ward_code'] },
  { key: 'areaName', names: ['Tên địa bàn', 'Khu phố/ấp/đường', 'area_name'] },
  { key: 'houseFrom', names: ['Số nhà từ', 'house_from'] },
  { key: 'houseTo', names: ['Số nhà đến', 'house_to'] },
  { key: 'parity', names: ['Chẵn/lẻ', 'parity'] },
];
/** The rule's own columns, given once per rule (the rest describe one area). */
const RULE_OWN: readonly Col[] = ['method', 'places', 'classes', 'cap', 'metric', 'priority', 'feeders', 'shared', 'docNumber', 'docDate', 'issuer'];

export const RULE_METHODS = ['AREA_LIST', 'NEAREST_BY_DISTANCE', 'HYBRID'] as const;
export type RuleMethod = typeof RULE_METHODS[number];
const byName = <T extends string>(names: Record<T, string[]>) =>
  new Map(Object.entries<string[]>(names).flatMap(([code, ns]) => [code, ...ns].map((n) => [fold(n), code as T])));
const METHOD_NAMES: Record<RuleMethod, string[]> = {
  AREA_LIST: ['Theo địa bàn', 'Theo khu vực', 'Địa bàn'],
  NEAREST_BY_DISTANCE: ['Gần nhà', 'Theo khoảng cách', 'Gần nhất'],
  HYBRID: ['Kết hợp', 'Địa bàn và khoảng cách'],
};
const methodByName = byName(METHOD_NAMES);
const METRIC_NAMES: Record<'STRAIGHT' | 'ROAD', string[]> = { STRAIGHT: ['Đường chim bay', 'Đường thẳng'], ROAD: ['Đường đi', 'Theo đường', 'Đường bộ'] };
const metricByName = byName(METRIC_NAMES);
export type AreaKind = 'WARD' | 'SUB_WARD' | 'STREET';
const AREA_NAMES: Record<AreaKind, string[]> = {
  WARD: ['Phường/xã', 'Phường', 'Xã', 'Đặc khu', 'Toàn phường', 'Toàn xã'],
  SUB_WARD: ['Khu phố/ấp', 'Khu phố', 'Ấp', 'Tổ dân phố', 'Thôn'],
  STREET: ['Đường', 'Tuyến đường', 'Phố'],
};
const areaByName = byName(AREA_NAMES);
const PARITY_NAMES: Record<'ALL' | 'ODD' | 'EVEN', string[]> = { ALL: ['Tất cả', 'Cả hai'], ODD: ['Lẻ', 'Số lẻ'], EVEN: ['Chẵn', 'Số chẵn'] };
const parityByName = byName(PARITY_NAMES);
/** The school level a grade enters, and the level its feeder schools teach. */
export const GRADE_LEVEL: Record<number, { level: string; feeder: string | null }> = {
  1: { level: 'PRIMARY', feeder: null }, 6: { level: 'LOWER_SECONDARY', feeder: 'PRIMARY' }, 10: { level: 'UPPER_SECONDARY', feeder: 'LOWER_SECONDARY' },
};

export interface RuleArea { kind: AreaKind; ward: string; name?: string; from?: number; to?: number; parity?: 'ODD' | 'EVEN' }
export interface RuleRow {
  row: number; school: string; schoolYear: string; grade: number; method: RuleMethod; places: number; classes: number | null;
  cap: number | null; metric: 'STRAIGHT' | 'ROAD' | null; priority: string[]; feeders: string[]; shared: string[];
  docNumber: string | null; docDate: string | null; issuer: string | null; areas: (RuleArea & { row: number })[];
}
export interface RuleState {
  school_id: string; school_year: string; grade: number; method: RuleMethod; quota_places: number; quota_classes: number | null;
  distance_cap_km: number | null; distance_metric: 'STRAIGHT' | 'ROAD' | null; areas: RuleArea[]; priority_groups: string[];
  feeder_school_ids: string[]; shared_with: string[]; document_number: string | null; document_date: string | null;
  issuing_body: string | null; source_id: string;
}

const list = (text: string) => [...new Set(text.split(/[;\n]/).map((s) => s.trim()).filter(Boolean))];
const areaLabel = (a: RuleArea) =>
  a.kind === 'WARD' ? a.ward : `${a.ward} · ${a.name}${a.from != null ? ` ${a.from}–${a.to}` : ''}${a.parity ? ` (${a.parity === 'ODD' ? 'lẻ' : 'chẵn'})` : ''}`;

async function read(upload: Upload, format: FileFormat) {
  const errors: Issue[] = [];
  const { table, warnings } = await readTable(upload, format);
  const col = mapColumns(table.header, RULE_COLUMNS);
  const name = (k: Col) => RULE_COLUMNS.find((c) => c.key === k)!.names[0]!;
  const rules = new Map<string, RuleRow & { raw: Partial<Record<Col, string>> }>();
  const bad = new Set<string>();
  for (const { row, cells } of table.rows) {
    const cell = (k: Col) => (col.has(k) ? (cells[col.get(k)!] ?? '').trim() : '');
    const fail = (key: string, values: Record<string, string | number> = {}, column?: Col) => {
      errors.push({ key, row, ...(column ? { column: name(column) } : {}), values });
      return null;
    };
    const schoolYear = cell('schoolYear');
    const y = /^(\d{4})-(\d{4})$/.exec(schoolYear);
    if (!y || Number(y[2]) !== Number(y[1]) + 1) { fail('schoolYear', { value: schoolYear.slice(0, 20) }); continue; }
    const grade = Number(cell('grade').replace(/^lớp\s*/i, ''));
    if (!GRADE_LEVEL[grade]) { fail('badGrade', { value: cell('grade').slice(0, 20) }); continue; }
    const school = cell('school').slice(0, 80);
    const key = `${school}:${schoolYear}:${grade}`;
    let rule = rules.get(key);
    if (!rule) {
      // The rule's own columns, from its first row.
      const method = methodByName.get(fold(cell('method')));
      const int = (k: Col, max: number) => {
        const t = cell(k).replace(/[.\s]/g, '');
        if (t === '') return null;
        const n = Number(t);
        if (!Number.isInteger(n) || n < 0 || n > max) return fail('notCount', { column: name(k), max }, k) ?? NaN;
        return n;
      };
      if (!method) { fail('unknownMethod', { value: cell('method').slice(0, 40), methods: Object.values(METHOD_NAMES).map((n) => n[0]).join(', ') }, 'method'); bad.add(key); continue; }
      // A quota of 0 is named in the plan, with the school's name.
      const places = int('places', 5000);
      const classes = int('classes', 100);
      if (Number.isNaN(places) || Number.isNaN(classes)) { bad.add(key); continue; }
      if (places === null) { fail('required', { column: name('places') }, 'places'); bad.add(key); continue; }
      let cap: number | null = null;
      if (cell('cap')) {
        cap = Number(cell('cap').replace(',', '.'));
        if (!Number.isFinite(cap) || cap <= 0 || cap > 50) { fail('badDistanceCap', { value: cell('cap').slice(0, 20) }, 'cap'); bad.add(key); continue; }
      }
      let metric = cell('metric') ? metricByName.get(fold(cell('metric'))) ?? null : null;
      if (cell('metric') && !metric) { fail('unknownMetric', { value: cell('metric').slice(0, 40) }, 'metric'); bad.add(key); continue; }
      // A cap without its metric is taken as the straight line (the preview shows it); a metric without a cap means nothing.
      if (cap !== null && !metric) metric = 'STRAIGHT';
      if (cap === null) metric = null;
      const docDate = cell('docDate') ? parseDate(cell('docDate')) : null;
      if (cell('docDate') && !docDate) { fail('badDate', { value: cell('docDate').slice(0, 30) }, 'docDate'); bad.add(key); continue; }
      const feeders = list(cell('feeders')).map((s) => s.slice(0, 80));
      if (feeders.length && grade === 1) { fail('feederForGrade1', {}, 'feeders'); bad.add(key); continue; }
      rule = {
        row, school, schoolYear, grade, method, places: places!, classes, cap, metric,
        priority: list(cell('priority')).map((s) => s.slice(0, 200)), feeders, shared: list(cell('shared')).map((s) => s.slice(0, 80)),
        docNumber: cell('docNumber').slice(0, 100) || null, docDate, issuer: cell('issuer').slice(0, 200) || null, areas: [],
        raw: Object.fromEntries(RULE_OWN.map((k) => [k, cell(k)])),
      };
      rules.set(key, rule);
    } else {
      if (bad.has(key)) continue;
      // A later row of the same rule: its own columns blank or as on the first row.
      const differs = RULE_OWN.find((k) => cell(k) !== '' && cell(k) !== rule!.raw[k]);
      if (differs) { fail('ruleConflict', { column: name(differs), first: rule.row }, differs); continue; }
    }
    // The area this row adds, if any.
    if (!cell('areaKind') && !cell('areaWard') && !cell('areaName')) continue;
    const kind = areaByName.get(fold(cell('areaKind')));
    if (!kind) { fail('unknownAreaKind', { value: cell('areaKind').slice(0, 40), kinds: Object.values(AREA_NAMES).map((n) => n[0]).join(', ') }, 'areaKind'); continue; }
    const ward = cell('areaWard').padStart(5, '0');
    if (!/^\d{5}$/.test(ward)) { fail('unknownWard', { code: cell('areaWard').slice(0, 10) }, 'areaWard'); continue; }
    const area: RuleArea & { row: number } = { row, kind, ward };
    if (kind !== 'WARD') {
      if (!cell('areaName')) { fail('required', { column: name('areaName') }, 'areaName'); continue; }
      area.name = cell('areaName').replace(/\s+/g, ' ').slice(0, 120);
    }
    if (kind === 'STREET' && (cell('houseFrom') || cell('houseTo'))) {
      const from = Number(cell('houseFrom') || 1);
      const to = Number(cell('houseTo') || 99999);
      if (![from, to].every((n) => Number.isInteger(n) && n >= 1 && n <= 99999) || to < from) {
        fail('badHouseRange', { from: cell('houseFrom').slice(0, 10), to: cell('houseTo').slice(0, 10) }, 'houseFrom'); continue;
      }
      Object.assign(area, { from, to });
    }
    if (cell('parity')) {
      const parity = parityByName.get(fold(cell('parity')));
      if (!parity || kind !== 'STREET') { fail('badParity', { value: cell('parity').slice(0, 20) }, 'parity'); continue; }
      if (parity !== 'ALL') area.parity = parity;
    }
    const same = rule.areas.find((a) => a.kind === area.kind && a.ward === area.ward && fold(a.name ?? '') === fold(area.name ?? '') && a.from === area.from && a.parity === area.parity);
    if (same) { fail('duplicateArea', { area: areaLabel(area), first: same.row }); continue; }
    rule.areas.push(area);
  }
  const rows: RuleRow[] = [];
  for (const [key, { raw: _raw, ...r }] of rules) {
    if (bad.has(key)) continue;
    if (r.method !== 'NEAREST_BY_DISTANCE' && !r.areas.length) { errors.push({ key: 'areaListEmpty', row: r.row, values: { school: r.school } }); continue; }
    rows.push(r);
  }
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { rows, errors, warnings };
}

/** One area as a comparable extent: a ward, a named unit in it, or a street (with its numbers). */
function covers(a: RuleArea, b: RuleArea): boolean {
  if (a.ward !== b.ward) return false;
  if (a.kind === 'WARD' || b.kind === 'WARD') return true;
  if (a.kind !== b.kind || fold(a.name!) !== fold(b.name!)) return false;
  if (a.kind === 'SUB_WARD') return true;
  const [af, at, bf, bt] = [a.from ?? 1, a.to ?? 99999, b.from ?? 1, b.to ?? 99999];
  if (at < bf || bt < af) return false;
  return !a.parity || !b.parity || a.parity === b.parity;
}

export interface RuleOverlap { area: string; schoolA: string; schoolB: string; ward: string }
/**
 * Areas listed by two schools' rules of one school year and grade that do not say they share them (either naming
 * the other in shared_with is enough). `rules` carry their school's id; ward codes are compared as given.
 */
export function ruleOverlaps(rules: Pick<RuleState, 'school_id' | 'school_year' | 'grade' | 'areas' | 'shared_with'>[]): RuleOverlap[] {
  const out: RuleOverlap[] = [];
  const byWard = new Map<string, { rule: typeof rules[number]; area: RuleArea }[]>();
  for (const rule of rules) for (const area of rule.areas) {
    const k = `${rule.school_year}:${rule.grade}:${area.ward}`;
    byWard.set(k, [...(byWard.get(k) ?? []), { rule, area }]);
  }
  const seen = new Set<string>();
  for (const entries of byWard.values()) {
    for (let i = 0; i < entries.length; i++) for (let j = i + 1; j < entries.length; j++) {
      const [x, y] = [entries[i]!, entries[j]!];
      if (x.rule.school_id === y.rule.school_id || !covers(x.area, y.area)) continue;
      if (x.rule.shared_with.includes(y.rule.school_id) || y.rule.shared_with.includes(x.rule.school_id)) continue;
      const pair = [x.rule.school_id, y.rule.school_id].sort().join('|') + ':' + x.area.ward;
      if (seen.has(pair)) continue;
      seen.add(pair);
      const narrower = x.area.kind === 'WARD' ? y.area : x.area;
      out.push({ area: areaLabel(narrower), schoolA: x.rule.school_id, schoolB: y.rule.school_id, ward: x.area.ward });
    }
  }
  return out;
}

export interface UncoveredWard { code: string; name: string; has_school: boolean }
/**
 * The province's current wards that no rule of the year and grade reaches: no area in them, and no distance rule
 * whose school is within its cap (straight line, to the ward's inner point) or that has no cap. `has_school`
 * says whether the ward has a school of the grade's level at all (HCMC's Tân Sơn has no THCS).
 */
export async function uncoveredWards(client: SqlClient, provinceCode: string, grade: number,
  rules: Pick<RuleState, 'school_id' | 'method' | 'distance_cap_km' | 'areas'>[]): Promise<UncoveredWard[]> {
  const wards = [...new Set(rules.flatMap((r) => r.areas.map((a) => a.ward)))];
  const reach = rules.filter((r) => r.method !== 'AREA_LIST').map((r) => ({ school_id: r.school_id, cap_m: r.distance_cap_km == null ? null : r.distance_cap_km * 1000 }));
  return client.$queryRaw<UncoveredWard[]>(sql`
    WITH reach AS (SELECT s.location, x.cap_m FROM jsonb_to_recordset(${JSON.stringify(reach)}::jsonb) AS x(school_id text, cap_m float8)
                   JOIN school s ON s.id = x.school_id WHERE s.location IS NOT NULL)
    SELECT w.code, w.name, EXISTS (SELECT 1 FROM school s WHERE s.ward_id = w.id AND ${GRADE_LEVEL[grade]!.level}::"SchoolLevel" = ANY (s.levels)) AS has_school
    FROM admin_unit w
    WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.province_code = ${provinceCode} AND NOT (w.code = ANY (${wards}::text[]))
      AND NOT EXISTS (SELECT 1 FROM reach r WHERE r.cap_m IS NULL
                      OR ST_DWithin(r.location::geography, ST_PointOnSurface(w.boundary)::geography, r.cap_m))
    ORDER BY w.code`);
}

interface SchoolHit { id: string; official_code: string | null; name: string; levels: string[]; capacity: number | null; province_code: string | null }
/** A rule's version: changes with any of its stored fields (an edit names the version it changes). */
export const ruleVersion = (state: RuleState): string => createHash('sha256').update(canonical(state)).digest('hex').slice(0, 16);

/** The rule as the import reads it (one row per area, the rule's own columns on the first), for an edit made in a form. */
export function ruleToCsv(state: Omit<RuleState, 'source_id'>): string {
  const head = RULE_COLUMNS.map((c) => c.names[0]!);
  const own = (first: boolean) => ({
    school: state.school_id, schoolYear: state.school_year, grade: state.grade,
    ...(first ? {
      method: state.method, places: state.quota_places, classes: state.quota_classes ?? '', cap: state.distance_cap_km ?? '', metric: state.distance_metric ?? '',
      priority: state.priority_groups.join('; '), feeders: state.feeder_school_ids.join('; '), shared: state.shared_with.join('; '),
      docNumber: state.document_number ?? '', docDate: state.document_date ?? '', issuer: state.issuing_body ?? '',
    } : {}),
  });
  const areas = state.areas.length ? state.areas : [null];
  const rows = areas.map((a, i) => {
    const r: Partial<Record<Col, string | number>> = { ...own(i === 0), ...(a ? {
      areaKind: a.kind, areaWard: a.ward, areaName: a.name ?? '', houseFrom: a.from ?? '', houseTo: a.to ?? '', parity: a.parity ?? '',
    } : {}) };
    return RULE_COLUMNS.map((c) => r[c.key] ?? '');
  });
  return stringify([head, ...rows]);
}

const STATE_SQL = sql`
  SELECT school_id, school_year, grade::int AS grade, method, quota_places, quota_classes, distance_cap_km, distance_metric, areas,
         priority_groups, feeder_school_ids, shared_with, document_number, to_char(document_date, 'YYYY-MM-DD') AS document_date,
         issuing_body, source_id
  FROM admission_rule`;

/** The stored rules of these keys ("school:year:grade") as the import compares them. */
export async function ruleStates(client: SqlClient, keys: string[]): Promise<RuleState[]> {
  return client.$queryRaw<RuleState[]>(sql`${STATE_SQL} WHERE school_id || ':' || school_year || ':' || grade = ANY (${keys}::text[])`);
}

async function plan(client: SqlClient, rows: RuleRow[], ctx: ImportContext) {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const codes = [...new Set(rows.flatMap((r) => [r.school, ...r.feeders, ...r.shared]))];
  const hits = await client.$queryRaw<SchoolHit[]>(sql`
    SELECT s.id, s.official_code, s.name, s.levels::text[] AS levels, s.capacity, w.province_code
    FROM school s LEFT JOIN admin_unit w ON w.id = s.ward_id
    WHERE s.id = ANY (${codes}::text[]) OR s.official_code = ANY (${codes}::text[])`);
  const school = new Map<string, SchoolHit>();
  for (const h of hits) { school.set(h.id, h); if (h.official_code) school.set(h.official_code, h); }
  const wardCodes = [...new Set(rows.flatMap((r) => r.areas.map((a) => a.ward)))];
  const wards = new Map((await client.$queryRaw<{ code: string; province_code: string }[]>(sql`
    SELECT code, province_code FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND code = ANY (${wardCodes}::text[])`)).map((w) => [w.code, w]));
  const levelName = (l: string) => ({ PRIMARY: 'Tiểu học', LOWER_SECONDARY: 'THCS', UPPER_SECONDARY: 'THPT' } as Record<string, string>)[l] ?? l;

  const valid: { r: RuleRow; s: SchoolHit; state: Omit<RuleState, 'source_id'> }[] = [];
  for (const r of rows) {
    const s = school.get(r.school);
    const fail = (key: string, values: Record<string, string | number>, row = r.row) => { errors.push({ key, row, values }); };
    if (!s) { fail('unknownSchool', { id: r.school }); continue; }
    if (s.province_code !== ctx.province.code) { fail('schoolOutsideProvince', { name: s.name, province: ctx.province.name }); continue; }
    if (r.places === 0 || r.classes === 0) { fail('quotaZero', { school: s.name }); continue; }
    const need = GRADE_LEVEL[r.grade]!;
    if (!s.levels.includes(need.level)) { fail('schoolWrongLevel', { name: s.name, grade: r.grade, level: levelName(need.level) }); continue; }
    if (s.capacity != null && r.places > s.capacity) { fail('quotaAboveCapacity', { name: s.name, places: r.places, capacity: s.capacity }); continue; }
    const feederIds: string[] = [];
    let ok = true;
    for (const f of r.feeders) {
      const fs = school.get(f);
      if (!fs) { fail('unknownFeeder', { code: f }); ok = false; break; }
      if (!fs.levels.includes(need.feeder!)) { fail('feederWrongLevel', { name: fs.name, grade: r.grade, level: levelName(need.feeder!) }); ok = false; break; }
      feederIds.push(fs.id);
    }
    const shared: string[] = [];
    for (const f of r.shared) {
      const fs = school.get(f);
      if (!fs) { fail('unknownSchool', { id: f }); ok = false; break; }
      shared.push(fs.id);
    }
    for (const a of r.areas) {
      const w = wards.get(a.ward);
      if (!w) { fail('unknownWard', { code: a.ward }, a.row); ok = false; }
      else if (w.province_code !== ctx.province.code) { fail('wardOutsideProvince', { code: a.ward, province: ctx.province.name }, a.row); ok = false; }
    }
    if (!ok) continue;
    valid.push({
      r, s, state: {
        school_id: s.id, school_year: r.schoolYear, grade: r.grade, method: r.method, quota_places: r.places, quota_classes: r.classes,
        distance_cap_km: r.cap, distance_metric: r.metric, areas: r.areas.map(({ row: _row, ...a }) => a), priority_groups: r.priority,
        feeder_school_ids: feederIds, shared_with: shared, document_number: r.docNumber, document_date: r.docDate, issuing_body: r.issuer,
      },
    });
  }
  // Two rows of the file for one school, year and grade (the school named once by id, once by its code).
  const firstOf = new Map<string, number>();
  for (const v of valid) {
    const k = `${v.s.id}:${v.r.schoolYear}:${v.r.grade}`;
    if (firstOf.has(k)) errors.push({ key: 'duplicateRule', row: v.r.row, values: { name: v.s.name, first: firstOf.get(k)! } });
    else firstOf.set(k, v.r.row);
  }

  const years = [...new Set(rows.map((r) => r.schoolYear))];
  const stored = await client.$queryRaw<RuleState[]>(sql`${STATE_SQL} WHERE province_code = ${ctx.province.code} AND school_year = ANY (${years}::text[])`);
  const byKey = new Map(stored.map((s) => [`${s.school_id}:${s.school_year}:${s.grade}`, s]));
  // The year's rules once this file is in: the file's, and the stored ones it does not replace.
  const inFile = new Set(valid.map((v) => `${v.s.id}:${v.r.schoolYear}:${v.r.grade}`));
  const after = [...valid.map((v) => v.state), ...stored.filter((s) => !inFile.has(`${s.school_id}:${s.school_year}:${s.grade}`))];
  const rowOf = new Map(valid.map((v) => [`${v.s.id}:${v.r.schoolYear}:${v.r.grade}`, v.r]));
  const names = new Map(hits.map((h) => [h.id, h.name]));
  for (const o of ruleOverlaps(after)) {
    const g = after.find((a) => a.school_id === o.schoolA)!;
    const ra = rowOf.get(`${o.schoolA}:${g.school_year}:${g.grade}`);
    const rb = rowOf.get(`${o.schoolB}:${g.school_year}:${g.grade}`);
    if (!ra && !rb) continue; // both stored: not this file's doing
    const [mine, other] = ra ? [o.schoolA, o.schoolB] : [o.schoolB, o.schoolA];
    const otherRow = ra && rb ? (mine === o.schoolA ? rb : ra) : null;
    errors.push({
      key: otherRow ? 'areaOverlap' : 'areaOverlapStored', row: (ra ?? rb)!.row,
      values: { area: o.area, school: names.get(mine) ?? mine, other: names.get(other) ?? await nameOf(client, other), ...(otherRow ? { row2: otherRow.row } : {}) },
    });
  }
  if (!errors.length) {
    for (const year of years) for (const grade of [...new Set(valid.filter((v) => v.r.schoolYear === year).map((v) => v.r.grade))]) {
      const gaps = await uncoveredWards(client, ctx.province.code, grade, after.filter((a) => a.school_year === year && a.grade === grade));
      if (gaps.length) warnings.push({ key: 'wardsUncovered', values: { n: gaps.length, grade, year, names: gaps.slice(0, 5).map((g) => g.name).join(', ') } });
    }
    warnings.push(...await streetWarnings(client, ctx.province.code, valid.map((v) => v.r)));
  }
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  const items: PlanItem<RuleState, RuleRow>[] = valid.map(({ r, s, state }) => {
    const key = `${s.id}:${r.schoolYear}:${r.grade}`;
    const before = byKey.get(key) ?? null;
    const fields = (Object.keys(state) as (keyof typeof state)[])
      .filter((f) => canonical(before?.[f] ?? null) !== canonical(state[f]))
      .map((f) => ({ field: f, before: before?.[f] ?? null, after: state[f] }));
    return {
      action: !before ? 'ADD' : fields.length ? 'CHANGE' : 'UNCHANGED', key, label: `${s.name} · lớp ${r.grade} · ${r.schoolYear}`, row: r.row, data: r,
      before, after: before && !fields.length ? before : { ...state, source_id: ctx.sourceId }, fields: before ? fields : undefined,
    };
  });
  return { items, errors, warnings };
}
/** "Đường Lê Lợi", "đường Lê Lợi" and "Lê Lợi" are the same street. */
/** A street's name for matching: without "Đường/Đ./Phố/Hẻm" in front, accents, case and spaces (fold). */
export const streetKey = (name: string) => fold(name.normalize('NFC').trim().replace(/^((đường|duong|phố|pho|hẻm|hem)\s+|(đ|d)\.\s*)/iu, ''));
/**
 * Streets the road network does not have in their ward, each named by row (a warning, not an error: the network is
 * an extract of a given date and a new street may be missing from it); one warning when no network is loaded.
 */
async function streetWarnings(client: SqlClient, provinceCode: string, rows: RuleRow[]): Promise<Issue[]> {
  const streets = rows.flatMap((r) => r.areas.filter((a) => a.kind === 'STREET'));
  if (!streets.length) return [];
  const [net] = await client.$queryRaw<{ network_id: string; extract_date: string | null }[]>(sql`
    SELECT a.network_id, to_char(n.extract_date, 'YYYY-MM-DD') AS extract_date FROM road_network_active a JOIN road_network n ON n.id = a.network_id
    WHERE a.province_code = ${provinceCode}`);
  if (!net) return [{ key: 'streetsUnchecked', values: {} }];
  const known = await client.$queryRaw<{ ward: string; name: string }[]>(sql`
    SELECT DISTINCT u.code AS ward, w.name FROM admin_unit u JOIN road_way w ON w.network_id = ${net.network_id} AND w.name IS NOT NULL AND ST_Intersects(w.geom, u.boundary)
    WHERE u.level = 'WARD' AND u.valid_to IS NULL AND u.code = ANY (${[...new Set(streets.map((a) => a.ward))]}::text[])`);
  const have = new Set(known.map((k) => `${k.ward}|${streetKey(k.name)}`));
  return streets.filter((a) => !have.has(`${a.ward}|${streetKey(a.name!)}`))
    .map((a) => ({ key: 'unknownStreet', row: a.row, values: { street: a.name!, ward: a.ward, date: net.extract_date ?? '?' } }));
}

const nameOf = async (client: SqlClient, id: string) =>
  (await client.$queryRaw<{ name: string }[]>(sql`SELECT name FROM school WHERE id = ${id}`))[0]?.name ?? id;

async function apply(tx: SqlClient, items: PlanItem<RuleState>[], ctx: ImportContext) {
  const put = items.filter((i) => (i.action === 'ADD' || i.action === 'CHANGE') && i.after).sort((a, b) => (a.key < b.key ? -1 : 1)).map((i) => i.after!);
  if (put.length) {
    await tx.$executeRaw(sql`
      INSERT INTO admission_rule (school_id, school_year, grade, province_code, method, quota_places, quota_classes, distance_cap_km,
        distance_metric, areas, priority_groups, feeder_school_ids, shared_with, document_number, document_date, issuing_body, source_id)
      SELECT x.school_id, x.school_year, x.grade, ${ctx.province.code}, x.method, x.quota_places, x.quota_classes, x.distance_cap_km,
        x.distance_metric, x.areas, ARRAY(SELECT jsonb_array_elements_text(x.priority_groups)), ARRAY(SELECT jsonb_array_elements_text(x.feeder_school_ids)),
        ARRAY(SELECT jsonb_array_elements_text(x.shared_with)), x.document_number, x.document_date, x.issuing_body, x.source_id
      FROM jsonb_to_recordset(${JSON.stringify(put)}::jsonb) AS x(school_id text, school_year text, grade smallint, method text, quota_places int,
        quota_classes int, distance_cap_km float8, distance_metric text, areas jsonb, priority_groups jsonb, feeder_school_ids jsonb,
        shared_with jsonb, document_number text, document_date date, issuing_body text, source_id text)
      ORDER BY x.school_id, x.school_year, x.grade
      ON CONFLICT (school_id, school_year, grade) DO UPDATE SET method = EXCLUDED.method, quota_places = EXCLUDED.quota_places,
        quota_classes = EXCLUDED.quota_classes, distance_cap_km = EXCLUDED.distance_cap_km, distance_metric = EXCLUDED.distance_metric,
        areas = EXCLUDED.areas, priority_groups = EXCLUDED.priority_groups, feeder_school_ids = EXCLUDED.feeder_school_ids,
        shared_with = EXCLUDED.shared_with, document_number = EXCLUDED.document_number, document_date = EXCLUDED.document_date,
        issuing_body = EXCLUDED.issuing_body, source_id = EXCLUDED.source_id`);
  }
  const gone = items.filter((i) => i.action === 'REMOVE').map((i) => i.key).sort();
  if (gone.length) {
    await tx.$executeRaw(sql`DELETE FROM admission_rule WHERE school_id || ':' || school_year || ':' || grade = ANY (${gone}::text[])`);
  }
}

async function checkRevert(tx: SqlClient, items: PlanItem<RuleState>[]): Promise<Issue | null> {
  const now = await tx.$queryRaw<RuleState[]>(sql`${STATE_SQL}
    WHERE school_id || ':' || school_year || ':' || grade = ANY (${items.map((i) => i.key)}::text[])
    ORDER BY school_id, school_year, grade FOR UPDATE`);
  const current = new Map(now.map((s) => [`${s.school_id}:${s.school_year}:${s.grade}`, s]));
  const conflicts = items.filter((i) => canonical(current.get(i.key) ?? null) !== canonical(i.before));
  return conflicts.length ? { key: 'revertConflictRules', values: { n: conflicts.length, name: conflicts[0]!.label } } : null;
}

export const admissionRulesKind: ImportKind<RuleRow, RuleState> = { id: 'admission-rules', formats: ['csv', 'xlsx'], read, plan, apply, checkRevert };
registerKind(admissionRulesKind);
