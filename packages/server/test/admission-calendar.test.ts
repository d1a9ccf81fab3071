// A province's admissions calendar through the import pipeline, over HTTP, on PostgreSQL and on the embedded
// PGlite: a Sở's table (Vietnamese step names, dd/mm/yyyy) is previewed, committed, answered by admissionCalendar
// in date order with where each step stands today, changed by a second file and reverted. Bad dates (a day that
// does not exist, an end before its start, registration before data confirmation closes, a date outside the
// year's admissions season, an unknown step) are each named by row, and nothing is written.
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
let so: string;
beforeAll(async () => { so = await signIn('demo.so'); });

const HEADER = 'Năm học,Bước,Từ ngày,Đến ngày,Ghi chú';
const GOOD = [
  HEADER,
  '2027-2028,Xác nhận dữ liệu,3/2/2027,3/3/2027,Trên tuyensinhdaucap.hcm.edu.vn',
  '2027-2028,Đăng ký lớp 1,15/06/2027,30/06/2027,',
  '2027-2028,Đăng ký lớp 6,2027-06-15,2027-06-30,',
  '2027-2028,Công bố kết quả,15/07/2027,15/07/2027,',
].join('\n');

const q = async (query: string, variables: Record<string, unknown>, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang, so)).body;
const STEP = (name: string) => `mutation($id: ID!) { ${name}(id: $id) { id status } }`;
const CALENDAR = `query($y: String!) { admissionCalendar(provinceCode: "79", schoolYear: $y) { step startsOn endsOn note state sourceTitle } }`;
async function upload(body: string, lang = 'en') {
  const res = await fetch(`${server.url}/imports?kind=admission-calendar&province=79&source=${encodeURIComponent('Sở GDĐT TP.HCM, kế hoạch tuyển sinh (thử)')}&licence=unknown`, {
    method: 'POST', headers: { authorization: `Bearer ${so}`, 'x-file-name': 'lich.csv', 'accept-language': lang }, body,
  });
  return (await res.json()) as any;
}
const stored = () => server.ctx.db.raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM admission_calendar_step WHERE province_code = '79'`);

describe('the admissions calendar', () => {
  it('previews, commits, answers in date order with today\'s state, changes one date, and reverts', async () => {
    const staged = await upload(GOOD);
    expect(staged).toMatchObject({ status: 'PREVIEW', counts: { ADD: 4 }, errors: [] });
    expect(await q(STEP('commitImport'), { id: staged.id })).toMatchObject({ data: { commitImport: { status: 'COMMITTED' } } });

    const steps = (await q(CALENDAR, { y: '2027-2028' })).data.admissionCalendar;
    expect(steps.map((s: any) => [s.step, s.startsOn, s.endsOn])).toEqual([
      ['DATA_CONFIRMATION', '2027-02-03', '2027-03-03'],
      ['REGISTRATION_GRADE1', '2027-06-15', '2027-06-30'],
      ['REGISTRATION_GRADE6', '2027-06-15', '2027-06-30'],
      ['RESULTS', '2027-07-15', '2027-07-15'],
    ]);
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    for (const s of steps) expect(s.state).toBe(today < s.startsOn ? 'UPCOMING' : today > s.endsOn ? 'PAST' : 'OPEN');
    expect(steps[0]).toMatchObject({ note: 'Trên tuyensinhdaucap.hcm.edu.vn', sourceTitle: 'Sở GDĐT TP.HCM, kế hoạch tuyển sinh (thử)' });

    // The Sở moves the results a week: one change, the rest unchanged.
    const moved = await upload(GOOD.replace('15/07/2027,15/07/2027', '22/07/2027,22/07/2027'));
    expect(moved).toMatchObject({ status: 'PREVIEW', counts: { ADD: 0, CHANGE: 1, UNCHANGED: 3 } });
    await q(STEP('commitImport'), { id: moved.id });
    expect((await q(CALENDAR, { y: '2027-2028' })).data.admissionCalendar.at(-1)).toMatchObject({ step: 'RESULTS', startsOn: '2027-07-22' });
    await q(STEP('revertImport'), { id: moved.id });
    expect((await q(CALENDAR, { y: '2027-2028' })).data.admissionCalendar.at(-1)).toMatchObject({ step: 'RESULTS', startsOn: '2027-07-15' });
    await q(STEP('revertImport'), { id: staged.id });
    expect((await q(CALENDAR, { y: '2027-2028' })).data.admissionCalendar).toEqual([]);
  });

  it('names each bad row in the reader\'s language and writes nothing', async () => {
    const bad = await upload([
      HEADER,
      '2028-2029,Xác nhận dữ liệu,01/02/2028,10/03/2028,',
      '2028-2029,Đăng ký lớp 1,31/02/2028,10/06/2028,', // no 31 February
      '2028-2029,Đăng ký lớp 6,01/03/2028,20/06/2028,', // opens before data confirmation closes
      '2028-2029,Đăng ký lớp 10,30/06/2028,15/06/2028,', // ends before it starts
      '2028-2029,Nhập học,01/08/2028,05/08/2028,', // not a step
      '2028-2029,Công bố kết quả,15/07/2030,15/07/2030,', // not in 2027 or 2028
    ].join('\n'), 'vi');
    expect(bad.status).toBe('INVALID');
    expect(bad.errors.map((e: any) => [e.row, e.key])).toEqual([[3, 'badDate'], [4, 'calendarOrder'], [5, 'datesReversed'], [6, 'unknownStep'], [7, 'dateOutsideYear']]);
    expect(bad.errors.map((e: any) => e.message)).toEqual([
      'Dòng 3: cột "Từ ngày" có "31/02/2028", không phải một ngày có thật; viết dạng 03/02/2026.',
      'Dòng 4: "Đăng ký lớp 6" phải bắt đầu sau khi "Xác nhận dữ liệu" (dòng 2) kết thúc.',
      'Dòng 5: ngày kết thúc 15/06/2028 trước ngày bắt đầu 30/06/2028.',
      'Dòng 6: bước "Nhập học" không rõ; dùng một trong: Xác nhận dữ liệu, Đăng ký lớp 1, Đăng ký lớp 6, Đăng ký lớp 10, Kết quả.',
      'Dòng 7: tuyển sinh năm học 2028-2029 diễn ra trong năm 2027 hoặc 2028; ngày ở dòng này nằm ngoài.',
    ]);
    expect(await q(STEP('commitImport'), { id: bad.id })).toMatchObject({ errors: [{ extensions: { code: 'IMPORT_INVALID' } }] });
    expect(await stored()).toEqual([{ n: 0 }]);
    const year = await q(CALENDAR, { y: '2027-2029' }, 'vi');
    expect(year.errors[0]).toMatchObject({ message: 'Năm học "2027-2029" không hợp lệ: viết dạng 2026-2027.', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('the same preview committed 5 times at once: committed once, the others told IMPORT_STATE', async () => {
    const staged = await upload(GOOD.replace(/2027-2028/g, '2029-2030').replace(/2027/g, '2029'));
    expect(staged.status).toBe('PREVIEW');
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => q(STEP('commitImport'), { id: staged.id })));
    expect(outcomes.map((o) => o.errors?.[0]?.extensions?.code ?? 'OK').sort()).toEqual(['IMPORT_STATE', 'IMPORT_STATE', 'IMPORT_STATE', 'IMPORT_STATE', 'OK']);
    expect((await q(CALENDAR, { y: '2029-2030' })).data.admissionCalendar).toHaveLength(4);
  });
});
