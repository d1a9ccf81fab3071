// The import pipeline as a province officer uses it, over HTTP, on PostgreSQL and on the embedded PGlite: upload a
// schools file, read its preview (counts, rows, errors in their language), commit, see the schools, revert. Bad
// files are refused with a specific message and write nothing; parallel commits never interleave.
import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
let so: string;
let admin: string;
let ward: string;

beforeAll(async () => {
  so = await signIn('demo.so');
  admin = await signIn('demo.quantri');
  ward = await signIn('demo.phuong');
});

const HEADER = 'Mã trường,Tên trường,Cấp học,Loại hình,Địa chỉ,Mã phường/xã,Kinh độ,Vĩ độ,Sức chứa,Số học sinh,Điện thoại,Trang web';
// Two points in central HCMC (old Quận 1): in ward 26740 (Bến Thành) and nearby.
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');
const ROW1 = 'T12-001,Trường Tiểu học Thử Một,Tiểu học,Công lập,12 Lý Tự Trọng,,106.7005,10.7765,"1.200",950,028 3822 0000,thumot.edu.vn';
const ROW2 = 'T12-002,Trường THCS Thử Hai,THCS,Tư thục,,,106.6950,10.7800,900,,,';

async function upload(body: Uint8Array | string, opts: { name?: string; token?: string; query?: string; lang?: string } = {}) {
  const res = await fetch(`${server.url}/imports?kind=schools&province=79&source=${encodeURIComponent('Sở GDĐT (thử)')}&licence=CC-BY-4.0${opts.query ?? ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.token ?? so}`, 'x-file-name': encodeURIComponent(opts.name ?? 'truong.csv'), 'accept-language': opts.lang ?? 'en' },
    body: typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const PREVIEW = `query($id: ID!) { dataImport(id: $id) { id status fileName sha256 sourceTitle counts { added changed unchanged removed kept errors warnings }
  errors { code row column message } warnings { code row message } items { action key label row fields { field before after } lng lat note } } }`;
const STEP = (name: string) => `mutation($id: ID!) { ${name}(id: $id) { id status counts { added changed removed } revertsId revertible } }`;
const q = async (query: string, variables: Record<string, unknown>, token = so, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang, token)).body;
const schoolsByCode = (codes: string[]) => server.ctx.db.raw.query<{ id: string; name: string; ward: string | null; capacity: number | null; website: string | null; source: string }>(
  `SELECT s.id, s.name, w.code AS ward, s.capacity, s.website, s.source_id AS source FROM school s LEFT JOIN admin_unit w ON w.id = s.ward_id
   WHERE s.official_code = ANY ($1::text[]) ORDER BY s.official_code`, [codes]);

