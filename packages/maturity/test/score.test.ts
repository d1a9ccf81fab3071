// Hand-computed cases for every rule. Group DH items: 1.3.1–1.3.5 six points each, 1.4 (ten, scored directly),
// 1.5.1 15, 1.5.2 5, 1.6.1 7, 1.6.2 7, 1.6.3 6, 1.7.1 8, 1.7.2 7, 1.7.3 5 (= 100). Group QT: 2.3.1–2.3.8 =
// 6+6+10+6+10+10+6+6 = 60, 2.4.1 8, 2.4.2 12, 2.4.3 10 (= 90 scorable) plus 10 unconfirmed points.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, InvalidAnswersError, indexVersion, levelForScore, parseIndex, score, validateAnswers, type Answers } from '../src/index.ts';

const ix = indexVersion()!;
const ALL_MANDATORY = { '1.1': true, '1.2': true, '2.1': true, '2.2': true };
const answers = (points: Record<string, unknown>, mandatory: Record<string, unknown> = ALL_MANDATORY): Answers => ({ indexVersion: '4725/2022', points, mandatory });
const FULL_13 = { '1.3.1': 6, '1.3.2': 6, '1.3.3': 6, '1.3.4': 6, '1.3.5': 6 };
const group = (r: ReturnType<typeof score>, code: string) => r.groups.find((g) => g.code === code)!;

describe('the index as data', () => {
  it('keeps group QT\'s 10 unitemised points visible as unconfirmed, not scorable', () => {
    const qt = ix.groups.find((g) => g.code === 'QT')!;
    const placeholder = qt.criteria.find((c) => c.code === '2.x-UNRESOLVED')!;
    expect(placeholder).toMatchObject({ maxPoints: 10, scorable: false, confidence: 'unconfirmed' });
    expect(group(score(ix, answers({})), 'QT').unconfirmedPoints).toBe(10);
    expect(ix.groups.map((g) => g.maxPoints)).toEqual([100, 100]);
  });

  it('refuses an index whose items exceed their criterion\'s cap, or that repeats a code', () => {
    const bad = structuredClone(ix);
    bad.groups[0]!.criteria[2]!.items[0]!.maxPoints = 60;
    expect(() => parseIndex(bad)).toThrow(/add up to 84, above its cap 30/);
    const dup = structuredClone(ix);
    dup.groups[1]!.criteria[2]!.items[0]!.code = '1.3.1';
    expect(() => parseIndex(dup)).toThrow(/Duplicate code 1\.3\.1/);
  });
});

describe('level bands (below 50 Mức 1, 50–75 Mức 2, above 75 Mức 3)', () => {
  it.each([[0, 1], [49, 1], [49.99, 1], [50, 2], [75, 2], [75.01, 3], [76, 3], [100, 3]])('%f points → Mức %i', (s, level) => {
    expect(levelForScore(s)).toBe(level);
  });

  it('applies them to a group total summed from items', () => {
    const at = (points: Record<string, number>) => group(score(ix, answers(points)), 'DH');
    expect(at({ ...FULL_13, '1.4': 10, '1.5.1': 9 })).toMatchObject({ score: 49, level: 1 });
    expect(at({ ...FULL_13, '1.4': 10, '1.5.1': 10 })).toMatchObject({ score: 50, level: 2 });
    const to70 = { ...FULL_13, '1.4': 10, '1.5.1': 15, '1.5.2': 5, '1.6.1': 7, '1.6.2': 3 }; // 30 + 10 + 20 + 10 = 70
    expect(at({ ...to70, '1.6.3': 5 })).toMatchObject({ score: 75, level: 2 });
    expect(at({ ...to70, '1.6.3': 6 })).toMatchObject({ score: 76, level: 3 });
    expect(at({ ...to70, '1.6.3': 5.5 })).toMatchObject({ score: 75.5, level: 3 });
    expect(at({ '1.3.1': 0.1, '1.3.2': 0.2 })).toMatchObject({ score: 0.3 });
  });
});

describe('bad answers are refused, all problems at once, in both languages', () => {
  it('lists each problem with a stable code', () => {
    const errs = validateAnswers(ix, answers(
      { '1.3.1': 7, '1.3.2': -1, '1.3.3': 'six', '9.9': 1, '1.3': 5, '2.x-UNRESOLVED': 3, '1.3.LMS': 1 },
      { '1.1': 'yes', '1.3': true },
    ));
    expect(errs.map((e) => `${e.code}:${e.target}`)).toEqual([
      'ABOVE_CAP:1.3.1', 'NEGATIVE:1.3.2', 'NOT_A_NUMBER:1.3.3', 'UNKNOWN_CODE:9.9', 'NOT_SCORABLE:1.3', 'NOT_SCORABLE:2.x-UNRESOLVED',
      'NOT_SCORABLE:1.3.LMS', 'NOT_YES_NO:1.1', 'NOT_MANDATORY:1.3',
    ]);
    expect(errs[0]!.message).toEqual({ vi: 'Điểm của 1.3.1 là 7, vượt mức tối đa 6.', en: 'The score for 1.3.1 is 7, above its maximum of 6.' });
    expect(() => score(ix, answers({ '1.3.1': 7 }))).toThrow(InvalidAnswersError);
  });

  it('refuses answers written for another index version', () => {
    const errs = validateAnswers(ix, { indexVersion: '4725/2030', points: {}, mandatory: {} });
    expect(errs).toHaveLength(1);
    expect(errs[0]!.code).toBe('WRONG_VERSION');
    expect(() => score(ix, { indexVersion: '4725/2030', points: {}, mandatory: {} })).toThrow(/not "4725\/2022"/);
  });
});

