// Imports over GraphQL: the preview of an uploaded file (counts, errors per row in the reader's language, the plan
// row by row with what changes), its commit, discard and revert, and the history of a province's imports.
// Files themselves are uploaded to POST /imports (imports.ts): a GraphQL request carries no 60 MB body.
import { sql } from '@edugis/prisma-postgis';
import { describeIssue, notRevertible, type ImportSecret, type Issue, type PlanItem } from '@edugis/db';
import { builder, type Context } from '../builder.ts';
import { prisma } from '../db.ts';
import { authError, userError } from '../errors.ts';
import { commit, discard, importScope, refusal, revert } from '../imports.ts';

interface ImportRow {
  id: string; kind: string; status: string; province_code: string; actor_name: string; file_name: string; file_size: bigint;
  sha256: string; format: string; source_title: string; licence: string; is_synthetic: boolean; options: Record<string, unknown>;
  errors: Issue[]; warnings: Issue[]; counts: Record<string, number>; reverts_id: string | null; reverted_by_id: string | null;
  created_at: Date; committed_at: Date | null;
}
const COLUMNS = sql`id, kind, status, province_code, actor_name, file_name, file_size, sha256, format, source_title, licence, is_synthetic,
  options, errors, warnings, counts, reverts_id, reverted_by_id, created_at, committed_at`;

const ImportIssue = builder.objectRef<Issue & { lang: Context['lang'] }>('ImportIssue').implement({
  description: 'A problem of an imported file: its row (1 = the header row of a table; features count from 1) and column, in words.',
  fields: (t) => ({
    code: t.string({ description: 'A stable code, e.g. coordinatesSwapped, missingColumn, notUtf8.', resolve: (i) => i.key }),
    row: t.int({ nullable: true, resolve: (i) => i.row ?? null }),
    column: t.string({ nullable: true, resolve: (i) => i.column ?? null }),
    message: t.string({ description: 'In the language of the request.', resolve: (i) => describeIssue(i, i.lang) }),
  }),
});

const FieldChange = builder.objectRef<{ field: string; before: unknown; after: unknown }>('ImportFieldChange').implement({
  fields: (t) => ({
    field: t.exposeString('field'),
    before: t.string({ nullable: true, description: 'The stored value, as JSON.', resolve: (f) => (f.before === null || f.before === undefined ? null : JSON.stringify(f.before)) }),
    after: t.string({ nullable: true, description: 'The value after the commit, as JSON.', resolve: (f) => (f.after === null || f.after === undefined ? null : JSON.stringify(f.after)) }),
  }),
});

const ImportAction = builder.enumType('ImportAction', {
  values: {
    ADD: { description: 'A new record.' },
    CHANGE: { description: 'A stored record whose fields change.' },
    UNCHANGED: { description: 'In the file and already stored as it is.' },
    REMOVE: { description: 'Stored, not in a full-province file, and removed (the importer asked for it).' },
    KEEP: { description: 'Stored, not in a full-province file, and kept.' },
    SKIP: { description: 'In the file and not written (ambiguous, outside the province, no known level); `note` says why.' },
  } as const,
});

const ImportItem = builder.objectRef<PlanItem & { lang: Context['lang'] }>('ImportItem').implement({
  description: 'What the import does (or did) to one record.',
  fields: (t) => ({
    action: t.field({ type: ImportAction, resolve: (i) => i.action }),
    key: t.string({ description: 'The record: a school id (for a match, the stored school\'s), an account id, a ward id.', resolve: (i) => i.key }),
    label: t.string({ description: 'Its name.', resolve: (i) => i.label }),
    row: t.int({ nullable: true, description: 'Its row in the file.', resolve: (i) => i.row ?? null }),
    fields: t.field({ type: [FieldChange], resolve: (i) => i.fields ?? [] }),
    lng: t.float({ nullable: true, resolve: (i) => i.lng ?? null }),
    lat: t.float({ nullable: true, resolve: (i) => i.lat ?? null }),
    note: t.string({ nullable: true, resolve: (i) => (i.note ? describeIssue(i.note, i.lang) : null) }),
  }),
});