describe('a schools file, from upload to revert', () => {
  it('previews, commits, shows the schools with their ward and source, and reverts to the state before', async () => {
    const staged = await upload(csv(ROW1, ROW2));
    expect(staged.status).toBe(201);
    expect(staged.body).toMatchObject({ status: 'PREVIEW', counts: { ADD: 2, CHANGE: 0, errors: 0 } });
    const preview = (await q(PREVIEW, { id: staged.body.id })).data.dataImport;
    expect(preview.items.map((i: any) => [i.action, i.label, i.row])).toEqual([['ADD', 'Trường Tiểu học Thử Một', 2], ['ADD', 'Trường THCS Thử Hai', 3]]);
    expect(preview.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await schoolsByCode(['T12-001'])).toEqual([]); // a preview writes nothing

    const committed = (await q(STEP('commitImport'), { id: staged.body.id })).data.commitImport;
    expect(committed.status).toBe('COMMITTED');
    const stored = await schoolsByCode(['T12-001', 'T12-002']);
    // The ward is where the point is (computed by the database), "1.200" is 1200, the website got its scheme.
    expect(stored[0]).toMatchObject({ name: 'Trường Tiểu học Thử Một', ward: '26740', capacity: 1200, website: 'https://thumot.edu.vn/', source: `import-${staged.body.id}` });
    // The public API shows it, with the import's source and licence.
    const pub = await gql(server.url, `query($id: ID!) { school(id: $id) { name ward { code } source { title licence isSynthetic } } }`, { id: stored[0]!.id });
    expect(pub.body.data.school).toEqual({ name: 'Trường Tiểu học Thử Một', ward: { code: '26740' }, source: { title: 'Sở GDĐT (thử)', licence: 'CC-BY-4.0', isSynthetic: false } });
    // History: who and which import.
    const history = await server.ctx.db.raw.query<{ operation: string; actor_id: string; import_id: string }>(
      'SELECT operation, actor_id, import_id FROM school_change WHERE school_id = $1', [stored[0]!.id]);
    expect(history).toEqual([{ operation: 'INSERT', actor_id: 'demo-province-staff', import_id: staged.body.id }]);

    // A second file moves school 2 and changes its capacity: the preview lists exactly those fields.
    const moved = await upload(csv(ROW1, 'T12-002,Trường THCS Thử Hai,THCS,Tư thục,,,106.7005,10.7768,950,,,'), { name: 'truong-2.csv' });
    const p2 = (await q(PREVIEW, { id: moved.body.id })).data.dataImport;
    expect(p2.counts).toMatchObject({ added: 0, changed: 1, unchanged: 1 });
    const change = p2.items.find((i: any) => i.action === 'CHANGE');
    expect(change.fields.map((f: any) => f.field).sort()).toEqual(['capacity', 'lat', 'lng', 'ward_id']);
    await q(STEP('commitImport'), { id: moved.body.id });
    expect((await schoolsByCode(['T12-002']))[0]).toMatchObject({ ward: '26740', capacity: 950 });

    // Revert the second: school 2 is back where it was; reverting twice is refused.
    const offered = (await q(`query { dataImports(provinceCode: "79") { id revertible } }`, {})).data.dataImports;
    expect(offered).toContainEqual({ id: moved.body.id, revertible: true });
    const reverted = (await q(STEP('revertImport'), { id: moved.body.id })).data.revertImport;
    expect(reverted).toMatchObject({ status: 'COMMITTED', revertsId: moved.body.id, counts: { changed: 1 }, revertible: true });
    expect((await q(`query { dataImports(provinceCode: "79") { id revertible } }`, {})).data.dataImports).toContainEqual({ id: moved.body.id, revertible: false });
    expect((await schoolsByCode(['T12-002']))[0]).toMatchObject({ ward: stored[1]!.ward, capacity: 900 });
    const again = await q(STEP('revertImport'), { id: moved.body.id });
    expect(again.errors[0].extensions.code).toBe('IMPORT_STATE');
    // Revert the first: both schools are gone again.
    await q(STEP('revertImport'), { id: staged.body.id });
    expect(await schoolsByCode(['T12-001', 'T12-002'])).toEqual([]);
  });

  it('reads the same template as XLSX and GeoJSON (an area becomes its centre, reported)', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Trường');
    sheet.addRow(HEADER.split(','));
    sheet.addRow(['T12-X1', 'Trường Mầm non Excel', 'Mầm non', 'Tư thục', '', '', 106.7005, 10.7765, 250, 200, '', '']);
    const xlsx = await upload(new Uint8Array(await wb.xlsx.writeBuffer()), { name: 'truong.xlsx' });
    expect(xlsx.body).toMatchObject({ status: 'PREVIEW', counts: { ADD: 1 } });
    const geojson = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { 'mã trường': 'T12-G1', name: 'Trường THPT GeoJSON', levels: 'THPT' },
      geometry: { type: 'Polygon', coordinates: [[[106.700, 10.776], [106.701, 10.776], [106.701, 10.777], [106.700, 10.776]]] } }] });
    const g = await upload(geojson, { name: 'truong.geojson' });
    expect(g.body).toMatchObject({ status: 'PREVIEW', counts: { ADD: 1, warnings: 1 } });
    expect(g.body.warnings[0]).toMatchObject({ key: 'geometryRepaired', row: 1 });
  });
});

