// Operations against the committed schema (packages/server/schema.graphql).
import { gql } from 'urql';

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

export const SCHOOL = gql`
  query School($id: ID!) {
    school(id: $id) {
      id name levels ownership address capacity enrolment isSynthetic sourceRef
      ward { fullName fullNameEn }
      source { title licence }
      maturityResults { schoolYear overallLevel isDigitalSchool }
    }
  }
`;
export interface SchoolResult {
  school: null | {
    id: string; name: string; levels: string[]; ownership: string; address: string | null; capacity: number | null;
    enrolment: number | null; isSynthetic: boolean; sourceRef: string | null;
    ward: { fullName: string; fullNameEn: string | null } | null;
    source: { title: string; licence: string };
    maturityResults: { schoolYear: string; overallLevel: 'LEVEL_1' | 'LEVEL_2' | 'LEVEL_3'; isDigitalSchool: boolean }[];
  };
}

export const ZONES_AT = gql`
  query ZonesAt($lng: Float!, $lat: Float!) {
    enrollmentZonesAt(longitude: $lng, latitude: $lat) {
      covered message schoolYear
      ward { fullName fullNameEn }
      grades { entryGrade status explanation zones { distanceMeters walkingMinutes zone { isSynthetic school { id name } } } }
    }
  }
`;
export interface ZonesAtResult {
  enrollmentZonesAt: {
    covered: boolean; message: string | null; schoolYear: string;
    ward: { fullName: string; fullNameEn: string | null } | null;
    grades: { entryGrade: number; status: 'ZONED' | 'NO_ZONE' | 'SEVERAL_ZONES'; explanation: string;
      zones: { distanceMeters: number; walkingMinutes: number; zone: { isSynthetic: boolean; school: { id: string; name: string } } }[] }[];
  };
}
