// The import pipeline and its kinds (importing this module registers every kind).
export * from './messages.ts';
export * from './file.ts';
export * from './pipeline.ts';
export { schoolsKind, SCHOOL_COLUMNS, coordinateIssue, type SchoolRow, type SchoolState } from './schools.ts';
export { osmSchoolsKind, inferLevels, coreName, OSM_ATTRIBUTION, type OsmRow } from './osm.ts';
export { wardDemandKind, type DemandRow, type DemandState } from './ward-demand.ts';
export { accountsKind, accountId, ACCOUNT_COLUMNS, type AccountRow, type AccountState } from './accounts.ts';
export { resultsKind, RESULT_COLUMNS, type ResultRow, type ResultState } from './results.ts';
export { admissionCalendarKind, CALENDAR_STEPS, parseDate, type CalendarRow, type CalendarState, type CalendarStep } from './admission-calendar.ts';
export { admissionRulesKind, streetKey, ruleVersion, ruleToCsv, ruleStates, ruleOverlaps, uncoveredWards, GRADE_LEVEL, RULE_COLUMNS, RULE_METHODS, type RuleArea, type RuleRow, type RuleState, type RuleMethod, type RuleOverlap, type UncoveredWard } from './admission-rules.ts';
export { osmRoadsKind, roadAccess, houseNumber, addressStreet, type AddressRow, type RoadWayRow, type RoadNetworkRow, type RoadNetworkState } from './osm-roads.ts';
export { admissionZonesKind, type ZoneRow, type ZoneState } from './admission-zones.ts';
export { streetsKind, type StreetSetRow, type StreetSetState } from './streets.ts';
