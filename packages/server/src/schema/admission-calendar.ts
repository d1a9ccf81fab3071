// The admissions calendar of a province and school year, as its Sở published it and province staff imported it
// (import kind admission-calendar): each step with its dates, whether it is still ahead, open or past today (in
// Vietnam), and where it comes from. Public: parents are shown the next date.
import { CALENDAR_STEPS } from '@edugis/db';
import { sql } from '@edugis/prisma-postgis';
import { builder } from '../builder.ts';
import { prisma } from '../db.ts';
import { userError } from '../errors.ts';

export interface StepRow { step: string; starts_on: string; ends_on: string; note: string | null; source_title: string; attribution: string | null }

const AdmissionStep = builder.enumType('AdmissionStep', {
  values: {
    DATA_CONFIRMATION: { description: 'Parents confirm the child\'s data (residence, identity) with the school or online.' },
    REGISTRATION_GRADE1: { description: 'Online registration for grade 1.' },
    REGISTRATION_GRADE6: { description: 'Online registration for grade 6.' },
    REGISTRATION_GRADE10: { description: 'Registration for grade 10.' },
    RESULTS: { description: 'Admission results are announced.' },
  } satisfies Record<typeof CALENDAR_STEPS[number], unknown>,
});
const StepState = builder.enumType('AdmissionStepState', {
  description: 'Where a step stands today (the date in Vietnam, UTC+7).',
  values: ['UPCOMING', 'OPEN', 'PAST'] as const,
});

/** Today in Vietnam, as YYYY-MM-DD. */
export const todayInVietnam = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

export const CalendarStepRef = builder.objectRef<StepRow>('AdmissionCalendarStep').implement({
  description: 'One step of a province\'s admissions calendar.',
  fields: (t) => ({
    step: t.field({ type: AdmissionStep, resolve: (r) => r.step as 'RESULTS' }),
    startsOn: t.string({ description: 'First day (YYYY-MM-DD).', resolve: (r) => r.starts_on }),
    endsOn: t.string({ description: 'Last day (YYYY-MM-DD), the same as startsOn for a one-day step.', resolve: (r) => r.ends_on }),
    note: t.string({ nullable: true, resolve: (r) => r.note }),
    state: t.field({
      type: StepState,
      resolve: (r) => { const d = todayInVietnam(); return d < r.starts_on ? 'UPCOMING' : d > r.ends_on ? 'PAST' : 'OPEN'; },
    }),
    sourceTitle: t.string({ description: 'The document or page the dates come from, as given at import.', resolve: (r) => r.source_title }),
    attribution: t.string({ nullable: true, resolve: (r) => r.attribution }),
  }),
});

builder.queryField('admissionCalendar', (t) =>
  t.field({
    type: [CalendarStepRef],
    complexity: 5,
    description: 'The admissions calendar of a province for a school year, in date order; empty when none has been imported.',
    args: { provinceCode: t.arg.string({ required: true }), schoolYear: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      if (!/^\d{2}$/.test(args.provinceCode)) throw userError(ctx.lang, 'error.invalidProvinceCode', { code: args.provinceCode.slice(0, 20) });
      const y = /^(\d{4})-(\d{4})$/.exec(args.schoolYear);
      if (!y || Number(y[2]) !== Number(y[1]) + 1) throw userError(ctx.lang, 'error.calendarSchoolYear', { year: args.schoolYear.slice(0, 20) });
      return calendarOf(args.provinceCode, args.schoolYear);
    },
  }),
);

/** A province's calendar steps for a school year, in date order. */
export const calendarOf = (provinceCode: string, schoolYear: string) => prisma().$queryRaw<StepRow[]>(sql`
  SELECT c.step, to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on, c.note,
         d.title AS source_title, d.attribution
  FROM admission_calendar_step c JOIN data_source d ON d.id = c.source_id
  WHERE c.province_code = ${provinceCode} AND c.school_year = ${schoolYear}
  ORDER BY c.starts_on, c.step`);