describe('mandatory conditions and the overall level', () => {
  const dh80 = { ...FULL_13, '1.4': 10, '1.5.1': 15, '1.5.2': 5, '1.6.1': 7, '1.6.2': 7, '1.6.3': 6 }; // 30+10+20+20 = 80

  it('an unmet mandatory condition holds its group at Mức 1 (default) and says which', () => {
    const r = score(ix, answers(dh80, { ...ALL_MANDATORY, '1.1': false }));
    expect(group(r, 'DH')).toMatchObject({ score: 80, levelFromScore: 3, level: 1, mandatoryMet: false, unmetMandatory: ['1.1'] });
    expect(group(r, 'DH').path).toEqual({ fromLevel: 1, toLevel: 2, pointsNeeded: 0, exceed: false, mandatoryToMeet: ['1.1'], items: [], reachable: true });
    const missing = score(ix, answers(dh80, { '1.2': true, '2.1': true, '2.2': true }));
    expect(group(missing, 'DH').unmetMandatory).toEqual(['1.1']); // not answered counts as not met
  });

  it('with the report-only rule, an unmet condition is reported but does not change the level', () => {
    const r = score(ix, answers(dh80, { ...ALL_MANDATORY, '1.1': false }), { ...DEFAULT_RULES, unmetMandatory: 'report-only' });
    expect(group(r, 'DH')).toMatchObject({ level: 3, mandatoryMet: false, unmetMandatory: ['1.1'] });
  });

  it('both groups must reach a level: overall is the lower group level; Mức 2+ is a digital school', () => {
    const qt60 = { '2.3.1': 6, '2.3.2': 6, '2.3.3': 10, '2.3.4': 6, '2.3.5': 10, '2.3.6': 10, '2.3.7': 6, '2.3.8': 6 };
    const both = score(ix, answers({ ...dh80, ...qt60 }));
    expect([group(both, 'DH').level, group(both, 'QT').level, both.overallLevel, both.digitalSchool]).toEqual([3, 2, 2, true]);
    const qt40 = { '2.3.3': 10, '2.3.5': 10, '2.3.6': 10, '2.4.3': 10 };
    const one = score(ix, answers({ ...dh80, ...qt40 }));
    expect([group(one, 'DH').level, group(one, 'QT').level, one.overallLevel, one.digitalSchool]).toEqual([3, 1, 1, false]);
  });
});

describe('path to the next level', () => {
  it('from nothing to Mức 2: the fewest items that add 50 points, without asking for more than needed', () => {
    const path = group(score(ix, answers({})), 'DH').path!;
    // Largest first: 15 + 10 + 8 + 7 + 7 = 47 < 50, so six items are needed; the sixth need only bring 3 points,
    // so the smallest that does (a 5-point item; the lower code of the two) replaces the next 7-point one.
    expect(path.items.map((i) => `${i.code}:${i.points}`)).toEqual(['1.5.1:15', '1.4:10', '1.7.1:8', '1.6.1:7', '1.6.2:7', '1.5.2:5']);
    expect(path).toMatchObject({ fromLevel: 1, toLevel: 2, pointsNeeded: 50, exceed: false, reachable: true, mandatoryToMeet: [] });
  });

  it('from Mức 2 to Mức 3 needs more than 75, so more than 15 points from 60: the fewest items that add them', () => {
    const qt60 = { '2.3.1': 6, '2.3.2': 6, '2.3.3': 10, '2.3.4': 6, '2.3.5': 10, '2.3.6': 10, '2.3.7': 6, '2.3.8': 6 };
    const path = group(score(ix, answers(qt60)), 'QT').path!;
    expect(path).toMatchObject({ pointsNeeded: 15, exceed: true });
    expect(path.items.map((i) => `${i.code}:${i.points}`)).toEqual(['2.4.2:12', '2.4.1:8']); // 12 + 8 = 20 > 15; 12 + 10 would overshoot more
  });

  it('counts partial scores: an item scored 4 of 6 can add only 2', () => {
    const path = group(score(ix, answers({ ...FULL_13, '1.4': 10, '1.5.1': 9.5 })), 'DH').path!; // 49.5
    expect(path.pointsNeeded).toBe(0.5);
    expect(path.items).toEqual([{ code: '1.5.2', criterionCode: '1.5', points: 5 }]); // the smallest open items are 5 points
    // 4 + 24 + 10 + 10 = 48: two points short, and the 1.3.1 item (4 of 6) is the smallest that closes the gap.
    const partial = group(score(ix, answers({ ...FULL_13, '1.3.1': 4, '1.4': 10, '1.5.1': 10 })), 'DH').path!;
    expect(partial.pointsNeeded).toBe(2);
    expect(partial.items).toEqual([{ code: '1.3.1', criterionCode: '1.3', points: 2 }]);
  });

  it('says so when no set of items can reach the next level', () => {
    const small = parseIndex({ ...structuredClone(ix), version: 'tiny', groups: [{ ...structuredClone(ix.groups[0]!), criteria: [structuredClone(ix.groups[0]!.criteria[2]!)] }] });
    const path = score(small, { indexVersion: 'tiny', points: {}, mandatory: {} }).groups[0]!.path!;
    expect(path).toMatchObject({ toLevel: 2, pointsNeeded: 50, reachable: false });
    expect(path.items.reduce((a, i) => a + i.points, 0)).toBe(30);
  });

  it('is pure: same answers, same result, answers untouched', () => {
    const a = answers({ '1.3.1': 3, '2.4.2': 12 });
    const copy = structuredClone(a);
    expect(score(ix, a)).toEqual(score(ix, a));
    expect(a).toEqual(copy);
  });
});
