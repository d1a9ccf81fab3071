// Accent-, case- and typo-tolerant search over school names, today's wards and pre-2025 wards, in PostgreSQL
// (unaccent + pg_trgm word similarity, GIN-indexed; see migration 0002). Parameterised only.
import { sql } from '@edugis/prisma-postgis';
import { limitCost } from '../cost.ts';
import { builder } from '../builder.ts';
import { prisma } from '../db.ts';
import { userError } from '../errors.ts';
import { checkLimit } from './geo-args.ts';

const SearchKind = builder.enumType('SearchKind', {
  values: {
    SCHOOL: { description: 'A school, by name.' },
    WARD: { description: 'A ward/commune of today.' },
    FORMER_WARD: { description: 'A pre-2025 ward, written with its district ("Phường 12, Quận 3"); `successors` are the wards it went into.' },
  } as const,
});

interface Hit { kind: 'SCHOOL' | 'WARD' | 'FORMER_WARD'; id: string; label: string; context: string | null; score: number }

const Hit = builder.objectRef<Hit>('SearchHit').implement({
  fields: (t) => ({
    kind: t.expose('kind', { type: SearchKind }),
    label: t.exposeString('label', { description: 'What matched, as written in the data.' }),
    context: t.exposeString('context', { nullable: true, description: 'Where it is: the ward of a school, the province of a ward.' }),
    score: t.exposeFloat('score', { description: 'Word similarity 0–1 after removing accents and case; results are ordered by it.' }),
    school: t.prismaField({ type: 'School', nullable: true, resolve: (q, h) => (h.kind === 'SCHOOL' ? prisma().school.findUnique({ ...q, where: { id: h.id } }) : null) }),
    ward: t.prismaField({ type: 'AdminUnit', nullable: true, resolve: (q, h) => (h.kind !== 'SCHOOL' ? prisma().adminUnit.findUnique({ ...q, where: { id: h.id } }) : null) }),
    successors: t.prismaField({
      type: ['AdminUnit'],
      description: 'For a pre-2025 ward: today\'s wards it went into (wholly or partly).',
      resolve: (q, h) => (h.kind === 'FORMER_WARD' ? prisma().adminUnit.findMany({ ...q, where: { predecessors: { some: { oldUnitId: h.id } } }, orderBy: { code: 'asc' } }) : []),
    }),
  }),
});

export const MAX_SEARCH_LENGTH = 200;

builder.queryField('search', (t) =>
  t.field({
    type: [Hit],
    complexity: (args) => ({ field: 10, multiplier: limitCost(args.limit, 10, 50) }),
    description:
      'Finds schools, today\'s wards/communes and pre-2025 wards by name, ignoring accents and case and tolerating typos: "nguyen du" finds ' +
      '"Nguyễn Du", "tieu hoc ben thanh" finds "Trường Tiểu học Bến Thành", "Phường 12, Quận 3" finds that former ward and the wards it went into. ' +
      `Best matches first; \`limit\` 1–50 (default 10); text 1–${MAX_SEARCH_LENGTH} characters.`,
    args: { text: t.arg.string({ required: true }), limit: t.arg.int({ required: false, defaultValue: 10 }) },
    resolve: async (_root, args, ctx) => {
      const text = args.text.normalize('NFC').trim();
      if (!text) throw userError(ctx.lang, 'error.emptySearch');
      if (text.length > MAX_SEARCH_LENGTH) throw userError(ctx.lang, 'error.searchTooLong', { max: MAX_SEARCH_LENGTH });
      const limit = checkLimit(ctx.lang, args.limit ?? 10, 50);
      // The similarity threshold (0.5, typo-tolerant) is set on every connection: see SEARCH_SIMILARITY_THRESHOLD.
      // Each kind is read from its GiST trigram index as a nearest-neighbour scan on word-similarity distance
      // (<<->), which stops after `pool` rows however many names match (migration 0003); that small pool is
      // then ranked by word similarity, then whole-name similarity, so that "ben thanh" puts "Phường Bến Thành"
      // before "Trường Mầm non Bến Thành 10".
      // The folded text goes in as an expression of the parameter, not a joined column: a nearest-neighbour
      // index scan needs a constant on one side of <<->.
      const pool = Math.max(limit * 3, 30);
      const q = sql`edugis_fold(${text})`;
      return prisma().$queryRaw<Hit[]>(sql`
        WITH schools AS (
          SELECT s.id, s.name, s.ward_id, 1 - (${q} <<-> edugis_fold(s.name)) AS score, similarity(${q}, edugis_fold(s.name)) AS whole
          FROM school s WHERE ${q} <% edugis_fold(s.name)
          ORDER BY ${q} <<-> edugis_fold(s.name) LIMIT ${pool}::int),
        units AS (
          SELECT a.id, a.valid_to, a.full_name, a.parent_id, 1 - (${q} <<-> a.search_text) AS score, similarity(${q}, a.search_text) AS whole
          FROM admin_unit a WHERE ${q} <% a.search_text AND a.level = 'WARD'
          ORDER BY ${q} <<-> a.search_text LIMIT ${pool}::int)
        SELECT kind, id, label, context, score FROM (
          SELECT 'SCHOOL' AS kind, s.id, s.name AS label, w.full_name AS context, s.score, s.whole
          FROM schools s LEFT JOIN admin_unit w ON w.id = s.ward_id
          UNION ALL
          SELECT CASE WHEN u.valid_to IS NULL THEN 'WARD' ELSE 'FORMER_WARD' END, u.id,
                 CASE WHEN u.valid_to IS NULL THEN u.full_name ELSE u.full_name || ', ' || d.full_name END,
                 CASE WHEN u.valid_to IS NULL THEN d.full_name END,
                 u.score, u.whole
          FROM units u LEFT JOIN admin_unit d ON d.id = u.parent_id
        ) hits
        ORDER BY score DESC, whole DESC, CASE kind WHEN 'SCHOOL' THEN 0 WHEN 'WARD' THEN 1 ELSE 2 END, label
        LIMIT ${limit}::int`).then((rows) => rows.map((r) => ({ ...r, score: Number(r.score) })));
    },
  }),
);
