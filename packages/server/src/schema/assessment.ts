// The QĐ 4725 index and scoring (from @edugis/maturity), exposed as they are: the web form and the API use
// the same pure functions, so a school sees exactly the score its managing authority will see.
import { GraphQLError } from 'graphql';
import {
  InvalidAnswersError, indexVersion, score, CURRENT_VERSION,
  type Answers, type Criterion, type Group, type IndexVersion, type PathToNextLevel, type ScoreResult,
} from '@edugis/maturity';
import { builder } from '../builder.ts';
import { userError } from '../errors.ts';

type Item = Criterion['items'][number];
type GroupResult = ScoreResult['groups'][number];
type CriterionResult = GroupResult['criteria'][number];

const Confidence = builder.enumType('Confidence', {
  description: 'How sure we are of a value of the index: checked against the decision, derived from checked facts, partly checked, taken from a third-party reproduction only, or not found in any source.',
  values: ['confirmed', 'derived', 'partial', 'third_party', 'unconfirmed'] as const,
});

const LocalText = builder.objectRef<{ vi: string; en: string }>('LocalText').implement({
  description: 'A text in Vietnamese and English.',
  fields: (t) => ({ vi: t.exposeString('vi'), en: t.exposeString('en') }),
});

const IndexItem = builder.objectRef<Item>('MaturityIndexItem').implement({
  description: 'A scored item of a criterion.',
  fields: (t) => ({
    code: t.exposeString('code'),
    title: t.field({ type: LocalText, resolve: (i) => i.title }),
    maxPoints: t.exposeFloat('maxPoints', { nullable: true, description: 'Cap of the item; null when no source gives its points (then it is not scored).' }),
    confidence: t.expose('confidence', { type: Confidence }),
  }),
});

const IndexCriterion = builder.objectRef<Criterion>('MaturityIndexCriterion').implement({
  description: 'A criterion (tiêu chí) of a group.',
  fields: (t) => ({
    code: t.exposeString('code'),
    title: t.field({ type: LocalText, resolve: (c) => c.title }),
    maxPoints: t.exposeFloat('maxPoints', { description: 'Cap of the criterion (0 for a mandatory condition).' }),
    mandatory: t.exposeBoolean('mandatory', { description: 'A mandatory condition (điều kiện bắt buộc): met or not, no points.' }),
    scorable: t.exposeBoolean('scorable', { description: 'False for mandatory conditions and for points no source itemises (kept visible, not scored).' }),
    confidence: t.expose('confidence', { type: Confidence }),
    items: t.field({ type: [IndexItem], resolve: (c) => c.items }),
  }),
});

const IndexGroup = builder.objectRef<Group>('MaturityIndexGroup').implement({
  description: 'A criteria group, scored out of maxPoints: DH (teaching and learning) or QT (school management).',
  fields: (t) => ({
    code: t.exposeString('code'),
    number: t.exposeInt('number'),
    title: t.field({ type: LocalText, resolve: (g) => g.title }),
    maxPoints: t.exposeFloat('maxPoints'),
    unconfirmedPoints: t.float({
      description: 'Points the decision gives the group that no consulted source itemises: shown, never scored.',
      resolve: (g) => g.criteria.filter((c) => !c.mandatory && !c.scorable).reduce((a, c) => a + c.maxPoints, 0),
    }),
    criteria: t.field({ type: [IndexCriterion], resolve: (g) => g.criteria }),
  }),
});

const MaturityIndex = builder.objectRef<IndexVersion>('MaturityIndex').implement({
  description: 'A version of the QĐ 4725/QĐ-BGDĐT index of digital-transformation maturity. A revision is a new version; results keep the version they were scored with.',
  fields: (t) => ({
    version: t.exposeString('version'),
    title: t.field({ type: LocalText, resolve: (i) => i.title }),
    issued: t.exposeString('issued', { description: 'Date of the decision, YYYY-MM-DD.' }),
    note: t.exposeString('note'),
    groups: t.field({ type: [IndexGroup], resolve: (i) => i.groups }),
  }),
});

builder.queryField('maturityIndex', (t) =>
  t.field({
    type: MaturityIndex,
    nullable: true,
    description: `The index of QĐ 4725: the current version (${CURRENT_VERSION}) or the one named; null for an unknown version.`,
    args: { version: t.arg.string({ required: false }) },
    resolve: (_root, args) => indexVersion(args.version ?? undefined) ?? null,
  }),
);

