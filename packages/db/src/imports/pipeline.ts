// The import pipeline: one life cycle for every kind of data.
//   upload → read (parse + validate rows) → plan (diff against what is stored) → preview (stored, status PREVIEW
//   or INVALID) → commit (all or nothing; refused if what is stored changed since the preview) → recorded.
// A committed import is reverted by a new import that restores each row's state before it.
// A kind (schools, ward demand, …) is one module implementing ImportKind; this file knows none of them.
import { createHash, randomBytes } from 'node:crypto';
import { sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import { checkSize, sniffFormat, type FileFormat, type Upload } from './file.ts';
import { ImportFileError, ImportRefused, type Issue } from './messages.ts';

/** What the pipeline needs of a database client or transaction. */
export interface SqlClient {
  $queryRaw<T = unknown>(query: Sql): Promise<T>;
  $executeRaw(query: Sql): Promise<number>;
}
/** Runs `fn` in one write transaction (the server passes its own, with its limits; the CLI a plain one). */
export type RunTransaction = <T>(fn: (tx: SqlClient) => Promise<T>) => Promise<T>;

/** SKIP: a row of the file that is not written (ambiguous, outside the province, …), listed with its reason. */
export type Action = 'ADD' | 'CHANGE' | 'UNCHANGED' | 'REMOVE' | 'KEEP' | 'SKIP';
/** One row of the plan: what happens to one stored record. `before`/`after` are the record's full state. */
export interface PlanItem<S = unknown, R = unknown> {
  action: Action;
  /** The record's key (a school id, a ward id). */
  key: string;
  /** A name people recognise it by. */
  label: string;
  /** The file's row (1 = header of a table; features count from 1). */
  row?: number;
  /** The validated row it came from (a plan is recomputed from these at commit). */
  data?: R;
  before: S | null;
  after: S | null;
  /** Fields whose value changes, for the preview. */
  fields?: { field: string; before: unknown; after: unknown }[];
  /** A point to show it on the map. */
  lng?: number | null;
  lat?: number | null;
  /** Why a KEEP is kept, etc. */
  note?: Issue;
}

export interface ImportContext {
  importId: string;
  sourceId: string;
  province: { id: string; code: string; name: string };
  isSynthetic: boolean;
  options: Record<string, unknown>;
}

/** A value shown once to whoever committed the import: a new account's one-time password. */
export interface ImportSecret { key: string; label: string; username: string; password: string }

export interface ImportKind<R = unknown, S = unknown> {
  id: string;
  formats: readonly FileFormat[];
  /** Parses and checks each row on its own (no database). */
  read(upload: Upload, format: FileFormat, ctx: ImportContext): Promise<{ rows: R[]; errors: Issue[]; warnings: Issue[] }>;
  /** What committing the rows would do to what is stored now; checks that need the database add errors. */
  plan(client: SqlClient, rows: R[], ctx: ImportContext): Promise<{ items: PlanItem<S, R>[]; errors: Issue[]; warnings: Issue[] }>;
  /**
   * Writes the `after` of every ADD/CHANGE and deletes every REMOVE (in key order, so parallel writers queue).
   * Secrets (the one-time passwords of new accounts) go back to the committing person once and are never stored.
   */
  apply(tx: SqlClient, items: PlanItem<S, R>[], ctx: ImportContext): Promise<void | { secrets?: ImportSecret[] }>;
  /** The licence its data always has, whatever the uploader says (OpenStreetMap: ODbL-1.0). */
  licence?: string;
  /** The attribution its data carries, when not the generic "title (imported by …)" (OpenStreetMap's). */
  attribution?(rec: { source_title: string; options: Record<string, unknown> }): string;
  /** Checks that a revert can restore `before` (nothing changed since, nothing depends on an added row). */
  checkRevert(tx: SqlClient, items: PlanItem<S, R>[], ctx: ImportContext): Promise<Issue | null>;
}

const kinds = new Map<string, ImportKind<any, any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
export function registerKind(kind: ImportKind<any, any>): void { kinds.set(kind.id, kind); } // eslint-disable-line @typescript-eslint/no-explicit-any
export const importKinds = () => [...kinds.keys()];
export function kindOf(id: string): ImportKind | undefined { return kinds.get(id); }

/** Errors stored per import (the count is always kept whole). */
const MAX_STORED_ISSUES = 1000;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const newImportId = () => `imp-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(5).toString('hex')}`;
/** A JSON text with sorted keys: two values compare equal whatever order their keys came in (jsonb reorders them). */
export const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
/** The plan's fingerprint, hashed item by item (a national plan as one JSON text would be some 50 MB). */
function hashPlan(items: PlanItem[]): string {
  const h = createHash('sha256');
  for (const i of items) h.update(canonical(i)).update('\n');
  return h.digest('hex');
}

export interface StageInput {
  kind: string;
  /** A fixed id (the seed's own import, so a seed is deterministic); a new one otherwise. */
  id?: string;
  upload: Upload;
  provinceCode: string;
  actor: { id: string | null; name: string };
  source: { title: string; licence: string };
  isSynthetic?: boolean;
  options?: Record<string, unknown>;
}

export interface StageResult { id: string; status: 'INVALID' | 'PREVIEW'; counts: Record<string, number>; errors: Issue[]; warnings: Issue[] }

async function provinceOf(client: SqlClient, code: string) {
  const [p] = await client.$queryRaw<{ id: string; code: string; name: string }[]>(sql`
    SELECT id, code, full_name AS name FROM admin_unit WHERE level = 'PROVINCE' AND valid_to IS NULL AND code = ${code}`);
  return p ?? null;
}

function countsOf(items: PlanItem[], errors: number, warnings: number): Record<string, number> {
  const c: Record<string, number> = { ADD: 0, CHANGE: 0, UNCHANGED: 0, REMOVE: 0, KEEP: 0, SKIP: 0, errors, warnings };
  for (const i of items) c[i.action]! += 1;
  return c;
}

/**
 * Rows per statement when a bulk write sends its rows as one JSON parameter. Small on purpose: Prisma's debug
 * module keeps the arguments of its last 100 calls even with debugging off (`argsHistory` in `@prisma/debug` and
 * the copy bundled in the client runtime), and a raw query's call carries its parameters as one string. At 5,000
 * rows a national import kept some 190 MB of such strings alive; at a few hundred it keeps a few tens of MB.
 */
export const BULK_ROWS = 250;

/** Runs `write` over `list` in slices of `size`, one after another (in the list's order, so row locks queue). */
export async function inSlices<T>(list: T[], write: (slice: T[], offset: number) => Promise<unknown>, size = BULK_ROWS): Promise<void> {
  for (let i = 0; i < list.length; i += size) await write(list.slice(i, i + size), i);
}

async function insertItems(tx: SqlClient, importId: string, items: PlanItem[]): Promise<void> {
  await inSlices(items, (slice, offset) => tx.$executeRaw(sql`
    INSERT INTO data_import_item (import_id, seq, action, row_number, item)
    SELECT ${importId}, x.seq, x.action, x.row, x.item
    FROM jsonb_to_recordset(${JSON.stringify(slice.map((it, j) => ({ seq: offset + j, action: it.action, row: it.row ?? null, item: it })))}::jsonb)
      AS x(seq int, action text, row int, item jsonb)`));
}

/**
 * Reads, checks and plans a file and records it as an import: PREVIEW when it can be committed, INVALID with its
 * errors otherwise. Writes nothing but the import's own record.
 */
export async function stageImport(client: SqlClient, run: RunTransaction, input: StageInput): Promise<StageResult> {
  const kind = kinds.get(input.kind);
  if (!kind) throw new Error(`unknown import kind ${input.kind}`);
  const id = input.id ?? newImportId();
  const province = await provinceOf(client, input.provinceCode);
  if (!province) throw new ImportRefused({ key: 'provinceUnknown', values: { code: input.provinceCode } }, 'IMPORT_INVALID');
  const ctx: ImportContext = { importId: id, sourceId: `import-${id}`, province, isSynthetic: !!input.isSynthetic, options: input.options ?? {} };
  let format: FileFormat | 'unknown' = 'unknown';
  let items: PlanItem[] = [];
  let errors: Issue[] = [];
  let warnings: Issue[] = [];
  try {
    checkSize(input.upload.bytes.byteLength);
    format = sniffFormat(input.upload);
    if (!kind.formats.includes(format)) throw new ImportFileError({ key: 'wrongFormat', values: { format, formats: kind.formats.join(', ') } });
    const read = await kind.read(input.upload, format, ctx);
    // The rows without errors are planned too, so the preview lists every problem of the file at once.
    const bad = new Set(read.errors.map((e) => e.row));
    const planned = await kind.plan(client, read.rows.filter((r) => !bad.has((r as { row?: number }).row)), ctx);
    items = planned.items;
    errors = [...read.errors, ...planned.errors].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    warnings = [...read.warnings, ...planned.warnings];
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err;
    errors = [err.issue];
  }
  const status = errors.length ? 'INVALID' : 'PREVIEW';
  if (status === 'INVALID') items = [];
  const counts = countsOf(items, errors.length, warnings.length);
  await run(async (tx) => {
    await tx.$executeRaw(sql`
      INSERT INTO data_import (id, kind, status, province_code, actor_id, actor_name, file_name, file_size, sha256, format,
                               source_title, licence, is_synthetic, options, errors, warnings, plan_hash, counts)
      VALUES (${id}, ${kind.id}, ${status}, ${province.code}, ${input.actor.id}, ${input.actor.name}, ${input.upload.name.slice(0, 255) || 'upload'},
              ${input.upload.bytes.byteLength}, ${sha256(input.upload.bytes)}, ${format}, ${input.source.title}, ${kind.licence ?? input.source.licence},
              ${ctx.isSynthetic}, ${JSON.stringify(ctx.options)}::jsonb, ${JSON.stringify(errors.slice(0, MAX_STORED_ISSUES))}::jsonb,
              ${JSON.stringify(warnings.slice(0, MAX_STORED_ISSUES))}::jsonb, ${status === 'PREVIEW' ? hashPlan(items) : null}, ${JSON.stringify(counts)}::jsonb)`);
    await insertItems(tx, id, items);
  });
  return { id, status, counts, errors, warnings };
}

interface ImportRecord {
  id: string; kind: string; status: string; province_code: string; file_name: string; sha256: string; format: string;
  source_title: string; licence: string; is_synthetic: boolean; options: Record<string, unknown>; plan_hash: string | null;
  counts: Record<string, number>; reverted_by_id: string | null; reverts_id: string | null;
}

/** Takes the province's import lock (two imports of one province never interleave: the second waits) and the record. */
async function lockImport(tx: SqlClient, id: string): Promise<ImportRecord> {
  const [head] = await tx.$queryRaw<{ province_code: string }[]>(sql`SELECT province_code FROM data_import WHERE id = ${id}`);
  if (!head) throw new ImportRefused({ key: 'notPreview', values: { status: 'UNKNOWN' } });
  await tx.$executeRaw(sql`SELECT pg_advisory_xact_lock(hashtext(${`edugis-import:${head.province_code}`}))`);
  const [rec] = await tx.$queryRaw<ImportRecord[]>(sql`
    SELECT id, kind, status, province_code, file_name, sha256, format, source_title, licence, is_synthetic, options, plan_hash, counts,
           reverted_by_id, reverts_id
    FROM data_import WHERE id = ${id} FOR UPDATE`);
  return rec!;
}

async function itemsOf(tx: SqlClient, id: string): Promise<PlanItem[]> {
  const rows = await tx.$queryRaw<{ item: PlanItem }[]>(sql`SELECT item FROM data_import_item WHERE import_id = ${id} ORDER BY seq`);
  return rows.map((r) => r.item);
}

async function contextOf(tx: SqlClient, rec: ImportRecord, importId = rec.id): Promise<ImportContext> {
  const province = (await provinceOf(tx, rec.province_code))!;
  return { importId, sourceId: `import-${importId}`, province, isSynthetic: rec.is_synthetic, options: rec.options };
}

async function recordSource(tx: SqlClient, ctx: ImportContext, rec: ImportRecord, actorName: string, kind: ImportKind): Promise<void> {
  const attribution = kind.attribution?.(rec) ?? `${rec.source_title} (imported by ${actorName})`;
  await tx.$executeRaw(sql`
    INSERT INTO data_source (id, title, file, sha256, licence, attribution, is_synthetic)
    VALUES (${ctx.sourceId}, ${rec.source_title}, ${rec.file_name}, ${rec.sha256}, ${rec.licence},
            ${attribution}, ${rec.is_synthetic})
    ON CONFLICT (id) DO NOTHING`);
}

async function setActor(tx: SqlClient, actorId: string | null, importId: string): Promise<void> {
  await tx.$executeRaw(sql`SELECT set_config('edugis.actor', ${actorId ?? ''}, true), set_config('edugis.import', ${importId}, true)`);
}

export interface CommitResult { id: string; counts: Record<string, number>; secrets: ImportSecret[] }

/**
 * Commits a previewed import, all or nothing. The plan is recomputed from the stored rows against what is stored
 * now: if it differs from what the preview showed, the commit is refused (IMPORT_STALE) and nothing is written.
 */
export async function commitImport(run: RunTransaction, id: string, actor: { id: string | null; name: string }): Promise<CommitResult> {
  return run(async (tx) => {
    const rec = await lockImport(tx, id);
    if (rec.status === 'INVALID') throw new ImportRefused({ key: 'hasErrors', values: { n: rec.counts.errors ?? 0 } }, 'IMPORT_INVALID');
    if (rec.status !== 'PREVIEW') throw new ImportRefused({ key: 'notPreview', values: { status: rec.status } });
    const kind = kinds.get(rec.kind)!;
    const ctx = await contextOf(tx, rec);
    const rows = (await tx.$queryRaw<{ data: unknown }[]>(sql`
      SELECT item->'data' AS data FROM data_import_item WHERE import_id = ${id} AND item ? 'data' ORDER BY seq`)).map((r) => r.data);
    const again = await kind.plan(tx, rows, ctx);
    if (again.errors.length || hashPlan(again.items) !== rec.plan_hash) throw new ImportRefused({ key: 'stale' }, 'IMPORT_STALE');
    await setActor(tx, actor.id, id);
    await recordSource(tx, ctx, rec, actor.name, kind);
    const out = await kind.apply(tx, again.items, ctx);
    await tx.$executeRaw(sql`UPDATE data_import SET status = 'COMMITTED', committed_at = CURRENT_TIMESTAMP WHERE id = ${id}`);
    return { id, counts: rec.counts, secrets: out?.secrets ?? [] };
  });
}

/** Drops a preview nobody will commit (its items go; the record stays, as DISCARDED). */
export async function discardImport(run: RunTransaction, id: string): Promise<void> {
  await run(async (tx) => {
    const rec = await lockImport(tx, id);
    if (rec.status !== 'PREVIEW' && rec.status !== 'INVALID') throw new ImportRefused({ key: 'notPreview', values: { status: rec.status } });
    await tx.$executeRaw(sql`UPDATE data_import SET status = 'DISCARDED' WHERE id = ${id}`);
  });
}

/** The seed's own imports (a fixed id): reloaded by the seed, never reverted. */
export const SEED_IMPORT_PREFIX = 'imp-seed-';

/** Why an import cannot be reverted (a message key), or null when it can: what the history offers and revert checks. */
export function notRevertible(rec: { id: string; kind: string; status: string; reverted_by_id: string | null }): string | null {
  if (rec.status !== 'COMMITTED' || rec.reverted_by_id) return 'notCommitted';
  if (rec.id.startsWith(SEED_IMPORT_PREFIX)) return 'seedImport';
  if (rec.kind === 'results') return 'resultsFinal';
  return null;
}

const REVERSED: Record<Action, Action> = { ADD: 'REMOVE', REMOVE: 'ADD', CHANGE: 'CHANGE', UNCHANGED: 'UNCHANGED', KEEP: 'KEEP', SKIP: 'SKIP' };

/**
 * Reverts a committed import by a new committed import that restores the state before it, row by row. Refused
 * when a row changed since (a later import or correction) or an added row has gained results or accounts.
 */
export async function revertImport(run: RunTransaction, id: string, actor: { id: string | null; name: string }): Promise<CommitResult> {
  return run(async (tx) => {
    const rec = await lockImport(tx, id);
    const not = notRevertible(rec);
    if (not === 'notCommitted') throw new ImportRefused({ key: not });
    if (not === 'seedImport') throw new ImportRefused({ key: not }, 'IMPORT_CONFLICT');
    const kind = kinds.get(rec.kind)!;
    const done = (await itemsOf(tx, id)).filter((i) => i.action === 'ADD' || i.action === 'CHANGE' || i.action === 'REMOVE');
    const undo: PlanItem[] = done.map((i) => ({
      action: REVERSED[i.action], key: i.key, label: i.label, before: i.after, after: i.before,
      fields: i.fields?.map((f) => ({ field: f.field, before: f.after, after: f.before })),
      lng: i.lng, lat: i.lat,
    }));
    const newId = newImportId();
    const ctx = await contextOf(tx, rec, newId);
    const conflict = await kind.checkRevert(tx, undo, ctx);
    if (conflict) throw new ImportRefused(conflict, 'IMPORT_CONFLICT');
    const counts = countsOf(undo, 0, 0);
    await tx.$executeRaw(sql`
      INSERT INTO data_import (id, kind, status, province_code, actor_id, actor_name, file_name, file_size, sha256, format,
                               source_title, licence, is_synthetic, options, counts, reverts_id, committed_at)
      VALUES (${newId}, ${rec.kind}, 'COMMITTED', ${rec.province_code}, ${actor.id}, ${actor.name}, ${`↩ ${rec.file_name}`.slice(0, 255)}, 0,
              ${rec.sha256}, ${rec.format}, ${rec.source_title}, ${rec.licence}, ${rec.is_synthetic}, ${JSON.stringify(rec.options)}::jsonb,
              ${JSON.stringify(counts)}::jsonb, ${id}, CURRENT_TIMESTAMP)`);
    await insertItems(tx, newId, undo);
    await setActor(tx, actor.id, newId);
    const out = await kind.apply(tx, undo, ctx);
    await tx.$executeRaw(sql`UPDATE data_import SET reverted_by_id = ${newId} WHERE id = ${id}`);
    return { id: newId, counts, secrets: out?.secrets ?? [] };
  });
}
