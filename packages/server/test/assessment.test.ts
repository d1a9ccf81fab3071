import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';

const server = useTestServer();

const MANDATORY = ['1.1', '1.2', '2.1', '2.2'].map((code) => ({ code, met: true }));
const pts = (o: Record<string, number>) => Object.entries(o).map(([code, points]) => ({ code, points }));
// DH: 30 + 10 + 20 + 20 = 80 (Mức 3); QT: all of 2.3 = 60 (Mức 2).
const DH80 = pts({ '1.3.1': 6, '1.3.2': 6, '1.3.3': 6, '1.3.4': 6, '1.3.5': 6, '1.4': 10, '1.5.1': 15, '1.5.2': 5, '1.6.1': 7, '1.6.2': 7, '1.6.3': 6 });
const QT60 = pts({ '2.3.1': 6, '2.3.2': 6, '2.3.3': 10, '2.3.4': 6, '2.3.5': 10, '2.3.6': 10, '2.3.7': 6, '2.3.8': 6 });
const SCORE = `query($a: MaturityAnswersInput!) { scoreMaturityAnswers(answers: $a) {
  indexVersion overallLevel digitalSchool
  groups { code score level levelFromScore unconfirmedPoints path { toLevel pointsNeeded exceed items { code points } } } } }`;

describe('maturityIndex', () => {
  it('serves the current index with its groups, criteria, caps, mandatory flags and confidence, in both languages', async () => {
    const { body } = await gql(server.url, `{ maturityIndex { version issued groups { code maxPoints unconfirmedPoints
      criteria { code mandatory scorable maxPoints confidence title { vi en } items { code maxPoints confidence } } } } }`);
    const ix = body.data.maturityIndex;
    expect(ix).toMatchObject({ version: '4725/2022', issued: '2022-12-30' });
    expect(ix.groups.map((g: { code: string; maxPoints: number; unconfirmedPoints: number }) => [g.code, g.maxPoints, g.unconfirmedPoints])).toEqual([['DH', 100, 0], ['QT', 100, 10]]);
    const c11 = ix.groups[0].criteria[0];
    expect(c11).toMatchObject({ code: '1.1', mandatory: true, scorable: false, maxPoints: 0, confidence: 'confirmed' });
    expect(c11.title.vi).toMatch(/kế hoạch tổ chức dạy học trực tuyến/);
    const lms = ix.groups[0].criteria[2].items.find((i: { code: string }) => i.code === '1.3.LMS');
    expect(lms).toEqual({ code: '1.3.LMS', maxPoints: null, confidence: 'partial' });
    expect(ix.groups[1].criteria.at(-1)).toMatchObject({ code: '2.x-UNRESOLVED', scorable: false, confidence: 'unconfirmed' });
  });

  it('answers null for an unknown version', async () => {
    const { body } = await gql(server.url, `{ maturityIndex(version: "4725/2099") { version } }`);
    expect(body).toEqual({ data: { maturityIndex: null } });
  });
});

describe('scoreMaturityAnswers', () => {
  it('scores like the rules engine: levels, overall, digital school and the path to the next level', async () => {
    const { body } = await gql(server.url, SCORE, { a: { indexVersion: '4725/2022', points: [...DH80, ...QT60], mandatory: MANDATORY } });
    expect(body.errors).toBeUndefined();
    const r = body.data.scoreMaturityAnswers;
    expect(r).toMatchObject({ indexVersion: '4725/2022', overallLevel: 2, digitalSchool: true });
    expect(r.groups[0]).toMatchObject({ code: 'DH', score: 80, level: 3, path: null });
    expect(r.groups[1]).toMatchObject({ code: 'QT', score: 60, level: 2, unconfirmedPoints: 10 });
    expect(r.groups[1].path).toEqual({ toLevel: 3, pointsNeeded: 15, exceed: true, items: [{ code: '2.4.2', points: 12 }, { code: '2.4.1', points: 8 }] });
  });

  it('holds a group at Mức 1 when a mandatory condition is not met', async () => {
    const { body } = await gql(server.url, SCORE, { a: { indexVersion: '4725/2022', points: DH80, mandatory: [{ code: '1.1', met: false }] } });
    expect(body.data.scoreMaturityAnswers.groups[0]).toMatchObject({ score: 80, levelFromScore: 3, level: 1 });
    expect(body.data.scoreMaturityAnswers).toMatchObject({ overallLevel: 1, digitalSchool: false });
  });

  it('refuses a score above a cap, a negative score and an unknown code, listing each, translated', async () => {
    const a = { indexVersion: '4725/2022', points: pts({ '1.3.1': 7, '1.4': -1, '9.9': 1 }), mandatory: [] };
    for (const [lang, re] of [['vi', /vượt mức tối đa 6/], ['en', /above its maximum of 6/]] as const) {
      const { status, body } = await gql(server.url, SCORE, { a }, lang);
      expect(status).toBe(200);
      expect(body.errors![0]!.message).toMatch(re);
      expect(body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect((body.errors![0]!.extensions!.answerErrors as { code: string; target: string }[]).map((e) => `${e.code}:${e.target}`))
        .toEqual(['ABOVE_CAP:1.3.1', 'NEGATIVE:1.4', 'UNKNOWN_CODE:9.9']);
    }
  });

  it('refuses answers for another index version and non-numeric scores', async () => {
    const other = await gql(server.url, SCORE, { a: { indexVersion: '4725/2030', points: [], mandatory: [] } }, 'en');
    expect((other.body.errors![0]!.extensions!.answerErrors as { code: string }[])[0]!.code).toBe('WRONG_VERSION');
    expect(other.body.errors![0]!.message).toMatch(/index version "4725\/2030"/);
    const nan = await gql(server.url, SCORE, { a: { indexVersion: '4725/2022', points: [{ code: '1.4', points: 'ten' }], mandatory: [] } });
    expect(nan.status).toBe(400);
    expect(nan.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});
