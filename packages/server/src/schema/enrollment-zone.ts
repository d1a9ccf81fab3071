// "Which school is my home zoned for?": the zones that contain a point, explained in plain language.
import { sql } from '@edugis/prisma-postgis';
import { builder } from '../builder.ts';
import { prisma, spatial } from '../db.ts';
import { userError } from '../errors.ts';
import { translator, type Lang } from '../i18n.ts';
import { checkPoint, walkingMinutes } from './geo-args.ts';
import { NEAREST_DEFAULT_M, NearbySchool, nearestOf } from './school.ts';
import { admissionAt, AdmissionAnswerRef, type AdmissionAnswer } from './admission-answer.ts';
import { roadGraph } from '../routing.ts';

const ENTRY_LEVEL: Record<number, string> = { 1: 'PRIMARY', 6: 'LOWER_SECONDARY', 10: 'UPPER_SECONDARY' };
// The seed's derived zones (seeds/src/index.ts); matched by its start, as the seed's wording has grown before.
const VORONOI_RULE = /^Synthetic: Voronoi cell of the ward's public schools\b/;

const EnrollmentZone = builder.prismaObject('EnrollmentZone', {
  description: 'An admission zone (tuyển sinh đầu cấp): the area whose children a school admits for an entry grade in a school year.',
  fields: (t) => ({
    id: t.exposeID('id'),
    entryGrade: t.exposeInt('entryGrade', { description: '1 (primary), 6 (lower secondary) or 10 (upper secondary, where zones exist).' }),
    schoolYear: t.exposeString('schoolYear', { description: 'Written "2025-2026".' }),
    rule: t.exposeString('rule', { description: 'How the zone was drawn.' }),
    isSynthetic: t.exposeBoolean('isSynthetic', { description: 'True for generated zones: no official zone data is open yet.' }),
    school: t.relation('school'),
    source: t.relation('source'),
  }),
});

const ZoningStatus = builder.enumType('ZoningStatus', {
  values: {
    ZONED: { description: 'Exactly one zone contains the point.' },
    NO_ZONE: { description: 'No zone contains the point: see nearestCandidates.' },
    SEVERAL_ZONES: { description: 'Two or more zones contain the point (it lies on a shared border): see zones.' },
  } as const,
});

interface ZoneMatch { zone: { id: string; schoolId: string; rule: string; isSynthetic: boolean; entryGrade: number; schoolYear: string }; distanceMeters: number }
interface GradeZoning { entryGrade: number; status: 'ZONED' | 'NO_ZONE' | 'SEVERAL_ZONES'; zones: ZoneMatch[]; nearestCandidates: Awaited<ReturnType<typeof nearestOf>>; explanation: string; admission: AdmissionAnswer }

const ZoneMatchRef = builder.objectRef<ZoneMatch>('ZoneMatch').implement({
  fields: (t) => ({
    zone: t.field({ type: EnrollmentZone, resolve: (m) => m.zone as never }),
    distanceMeters: t.exposeFloat('distanceMeters', { description: 'Straight-line metres from the point to the zone\'s school.' }),
    walkingMinutes: t.int({ description: 'Estimated walk (straight line + 30 %, 4.5 km/h).', resolve: (m) => walkingMinutes(m.distanceMeters) }),
  }),
});
const GradeZoningRef = builder.objectRef<GradeZoning>('GradeZoning').implement({
  fields: (t) => ({
    entryGrade: t.exposeInt('entryGrade'),
    status: t.expose('status', { type: ZoningStatus }),
    zones: t.field({ type: [ZoneMatchRef], resolve: (g) => g.zones }),
    nearestCandidates: t.field({ type: [NearbySchool], description: 'When no zone or several zones contain the point: the nearest public schools of the level.', resolve: (g) => g.nearestCandidates }),
    explanation: t.exposeString('explanation', { description: 'Plain-language explanation in the request\'s language, fit for screen readers and sharing: the published rules\' answer first (or plainly that there is none), then the illustrative zone.' }),
    admission: t.field({ type: AdmissionAnswerRef, description: 'The answer from the published admission rules (quota, distance by road, calendar, next year); the zones above are illustrations.', resolve: (g) => g.admission }),
  }),
});
const ZoneLookup = builder.objectRef<{ covered: boolean; message: string | null; wardId: string | null; schoolYear: string; grades: GradeZoning[] }>('ZoneLookup').implement({
  fields: (t) => ({
    covered: t.exposeBoolean('covered', { description: 'False when no ward/commune EduGIS knows contains the point.' }),
    message: t.exposeString('message', { nullable: true, description: 'Why nothing was found, when covered is false.' }),
    ward: t.prismaField({ type: 'AdminUnit', nullable: true, description: 'Today\'s ward/commune at the point.', resolve: (q, l) => (l.wardId ? prisma().adminUnit.findUnique({ ...q, where: { id: l.wardId } }) : null) }),
    schoolYear: t.exposeString('schoolYear'),
    grades: t.field({ type: [GradeZoningRef], resolve: (l) => l.grades }),
  }),
});

// The school years and entry grades that have zones change only when zones are loaded (a reseed), so they are
// read once a minute rather than scanned on every lookup.
let zoneCatalogue: { at: number; value: Promise<{ years: string[]; grade10Years: Set<string> }> } | null = null;
function knownZoneYears() {
  if (!zoneCatalogue || Date.now() - zoneCatalogue.at > 60_000) {
    const value = prisma().enrollmentZone.groupBy({ by: ['schoolYear', 'entryGrade'], orderBy: { schoolYear: 'asc' } }).then((rows) => ({
      years: [...new Set(rows.map((r) => r.schoolYear))],
      grade10Years: new Set(rows.filter((r) => r.entryGrade === 10).map((r) => r.schoolYear)),
    }));
    value.catch(() => (zoneCatalogue = null));
    zoneCatalogue = { at: Date.now(), value };
  }
  return zoneCatalogue.value;
}

