// Import kind "accounts": staff accounts of one province from a table of username, full name, role and scope (a
// school's id or official code for school staff and principals; a ward's or the province's code for their staff).
// A new account gets a one-time password, returned once by the commit to the importing person (never stored in
// clear), and must set its own at its first sign-in. A listed account that exists is changed (name, role,
// scope) when it belongs to this province. Admins and planners, who belong to no province, are created one by one
// in the account screen. Reverting disables the accounts the import created and restores the ones it changed.
import { createHash } from 'node:crypto';
import { sqltag as sql } from '@prisma/client/runtime/client';
import { hashPassword, oneTimePassword, resolveScope, ROLE_SCOPE, USERNAME_PATTERN, type Role } from '../accounts.ts';
import { fold, mapColumns, readTable, type ColumnSpec, type FileFormat, type Upload } from './file.ts';
import type { Issue } from './messages.ts';
import { canonical, registerKind, type ImportContext, type ImportKind, type PlanItem, type SqlClient } from './pipeline.ts';

export const ACCOUNT_COLUMNS: readonly ColumnSpec<'username' | 'displayName' | 'role' | 'scope'>[] = [
  { key: 'username', names: ['Tên đăng nhập', 'ten_dang_nhap', 'username', 'login'], required: true },
  { key: 'displayName', names: ['Họ và tên', 'Họ tên', 'ho_ten', 'full name', 'full_name', 'name'], required: true },
  { key: 'role', names: ['Vai trò', 'vai_tro', 'role'], required: true },
  { key: 'scope', names: ['Phạm vi', 'Đơn vị', 'pham_vi', 'scope', 'unit', 'school'], required: false },
];
const MAX_NAME = 200;

/** Roles as people write them (compared folded: no accents, case or punctuation). */
const ROLE_NAMES: Record<string, Role> = {
  'can bo truong': 'SCHOOL_STAFF', 'giao vien': 'SCHOOL_STAFF', 'school staff': 'SCHOOL_STAFF', school_staff: 'SCHOOL_STAFF',
  'hieu truong': 'PRINCIPAL', principal: 'PRINCIPAL',
  'can bo phuong': 'WARD_STAFF', 'can bo xa': 'WARD_STAFF', 'can bo phuong/xa': 'WARD_STAFF', 'ward staff': 'WARD_STAFF', ward_staff: 'WARD_STAFF',
  'chuyen vien so': 'PROVINCE_STAFF', 'chuyen vien so gddt': 'PROVINCE_STAFF', 'province staff': 'PROVINCE_STAFF', province_staff: 'PROVINCE_STAFF',
  planner: 'PLANNER', 'can bo quy hoach': 'PLANNER', admin: 'ADMIN', 'quan tri': 'ADMIN',
};
const ROLE_WORDS = new Map(Object.entries(ROLE_NAMES).map(([k, v]) => [fold(k), v]));

export interface AccountRow { row: number; username: string; displayName: string; role: Role; scope: string | null }
/** An account as an import compares and restores it (never its password). */
export interface AccountState { id: string; username: string; display_name: string; role: Role; school_id: string | null; unit_id: string | null }

/** The id of an account an import creates: from its username, so a preview and its commit plan the same row. */
export const accountId = (username: string) => `u-${createHash('sha256').update(username).digest('hex').slice(0, 16)}`;

async function read(upload: Upload, format: FileFormat) {
  const { table, warnings } = await readTable(upload, format);
  const col = mapColumns(table.header, ACCOUNT_COLUMNS);
  const cell = (cells: string[], k: 'username' | 'displayName' | 'role' | 'scope') => (col.has(k) ? (cells[col.get(k)!] ?? '') : '').normalize('NFC').trim();
  const errors: Issue[] = [];
  const rows: AccountRow[] = [];
  const first = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const username = cell(cells, 'username').toLowerCase();
    const displayName = cell(cells, 'displayName');
    const roleText = cell(cells, 'role');
    const role = ROLE_WORDS.get(fold(roleText));
    if (!USERNAME_PATTERN.test(username)) { errors.push({ key: 'badUsername', row, values: { value: username.slice(0, 70) } }); continue; }
    if (!displayName) { errors.push({ key: 'required', row, column: ACCOUNT_COLUMNS[1]!.names[0] }); continue; }
    if (displayName.length > MAX_NAME) { errors.push({ key: 'tooLong', row, column: ACCOUNT_COLUMNS[1]!.names[0], values: { max: MAX_NAME } }); continue; }
    if (!role) { errors.push({ key: 'unknownRole', row, values: { value: roleText.slice(0, 40) } }); continue; }
    if (ROLE_SCOPE[role] === null) { errors.push({ key: 'roleNotImportable', row, values: { role } }); continue; }
    if (first.has(username)) { errors.push({ key: 'duplicateUsername', row, values: { value: username, first: first.get(username)! } }); continue; }
    first.set(username, row);
    rows.push({ row, username, displayName, role, scope: cell(cells, 'scope') || null });
  }
  return { rows, errors, warnings };
}

