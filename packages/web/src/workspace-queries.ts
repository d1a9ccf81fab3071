// Operations of the staff workspace (schema: packages/server/schema.graphql).
import { gql } from 'urql';
import type { Role } from './session.ts';

export const LOGIN = gql`
  mutation Login($u: String!, $p: String!) {
    login(username: $u, password: $p) {
      __typename
      ... on AuthError { code message }
      ... on MutationLoginSuccess { data { token expiresAt account { id username displayName role mustChangePassword school { id name } unit { code fullName } } } }
    }
  }
`;

const ASSESSMENT_FIELDS = `
  id schoolYear status version revision indexVersion returnComment submittedAt submittedLate allowedActions
  deadlines { submitBy publishBy }
  school { id name ward { fullName } }
  answers { points { code points } mandatory { code met } }
  evaluatedAnswers { points { code points } mandatory { code met } }
  evidence { criterionCode kind value }
`;

export const SCHOOL_ASSESSMENT = gql`
  query SchoolAssessment($school: ID!) {
    currentSchoolYear
    school(id: $school) { id name assessments { ${ASSESSMENT_FIELDS} } }
  }
`;
export const ASSESSMENT = gql`query Assessment($id: ID!) { assessment(id: $id) { ${ASSESSMENT_FIELDS} } }`;

export const QUEUE = gql`
  query Queue($status: AssessmentStatus, $late: Boolean) {
    reviewQueue(first: 100, status: $status, late: $late) {
      totalCount
      edges { node { id schoolYear status version submittedAt submittedLate overallLevel school { id name ward { fullName } } } }
    }
  }
`;

const result = (name: string) => `__typename ... on WorkflowError { code message } ... on Mutation${name[0]!.toUpperCase()}${name.slice(1)}Success { data { id status version } }`;
export const SAVE = gql`mutation Save($s: ID!, $y: String!, $v: Int, $a: MaturityAnswersInput!, $e: [MaturityEvidenceInput!]) {
  saveSelfAssessment(schoolId: $s, schoolYear: $y, expectedVersion: $v, answers: $a, evidence: $e) { ${result('saveSelfAssessment')} } }`;
export const STEP = {
  approve: gql`mutation Approve($id: ID!, $v: Int!) { approveAssessment(id: $id, expectedVersion: $v) { ${result('approveAssessment')} } }`,
  submit: gql`mutation Submit($id: ID!, $v: Int!) { submitAssessment(id: $id, expectedVersion: $v) { ${result('submitAssessment')} } }`,
  startReview: gql`mutation StartReview($id: ID!, $v: Int!) { startAssessmentReview(id: $id, expectedVersion: $v) { ${result('startAssessmentReview')} } }`,
  publish: gql`mutation Publish($id: ID!, $v: Int!) { publishAssessment(id: $id, expectedVersion: $v) { ${result('publishAssessment')} } }`,
};
export const RETURN = gql`mutation Return($id: ID!, $v: Int!, $c: String!) { returnAssessment(id: $id, expectedVersion: $v, comment: $c) { ${result('returnAssessment')} } }`;
export const EVALUATE = gql`mutation Evaluate($id: ID!, $v: Int!, $p: [MaturityPointAnswer!]!, $m: [MaturityMandatoryAnswer!]!, $r: [ScoreChangeReasonInput!]) {
  evaluateAssessment(id: $id, expectedVersion: $v, points: $p, mandatory: $m, reasons: $r) { ${result('evaluateAssessment')} } }`;

export type Status = 'DRAFT' | 'SELF_ASSESSED' | 'APPROVED' | 'SUBMITTED' | 'UNDER_REVIEW' | 'RETURNED' | 'EVALUATED' | 'PUBLISHED';
export type Action = 'saveSelfAssessment' | 'approve' | 'submit' | 'startReview' | 'return' | 'evaluate' | 'publish';
interface AnswersOut { points: { code: string; points: number }[]; mandatory: { code: string; met: boolean }[] }
export interface AssessmentData {
  id: string; schoolYear: string; status: Status; version: number; revision: number; indexVersion: string;
  returnComment: string | null; submittedAt: string | null; submittedLate: boolean; allowedActions: Action[];
  deadlines: { submitBy: string; publishBy: string };
  school: { id: string; name: string; ward: { fullName: string } | null };
  answers: AnswersOut | null; evaluatedAnswers: AnswersOut | null;
  evidence: { criterionCode: string; kind: 'LINK' | 'FILE' | 'NOTE'; value: string }[] | null;
}
export interface StepResult { __typename: string; code?: string; message?: string; data?: { id: string; status: Status; version: number } }
export interface QueueRow {
  id: string; schoolYear: string; status: Status; version: number; submittedAt: string | null; submittedLate: boolean; overallLevel: string;
  school: { id: string; name: string; ward: { fullName: string } | null };
}
export interface LoginResult {
  login: { __typename: string; code?: string; message?: string; data?: { token: string; expiresAt: string; account: { id: string; username: string; displayName: string; role: Role; school: { id: string; name: string } | null; unit: { code: string; fullName: string } | null } } };
}

// ——— Data and accounts (StaffData.tsx)
const IMPORT_FIELDS = `id kind status provinceCode actorName fileName sha256 sourceTitle licence createdAt committedAt revertsId revertedById revertible
  counts { added changed unchanged removed kept skipped errors warnings }`;
export const DATA_IMPORT = gql`query DataImport($id: ID!) { dataImport(id: $id) { ${IMPORT_FIELDS}
  errors { code row column message } warnings { code row message } items(first: 200) { action key label row note lng lat fields { field before after } } } }`;
