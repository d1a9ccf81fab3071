// Demand figures for capacity (issue 5): province staff load, per ward, how many children of a level's age live
// there in a school year, from their own source; capacityByWard then compares seats with them. All or nothing:
// one bad row refuses the whole load and writes nothing.
import { sql } from '@edugis/prisma-postgis';
import { parseSchoolYear } from '@edugis/maturity';
import { builder, type Context } from '../builder.ts';
import { prisma } from '../db.ts';
import { authError, userError } from '../errors.ts';
import { writeTransaction } from '../transactions.ts';
import { SchoolLevel } from './school.ts';

export const MAX_DEMAND_ROWS = 5000;
export const MAX_CHILDREN = 1_000_000;
const MAX_SOURCE = 300;

const DemandRow = builder.inputType('WardDemandInput', {
  fields: (t) => ({ wardCode: t.string({ required: true }), children: t.int({ required: true }) }),
});

function loader(ctx: Context) {
  const v = ctx.viewer;
  if (!v) throw authError(ctx.lang, ctx.sessionExpired, false);
  if (v.role !== 'PROVINCE_STAFF' && v.role !== 'ADMIN') throw userError(ctx.lang, 'error.demandRole', {}, 'FORBIDDEN');
  return v;
}

builder.mutationField('loadWardDemand', (t) =>
  t.field({
    complexity: 50,
    type: 'Int',
    description: `Province staff (their province's wards) or admins: sets the number of children of a level's age living in each listed ward ` +
      `for a school year (1–${MAX_DEMAND_ROWS} rows, 0–${MAX_CHILDREN} children each), replacing earlier figures for those wards; returns how many were written.`,
    args: {
      schoolYear: t.arg.string({ required: true }),
      level: t.arg({ type: SchoolLevel, required: true }),
      source: t.arg.string({ required: true, description: 'Where the figures come from (shown with them).' }),
      rows: t.arg({ type: [DemandRow], required: true }),
    },
    resolve: async (_r, args, ctx) => {
      const v = loader(ctx);
      const lang = ctx.lang;
      if (!parseSchoolYear(args.schoolYear)) throw userError(lang, 'error.invalidSchoolYear', { year: args.schoolYear.slice(0, 20) });
      const source = args.source.normalize('NFC').trim();
      if (!source || source.length > MAX_SOURCE) throw userError(lang, 'error.demandSource', { max: MAX_SOURCE });
      if (args.rows.length === 0 || args.rows.length > MAX_DEMAND_ROWS) throw userError(lang, 'error.demandRows', { max: MAX_DEMAND_ROWS, n: args.rows.length });
      const seen = new Set<string>();
      for (const [i, r] of args.rows.entries()) {
        if (!Number.isInteger(r.children) || r.children < 0 || r.children > MAX_CHILDREN) throw userError(lang, 'error.demandChildren', { row: i + 1, max: MAX_CHILDREN });
        if (seen.has(r.wardCode)) throw userError(lang, 'error.demandDuplicate', { row: i + 1, code: r.wardCode.slice(0, 20) });
        seen.add(r.wardCode);
      }
      // Every ward must be current, and (for province staff) in their province.
      const codes = [...seen];
      const wards = await prisma().$queryRaw<{ id: string; code: string; province_id: string | null }[]>(sql`
        SELECT w.id, w.code, w.parent_id AS province_id FROM admin_unit w WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.code = ANY (${codes}::text[])`);
      const byCode = new Map(wards.map((w) => [w.code, w]));
      const unknown = codes.filter((c) => !byCode.has(c));
      if (unknown.length) throw userError(lang, 'error.unknownUnits', { codes: unknown.slice(0, 10).map((c) => c.slice(0, 10)).join(', '), parent: 'VN' });
      if (v.role === 'PROVINCE_STAFF') {
        const outside = wards.filter((w) => w.province_id !== v.unitId).map((w) => w.code);
        if (outside.length) throw userError(lang, 'error.demandScope', { codes: outside.slice(0, 10).join(', ') }, 'FORBIDDEN');
      }
      const ids = args.rows.map((r) => byCode.get(r.wardCode)!.id);
      const children = args.rows.map((r) => r.children);
      // Rows are written in ward order, whatever order they came in: two loads of the same wards at once then
      // take their row locks in the same order and one waits for the other instead of deadlocking.
      // A load the server cannot run now throws BusyError, answered SERVER_BUSY (errors.ts).
      return writeTransaction((tx) => tx.$executeRaw(sql`
        INSERT INTO ward_demand (ward_id, level, school_year, children, source, loaded_by)
        SELECT u.ward_id, ${args.level}::"SchoolLevel", ${args.schoolYear}, u.children, ${source}, ${v.id}
        FROM unnest(${ids}::text[], ${children}::int[]) AS u(ward_id, children)
        ORDER BY u.ward_id
        ON CONFLICT (ward_id, level, school_year) DO UPDATE SET children = EXCLUDED.children, source = EXCLUDED.source,
          loaded_by = EXCLUDED.loaded_by, loaded_at = CURRENT_TIMESTAMP`));
    },
  }),
);