describe('a file that lists a whole province', () => {
  it('reports the stored schools it leaves out, removes them only when asked, and a revert brings them back', async () => {
    const hn = (code: string, name: string) => `${code},${name},Tiểu học,Công lập,,,105.8500,21.0300,,,,`;
    const first = await fetch(`${server.url}/imports?kind=schools&province=01`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: csv(hn('HN-1', 'Trường Một'), hn('HN-2', 'Trường Hai')) });
    const a = (await first.json()) as any;
    await q(STEP('commitImport'), { id: a.id }, admin);
    const full = async (remove: boolean) => (await (await fetch(`${server.url}/imports?kind=schools&province=01&fullProvince=1${remove ? '&removeMissing=1' : ''}`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: csv(hn('HN-1', 'Trường Một')) })).json()) as any;
    expect((await full(false)).counts).toMatchObject({ UNCHANGED: 1, KEEP: 1, REMOVE: 0 });
    const removing = await full(true);
    expect(removing.counts).toMatchObject({ UNCHANGED: 1, KEEP: 0, REMOVE: 1 });
    await q(STEP('commitImport'), { id: removing.id }, admin);
    expect((await schoolsByCode(['HN-1', 'HN-2'])).map((s) => s.name)).toEqual(['Trường Một']);
    await q(STEP('revertImport'), { id: removing.id }, admin);
    expect((await schoolsByCode(['HN-1', 'HN-2'])).map((s) => s.name)).toEqual(['Trường Một', 'Trường Hai']);
  });
});