function formatMeters(m: number, lang: Lang) {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} km`;
}

builder.queryField('enrollmentZonesAt', (t) =>
  t.field({
    type: ZoneLookup,
    complexity: 10,
    description:
      'The admission zones that contain a point, for each entry grade (1, 6, and 10 where zones exist), with the school, the straight-line ' +
      'distance and a plain-language explanation. When no zone or several zones contain the point this is said, with the nearest candidates. ' +
      '`schoolYear` is written "2025-2026"; by default the latest year with zones.',
    args: {
      longitude: t.arg.float({ required: true }),
      latitude: t.arg.float({ required: true }),
      schoolYear: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const point = checkPoint(ctx.lang, args.longitude, args.latitude);
      const tr = translator(ctx.lang);
      const zoneYears = await knownZoneYears();
      const ruleYears = await prisma().$queryRaw<{ school_year: string; grade: number }[]>(sql`SELECT DISTINCT school_year, grade::int AS grade FROM admission_rule`);
      const years = [...new Set([...zoneYears.years, ...ruleYears.map((r) => r.school_year)])].sort();
      const grade10Years = new Set([...zoneYears.grade10Years, ...ruleYears.filter((r) => r.grade === 10).map((r) => r.school_year)]);
      const year = args.schoolYear ?? years.at(-1) ?? '';
      if (!years.includes(year)) throw userError(ctx.lang, 'error.unknownSchoolYear', { year: year.slice(0, 20), known: years.join(', ') });
      const [wardId] = await spatial().adminUnit.containing({ point, where: sql`t.level = 'WARD' AND t.valid_to IS NULL` });
      const ward = wardId ? await prisma().adminUnit.findUnique({ where: { id: wardId }, select: { code: true, name: true, provinceCode: true } }) : null;
      if (!wardId || !ward) return { covered: false, message: tr('zone.outside') as string, wardId: null, schoolYear: year, grades: [] };

      const zoneIds = await spatial().enrollmentZone.containing({ point, where: sql`t.school_year = ${year}` });
      const zones = await prisma().enrollmentZone.findMany({ where: { id: { in: zoneIds } }, include: { school: true }, orderBy: { id: 'asc' } });
      const dist = await spatial().school.distances({ point, ids: zones.map((z) => z.schoolId) });
      const grades = grade10Years.has(year) ? [1, 6, 10] : [1, 6];

      const out: GradeZoning[] = [];
      const graph = await roadGraph(ward.provinceCode);
      // The grades' answers at once: their queries overlap.
      const admissions = await Promise.all(grades.map((grade) => admissionAt({ point, ward }, year, grade, ctx.lang, { graph })));
      for (const [i, grade] of grades.entries()) {
        const admission = admissions[i]!;
        const matches = zones.filter((z) => z.entryGrade === grade).map((z) => ({ zone: z, distanceMeters: dist.get(z.schoolId) ?? 0 }));
        const status = matches.length === 1 ? 'ZONED' : matches.length === 0 ? 'NO_ZONE' : 'SEVERAL_ZONES';
        const nearestCandidates = status === 'ZONED' ? [] : await nearestOf(point, { level: ENTRY_LEVEL[grade]!, limit: 3, publicOnly: true, maxDistanceMeters: NEAREST_DEFAULT_M });
        const lines: string[] = [];
        const nameOf = (id: string) => zones.find((z) => z.schoolId === id)?.school.name ?? id;
        if (status === 'ZONED') {
          const m = matches[0]!;
          lines.push(tr('zone.zoned', { grade, year, school: nameOf(m.zone.schoolId), distance: formatMeters(m.distanceMeters, ctx.lang), minutes: walkingMinutes(m.distanceMeters) }) as string);
        } else if (status === 'SEVERAL_ZONES') {
          lines.push(tr('zone.several', { grade, count: matches.length, list: matches.map((m) => `${nameOf(m.zone.schoolId)} (${formatMeters(m.distanceMeters, ctx.lang)})`).join('; ') }) as string);
        } else {
          lines.push(tr('zone.none', { grade, year }) as string);
          if (nearestCandidates.length) {
            lines.push(tr('zone.noneNearest', { list: nearestCandidates.map((c) => `${(c.school as { name: string }).name} (${formatMeters(c.distanceMeters, ctx.lang)})`).join('; ') }) as string);
          }
        }
        if (matches.length) {
          const rule = matches[0]!.zone.rule;
          lines.push(tr('zone.rule', { rule: VORONOI_RULE.test(rule) ? tr('zone.ruleVoronoi') : rule }) as string);
          if (matches.some((m) => m.zone.isSynthetic)) lines.push(tr('zone.synthetic') as string);
        }
        // The rules' answer first; a drawn zone after it, as the illustration it is.
        const explanation = [admission.explanation, ...(matches.length ? [tr('admission.illustrative') as string, ...lines] : [])].join(' ');
        out.push({ entryGrade: grade, status, zones: matches, nearestCandidates, explanation, admission });
      }
      return { covered: true, message: null, wardId, schoolYear: year, grades: out };
    },
  }),
);