const PathStep = builder.objectRef<PathToNextLevel['items'][number]>('MaturityPathStep').implement({
  fields: (t) => ({ code: t.exposeString('code'), criterionCode: t.exposeString('criterionCode'), points: t.exposeFloat('points', { description: 'Points the item would add if fully met.' }) }),
});
const Path = builder.objectRef<PathToNextLevel>('MaturityPath').implement({
  description: 'The smallest set of unmet items that would lift a group one level, with the points each would add.',
  fields: (t) => ({
    fromLevel: t.exposeInt('fromLevel'),
    toLevel: t.exposeInt('toLevel'),
    pointsNeeded: t.exposeFloat('pointsNeeded'),
    exceed: t.exposeBoolean('exceed', { description: 'True when the total must end strictly above the band edge (more than pointsNeeded).' }),
    mandatoryToMeet: t.exposeStringList('mandatoryToMeet'),
    items: t.field({ type: [PathStep], resolve: (p) => p.items }),
    reachable: t.exposeBoolean('reachable'),
  }),
});
const CriterionScore = builder.objectRef<CriterionResult>('MaturityCriterionScore').implement({
  fields: (t) => ({
    code: t.exposeString('code'),
    score: t.exposeFloat('score'),
    maxPoints: t.exposeFloat('maxPoints'),
    mandatory: t.exposeBoolean('mandatory'),
    met: t.exposeBoolean('met', { nullable: true, description: 'For mandatory conditions: met or not; null otherwise.' }),
  }),
});
const GroupScore = builder.objectRef<GroupResult>('MaturityGroupScore').implement({
  fields: (t) => ({
    code: t.exposeString('code'),
    score: t.exposeFloat('score'),
    maxPoints: t.exposeFloat('maxPoints'),
    unconfirmedPoints: t.exposeFloat('unconfirmedPoints'),
    levelFromScore: t.exposeInt('levelFromScore', { description: 'The level the points alone would give.' }),
    level: t.exposeInt('level', { description: 'The level, after the mandatory-conditions rule.' }),
    mandatoryMet: t.exposeBoolean('mandatoryMet'),
    unmetMandatory: t.exposeStringList('unmetMandatory'),
    criteria: t.field({ type: [CriterionScore], resolve: (g) => g.criteria }),
    path: t.field({ type: Path, nullable: true, description: 'Null at Mức 3.', resolve: (g) => g.path }),
  }),
});
export const ScoreResultRef = builder.objectRef<ScoreResult>('MaturityScore').implement({
  fields: (t) => ({
    indexVersion: t.exposeString('indexVersion'),
    groups: t.field({ type: [GroupScore], resolve: (r) => r.groups }),
    overallLevel: t.exposeInt('overallLevel', { description: 'The lower of the group levels: both groups must reach a level.' }),
    digitalSchool: t.exposeBoolean('digitalSchool', { description: 'Trường học số: overall Mức 2 or above.' }),
  }),
});

export const PointAnswer = builder.inputType('MaturityPointAnswer', { fields: (t) => ({ code: t.string({ required: true }), points: t.float({ required: true }) }) });
export const MandatoryAnswer = builder.inputType('MaturityMandatoryAnswer', { fields: (t) => ({ code: t.string({ required: true }), met: t.boolean({ required: true }) }) });
export const AnswersInput = builder.inputType('MaturityAnswersInput', {
  description: 'Answers to an index version: points per scorable item (or criterion without items), met or not per mandatory condition.',
  fields: (t) => ({
    indexVersion: t.string({ required: true }),
    points: t.field({ type: [PointAnswer], required: true }),
    mandatory: t.field({ type: [MandatoryAnswer], required: true }),
  }),
});

builder.queryField('scoreMaturityAnswers', (t) =>
  t.field({
    type: ScoreResultRef,
    description: 'Scores answers with the same rules the server applies to stored assessments, without saving anything: group scores and levels, overall level, digital school, and the path to the next level. Invalid answers get BAD_USER_INPUT with every problem listed in extensions.answerErrors.',
    args: { answers: t.arg({ type: AnswersInput, required: true }) },
    resolve: (_root, { answers }, ctx) => {
      if (answers.points.length > 500 || answers.mandatory.length > 100) throw userError(ctx.lang, 'error.tooManyAnswers');
      // An unknown version is scored against the current index, which refuses it with WRONG_VERSION.
      const index = indexVersion(answers.indexVersion) ?? indexVersion()!;
      try {
        return score(index, answersFromInput(answers));
      } catch (err) {
        if (!(err instanceof InvalidAnswersError)) throw err;
        throw new GraphQLError(err.errors.map((e) => e.message[ctx.lang]).join(' '), {
          extensions: { code: 'BAD_USER_INPUT', answerErrors: err.errors.map((e) => ({ code: e.code, target: e.target, message: e.message[ctx.lang] })) },
        });
      }
    },
  }),
);

/** The GraphQL answers input as the rules engine's Answers (later entries for the same code win). */
export function answersFromInput(a: { indexVersion: string; points: { code: string; points: number }[]; mandatory: { code: string; met: boolean }[] }): Answers {
  return {
    indexVersion: a.indexVersion,
    points: Object.fromEntries(a.points.map((p) => [p.code, p.points])),
    mandatory: Object.fromEntries(a.mandatory.map((m) => [m.code, m.met])),
  };
}
