/**
 * QĐ 4725/QĐ-BGDĐT: the digital-transformation index as versioned data, and the scoring rules as pure code.
 * No database, no clock, no I/O: the server and the web form call the same functions, so a school sees
 * exactly the score its managing authority will see.
 */
import { z } from 'zod';

export type Confidence = 'confirmed' | 'derived' | 'partial' | 'third_party' | 'unconfirmed';
export type Level = 1 | 2 | 3;

const text = z.object({ vi: z.string().min(1), en: z.string().min(1) });
const confidence = z.enum(['confirmed', 'derived', 'partial', 'third_party', 'unconfirmed']);
const item = z.object({ code: z.string().min(1), title: text, maxPoints: z.number().nonnegative().nullable(), confidence });
const criterion = z.object({
  code: z.string().min(1),
  title: text,
  maxPoints: z.number().nonnegative(),
  mandatory: z.boolean(),
  scorable: z.boolean(),
  confidence,
  items: z.array(item),
});
const group = z.object({ code: z.string().min(1), number: z.number().int().positive(), title: text, maxPoints: z.number().positive(), criteria: z.array(criterion).min(1) });
const indexSchema = z
  .object({
    version: z.string().min(1),
    title: text,
    issued: z.string(),
    note: z.string(),
    levels: z.array(z.object({ level: z.number().int(), nameVi: z.string(), nameEn: z.string(), confidence })).length(3),
    groups: z.array(group).min(1),
  })
  .superRefine((ix, ctx) => {
    const codes = new Set<string>();
    for (const g of ix.groups) {
      let sum = 0;
      for (const c of g.criteria) {
        for (const code of [c.code, ...c.items.map((i) => i.code)]) {
          if (codes.has(code)) ctx.addIssue({ code: 'custom', message: `Duplicate code ${code}` });
          codes.add(code);
        }
        if (c.mandatory && c.maxPoints !== 0) ctx.addIssue({ code: 'custom', message: `Mandatory criterion ${c.code} carries points` });
        const itemSum = c.items.reduce((a, i) => a + (i.maxPoints ?? 0), 0);
        if (itemSum > c.maxPoints) ctx.addIssue({ code: 'custom', message: `Items of ${c.code} add up to ${itemSum}, above its cap ${c.maxPoints}` });
        sum += c.maxPoints;
      }
      if (sum > g.maxPoints) ctx.addIssue({ code: 'custom', message: `Criteria of group ${g.code} add up to ${sum}, above ${g.maxPoints}` });
    }
  });

export type IndexVersion = z.infer<typeof indexSchema>;
export type Group = IndexVersion['groups'][number];
export type Criterion = Group['criteria'][number];

/** Validates an index version (a new Ministry revision is imported as a new version, never edited in place). */
export function parseIndex(data: unknown): IndexVersion {
  return indexSchema.parse(data);
}

/** The rules that the decision leaves open or that authorities may configure, in one place. */
export interface Rules {
  /** Group level bands: below `level2From` Mức 1; from it up to and including `level3Above` Mức 2; above it Mức 3. */
  bands: { level2From: number; level3Above: number };
  /** An unmet mandatory condition (điều kiện bắt buộc): holds its group at Mức 1 (default), or is only reported. */
  unmetMandatory: 'hold-at-level-1' | 'report-only';
  /** Overall level: the lower of the group levels (both groups must reach a level; default). */
  overall: 'lowest-group';
}
export const DEFAULT_RULES: Rules = { bands: { level2From: 50, level3Above: 75 }, unmetMandatory: 'hold-at-level-1', overall: 'lowest-group' };

/** A school's answers: points per scorable item (or per criterion without items), yes/no per mandatory condition. */
export interface Answers {
  indexVersion: string;
  points: Record<string, unknown>;
  mandatory: Record<string, unknown>;
}

export type AnswerErrorCode = 'WRONG_VERSION' | 'UNKNOWN_CODE' | 'NOT_A_NUMBER' | 'NEGATIVE' | 'ABOVE_CAP' | 'NOT_SCORABLE' | 'NOT_MANDATORY' | 'NOT_YES_NO';
export interface AnswerError {
  code: AnswerErrorCode;
  target: string;
  message: { vi: string; en: string };
}

export class InvalidAnswersError extends Error {
  override name = 'InvalidAnswersError';
  constructor(readonly errors: AnswerError[]) {
    super(errors.map((e) => e.message.en).join('; '));
  }
}

interface Target {
  code: string;
  criterion: Criterion;
  group: Group;
  max: number;
}

/** Everything a school can score: items with points, and criteria without items. Unscorable ones are excluded. */
export function scorableTargets(index: IndexVersion): Target[] {
  const out: Target[] = [];
  for (const g of index.groups) {
    for (const c of g.criteria) {
      if (c.mandatory || !c.scorable) continue;
      if (c.items.length === 0) out.push({ code: c.code, criterion: c, group: g, max: c.maxPoints });
      for (const i of c.items) if (i.maxPoints !== null) out.push({ code: i.code, criterion: c, group: g, max: i.maxPoints });
    }
  }
  return out;
}

