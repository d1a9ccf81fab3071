// The GraphQL operations of the QĐ 4725 workflow and small helpers to call them, shared by the workflow tests.
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '@edugis/db';
import { gql } from './support.ts';

export const YEAR = '2026-2027';
export const MANDATORY = ['1.1', '1.2', '2.1', '2.2'].map((code) => ({ code, met: true }));
export const pts = (o: Record<string, number>) => Object.entries(o).map(([code, points]) => ({ code, points }));
// DH 80 (Mức 3) and QT 60 (Mức 2): overall Mức 2, a digital school.
export const DH80 = { '1.3.1': 6, '1.3.2': 6, '1.3.3': 6, '1.3.4': 6, '1.3.5': 6, '1.4': 10, '1.5.1': 15, '1.5.2': 5, '1.6.1': 7, '1.6.2': 7, '1.6.3': 6 };
export const QT60 = { '2.3.1': 6, '2.3.2': 6, '2.3.3': 10, '2.3.4': 6, '2.3.5': 10, '2.3.6': 10, '2.3.7': 6, '2.3.8': 6 };
export const answers = (points: Record<string, number>, mandatory = MANDATORY) => ({ indexVersion: '4725/2022', points: pts(points), mandatory });

const A = `id status version revision submittedLate returnComment overallLevel group1Score group2Score
  managingUnit { code } selfScore { overallLevel } evaluatedScore { overallLevel groups { score } } allowedActions`;
const RESULT = `__typename ... on WorkflowError { code message answerErrors { code target } } ... on Mutation`;
const m = (name: string, args: string, sig: string) =>
  `mutation(${sig}) { ${name}(${args}) { ${RESULT}${name[0]!.toUpperCase()}${name.slice(1)}Success { data { ${A} } } } }`;
export const SAVE = m('saveSelfAssessment', 'schoolId: $s, schoolYear: $y, expectedVersion: $v, answers: $a, evidence: $e',
  '$s: ID!, $y: String!, $v: Int, $a: MaturityAnswersInput!, $e: [MaturityEvidenceInput!]');
export const STEP = (name: string) => m(name, 'id: $id, expectedVersion: $v', '$id: ID!, $v: Int!');
export const RETURN = m('returnAssessment', 'id: $id, expectedVersion: $v, comment: $c', '$id: ID!, $v: Int!, $c: String!');
export const EVALUATE = m('evaluateAssessment', 'id: $id, expectedVersion: $v, points: $p, mandatory: $md, reasons: $r',
  '$id: ID!, $v: Int!, $p: [MaturityPointAnswer!]!, $md: [MaturityMandatoryAnswer!]!, $r: [ScoreChangeReasonInput!]');
export const CORRECT = m('correctAssessment', 'id: $id, reason: $r', '$id: ID!, $r: String!');

export type Outcome = { __typename: string; code?: string; message?: string; answerErrors?: { code: string; target: string }[]; data?: Record<string, any> };

/** Sign-in and mutation calls against one running server. */
export function workflowClient(server: { url: string }) {
  async function signIn(username: string, password = DEMO_PASSWORD): Promise<string> {
    const { body } = await gql(server.url, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
      __typename ... on MutationLoginSuccess { data { token } } ... on AuthError { code message } } }`, { u: username, p: password });
    const r = body.data.login;
    if (r.__typename !== 'MutationLoginSuccess') throw new Error(`login ${username}: ${r.message}`);
    return r.data.token;
  }
  async function call(token: string | undefined, query: string, variables: Record<string, unknown>, lang = 'en'): Promise<Outcome> {
    const { body } = await gql(server.url, query, variables, lang, token);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return Object.values(body.data as Record<string, Outcome>)[0]!;
  }
  return { signIn, call };
}

export const ok = (o: Outcome) => {
  expect(o.__typename, o.message).toMatch(/Success$/);
  return o.data!;
};
export const refused = (o: Outcome, code: string) => {
  expect(o.__typename).toBe('WorkflowError');
  expect(o.code, o.message).toBe(code);
  return o;
};