describe('bad files: a specific message, in the reader\'s language, and nothing written', () => {
  const bad = async (body: Uint8Array | string, name = 'truong.csv', lang = 'en') => {
    const before = Number((await server.ctx.db.raw.query<{ n: number }>('SELECT count(*)::int AS n FROM school'))[0]!.n);
    const r = await upload(body, { name, lang });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('INVALID');
    expect(Number((await server.ctx.db.raw.query<{ n: number }>('SELECT count(*)::int AS n FROM school'))[0]!.n)).toBe(before);
    // An invalid import cannot be committed.
    const c = await q(STEP('commitImport'), { id: r.body.id });
    expect(c.errors[0].extensions.code).toBe('IMPORT_INVALID');
    return r.body.errors as { key: string; row?: number; message: string }[];
  };

  it('says which row and column is wrong', async () => {
    const errors = await bad(csv(
      ROW1,
      'T12-001,Trùng mã,Tiểu học,Công lập,,,106.70,10.77,,,,',
      'T12-003,Đảo toạ độ,Tiểu học,Công lập,,,10.7765,106.7005,,,,',
      'T12-004,Hệ chiếu,THCS,Công lập,,,686000,1191000,,,,',
      'T12-005,Cấp lạ,Đại học,Công lập,,,106.70,10.77,,,,',
      'T12-006,Ngoài tỉnh,Tiểu học,Công lập,,,105.85,21.03,,,,',
      'T12-007,Sĩ số sai,Tiểu học,Công lập,,,106.70,10.77,nhiều,,,',
    ));
    expect(errors.map((e) => [e.key, e.row])).toEqual([
      ['duplicateCode', 3], ['coordinatesSwapped', 4], ['coordinatesProjected', 5], ['unknownLevel', 6], ['outsideProvince', 7], ['notCount', 8],
    ]);
    expect(errors[0]!.message).toBe('Row 3: school code T12-001 is already in row 2.');
  });

  it('a missing column, an empty file, a formula, a PBF that is not one, a legacy code page', async () => {
    expect((await bad('Tên trường,Kinh độ,Vĩ độ\nA,106.7,10.77'))[0]).toMatchObject({ key: 'missingColumn', message: expect.stringContaining('"Cấp học"') });
    expect((await bad(''))[0]!.key).toBe('empty');
    expect((await bad(HEADER))[0]!.key).toBe('empty');
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('x');
    sheet.addRow(HEADER.split(','));
    sheet.addRow(['F1', 'Trường công thức', 'Tiểu học', 'Công lập', '', '', 106.7, 10.77, { formula: 'A1*2', result: 4 }, '', '', '']);
    expect((await bad(new Uint8Array(await wb.xlsx.writeBuffer()), 'f.xlsx'))[0]).toMatchObject({ key: 'formula', message: expect.stringContaining('I2') });
    expect((await bad('this is not a protobuf', 'hcmc.osm.pbf'))[0]!.key).toBe('badPbf');
    // "Trường Tiểu học" in windows-1258 (Excel's "CSV" on a Vietnamese Windows): refused, with the fix.
    const legacy = Buffer.concat([Buffer.from(`${HEADER}\nW1,Tr`), Buffer.from([0xfe, 0xf4, 0x6e, 0x67]), Buffer.from(',Tiểu học,,,,106.7,10.77,,,,')]);
    const [enc] = await bad(legacy, 'truong.csv', 'vi');
    expect(enc!.key).toBe('notUtf8');
    expect(enc!.message).toContain('CSV UTF-8');
  });

  it('converts Excel\'s UTF-16 text and says so', async () => {
    const text = `\ufeff${csv('T12-U1,Trường Tiểu học UTF-16,Tiểu học,Công lập,,,106.7005,10.7765,,,,').replace(/,/g, '\t')}`;
    const r = await upload(Buffer.from(text, 'utf16le'), { name: 'unicode.txt' });
    expect(r.body).toMatchObject({ status: 'PREVIEW', counts: { ADD: 1 } });
    expect(r.body.warnings[0].key).toBe('utf16');
  });

  it('refuses a 100 MB file by its size before reading it', async () => {
    const url = new URL(`${server.url}/imports?kind=schools&province=79`);
    const answer = await new Promise<{ status: number; body: string }>((done, fail) => {
      const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${so}`, 'content-length': String(100 * 1024 * 1024), 'accept-language': 'en' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => done({ status: res.statusCode!, body }));
      });
      req.on('error', fail);
      req.write(Buffer.alloc(1024));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatch(/too large \(100 MB\); an import takes at most 64 MB/);
  });

  it('only province staff of the province, or admins, may import', async () => {
    expect((await upload(csv(ROW1), { token: ward })).status).toBe(403);
    expect((await upload(csv(ROW1), { token: 'nobody' })).status).toBe(401);
    const elsewhere = await fetch(`${server.url}/imports?kind=schools&province=01`, { method: 'POST', headers: { authorization: `Bearer ${so}` }, body: csv(ROW1) });
    expect(elsewhere.status).toBe(403);
    expect((await upload(csv(ROW1), { token: admin })).body.status).toBe('PREVIEW');
  });
});

describe('parallel commits', () => {
  it('the same preview committed 6 times at once: committed once, the others told IMPORT_STATE', async () => {
    const staged = await upload(csv('T12-P1,Trường song song,Tiểu học,Công lập,,,106.7005,10.7765,,,,'));
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => q(STEP('commitImport'), { id: staged.body.id })));
    const codes = outcomes.map((o) => (o.errors ? o.errors[0].extensions.code : 'OK')).sort();
    expect(codes).toEqual(['IMPORT_STATE', 'IMPORT_STATE', 'IMPORT_STATE', 'IMPORT_STATE', 'IMPORT_STATE', 'OK']);
    expect((await schoolsByCode(['T12-P1'])).length).toBe(1);
  });

  it('two files of one province touching the same schools in other orders: one commits, the other is told to preview again', async () => {
    const a = await upload(csv('T12-Q1,Trường Q1 (A),Tiểu học,Công lập,,,106.7005,10.7765,,,,', 'T12-Q2,Trường Q2 (A),Tiểu học,Công lập,,,106.7005,10.7766,,,,'));
    const b = await upload(csv('T12-Q2,Trường Q2 (B),Tiểu học,Công lập,,,106.7005,10.7766,,,,', 'T12-Q1,Trường Q1 (B),Tiểu học,Công lập,,,106.7005,10.7765,,,,'));
    const [ra, rb] = await Promise.all([q(STEP('commitImport'), { id: a.body.id }), q(STEP('commitImport'), { id: b.body.id })]);
    const codes = [ra, rb].map((o) => (o.errors ? o.errors[0].extensions.code : 'OK')).sort();
    expect(codes).toEqual(['IMPORT_STALE', 'OK']);
    // Never interleaved: both schools come from the same file.
    const names = (await schoolsByCode(['T12-Q1', 'T12-Q2'])).map((s) => s.name.slice(-3));
    expect(names[0]).toBe(names[1]);
    const stale = (ra.errors ?? rb.errors)[0];
    expect(stale.message).toMatch(/preview again/);
  });
});

describe('the ward follows the point, whatever moves it', () => {
  it('an UPDATE in plain SQL recomputes the ward, is kept in the school\'s history, and the downloads follow at once', async () => {
    const [s] = await server.ctx.db.raw.query<{ id: string; ward: string }>(`
      SELECT s.id, w.code AS ward FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.code <> '26740' AND w.province_code = '79' ORDER BY s.id LIMIT 1`);
    const first = await fetch(`${server.url}/geo/schools.geojson?province=79`);
    const before = await first.json() as any;
    expect(before.features.find((f: any) => f.properties.id === s!.id)).toBeTruthy();
    // Browsers and proxies revalidate: 304 while the data is the same, the new answer as soon as it changes.
    const tag = first.headers.get('etag')!;
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const url = `${server.url}/geo/schools.geojson?province=79`;
    expect((await fetch(url, { headers: { 'if-none-match': tag } })).status).toBe(304);
    await server.ctx.db.raw.query(`UPDATE school SET location = ST_SetSRID(ST_MakePoint(106.7005, 10.7765), 4326) WHERE id = $1`, [s!.id]);
    const [after] = await server.ctx.db.raw.query<{ ward: string }>(`SELECT w.code AS ward FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE s.id = $1`, [s!.id]);
    expect(after!.ward).toBe('26740');
    const [change] = await server.ctx.db.raw.query<{ operation: string; before: string; after: string }>(
      `SELECT operation, before->>'ward_id' AS before, after->>'ward_id' AS after FROM school_change WHERE school_id = $1`, [s!.id]);
    expect(change).toEqual({ operation: 'UPDATE', before: `${s!.ward}@2025-07-01`, after: '26740@2025-07-01' });
    const revalidated = await fetch(url, { headers: { 'if-none-match': tag } });
    expect(revalidated.status).toBe(200);
    expect(revalidated.headers.get('etag')).not.toBe(tag);
    const moved = await revalidated.json() as any;
    expect(moved.features.find((f: any) => f.properties.id === s!.id).geometry.coordinates).toEqual([106.7005, 10.7765]);
  });
});

describe('children per ward: another kind through the same pipeline', () => {
  it('previews, commits and reverts the figures of a school year and level', async () => {
    const [w, blank] = await server.ctx.db.raw.query<{ id: string; code: string }>(`SELECT id, code FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79' ORDER BY code LIMIT 2`);
    // As the screen's template has it: a name column (read past), and a ward left blank (skipped, said so).
    const file = `Mã phường/xã,Tên phường/xã,Số trẻ\n${w!.code},Thử,"1.234"\n${blank!.code},Thử 2,\n`;
    const post = (query: string) => fetch(`${server.url}/imports?kind=ward-demand&province=79&source=Khảo%20sát%202026${query}`, {
      method: 'POST', headers: { authorization: `Bearer ${so}`, 'accept-language': 'en' }, body: file }).then((r) => r.json() as Promise<any>);
    const noYear = await post('&level=PRIMARY');
    expect(noYear).toMatchObject({ status: 'INVALID', errors: [{ key: 'schoolYear' }] });
    const staged = await post('&schoolYear=2027-2028&level=PRIMARY');
    expect(staged).toMatchObject({ status: 'PREVIEW', counts: { ADD: 1 }, errors: [] });
    expect(staged.warnings).toEqual([expect.objectContaining({ key: 'noFigure', row: 3, message: `Row 3: ${blank!.code} has no number of children; skipped (a stored figure, if any, stays).` })]);
    await q(STEP('commitImport'), { id: staged.id });
    const figures = () => server.ctx.db.raw.query<{ children: number; loaded_by: string }>(
      `SELECT children, loaded_by FROM ward_demand WHERE ward_id = $1 AND school_year = '2027-2028' AND level = 'PRIMARY'`, [w!.id]);
    expect(await figures()).toEqual([{ children: 1234, loaded_by: 'demo-province-staff' }]);
    await q(STEP('revertImport'), { id: staged.id });
    expect(await figures()).toEqual([]);
  });
});
