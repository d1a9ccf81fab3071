import { sourceTitleVi } from '@edugis/db';
import { builder } from '../builder.ts';
import { prisma } from '../db.ts';
import { translator } from '../i18n.ts';

export const DataSource = builder.prismaObject('DataSource', {
  description: 'Where data came from, with the licence and attribution users must be shown.',
  fields: (t) => ({
    id: t.exposeID('id'),
    title: t.string({
      description: 'What the source is, in the request\'s language where EduGIS knows it in both (its own seed data); a city\'s import keeps the title it was given.',
      resolve: (s, _args, ctx) => (ctx.lang === 'vi' ? sourceTitleVi(s) ?? s.title : s.title),
    }),
    file: t.exposeString('file', { nullable: true }),
    sha256: t.exposeString('sha256', { nullable: true }),
    licence: t.exposeString('licence', { description: 'SPDX identifier, e.g. MIT, ODbL-1.0, GPL-3.0, CC0-1.0.' }),
    attribution: t.exposeString('attribution'),
    url: t.exposeString('url', { nullable: true }),
    isSynthetic: t.exposeBoolean('isSynthetic', { description: 'True for EduGIS\'s own generated data.' }),
  }),
});

const Dataset = builder.objectRef<{ syntheticOnly: boolean; region: string; realSchools: number; syntheticSchools: number; lang: 'vi' | 'en' }>('Dataset');
Dataset.implement({
  description: 'What this EduGIS instance holds: which parts are real and which are synthetic.',
  fields: (t) => ({
    syntheticOnly: t.exposeBoolean('syntheticOnly', { description: 'True when no real data directory was loaded: everything is generated.' }),
    region: t.exposeString('region', { description: 'Province code(s) with schools, e.g. "79" (Ho Chi Minh City).' }),
    realSchools: t.exposeInt('realSchools'),
    syntheticSchools: t.exposeInt('syntheticSchools'),
    notice: t.string({
      description: 'A plain-language statement of what is real and what is synthetic, in the request\'s language.',
      resolve: (d) =>
        d.syntheticOnly
          ? (translator(d.lang)('notice.synthetic') as string)
          : (translator(d.lang)('notice.mixed', { real: d.realSchools, synthetic: d.syntheticSchools }) as string),
    }),
    sources: t.prismaField({
      type: ['DataSource'],
      description: 'Every source loaded, real ones first.',
      resolve: (query) => prisma().dataSource.findMany({ ...query, orderBy: [{ isSynthetic: 'asc' }, { id: 'asc' }] }),
    }),
  }),
});

builder.queryField('dataset', (t) =>
  t.field({
    type: Dataset,
    description: 'What this instance holds and where it came from (sources, licences, attributions; real vs synthetic).',
    resolve: async (_root, _args, ctx) => {
      const [state, groups] = await Promise.all([
        prisma().seedState.findUnique({ where: { id: 1 } }),
        prisma().school.groupBy({ by: ['isSynthetic'], _count: { _all: true } }),
      ]);
      const count = (syn: boolean) => groups.find((g) => g.isSynthetic === syn)?._count._all ?? 0;
      return { syntheticOnly: state?.syntheticOnly ?? true, region: state?.region ?? '', realSchools: count(false), syntheticSchools: count(true), lang: ctx.lang };
    },
  }),
);
