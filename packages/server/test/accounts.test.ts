// Accounts as their administrators run them, over HTTP, on PostgreSQL and on the embedded PGlite: an admin creates
// an account (one-time password, answered once); its person signs in, can do nothing but set a password, then works;
// a province officer imports staff by CSV and manages only their province; disable ends sessions; reset gives a new
// one-time password; the last admin stays. Parallel callers: one username is taken once, the rest are told.
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
let admin: string;
let so: string;
let ward: string;
let schoolId: string;
let wardCode: string;

const q = async (query: string, variables: Record<string, unknown>, token?: string, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang, token)).body;
const code = (body: any) => body.errors?.[0]?.extensions?.code ?? 'OK';
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
  __typename ... on MutationLoginSuccess { data { token account { username mustChangePassword } } } ... on AuthError { code } } }`;
const CREATE = `mutation($i: NewAccountInput!) { createAccount(input: $i) { oneTimePassword account { id username role mustChangePassword school { id } unit { code } } } }`;
const CHANGE_PW = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { username mustChangePassword } }`;
const login = async (u: string, p: string) => (await q(LOGIN, { u, p })).data.login;

beforeAll(async () => {
  admin = await signIn('demo.quantri');
  so = await signIn('demo.so');
  ward = await signIn('demo.phuong');
  const [r] = await server.ctx.db.raw.query<{ school: string; ward: string }>(`
    SELECT u.school_id AS school, w.code AS ward FROM app_user u JOIN school s ON s.id = u.school_id JOIN admin_unit w ON w.id = s.ward_id
    WHERE u.username = 'demo.canbo'`);
  schoolId = r!.school;
  wardCode = r!.ward;
});

