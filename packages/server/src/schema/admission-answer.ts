// "Which school does my home get?" answered from the published admission rules (import kind admission-rules),
// not from drawn zones: for one home, school year and entry grade, the school it is placed at and why (in a
// listed area, by the khu phố/ấp it is in, nearest by road within the cap, or beyond every cap), the road
// distance and time, the quota and priority groups, the alternatives, the calendar's next date, and next year's
// answer with what changes. Where the ward publishes no rule it says so plainly and lists the nearest public
// schools by road: never an invented zone.
import { fold } from '@edugis/db';
import { sql } from '@edugis/prisma-postgis';
import { builder } from '../builder.ts';
import { prisma } from '../db.ts';
import { translator, type Lang } from '../i18n.ts';
import { legsFrom, rideBound, roadGraph, type Leg, type RoadGraph } from '../routing.ts';
import { calendarOf, CalendarStepRef, todayInVietnam, type StepRow } from './admission-calendar.ts';
import { rulesOf } from './admission-rules.ts';
import { LegRef, Mode, routeGeometry, schoolsByRoad, type RoadSchool } from './roads.ts';
import { School } from './school.ts';

type RuleOut = Awaited<ReturnType<typeof rulesOf>>[number];
export const ENTRY_LEVEL: Record<number, string> = { 1: 'PRIMARY', 6: 'LOWER_SECONDARY', 10: 'UPPER_SECONDARY' };

type Reason = 'LISTED_WARD' | 'LISTED_SUB_WARD' | 'LISTED_STREET' | 'LISTED_POLYGON' | 'NEAREST';
type Status = 'IN_LISTED_AREA' | 'DEPENDS_ON_SUB_AREA' | 'NEAREST_BY_DISTANCE' | 'OUTSIDE_EVERY_CAP' | 'NO_RULE';
export interface Candidate {
  rule: RuleOut; reason: Reason; area: string | null; withinCap: boolean | null; straightMeters: number; walk: Leg; motorbike: Leg;
}
export interface AdmissionAnswer {
  schoolYear: string; grade: number; status: Status; placed: Candidate | null; alternatives: Candidate[]; nearestByRoad: RoadSchool[];
  nextStep: StepRow | null; nextYear: AdmissionAnswer | null; movesNextYear: boolean | null; explanation: string;
}
export interface Home { point: [number, number]; ward: { code: string; name: string; provinceCode: string } }