export const DATA_IMPORTS = gql`query DataImports($p: String!) { dataImports(provinceCode: $p, first: 30) { ${IMPORT_FIELDS} } }`;
export const COMMIT_IMPORT = gql`mutation CommitImport($id: ID!) { commitImport(id: $id) { id status oneTimePasswords { username password } } }`;
export const DISCARD_IMPORT = gql`mutation DiscardImport($id: ID!) { discardImport(id: $id) { id status } }`;
export const REVERT_IMPORT = gql`mutation RevertImport($id: ID!) { revertImport(id: $id) { id status } }`;
const ACCOUNT_FIELDS = 'id username displayName role disabled mustChangePassword isDemo school { id name } unit { code fullName }';
export const ACCOUNTS = gql`query Accounts($s: String) { accounts(search: $s, first: 200) { ${ACCOUNT_FIELDS} } }`;
export const CREATE_ACCOUNT = gql`mutation CreateAccount($i: NewAccountInput!) { createAccount(input: $i) { oneTimePassword account { ${ACCOUNT_FIELDS} } } }`;
export const SET_DISABLED = gql`mutation SetDisabled($id: ID!, $d: Boolean!) { setAccountDisabled(id: $id, disabled: $d) { ${ACCOUNT_FIELDS} } }`;
export const RESET_PASSWORD = gql`mutation ResetPassword($id: ID!) { resetAccountPassword(id: $id) { oneTimePassword account { ${ACCOUNT_FIELDS} } } }`;
export const UPDATE_ACCOUNT = gql`mutation UpdateAccount($id: ID!, $c: AccountChangeInput!) { updateAccount(id: $id, changes: $c) { ${ACCOUNT_FIELDS} } }`;
export const CHANGE_PASSWORD = gql`mutation ChangePassword($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { id mustChangePassword } }`;

export interface ImportCountsData { added: number; changed: number; unchanged: number; removed: number; kept: number; skipped: number; errors: number; warnings: number }
export interface ImportData {
  id: string; kind: string; status: 'INVALID' | 'PREVIEW' | 'COMMITTED' | 'DISCARDED'; provinceCode: string; actorName: string; fileName: string; sha256: string;
  sourceTitle: string; licence: string; createdAt: string; committedAt: string | null; revertsId: string | null; revertedById: string | null; revertible: boolean;
  counts: ImportCountsData;
  errors: { code: string; row: number | null; column: string | null; message: string }[];
  warnings: { code: string; row: number | null; message: string }[];
  items: { action: string; key: string; label: string; row: number | null; note: string | null; lng: number | null; lat: number | null; fields: { field: string; before: string | null; after: string | null }[] }[];
}
export interface OneTimePassword { username: string; password: string }
export interface ManagedAccount {
  id: string; username: string; displayName: string; role: Role; disabled: boolean; mustChangePassword: boolean; isDemo: boolean;
  school: { id: string; name: string } | null; unit: { code: string; fullName: string } | null;
}

// ——— Corrections and problem reports (SchoolEdit.tsx)
export const PROBLEM_REPORTS = gql`query Reports($s: ProblemReportStatus) { problemReports(status: $s, first: 100) {
  id schoolId schoolName provinceCode status kind message longitude latitude schoolLongitude schoolLatitude distanceMetres createdAt moderatorName moderationNote } }`;
export const MODERATE_REPORT = gql`mutation Moderate($id: ID!, $d: ProblemReportStatus!, $n: String) { moderateProblemReport(id: $id, decision: $d, note: $n) { id status } }`;
const EDIT_FIELDS = 'id name officialCode address capacity enrolment phone website version isSynthetic location { longitude latitude } ward { code fullName }';
export const SCHOOL_FOR_EDIT = gql`query SchoolForEdit($id: ID!) { school(id: $id) { ${EDIT_FIELDS} } }`;
export const CORRECT_SCHOOL = gql`mutation CorrectSchool($id: ID!, $v: Int!, $c: SchoolCorrectionInput!, $r: String!, $rep: ID) {
  correctSchool(id: $id, expectedVersion: $v, changes: $c, reason: $r, reportId: $rep) { ${EDIT_FIELDS} } }`;
export const SCHOOL_HISTORY = gql`query SchoolHistory($id: ID!) { schoolHistory(id: $id, first: 20) { operation actorName reason fields changedAt importId } }`;
export const SCHOOL_SEARCH = gql`query SchoolSearch($t: String!) { search(text: $t, limit: 10) { kind label context school { id } } }`;
export interface ReportRow {
  id: string; schoolId: string; schoolName: string; status: string; kind: string; message: string; longitude: number | null; latitude: number | null;
  schoolLongitude: number | null; schoolLatitude: number | null; distanceMetres: number | null; provinceCode: string | null;
  createdAt: string; moderatorName: string | null; moderationNote: string | null;
}
export interface EditableSchool {
  id: string; name: string; officialCode: string | null; address: string | null; capacity: number | null; enrolment: number | null;
  phone: string | null; website: string | null; version: number; isSynthetic: boolean;
  location: { longitude: number; latitude: number } | null; ward: { code: string; fullName: string } | null;
}

export const WARD_DEMAND = gql`
  query WardDemand($p: String!, $level: SchoolLevel!, $year: String!) {
    capacityByWard(provinceCode: $p, level: $level, demandSchoolYear: $year) {
      unit { code fullName } schoolCount seats schoolsWithoutFigures demand demandSource demandFlag
    }
  }
`;
export interface WardDemandRow {
  unit: { code: string; fullName: string }; schoolCount: number; seats: number | null; schoolsWithoutFigures: number;
  demand: number | null; demandSource: string | null; demandFlag: 'OVER' | 'OK' | 'UNDER' | 'NO_SCHOOL' | null;
}