describe('an admin creates an account; its person must set a password first', () => {
  it('answers a one-time password once; signing in with it opens only changePassword; after that the account works', async () => {
    const made = await q(CREATE, { i: { username: 'Nguyen.An', displayName: 'Nguyễn An', role: 'WARD_STAFF', scope: wardCode } }, admin);
    expect(code(made)).toBe('OK');
    const { oneTimePassword, account } = made.data.createAccount;
    expect(account).toMatchObject({ username: 'nguyen.an', role: 'WARD_STAFF', mustChangePassword: true, school: null, unit: { code: wardCode } });
    expect(oneTimePassword).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    // Never stored in clear.
    const [stored] = await server.ctx.db.raw.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE username = 'nguyen.an'`);
    expect(stored!.password_hash).not.toContain(oneTimePassword);

    const first = await login('nguyen.an', oneTimePassword);
    expect(first.data.account).toEqual({ username: 'nguyen.an', mustChangePassword: true });
    const token = first.data.token;
    // Anything else is refused, with a message saying what to do.
    const mine = await q(`query { problemReports { id } }`, {}, token);
    expect(mine.errors?.[0]?.message ?? JSON.stringify(mine.data)).toMatch(/one-time password|set your own/i);
    const upload = await fetch(`${server.url}/imports?kind=schools&province=79`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: 'a' });
    expect(upload.status).toBe(401);
    expect((await q(`query { me { username mustChangePassword } }`, {}, token)).data.me).toEqual({ username: 'nguyen.an', mustChangePassword: true });

    // Weak passwords are refused, in the reader's language.
    const weak = await q(CHANGE_PW, { c: oneTimePassword, n: 'nguyen.an12345' }, token, 'vi');
    expect(weak.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'passwordGuessable' } });
    expect(weak.errors[0].message).toMatch(/dễ đoán/);
    expect(code(await q(CHANGE_PW, { c: 'wrong-one-time', n: 'Hoa sen nở 2026' }, token))).toBe('BAD_USER_INPUT');

    const set = await q(CHANGE_PW, { c: oneTimePassword, n: 'Hoa sen nở 2026' }, token);
    expect(set.data.changePassword).toEqual({ username: 'nguyen.an', mustChangePassword: false });
    // The same session now works; the one-time password no longer does.
    expect(code(await q(`query { problemReports { id } }`, {}, token))).toBe('OK');
    expect((await login('nguyen.an', oneTimePassword)).__typename).toBe('AuthError');
    expect((await login('nguyen.an', 'Hoa sen nở 2026')).data.account.mustChangePassword).toBe(false);

    // The history shows who did what, never a password.
    const history = (await q(`query($id: ID!) { accountHistory(id: $id) { operation actorName after } }`, { id: account.id }, admin)).data.accountHistory;
    expect(history.map((h: any) => h.operation)).toEqual(['UPDATE', 'INSERT']);
    expect(history[1].actorName).toBe('Quản trị hệ thống (demo)');
    expect(JSON.stringify(history)).not.toMatch(/argon|password_hash/);
  });

  it('five wrong current passwords block changePassword for a while, as at sign-in, even with the right one after', async () => {
    const made = (await q(CREATE, { i: { username: 'doan.pw', displayName: 'Đoàn Thử', role: 'WARD_STAFF', scope: wardCode } }, admin)).data.createAccount;
    const token = (await login('doan.pw', made.oneTimePassword)).data.token;
    const wrong = await Promise.all(Array.from({ length: 5 }, (_, i) => q(CHANGE_PW, { c: `guess-${i}-xxxx`, n: 'Hoa sen nở 2026' }, token)));
    expect(wrong.map(code)).toEqual(Array(5).fill('BAD_USER_INPUT'));
    const blocked = await q(CHANGE_PW, { c: made.oneTimePassword, n: 'Hoa sen nở 2026' }, token, 'vi');
    expect(code(blocked)).toBe('RATE_LIMITED');
    expect(blocked.errors[0].message).toBe('Nhập sai mật khẩu hiện tại quá nhiều lần. Hãy thử lại sau 15 phút.');
    expect((await login('doan.pw', made.oneTimePassword)).data.account.mustChangePassword).toBe(true);
  });

  it('refuses a bad username, a wrong scope for the role, an unknown school, in words', async () => {
    const bad = async (i: Record<string, unknown>) => (await q(CREATE, { i: { displayName: 'X', role: 'SCHOOL_STAFF', scope: schoolId, username: 'xyz.ok', ...i } }, admin)).errors?.[0];
    expect((await bad({ username: 'Ai Đó' })).extensions.reason).toBe('accountUsername');
    expect((await bad({ role: 'WARD_STAFF' })).message).toMatch(/^There is no current ward with code /);
    expect((await bad({ role: 'WARD_STAFF', scope: null })).message).toMatch(/needs the code of a current ward/);
    expect((await bad({ scope: 'no-such-school' })).message).toBe('There is no school "no-such-school".');
    expect((await bad({ role: 'PLANNER' })).extensions.reason).toBe('scopeNotTaken');
    expect((await bad({ displayName: '   ' })).extensions.reason).toBe('accountName');
    expect(await server.ctx.db.raw.query(`SELECT 1 FROM app_user WHERE username = 'xyz.ok'`)).toEqual([]);
  });

  it('twenty people create one username at once: one account, nineteen USERNAME_TAKEN, no 500', async () => {
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      q(CREATE, { i: { username: 'tran.binh', displayName: `Trần Bình ${i}`, role: 'WARD_STAFF', scope: wardCode } }, admin)));
    expect(outs.filter((o) => code(o) === 'OK')).toHaveLength(1);
    expect(outs.filter((o) => code(o) === 'USERNAME_TAKEN')).toHaveLength(19);
    expect(await server.ctx.db.raw.query(`SELECT count(*)::int AS n FROM app_user WHERE username = 'tran.binh'`)).toEqual([{ n: 1 }]);
  });
});

describe('who administers whom', () => {
  it('province staff manage their province\'s school and ward accounts, not admins, planners or other provinces', async () => {
    const list = (await q(`query { accounts(first: 200) { username role } }`, {}, so)).data.accounts;
    const names = list.map((a: any) => a.username);
    expect(names).toContain('demo.canbo');
    expect(names).not.toContain('demo.quantri');
    expect(names).not.toContain('demo.quyhoach');
    expect(code(await q(CREATE, { i: { username: 'plan.new', displayName: 'P', role: 'PLANNER' } }, so))).toBe('FORBIDDEN');
    const [hanoi] = await server.ctx.db.raw.query<{ code: string }>(`SELECT code FROM admin_unit WHERE level = 'PROVINCE' AND code <> '79' AND valid_to IS NULL ORDER BY code LIMIT 1`);
    expect(code(await q(CREATE, { i: { username: 'other.so', displayName: 'O', role: 'PROVINCE_STAFF', scope: hanoi!.code } }, so))).toBe('FORBIDDEN');
    const [adm] = await server.ctx.db.raw.query<{ id: string }>(`SELECT id FROM app_user WHERE username = 'demo.quantri'`);
    expect(code(await q(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id } }`, { id: adm!.id }, so))).toBe('NOT_FOUND');
    // Ward staff and planners administer nobody.
    expect(code(await q(`query { accounts { id } }`, {}, ward))).toBe('FORBIDDEN');
  });

  it('disabling ends the account\'s sessions at once; reset gives a new one-time password; the last admin stays', async () => {
    const made = (await q(CREATE, { i: { username: 'le.chi', displayName: 'Lê Chi', role: 'WARD_STAFF', scope: wardCode } }, so)).data.createAccount;
    const t1 = (await login('le.chi', made.oneTimePassword)).data.token;
    await q(CHANGE_PW, { c: made.oneTimePassword, n: 'Mùa thu Hà Nội 79' }, t1);
    expect(code(await q(`query { problemReports { id } }`, {}, t1))).toBe('OK');
    const off = await q(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { disabled } }`, { id: made.account.id }, so);
    expect(off.data.setAccountDisabled.disabled).toBe(true);
    expect(code(await q(`query { problemReports { id } }`, {}, t1))).toBe('UNAUTHENTICATED');
    expect((await login('le.chi', 'Mùa thu Hà Nội 79')).__typename).toBe('AuthError');
    await q(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: false) { disabled } }`, { id: made.account.id }, so);
    const reset = (await q(`mutation($id: ID!) { resetAccountPassword(id: $id) { oneTimePassword account { mustChangePassword } } }`, { id: made.account.id }, so)).data.resetAccountPassword;
    expect(reset.account.mustChangePassword).toBe(true);
    expect((await login('le.chi', 'Mùa thu Hà Nội 79')).__typename).toBe('AuthError');
    expect((await login('le.chi', reset.oneTimePassword)).data.account.mustChangePassword).toBe(true);

    // Nobody disables themselves; the last active admin cannot be demoted.
    const [adm] = await server.ctx.db.raw.query<{ id: string }>(`SELECT id FROM app_user WHERE username = 'demo.quantri'`);
    expect(code(await q(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id } }`, { id: adm!.id }, admin))).toBe('FORBIDDEN');
    const second = (await q(CREATE, { i: { username: 'admin.two', displayName: 'Admin Two', role: 'ADMIN' } }, admin)).data.createAccount;
    const t2 = (await login('admin.two', second.oneTimePassword)).data.token;
    await q(CHANGE_PW, { c: second.oneTimePassword, n: 'Quản trị viên số hai' }, t2);
    // Both admins demote each other at once: one wins, the other is told LAST_ADMIN.
    const DEMOTE = `mutation($id: ID!) { updateAccount(id: $id, changes: { role: PLANNER, scope: null }) { role } }`;
    const [a, b] = await Promise.all([q(DEMOTE, { id: second.account.id }, admin), q(DEMOTE, { id: adm!.id }, t2)]);
    // The loser is told LAST_ADMIN, or FORBIDDEN when its request began after it was demoted (the embedded
    // database runs writes one at a time); either way one admin remains.
    const codes = [code(a), code(b)];
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(['LAST_ADMIN', 'FORBIDDEN']).toContain(codes.find((c) => c !== 'OK'));
    const [{ n }] = await server.ctx.db.raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM app_user WHERE role = 'ADMIN' AND NOT disabled`) as [{ n: number }];
    expect(n).toBe(1);
    // Put things back for the files after this one.
    const back = code(a) === 'OK' ? [adm!.id, second.account.id] : [second.account.id, adm!.id];
    await server.ctx.db.raw.query(`UPDATE app_user SET role = 'ADMIN' WHERE id = $1`, [back[1]]);
  });
});

