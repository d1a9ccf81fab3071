// The database is built by hand-written SQL (Prisma's migration engine cannot be downloaded here); this test
// is what keeps migrations and schema.prisma in step: every model column, type, nullability, index and enum.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import internals from '@prisma/internals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '@edugis/db/testing';
import { migrate } from '../src/migrate.ts';

const SCHEMA = readFileSync(join(import.meta.dirname, '..', 'prisma', 'schema.prisma'), 'utf8');
const { getDMMF } = internals as unknown as { getDMMF(o: { datamodel: string }): Promise<DMMF> };
interface Field { name: string; dbName: string | null; type: string; kind: string; isRequired: boolean; isList: boolean; nativeType: [string, string[]] | null }
interface Model { name: string; dbName: string | null; fields: Field[] }
interface Index { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: { name: string }[]; algorithm?: string }
interface DMMF { datamodel: { models: Model[]; enums: { name: string; values: { name: string }[] }[]; indexes: Index[] } }

/** Unsupported("geometry(Point,4326)")? fields do not appear in the DMMF: read them from the schema text. */
function unsupportedFields(model: string): { name: string; type: string }[] {
  const body = SCHEMA.match(new RegExp(`model ${model} \\{([\\s\\S]*?)\\n\\}`))![1]!;
  return [...body.matchAll(/^\s*(\w+)\s+Unsupported\("([^"]+)"\)\?/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
}

function expectedType(f: Field): string {
  if (f.kind === 'enum') return f.isList ? `_${f.type}` : f.type;
  const native = f.nativeType?.[0];
  if (f.type === 'DateTime') return native === 'Date' ? 'date' : native === 'Timestamptz' ? 'timestamptz' : 'timestamp';
  const base = native === 'SmallInt' ? 'int2' : ({ String: 'text', Int: 'int4', Float: 'float8', Boolean: 'bool', Json: 'jsonb', BigInt: 'int8' } as Record<string, string>)[f.type]!;
  return f.isList ? `_${base}` : base;
}

describe('migrated database matches schema.prisma', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dmmf: DMMF;
  const col = (m: Model, field: string) => m.fields.find((f) => f.name === field)?.dbName ?? field;
  beforeAll(async () => {
    db = await freshDatabase();
    await migrate(db.raw);
    dmmf = await getDMMF({ datamodel: SCHEMA });
  });
  afterAll(() => db.drop());

  it('has exactly the models\' tables (plus PostGIS\'s and the runner\'s own)', async () => {
    const tables = (await db.raw.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map((r) => r.t);
    const expected = [...dmmf.datamodel.models.map((m) => m.dbName ?? m.name), '_edugis_migrations', 'spatial_ref_sys'].sort();
    expect(tables).toEqual(expected);
  });

  it('has every column with its type and nullability, and no others', async () => {
    for (const m of dmmf.datamodel.models) {
      const table = m.dbName ?? m.name;
      const cols = await db.raw.query<{ column_name: string; udt_name: string; is_nullable: string }>(
        `SELECT column_name, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY column_name`,
        [table],
      );
      const actual = Object.fromEntries(cols.map((c) => [c.column_name, `${c.udt_name}${c.is_nullable === 'YES' ? '?' : ''}`]));
      const expected: Record<string, string> = {};
      for (const f of m.fields.filter((f) => f.kind !== 'object')) expected[f.dbName ?? f.name] = `${expectedType(f)}${f.isRequired || f.isList ? '' : '?'}`;
      for (const u of unsupportedFields(m.name)) expected[u.name] = 'geometry?';
      expect(actual, `columns of ${table}`).toEqual(expected);
    }
  });

  it('declares geometry columns with the schema\'s type and SRID 4326, each with a GiST index', async () => {
    for (const m of dmmf.datamodel.models) {
      for (const u of unsupportedFields(m.name)) {
        const table = m.dbName ?? m.name;
        const [g] = await db.raw.query<{ type: string; srid: number }>(
          `SELECT type, srid FROM geometry_columns WHERE f_table_name = $1 AND f_geometry_column = $2`, [table, u.name]);
        const [, type, srid] = u.type.match(/^geometry\((\w+),(\d+)\)$/)!;
        expect(g, `${table}.${u.name}`).toEqual({ type: type!.toUpperCase(), srid: Number(srid) });
        const gist = await db.raw.query(`SELECT 1 FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE $2`, [table, `%USING gist (${u.name})%`]);
        expect(gist, `GiST index on ${table}.${u.name}`).toHaveLength(1);
      }
    }
  });

  it('has every @id, @unique, @@unique and @@index of the schema', async () => {
    const idx = await db.raw.query<{ table: string; cols: string[]; unique: boolean; primary: boolean; method: string }>(`
      SELECT t.relname::text AS table, array_agg(a.attname::text ORDER BY k.ord) AS cols, i.indisunique AS unique, i.indisprimary AS primary, am.amname::text AS method
      FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'
      GROUP BY t.relname, c.relname, i.indisunique, i.indisprimary, am.amname`);
    const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
    // Composite primary keys (@@id) are not in `indexes`; single-field @id is.
    const wanted: Index[] = [...dmmf.datamodel.indexes];
    for (const m of dmmf.datamodel.models) {
      const pk = (m as unknown as { primaryKey: { fields: string[] } | null }).primaryKey;
      if (pk) wanted.push({ model: m.name, type: 'id', fields: pk.fields.map((name) => ({ name })) });
    }
    for (const ix of wanted) {
      const m = models.get(ix.model)!;
      const table = m.dbName ?? m.name;
      const cols = ix.fields.map((f) => col(m, f.name));
      const found = idx.find((r) => r.table === table && r.cols.join() === cols.join()
        && (ix.type === 'id' ? r.primary : ix.type === 'unique' ? r.unique && !r.primary : !r.unique)
        && (ix.algorithm ? r.method === ix.algorithm.toLowerCase() : true));
      expect(found, `${ix.type} index on ${table}(${cols.join(', ')})`).toBeTruthy();
    }
  });

  it('has every enum with exactly the schema\'s values, in order', async () => {
    for (const e of dmmf.datamodel.enums) {
      const rows = await db.raw.query<{ v: string }>(
        `SELECT e.enumlabel AS v FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = $1 ORDER BY e.enumsortorder`, [e.name]);
      expect(rows.map((r) => r.v), `enum ${e.name}`).toEqual(e.values.map((v) => v.name));
    }
  });
});
