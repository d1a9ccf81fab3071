// Operations against the committed schema (packages/server/schema.graphql).
import { gql } from 'urql';
import type { FeatureCollection, Geometry } from 'geojson';

export type Mức = 'LEVEL_1' | 'LEVEL_2' | 'LEVEL_3';

export const DATASET = gql`
  query Dataset {
    dataset {
      syntheticOnly
      notice
      realSchools
      syntheticSchools
      sources { id title licence attribution url isSynthetic }
    }
  }
`;
export interface DatasetResult {
  dataset: {
    syntheticOnly: boolean;
    notice: string;
    realSchools: number;
    syntheticSchools: number;
    sources: { id: string; title: string; licence: string; attribution: string; url: string | null; isSynthetic: boolean }[];
  };
}

const SCHOOL_FIELDS = `
  fragment SchoolDetails on School {
    id name levels ownership address capacity enrolment isSynthetic sourceRef locationConfidence
    location { longitude latitude }
    ward { code fullName fullNameEn predecessors { mergeType oldUnit { fullName parent { fullName } } } }
    source { title licence url attribution }
    maturityResults { id schoolYear group1Score group2Score group1Level group2Level overallLevel isDigitalSchool isSynthetic }
    zones { id entryGrade schoolYear isSynthetic rule geometry }
  }
`;
export const SCHOOL = gql(`query School($id: ID!) { school(id: $id) { ...SchoolDetails } } ${SCHOOL_FIELDS}`);

/** One request for the schools being compared: school(id) under the aliases s0, s1, … */
export function compareQuery(n: number) {
  const ids = [...Array(n).keys()];
  return gql(`query Compare(${ids.map((i) => `$s${i}: ID!`).join(', ')}) { ${ids.map((i) => `s${i}: school(id: $s${i}) { ...SchoolDetails }`).join(' ')} } ${SCHOOL_FIELDS}`);
}
export interface SchoolDetails {
  id: string; name: string; levels: string[]; ownership: string; address: string | null; capacity: number | null;
  enrolment: number | null; isSynthetic: boolean; sourceRef: string | null; locationConfidence: 'SURVEYED' | 'GEOCODED' | 'SYNTHETIC';
  location: { longitude: number; latitude: number } | null;
  ward: { code: string; fullName: string; fullNameEn: string | null; predecessors: { mergeType: string; oldUnit: { fullName: string; parent: { fullName: string } | null } }[] } | null;
  source: { title: string; licence: string; url: string | null; attribution: string };
  maturityResults: { id: string; schoolYear: string; group1Score: number; group2Score: number; group1Level: Mức; group2Level: Mức; overallLevel: Mức; isDigitalSchool: boolean; isSynthetic: boolean }[];
  zones: { id: string; entryGrade: number; schoolYear: string; isSynthetic: boolean; rule: string; geometry: Geometry | null }[];
}
export interface SchoolResult { school: SchoolDetails | null }

export const ZONES_AT = gql`
  query ZonesAt($lng: Float!, $lat: Float!) {
    enrollmentZonesAt(longitude: $lng, latitude: $lat) {
      covered message schoolYear
      ward { fullName fullNameEn provinceCode }
      grades {
        entryGrade status explanation
        zones { distanceMeters walkingMinutes zone { id isSynthetic geometry school { id name } } }
        nearestCandidates { distanceMeters walkingMinutes school { id name } }
        admission { status placed { school { id name } area quotaPlaces quotaClasses walk { measure meters minutes } motorbike { minutes } route } }
      }
    }
  }
`;
export interface ZonesAtResult {
  enrollmentZonesAt: {
    covered: boolean; message: string | null; schoolYear: string;
    ward: { fullName: string; fullNameEn: string | null; provinceCode: string } | null;
    grades: { entryGrade: number; status: 'ZONED' | 'NO_ZONE' | 'SEVERAL_ZONES'; explanation: string;
      zones: { distanceMeters: number; walkingMinutes: number; zone: { id: string; isSynthetic: boolean; geometry: Geometry | null; school: { id: string; name: string } } }[];
      nearestCandidates: { distanceMeters: number; walkingMinutes: number; school: { id: string; name: string } }[];
      admission: { status: string; placed: null | { school: { id: string; name: string }; area: string | null; quotaPlaces: number; quotaClasses: number | null;
        walk: { measure: 'ROAD' | 'STRAIGHT_LINE'; meters: number; minutes: number }; motorbike: { minutes: number }; route: Geometry | null } } }[];
  };
}

/** The areas the rules give the schools a home is placed at, per entry grade (illustrations). */
export const RULE_ZONES = gql`
  query RuleZones($p: String!, $y: String!, $ids1: [ID!], $ids6: [ID!], $has1: Boolean!, $has6: Boolean!) {
    g1: admissionZones(provinceCode: $p, schoolYear: $y, grade: 1, schoolIds: $ids1) @include(if: $has1)
    g6: admissionZones(provinceCode: $p, schoolYear: $y, grade: 6, schoolIds: $ids6) @include(if: $has6)
  }
`;
export interface RuleZonesResult { g1?: FeatureCollection; g6?: FeatureCollection }

export const SEARCH = gql`
  query Search($text: String!, $near: [Float!]) {
    search(text: $text, limit: 8, near: $near) {
      kind label context score provinceCode bbox note approximate source
      location { longitude latitude }
      school { id location { longitude latitude } }
      ward { id bbox }
      successors { fullName }
    }
  }
`;
export const MAP_AREA = gql`
  query MapArea($lng: Float!, $lat: Float!) { mapArea(longitude: $lng, latitude: $lat) { provinceCode provinceName schools message } }
`;
export interface MapAreaResult { mapArea: { provinceCode: string | null; provinceName: string | null; schools: number; message: string | null } }
export const SEARCH_COVERAGE = gql`
  query SearchCoverage { searchCoverage }
`;
export interface SearchHit {
  kind: 'SCHOOL' | 'WARD' | 'FORMER_WARD' | 'FORMER_DISTRICT' | 'ADDRESS' | 'STREET'; label: string; context: string | null; score: number;
  provinceCode: string | null; bbox: [number, number, number, number] | null; note: string | null; approximate: boolean; source: string | null;
  location: { longitude: number; latitude: number } | null;
  school: { id: string; location: { longitude: number; latitude: number } | null } | null;
  ward: { id: string; bbox: [number, number, number, number] | null } | null;
  successors: { fullName: string }[];
}
export interface SearchResult { search: SearchHit[] }

export const REPORT_PROBLEM = gql`
  mutation ReportProblem($schoolId: ID!, $kind: ProblemKind!, $message: String!) {
    reportProblem(schoolId: $schoolId, kind: $kind, message: $message) { id status }
  }
`;

export const ADMISSION_CALENDAR = gql`
  query AdmissionCalendar($p: String!, $y: String!) {
    admissionCalendar(provinceCode: $p, schoolYear: $y) { step startsOn endsOn note state sourceTitle }
  }
`;
export interface CalendarStep {
  step: 'DATA_CONFIRMATION' | 'REGISTRATION_GRADE1' | 'REGISTRATION_GRADE6' | 'REGISTRATION_GRADE10' | 'RESULTS';
  startsOn: string; endsOn: string; note: string | null; state: 'UPCOMING' | 'OPEN' | 'PAST'; sourceTitle: string;
}