const ImportCounts = builder.objectRef<Record<string, number>>('ImportCounts').implement({
  fields: (t) => ({
    added: t.int({ resolve: (c) => c.ADD ?? 0 }),
    changed: t.int({ resolve: (c) => c.CHANGE ?? 0 }),
    unchanged: t.int({ resolve: (c) => c.UNCHANGED ?? 0 }),
    removed: t.int({ resolve: (c) => c.REMOVE ?? 0 }),
    kept: t.int({ description: 'Stored, missing from a full-province file, kept.', resolve: (c) => c.KEEP ?? 0 }),
    skipped: t.int({ description: 'In the file, not written (see the items\' notes).', resolve: (c) => c.SKIP ?? 0 }),
    errors: t.int({ resolve: (c) => c.errors ?? 0 }),
    warnings: t.int({ resolve: (c) => c.warnings ?? 0 }),
  }),
});

const MAX_ITEMS = 500;

const OneTimePassword = builder.objectRef<ImportSecret>('OneTimePassword').implement({
  description: 'A new account\'s one-time password, answered once by the commit that created it and stored nowhere in clear.',
  fields: (t) => ({
    accountId: t.string({ resolve: (s) => s.key }),
    username: t.exposeString('username'),
    password: t.exposeString('password'),
  }),
});

type Loaded = ImportRow & { lang: Context['lang']; secrets?: ImportSecret[] };

const DataImport = builder.objectRef<Loaded>('DataImport').implement({
  description: 'One file through the import pipeline: INVALID (errors; nothing can be written), PREVIEW, COMMITTED or DISCARDED.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.exposeString('kind'),
    status: t.exposeString('status'),
    provinceCode: t.exposeString('province_code'),
    actorName: t.string({ description: 'Who uploaded it.', resolve: (r) => r.actor_name }),
    fileName: t.exposeString('file_name'),
    fileSize: t.float({ description: 'Bytes.', resolve: (r) => Number(r.file_size) }),
    sha256: t.exposeString('sha256'),
    format: t.exposeString('format'),
    sourceTitle: t.exposeString('source_title'),
    licence: t.exposeString('licence'),
    isSynthetic: t.exposeBoolean('is_synthetic'),
    fullProvince: t.boolean({ resolve: (r) => !!r.options.fullProvince }),
    removeMissing: t.boolean({ resolve: (r) => !!r.options.removeMissing }),
    createdAt: t.string({ resolve: (r) => r.created_at.toISOString() }),
    committedAt: t.string({ nullable: true, resolve: (r) => r.committed_at?.toISOString() ?? null }),
    revertsId: t.string({ nullable: true, description: 'This import reverted that one.', resolve: (r) => r.reverts_id }),
    revertedById: t.string({ nullable: true, description: 'This import was reverted by that one.', resolve: (r) => r.reverted_by_id }),
    revertible: t.boolean({
      description: 'Whether revertImport may be tried: committed, not yet reverted, not results (published results are final) and not the seed\'s own import. ' +
        'A revert can still be refused when its records changed since.',
      resolve: (r) => notRevertible(r) === null,
    }),
    counts: t.field({ type: ImportCounts, resolve: (r) => r.counts }),
    oneTimePasswords: t.field({
      type: [OneTimePassword],
      description: 'Accounts imports: the new accounts\' one-time passwords, in the answer of commitImport (or revertImport) only; empty anywhere else.',
      resolve: (r) => r.secrets ?? [],
    }),
    errors: t.field({
      type: [ImportIssue], description: 'The first 1,000 errors, by row.',
      resolve: (r) => r.errors.map((i) => ({ ...i, lang: r.lang })),
    }),
    warnings: t.field({ type: [ImportIssue], resolve: (r) => r.warnings.map((i) => ({ ...i, lang: r.lang })) }),
    items: t.field({
      type: [ImportItem],
      description: `The plan, row by row (of the file's order), optionally of one action; at most ${MAX_ITEMS} from \`offset\`.`,
      complexity: (args) => 5 + Math.min(args.first ?? 100, MAX_ITEMS) / 10,
      args: {
        action: t.arg({ type: ImportAction, required: false }),
        first: t.arg.int({ required: false, defaultValue: 100 }),
        offset: t.arg.int({ required: false, defaultValue: 0 }),
      },
      resolve: async (r, args, ctx) => {
        const first = args.first ?? 100;
        const offset = args.offset ?? 0;
        if (first < 1 || first > MAX_ITEMS) throw userError(ctx.lang, 'error.pageSize', { max: MAX_ITEMS });
        if (offset < 0 || offset > 1_000_000) throw userError(ctx.lang, 'error.invalidArgument');
        const rows = await prisma().$queryRaw<{ item: PlanItem }[]>(sql`
          SELECT item FROM data_import_item WHERE import_id = ${r.id} AND (${args.action ?? null}::text IS NULL OR action = ${args.action ?? null})
          ORDER BY seq LIMIT ${first} OFFSET ${offset}`);
        return rows.map((x) => ({ ...x.item, lang: ctx.lang }));
      },
    }),
  }),
});