async function plan(client: SqlClient, rows: AccountRow[], ctx: ImportContext) {
  const errors: Issue[] = [];
  const stored = await client.$queryRaw<(AccountState & { province_code: string | null })[]>(sql`
    SELECT u.id, u.username, u.display_name, u.role, u.school_id, u.unit_id,
           coalesce(uu.province_code, sw.province_code) AS province_code
    FROM app_user u LEFT JOIN admin_unit uu ON uu.id = u.unit_id
      LEFT JOIN school s ON s.id = u.school_id LEFT JOIN admin_unit sw ON sw.id = s.ward_id
    WHERE u.username = ANY (${rows.map((r) => r.username)}::text[])`);
  const byName = new Map(stored.map((u) => [u.username, u]));
  const items: PlanItem<AccountState, AccountRow>[] = [];
  for (const r of rows) {
    const want = ROLE_SCOPE[r.role];
    const checked = await resolveScope(client, r.role, want === 'school' ? { school: r.scope } : { unitCode: r.scope });
    if (!checked.ok) { errors.push({ key: checked.key, row: r.row, values: checked.values }); continue; }
    if (checked.scope.provinceCode !== ctx.province.code) {
      errors.push({ key: 'accountOutsideProvince', row: r.row, values: { value: checked.scope.label ?? r.scope ?? '', province: ctx.province.name } });
      continue;
    }
    const old = byName.get(r.username);
    if (old && (ROLE_SCOPE[old.role] === null || old.province_code !== ctx.province.code)) {
      errors.push({ key: 'accountOtherProvince', row: r.row, values: { value: r.username } });
      continue;
    }
    const before: AccountState | null = old
      ? { id: old.id, username: old.username, display_name: old.display_name, role: old.role, school_id: old.school_id, unit_id: old.unit_id }
      : null;
    const after: AccountState = {
      id: old?.id ?? accountId(r.username), username: r.username, display_name: r.displayName, role: r.role,
      school_id: checked.scope.schoolId, unit_id: checked.scope.unitId,
    };
    const fields = before
      ? (['display_name', 'role', 'school_id', 'unit_id'] as const).filter((f) => before[f] !== after[f]).map((f) => ({ field: f, before: before[f], after: after[f] }))
      : undefined;
    const same = !!before && fields!.length === 0;
    items.push({ action: !before ? 'ADD' : same ? 'UNCHANGED' : 'CHANGE', key: after.id, label: `${r.username} — ${r.displayName}`, row: r.row, data: r, before, after: same ? before : after, fields });
  }
  return { items, errors, warnings: [] };
}

async function apply(tx: SqlClient, items: PlanItem<AccountState>[]) {
  const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : 1));
  const secrets: { key: string; label: string; username: string; password: string }[] = [];
  const added = sorted.filter((i) => i.action === 'ADD' && i.after);
  const passwords = added.map(() => oneTimePassword());
  const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
  const put = added.map((i, n) => ({ ...i.after!, password_hash: hashes[n]! }));
  if (put.length) {
    // A revert of a revert meets the disabled row the first revert left: it comes back, with a new password.
    await tx.$executeRaw(sql`
      INSERT INTO app_user (id, username, display_name, role, password_hash, school_id, unit_id, must_change_password, created_by)
      SELECT x.id, x.username, x.display_name, x.role, x.password_hash, x.school_id, x.unit_id, true, nullif(current_setting('edugis.actor', true), '')
      FROM jsonb_to_recordset(${JSON.stringify(put)}::jsonb) AS x(id text, username text, display_name text, role text, password_hash text, school_id text, unit_id text)
      ORDER BY x.id
      ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role, school_id = EXCLUDED.school_id,
        unit_id = EXCLUDED.unit_id, password_hash = EXCLUDED.password_hash, must_change_password = true, disabled = false`);
    added.forEach((i, n) => secrets.push({ key: i.key, label: i.label, username: i.after!.username, password: passwords[n]! }));
  }
  const changed = sorted.filter((i) => i.action === 'CHANGE' && i.after).map((i) => i.after!);
  if (changed.length) {
    await tx.$executeRaw(sql`
      UPDATE app_user u SET display_name = x.display_name, role = x.role, school_id = x.school_id, unit_id = x.unit_id
      FROM jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) AS x(id text, display_name text, role text, school_id text, unit_id text)
      WHERE u.id = x.id`);
  }
  const gone = sorted.filter((i) => i.action === 'REMOVE').map((i) => i.key);
  if (gone.length) {
    // Accounts are never deleted (their names stay in audit logs): they are disabled and signed out.
    await tx.$executeRaw(sql`UPDATE app_user SET disabled = true WHERE id = ANY (${gone}::text[])`);
    await tx.$executeRaw(sql`DELETE FROM user_session WHERE user_id = ANY (${gone}::text[])`);
  }
  return { secrets };
}

async function checkRevert(tx: SqlClient, items: PlanItem<AccountState>[]): Promise<Issue | null> {
  const now = await tx.$queryRaw<AccountState[]>(sql`
    SELECT id, username, display_name, role, school_id, unit_id FROM app_user WHERE id = ANY (${items.map((i) => i.key)}::text[])
    ORDER BY id FOR UPDATE`);
  const current = new Map(now.map((u) => [u.id, u]));
  const conflicts = items.filter((i) => canonical(current.get(i.key) ?? null) !== canonical(i.before));
  return conflicts.length ? { key: 'revertAccountConflict', values: { n: conflicts.length, name: conflicts[0]!.label } } : null;
}

export const accountsKind: ImportKind<AccountRow, AccountState> = { id: 'accounts', formats: ['csv', 'xlsx'], read, plan, apply, checkRevert };
registerKind(accountsKind);