const nextYearOf = (y: string) => { const a = Number(y.slice(0, 4)) + 1; return `${a}-${a + 1}`; };
const fmt = (m: number, lang: Lang) => (m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} km`);
const shownDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** The named street at the home (within 40 m), from the active road network: how STREET areas are matched. */
async function streetAt(p: [number, number], provinceCode: string): Promise<string | null> {
  const [row] = await prisma().$queryRaw<{ name: string }[]>(sql`
    WITH h AS (SELECT ST_SetSRID(ST_MakePoint(${p[0]}::float8, ${p[1]}::float8), 4326) AS g)
    SELECT w.name FROM road_way w JOIN road_network_active a ON a.network_id = w.network_id, h
    WHERE a.province_code = ${provinceCode} AND w.name IS NOT NULL AND ST_DWithin(w.geom, h.g, 0.0004)
    ORDER BY w.geom <-> h.g LIMIT 1`);
  return row?.name ?? null;
}

export async function admissionAt(home: Home, year: string, grade: number, lang: Lang, opts: { graph?: RoadGraph | null; nextYear?: boolean } = {}): Promise<AdmissionAnswer> {
  const tr = translator(lang);
  const { point, ward } = home;
  const graph = opts.graph !== undefined ? opts.graph : await roadGraph(ward.provinceCode);
  const rules = await rulesOf(ward.provinceCode, year, grade);
  const calendar = await calendarOf(ward.provinceCode, year);
  const today = todayInVietnam();
  const relevant = new Set(['DATA_CONFIRMATION', `REGISTRATION_GRADE${grade}`, 'RESULTS']);
  const nextStep = calendar.find((s) => relevant.has(s.step) && s.ends_on >= today) ?? null;

  // The rules that can take this home, and how.
  const street = rules.some((r) => r.areas.some((a) => a.kind === 'STREET' && a.ward === ward.code)) ? await streetAt(point, ward.provinceCode) : null;
  // Official polygons (import kind admission-zones) decide for their rules: the home is in one or not.
  const polygons = rules.length ? await prisma().$queryRaw<{ school_id: string; covers: boolean; document_number: string | null }[]>(sql`
    SELECT school_id, ST_Covers(geom, ST_SetSRID(ST_MakePoint(${point[0]}::float8, ${point[1]}::float8), 4326)) AS covers, document_number
    FROM admission_zone_official WHERE school_year = ${year} AND grade = ${grade}::int AND school_id = ANY (${rules.map((r) => r.school_id)}::text[])`) : [];
  const polygonOf = new Map(polygons.map((p) => [p.school_id, p]));
  const hits: { rule: RuleOut; reason: Reason; area: string | null }[] = [];
  for (const r of rules) {
    const official = polygonOf.get(r.school_id);
    if (official) {
      if (official.covers) hits.push({ rule: r, reason: 'LISTED_POLYGON', area: tr(official.document_number ? 'admission.officialAreaDoc' : 'admission.officialArea', { doc: official.document_number }) as string });
      else if (r.method !== 'AREA_LIST') hits.push({ rule: r, reason: 'NEAREST', area: null });
      continue;
    }
    const mine = r.areas.filter((a) => a.ward === ward.code);
    const whole = mine.find((a) => a.kind === 'WARD');
    const onStreet = street ? mine.find((a) => a.kind === 'STREET' && fold(a.name!) === fold(street)) : undefined;
    const sub = mine.filter((a) => a.kind === 'SUB_WARD');
    if (whole) hits.push({ rule: r, reason: 'LISTED_WARD', area: ward.name });
    else if (onStreet) hits.push({ rule: r, reason: 'LISTED_STREET', area: `${onStreet.name}${onStreet.from != null ? ` ${onStreet.from}–${onStreet.to}` : ''}${onStreet.parity ? ` (${onStreet.parity === 'ODD' ? (lang === 'vi' ? 'số lẻ' : 'odd') : (lang === 'vi' ? 'số chẵn' : 'even')})` : ''}` });
    else if (sub.length) hits.push({ rule: r, reason: 'LISTED_SUB_WARD', area: sub.map((a) => a.name).join(', ') });
    else if (r.method !== 'AREA_LIST') hits.push({ rule: r, reason: 'NEAREST', area: null });
  }
  const locs = hits.length ? await prisma().$queryRaw<{ id: string; lng: number; lat: number }[]>(sql`
    SELECT id, ST_X(location) AS lng, ST_Y(location) AS lat FROM school WHERE id = ANY (${hits.map((h) => h.rule.school_id)}::text[]) AND location IS NOT NULL`) : [];
  const at = new Map(locs.map((l) => [l.id, [l.lng, l.lat] as [number, number]]));
  const targets = [...at].map(([id, p]) => ({ id, at: p }));
  const walk = legsFrom(graph, 'WALK', point, targets, 30_000);
  const ride = legsFrom(graph, 'MOTORBIKE', point, targets, rideBound(walk));
  const straight = (p: [number, number]) => legsFrom(null, 'WALK', point, [{ id: 'x', at: p }]).get('x')!.meters;
  const candidates: Candidate[] = hits.filter((h) => at.has(h.rule.school_id)).map((h) => {
    const w = walk.get(h.rule.school_id)!;
    const sm = straight(at.get(h.rule.school_id)!);
    // The cap as the rule measures it: along the roads (the shortest way, on foot) or in a straight line.
    const measured = h.rule.distance_metric === 'ROAD' ? w.meters : sm;
    const withinCap = h.rule.distance_cap_km == null ? null : measured <= h.rule.distance_cap_km * 1000;
    return { ...h, withinCap, straightMeters: sm, walk: w, motorbike: ride.get(h.rule.school_id)! };
  }).sort((a, b) => a.walk.meters - b.walk.meters);

  const listed = candidates.filter((c) => c.reason === 'LISTED_WARD' || c.reason === 'LISTED_STREET' || c.reason === 'LISTED_POLYGON');
  const sub = candidates.filter((c) => c.reason === 'LISTED_SUB_WARD');
  const near = candidates.filter((c) => c.reason === 'NEAREST' && c.withinCap !== false);
  let status: Status; let placed: Candidate | null = null;
  if (listed.length) { status = 'IN_LISTED_AREA'; placed = listed[0]!; }
  else if (sub.length) status = 'DEPENDS_ON_SUB_AREA';
  else if (near.length) { status = 'NEAREST_BY_DISTANCE'; placed = near[0]!; }
  else if (candidates.length) status = 'OUTSIDE_EVERY_CAP';
  else status = 'NO_RULE';
  const alternatives = candidates.filter((c) => c !== placed).slice(0, 4);
  const nearestByRoad = status === 'NO_RULE' || status === 'OUTSIDE_EVERY_CAP'
    ? await schoolsByRoad(point, { level: ENTRY_LEVEL[grade]!, limit: 3, publicOnly: true, graph }) : [];

  // In words.
  const road = (l: Leg) => (l.measure === 'ROAD' ? fmt(l.meters, lang) : tr('admission.straight', { distance: fmt(l.meters, lang) }));
  const quota = (r: RuleOut) => (lang === 'vi'
    ? `${r.quota_places} học sinh${r.quota_classes ? ` (${r.quota_classes} lớp)` : ''}`
    : `${r.quota_places} pupils${r.quota_classes ? ` (${r.quota_classes} classes)` : ''}`);
  const byRoadList = (xs: { name: string; leg: Leg }[]) => xs.map((x) => `${x.name} (${road(x.leg)})`).join('; ');
  const lines: string[] = [];
  const base = { year, grade };
  if (status === 'IN_LISTED_AREA') {
    lines.push(tr('admission.listed', { ...base, school: placed!.rule.school.name, area: placed!.area, road: road(placed!.walk), walk: placed!.walk.minutes, ride: placed!.motorbike.minutes, quota: quota(placed!.rule) }) as string);
  } else if (status === 'DEPENDS_ON_SUB_AREA') {
    lines.push(tr('admission.subArea', { ...base, list: sub.map((c) => `${c.area} → ${c.rule.school.name} (${road(c.walk)})`).join('; ') }) as string);
  } else if (status === 'NEAREST_BY_DISTANCE') {
    const cap = placed!.rule.distance_cap_km == null ? '' : tr('admission.capNote', { cap: placed!.rule.distance_cap_km.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB'), metric: tr(`admission.metric${placed!.rule.distance_metric}`) });
    lines.push(tr('admission.nearest', { ...base, school: placed!.rule.school.name, road: road(placed!.walk), walk: placed!.walk.minutes, ride: placed!.motorbike.minutes, cap, quota: quota(placed!.rule) }) as string);
  } else if (status === 'OUTSIDE_EVERY_CAP') {
    lines.push(tr('admission.outsideCaps', { ...base, list: byRoadList(candidates.slice(0, 3).map((c) => ({ name: c.rule.school.name, leg: c.walk }))) }) as string);
  } else if (nearestByRoad.length) {
    lines.push(tr('admission.noRule', { ...base, ward: ward.name, list: byRoadList(nearestByRoad.map((s) => ({ name: s.school.name, leg: s.walk }))) }) as string);
  } else {
    lines.push(tr('admission.noRuleNone', { ...base, ward: ward.name }) as string);
  }
  if (placed?.rule.priority_groups.length) lines.push(tr('admission.priority', { groups: placed.rule.priority_groups.join('; ') }) as string);
  if (status !== 'NO_RULE' && alternatives.length && status !== 'DEPENDS_ON_SUB_AREA' && status !== 'OUTSIDE_EVERY_CAP') {
    lines.push(tr('admission.alternatives', { list: byRoadList(alternatives.slice(0, 3).map((c) => ({ name: c.rule.school.name, leg: c.walk }))) }) as string);
  }
  lines.push(nextStep
    ? tr('admission.calendar', { step: tr(`admission.step.${nextStep.step}`), from: shownDate(nextStep.starts_on), to: shownDate(nextStep.ends_on) }) as string
    : tr('admission.calendarNone', { year }) as string);
  const sources = [...new Set(candidates.map((c) => c.rule.source_title))];
  if (sources.length) lines.push(tr('admission.source', { source: sources.join('; ') }) as string);

  // Next year, when its rules are out: the same answer, and what changes for this home.
  let nextYear: AdmissionAnswer | null = null; let movesNextYear: boolean | null = null;
  if (opts.nextYear !== false && status !== 'NO_RULE') {
    const ny = nextYearOf(year);
    const [{ n }] = await prisma().$queryRaw<{ n: number }[]>(sql`
      SELECT count(*)::int AS n FROM admission_rule WHERE province_code = ${ward.provinceCode} AND school_year = ${ny} AND grade = ${grade}::int`) as [{ n: number }];
    if (n) {
      nextYear = await admissionAt(home, ny, grade, lang, { graph, nextYear: false });
      const [a, b] = [placed?.rule.school_id ?? null, nextYear.placed?.rule.school_id ?? null];
      movesNextYear = a !== b;
      if (a && b && a !== b) lines.push(tr('admission.nextYearMoves', { year: ny, from: placed!.rule.school.name, to: nextYear.placed!.rule.school.name }) as string);
      else if (a && b) lines.push(tr('admission.nextYearSame', { year: ny, school: placed!.rule.school.name }) as string);
      else lines.push(tr('admission.nextYearOther', { year: ny, answer: nextYear.explanation.split(/(?<=\.) /)[0] }) as string);
    }
  }
  return { schoolYear: year, grade, status, placed, alternatives, nearestByRoad, nextStep, nextYear, movesNextYear, explanation: lines.join(' ') };
}

const StatusEnum = builder.enumType('AdmissionStatus', {
  values: {
    IN_LISTED_AREA: { description: 'The home is in an area a school\'s rule lists (its ward, or its street and house numbers): that school.' },
    DEPENDS_ON_SUB_AREA: { description: 'The ward divides its areas by khu phố/ấp, which a map point cannot tell: see alternatives with their areas.' },
    NEAREST_BY_DISTANCE: { description: 'Places go by distance: the nearest school by road whose cap (if any) reaches the home.' },
    OUTSIDE_EVERY_CAP: { description: 'Rules go by distance but the home is beyond every cap: the ward assigns a place.' },
    NO_RULE: { description: 'No published rule takes this home: nearestByRoad lists the nearest public schools by road. Never an invented zone.' },
  } as const,
});
const ReasonEnum = builder.enumType('AdmissionReason', {
  values: {
    LISTED_WARD: { description: 'The rule lists the home\'s whole ward.' },
    LISTED_STREET: { description: 'The rule lists the street the home is on (house numbers as given in area).' },
    LISTED_SUB_WARD: { description: 'The rule lists khu phố/ấp of the home\'s ward (named in area).' },
    LISTED_POLYGON: { description: 'The home is inside the official boundary imported for the rule (kind admission-zones).' },
    NEAREST: { description: 'The rule takes the nearest homes by distance.' },
  } as const,
});
const CandidateRef = builder.objectRef<Candidate>('AdmissionCandidate').implement({
  description: 'A school whose rule can take the home, with how far it is.',
  fields: (t) => ({
    school: t.field({ type: School, resolve: (c) => prisma().school.findUniqueOrThrow({ where: { id: c.rule.school_id } }) as never }),
    reason: t.field({ type: ReasonEnum, resolve: (c) => c.reason }),
    area: t.string({ nullable: true, description: 'The listed area that takes the home (ward, street with numbers, or khu phố/ấp).', resolve: (c) => c.area }),
    quotaPlaces: t.int({ resolve: (c) => c.rule.quota_places }),
    quotaClasses: t.int({ nullable: true, resolve: (c) => c.rule.quota_classes }),
    priorityGroups: t.stringList({ resolve: (c) => c.rule.priority_groups }),
    distanceCapKm: t.float({ nullable: true, resolve: (c) => c.rule.distance_cap_km }),
    withinCap: t.boolean({ nullable: true, description: 'Whether the home is within the rule\'s cap (null: no cap).', resolve: (c) => c.withinCap }),
    straightLineMeters: t.int({ resolve: (c) => Math.round(c.straightMeters) }),
    walk: t.field({ type: LegRef, resolve: (c) => c.walk }),
    motorbike: t.field({ type: LegRef, resolve: (c) => c.motorbike }),
    route: t.field({
      type: 'GeoJSON', nullable: true, complexity: 5, description: 'The route from the home (GeoJSON LineString); null for a straight-line answer.',
      args: { mode: t.arg({ type: Mode, required: false, defaultValue: 'WALK' }) },
      resolve: (c, a) => routeGeometry((a.mode ?? 'WALK') === 'WALK' ? c.walk : c.motorbike),
    }),
    sourceTitle: t.string({ resolve: (c) => c.rule.source_title }),
    documentNumber: t.string({ nullable: true, resolve: (c) => c.rule.document_number }),
    isSynthetic: t.boolean({ resolve: (c) => c.rule.is_synthetic }),
  }),
});
const RoadSchoolList = builder.objectRef<RoadSchool>('AdmissionNearbySchool').implement({
  fields: (t) => ({
    school: t.field({ type: School, resolve: (r) => prisma().school.findUniqueOrThrow({ where: { id: r.school.id } }) as never }),
    straightLineMeters: t.int({ resolve: (r) => Math.round(r.straightMeters) }),
    walk: t.field({ type: LegRef, resolve: (r) => r.walk }),
    motorbike: t.field({ type: LegRef, resolve: (r) => r.motorbike }),
  }),
});
export const AdmissionAnswerRef = builder.objectRef<AdmissionAnswer>('AdmissionAnswer');
AdmissionAnswerRef.implement({
  description: 'Where a home is placed for an entry grade and school year, from the published admission rules.',
  fields: (t) => ({
    schoolYear: t.string({ resolve: (a) => a.schoolYear }),
    status: t.field({ type: StatusEnum, resolve: (a) => a.status }),
    placed: t.field({ type: CandidateRef, nullable: true, resolve: (a) => a.placed }),
    alternatives: t.field({ type: [CandidateRef], resolve: (a) => a.alternatives }),
    nearestByRoad: t.field({ type: [RoadSchoolList], description: 'With NO_RULE or OUTSIDE_EVERY_CAP: the nearest public schools of the level by road.', resolve: (a) => a.nearestByRoad }),
    nextStep: t.field({ type: CalendarStepRef, nullable: true, description: 'The calendar\'s next step for this grade (still open or ahead).', resolve: (a) => a.nextStep }),
    nextYear: t.field({ type: AdmissionAnswerRef, nullable: true, description: 'The same answer under next year\'s rules, once they are published.', resolve: (a) => a.nextYear }),
    movesNextYear: t.boolean({ nullable: true, description: 'Whether next year\'s rules place the home at another school (null: no rules for next year).', resolve: (a) => a.movesNextYear }),
    explanation: t.string({ description: 'The answer in plain words, in the request\'s language.', resolve: (a) => a.explanation }),
  }),
});