function staff(ctx: Context) {
  if (!ctx.viewer) throw authError(ctx.lang, ctx.sessionExpired, false);
  return ctx.viewer;
}

async function load(ctx: Context, id: string): Promise<ImportRow & { lang: Context['lang'] }> {
  const v = staff(ctx);
  const [r] = await prisma().$queryRaw<ImportRow[]>(sql`SELECT ${COLUMNS} FROM data_import WHERE id = ${id}`);
  if (!r || (await importScope(v, r.province_code))) throw userError(ctx.lang, 'error.importNotFound', { id: id.slice(0, 40) }, 'NOT_FOUND');
  return { ...r, lang: ctx.lang };
}

builder.queryField('dataImport', (t) =>
  t.field({
    type: DataImport, description: 'One import, for staff who may import for its province.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => load(ctx, String(args.id)),
  }),
);

builder.queryField('dataImports', (t) =>
  t.field({
    type: [DataImport], description: 'A province\'s imports, newest first (at most 100).',
    args: { provinceCode: t.arg.string({ required: true }), first: t.arg.int({ required: false, defaultValue: 20 }) },
    resolve: async (_r, args, ctx) => {
      const v = staff(ctx);
      if (!/^\d{2}$/.test(args.provinceCode)) throw userError(ctx.lang, 'error.invalidProvinceCode', { code: args.provinceCode.slice(0, 20) });
      const first = args.first ?? 20;
      if (first < 1 || first > 100) throw userError(ctx.lang, 'error.pageSize', { max: 100 });
      const denied = await importScope(v, args.provinceCode);
      if (denied) throw userError(ctx.lang, denied, {}, 'FORBIDDEN');
      const rows = await prisma().$queryRaw<ImportRow[]>(sql`
        SELECT ${COLUMNS} FROM data_import WHERE province_code = ${args.provinceCode} ORDER BY created_at DESC, id LIMIT ${first}`);
      return rows.map((r) => ({ ...r, lang: ctx.lang }));
    },
  }),
);

const step = (name: string, description: string, run: (id: string, ctx: Context) => Promise<{ id: string; secrets?: ImportSecret[] }>) =>
  builder.mutationField(name, (t) =>
    t.field({
      type: DataImport, description, complexity: 50,
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, args, ctx) => {
        const rec = await load(ctx, String(args.id));
        const done = await run(rec.id, ctx).catch((err: unknown) => refusal(ctx.lang, err));
        return { ...(await load(ctx, done.id)), secrets: done.secrets };
      },
    }),
  );

step('commitImport', 'Commits a previewed import, all or nothing. Refused (IMPORT_STALE) when what is stored changed since the preview, ' +
  '(IMPORT_INVALID) when the file has errors, (IMPORT_STATE) when it is no longer a preview. Two imports of one province never interleave.',
(id, ctx) => commit(id, ctx.viewer!));
step('discardImport', 'Discards a preview: nothing is written.', (id) => discard(id).then(() => ({ id })));
step('revertImport', 'Reverts a committed import by a new import that restores the state before it; returns the new import. ' +
  'Refused (IMPORT_CONFLICT) when its records changed since.', (id, ctx) => revert(id, ctx.viewer!));