describe('accounts by CSV, through the import pipeline', () => {
  const upload = async (text: string, token = so) => {
    const res = await fetch(`${server.url}/imports?kind=accounts&province=79&source=${encodeURIComponent('Danh sách cán bộ')}`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-file-name': 'canbo.csv', 'accept-language': 'en' }, body: new TextEncoder().encode(text),
    });
    return (await res.json()) as any;
  };
  const COMMIT = `mutation($id: ID!) { commitImport(id: $id) { status counts { added changed } oneTimePasswords { username password } } }`;

  it('a bad row blocks the file; the fixed file creates the accounts, each with a one-time password shown once', async () => {
    const header = 'Tên đăng nhập,Họ và tên,Vai trò,Phạm vi';
    const bad = await upload([header, `gv.mot,Giáo viên Một,Cán bộ trường,${schoolId}`, 'gv.hai,Giáo viên Hai,Hiệu phó,' + schoolId, `ql.ba,Quản trị Ba,Quản trị,`].join('\n'));
    expect(bad.status).toBe('INVALID');
    expect(bad.errors.map((e: any) => [e.key, e.row])).toEqual([['unknownRole', 3], ['roleNotImportable', 4]]);
    expect(await server.ctx.db.raw.query(`SELECT 1 FROM app_user WHERE username = 'gv.mot'`)).toEqual([]);

    const good = await upload([header, `gv.mot,Giáo viên Một,Cán bộ trường,${schoolId}`, `gv.hai,Giáo viên Hai,Hiệu trưởng,${schoolId}`, `pb.bon,Cán bộ Bốn,Cán bộ phường/xã,${wardCode}`].join('\n'));
    expect(good).toMatchObject({ status: 'PREVIEW', counts: { ADD: 3, errors: 0 } });
    const done = (await q(COMMIT, { id: good.id }, so)).data.commitImport;
    expect(done.counts.added).toBe(3);
    expect(done.oneTimePasswords.map((p: any) => p.username).sort()).toEqual(['gv.hai', 'gv.mot', 'pb.bon']);
    // Shown once: reading the import again answers none.
    expect((await q(`query($id: ID!) { dataImport(id: $id) { oneTimePasswords { username } } }`, { id: good.id }, so)).data.dataImport.oneTimePasswords).toEqual([]);
    const pw = done.oneTimePasswords.find((p: any) => p.username === 'pb.bon').password;
    expect((await login('pb.bon', pw)).data.account).toEqual({ username: 'pb.bon', mustChangePassword: true });
    const [row] = await server.ctx.db.raw.query<{ role: string; unit: string }>(`SELECT u.role, w.code AS unit FROM app_user u JOIN admin_unit w ON w.id = u.unit_id WHERE username = 'pb.bon'`);
    expect(row).toEqual({ role: 'WARD_STAFF', unit: wardCode });

    // Reverting disables what it created.
    const reverted = await q(`mutation($id: ID!) { revertImport(id: $id) { status } }`, { id: good.id }, so);
    expect(code(reverted)).toBe('OK');
    expect((await login('pb.bon', pw)).__typename).toBe('AuthError');
    expect(await server.ctx.db.raw.query(`SELECT username FROM app_user WHERE username IN ('gv.mot','gv.hai','pb.bon') AND NOT disabled`)).toEqual([]);
  });

  it('two files with the same new usernames, committed at once in different orders: each account exists once', async () => {
    const header = 'username,full name,role,scope';
    const a = await upload([header, `ss.a,Staff A,SCHOOL_STAFF,${schoolId}`, `ss.b,Staff B,SCHOOL_STAFF,${schoolId}`].join('\n'));
    const b = await upload([header, `ss.b,Staff B,SCHOOL_STAFF,${schoolId}`, `ss.a,Staff A,SCHOOL_STAFF,${schoolId}`].join('\n'));
    const outs = await Promise.all([q(COMMIT, { id: a.id }, so), q(COMMIT, { id: b.id }, admin)]);
    expect(outs.map(code).sort()).toEqual(['IMPORT_STALE', 'OK']);
    expect(await server.ctx.db.raw.query(`SELECT username FROM app_user WHERE username IN ('ss.a','ss.b') ORDER BY username`)).toEqual([{ username: 'ss.a' }, { username: 'ss.b' }]);
  });
});