/** Checks answers against an index version; returns every problem (empty when valid). */
export function validateAnswers(index: IndexVersion, answers: Answers): AnswerError[] {
  const errors: AnswerError[] = [];
  const err = (code: AnswerErrorCode, target: string, vi: string, en: string) => errors.push({ code, target, message: { vi, en } });
  if (answers.indexVersion !== index.version) {
    err('WRONG_VERSION', answers.indexVersion, `Câu trả lời thuộc phiên bản bộ chỉ số "${answers.indexVersion}", không phải "${index.version}".`,
      `The answers are for index version "${answers.indexVersion}", not "${index.version}".`);
    return errors;
  }
  const targets = new Map(scorableTargets(index).map((t) => [t.code, t]));
  const all = new Map<string, Criterion | Group['criteria'][number]['items'][number]>();
  for (const g of index.groups) for (const c of g.criteria) { all.set(c.code, c); for (const i of c.items) all.set(i.code, i); }
  const mandatory = new Set(index.groups.flatMap((g) => g.criteria.filter((c) => c.mandatory).map((c) => c.code)));

  for (const [code, value] of Object.entries(answers.points)) {
    const t = targets.get(code);
    if (!t) {
      if (all.has(code)) err('NOT_SCORABLE', code, `Mục ${code} không chấm điểm (điều kiện bắt buộc, mục chưa xác định điểm, hoặc tiêu chí chấm theo từng mục con).`, `${code} is not scored on its own (a mandatory condition, an item with unconfirmed points, or a criterion scored through its items).`);
      else err('UNKNOWN_CODE', code, `Không có tiêu chí hay mục nào mã ${code} trong bộ chỉ số ${index.version}.`, `There is no criterion or item ${code} in index ${index.version}.`);
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) err('NOT_A_NUMBER', code, `Điểm của ${code} phải là một số.`, `The score for ${code} must be a number.`);
    else if (value < 0) err('NEGATIVE', code, `Điểm của ${code} không được âm.`, `The score for ${code} cannot be negative.`);
    else if (value > t.max) err('ABOVE_CAP', code, `Điểm của ${code} là ${value}, vượt mức tối đa ${t.max}.`, `The score for ${code} is ${value}, above its maximum of ${t.max}.`);
  }
  for (const [code, value] of Object.entries(answers.mandatory)) {
    if (!mandatory.has(code)) {
      err(all.has(code) ? 'NOT_MANDATORY' : 'UNKNOWN_CODE', code, `${code} không phải điều kiện bắt buộc của bộ chỉ số ${index.version}.`, `${code} is not a mandatory condition of index ${index.version}.`);
    } else if (typeof value !== 'boolean') {
      err('NOT_YES_NO', code, `Điều kiện bắt buộc ${code} chỉ nhận Đạt hoặc Chưa đạt.`, `Mandatory condition ${code} takes only met or not met.`);
    }
  }
  return errors;
}

/** Scores are summed in hundredths of a point so 0.1 + 0.2 is 0.3 and 75 + 0.01 is above 75. */
const cents = (x: number) => Math.round(x * 100);

export function levelForScore(score: number, rules: Rules = DEFAULT_RULES): Level {
  const s = cents(score);
  if (s > cents(rules.bands.level3Above)) return 3;
  if (s >= cents(rules.bands.level2From)) return 2;
  return 1;
}

export interface PathStep {
  code: string;
  criterionCode: string;
  /** Points this item would add if fully met. */
  points: number;
}
export interface PathToNextLevel {
  fromLevel: Level;
  toLevel: Level;
  /** Points between the group total and the next band (0 when only mandatory conditions stand in the way). */
  pointsNeeded: number;
  /** True when the total must end strictly above the band edge (Mức 3 is "trên 75"): more than pointsNeeded. */
  exceed: boolean;
  /** Mandatory conditions to meet first (when the rules hold the group at Mức 1). */
  mandatoryToMeet: string[];
  /** The fewest unmet items that together add enough points, largest first. */
  items: PathStep[];
  /** False when even every remaining item would not be enough. */
  reachable: boolean;
}

export interface GroupResult {
  code: string;
  score: number;
  maxPoints: number;
  /** Points that exist in the decision but that no source itemises: visible, never scorable. */
  unconfirmedPoints: number;
  levelFromScore: Level;
  level: Level;
  mandatoryMet: boolean;
  unmetMandatory: string[];
  criteria: { code: string; score: number; maxPoints: number; mandatory: boolean; met: boolean | null }[];
  path: PathToNextLevel | null;
}
export interface ScoreResult {
  indexVersion: string;
  groups: GroupResult[];
  overallLevel: Level;
  /** Trường học số: overall Mức 2 or above. */
  digitalSchool: boolean;
}

/** Scores a set of answers. Throws InvalidAnswersError listing every problem; pure and deterministic. */
export function score(index: IndexVersion, answers: Answers, rules: Rules = DEFAULT_RULES): ScoreResult {
  const errors = validateAnswers(index, answers);
  if (errors.length) throw new InvalidAnswersError(errors);
  const pts = answers.points as Record<string, number>;
  const targets = scorableTargets(index);

  const groups = index.groups.map((g): GroupResult => {
    const criteria = g.criteria.map((c) => {
      if (c.mandatory) return { code: c.code, score: 0, maxPoints: 0, mandatory: true, met: answers.mandatory[c.code] === true };
      const own = targets.filter((t) => t.criterion === c).reduce((a, t) => a + cents(pts[t.code] ?? 0), 0);
      return { code: c.code, score: Math.min(own, cents(c.maxPoints)) / 100, maxPoints: c.maxPoints, mandatory: false, met: null };
    });
    const total = criteria.reduce((a, c) => a + cents(c.score), 0) / 100;
    const unmetMandatory = criteria.filter((c) => c.mandatory && !c.met).map((c) => c.code);
    const levelFromScore = levelForScore(total, rules);
    const held = rules.unmetMandatory === 'hold-at-level-1' && unmetMandatory.length > 0;
    const level: Level = held ? 1 : levelFromScore;
    const unconfirmedPoints = g.criteria.filter((c) => !c.mandatory && !c.scorable).reduce((a, c) => a + c.maxPoints, 0);
    const path = level === 3 ? null : pathToNextLevel(targets.filter((t) => t.group === g), pts, total, level, held ? unmetMandatory : [], rules);
    return { code: g.code, score: total, maxPoints: g.maxPoints, unconfirmedPoints, levelFromScore, level, mandatoryMet: unmetMandatory.length === 0, unmetMandatory, criteria, path };
  });
  const overallLevel = Math.min(...groups.map((g) => g.level)) as Level;
  return { indexVersion: index.version, groups, overallLevel, digitalSchool: overallLevel >= 2 };
}

function pathToNextLevel(targets: Target[], pts: Record<string, number>, total: number, level: Level, mandatoryToMeet: string[], rules: Rules): PathToNextLevel {
  const toLevel = (level + 1) as Level;
  // To reach Mức 2 the group needs at least level2From; Mức 3 needs more than level3Above.
  const exceed = toLevel === 3;
  const gapCents = Math.max(0, (toLevel === 2 ? cents(rules.bands.level2From) : cents(rules.bands.level3Above)) - cents(total));
  const neededCents = mandatoryToMeet.length > 0 && levelForScore(total, rules) >= toLevel ? 0 : gapCents + (exceed ? 1 : 0);
  const open = targets
    .map((t) => ({ code: t.code, criterionCode: t.criterion.code, headroom: cents(t.max) - cents(pts[t.code] ?? 0) }))
    .filter((t) => t.headroom > 0)
    .sort((a, b) => b.headroom - a.headroom || a.code.localeCompare(b.code));
  // Fewest items: take the largest first (optimal for the count); then swap the last one for the smallest
  // remaining item that still closes the gap, so the plan does not ask for more than needed.
  const chosen: typeof open = [];
  let sum = 0;
  for (const t of open) {
    if (sum >= neededCents) break;
    chosen.push(t);
    sum += t.headroom;
  }
  const reachable = sum >= neededCents;
  if (reachable && chosen.length > 0) {
    const before = sum - chosen.at(-1)!.headroom;
    const rest = open.filter((t) => !chosen.slice(0, -1).includes(t));
    const smallest = [...rest]
      .sort((a, b) => a.headroom - b.headroom || a.code.localeCompare(b.code))
      .find((t) => before + t.headroom >= neededCents);
    if (smallest) chosen[chosen.length - 1] = smallest;
  }
  return {
    fromLevel: level,
    toLevel,
    pointsNeeded: neededCents === 0 ? 0 : gapCents / 100,
    exceed: exceed && neededCents > 0,
    mandatoryToMeet,
    items: chosen.map((t) => ({ code: t.code, criterionCode: t.criterionCode, points: t.headroom / 100 })),
    reachable,
  };
}

import index4725 from '../indices/4725-2022.json' with { type: 'json' };

/** Every index version EduGIS knows, by version. A stored result keeps the version it was scored with. */
export const INDEX_VERSIONS: ReadonlyMap<string, IndexVersion> = new Map([[index4725.version, parseIndex(index4725)]]);
export const CURRENT_VERSION = '4725/2022';

/** The current index, or a given version; undefined for an unknown version. */
export function indexVersion(version: string = CURRENT_VERSION): IndexVersion | undefined {
  return INDEX_VERSIONS.get(version);
}

export * from './workflow.ts';
