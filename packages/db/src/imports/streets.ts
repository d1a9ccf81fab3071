// Import kind "streets": named street lines (GeoJSON, KML or a zipped Shapefile of LineStrings with a name), for
// address search where the OSM extract is old: newer roads and renamed streets (e.g. the 2025 central roads of
// HCMC). Like a road network, the whole file is one set: committing makes it the province's street set at once,
// a revert points back to the one before. The set's date is the newest `dateCreated`/`date` property, if any.
import { sqltag as sql } from '@prisma/client/runtime/client';
import type { Geometry, Position } from 'geojson';
import { fold, type FileFormat, type Upload } from './file.ts';
import { readFeatures } from './geo-file.ts';
import { ImportFileError, type Issue } from './messages.ts';
import { OSM_ATTRIBUTION } from './osm.ts';
import { canonical, inSlices, registerKind, type ImportContext, type ImportKind, type PlanItem, type SqlClient } from './pipeline.ts';

const NAME_PROPS = new Set(['name', 'name:vi', 'ten', 'ten duong', 'ten_duong', 'street', 'duong'].map(fold));
const DATE_PROPS = new Set(['datecreated', 'datemodified', 'date', 'ngay']);
const MAX_LINES = 200_000;

export interface StreetLine { name: string; ref: string | null; coords: Position[] }
export interface StreetSetRow { row: number; lines: StreetLine[]; asOf: string | null }
export interface StreetSetState { set_id: string; lines: number; as_of: string | null }

const valid = (p: Position) => Array.isArray(p) && p.length >= 2 && p.every((x) => typeof x === 'number' && Number.isFinite(x)) && Math.abs(p[0]!) <= 180 && Math.abs(p[1]!) <= 90;
function lines(g: Geometry | null): Position[][] {
  if (g?.type === 'LineString') return [g.coordinates];
  if (g?.type === 'MultiLineString') return g.coordinates;
  return [];
}

async function read(upload: Upload, format: FileFormat, ctx: ImportContext) {
  const { features, warnings } = await readFeatures(upload, format);
  const out: StreetLine[] = [];
  let unnamed = 0; let notLine = 0; let projected = 0; let newest = ''; let osm = 0;
  for (const f of features) {
    if (f.properties.dataProvider === 'OpenStreetMap' || /^OSM (way|node)\//.test(String(f.properties.source ?? ''))) osm++;
    let name = '';
    let date = '';
    for (const [k, v] of Object.entries(f.properties)) {
      if (typeof v !== 'string') continue;
      if (!name && NAME_PROPS.has(fold(k))) name = v.normalize('NFC').trim().slice(0, 200);
      if (DATE_PROPS.has(k.toLowerCase()) && /^\d{4}-\d{2}-\d{2}/.test(v)) date = v.slice(0, 10);
    }
    const parts = lines(f.geometry);
    if (!parts.length) { notLine++; continue; }
    if (!name) { unnamed++; continue; }
    if (date > newest) newest = date;
    for (const coords of parts) {
      if (coords.length < 2) continue;
      if (!coords.every(valid)) { projected++; continue; }
      const ref = typeof f.properties.source === 'string' ? f.properties.source.slice(0, 80) : typeof f.properties.id === 'string' ? f.properties.id.slice(0, 80) : null;
      out.push({ name, ref, coords: coords.map((p) => [p[0]!, p[1]!]) });
    }
  }
  if (!out.length) throw new ImportFileError({ key: 'streetsNone', values: { n: features.length } });
  if (out.length > MAX_LINES) throw new ImportFileError({ key: 'streetsTooMany', values: { n: out.length, max: MAX_LINES } });
  const issues: Issue[] = [...warnings];
  issues.unshift({ key: 'streetsRead', values: { n: out.length, names: new Set(out.map((l) => l.name)).size, date: newest || '?' } });
  if (unnamed) issues.push({ key: 'streetsUnnamed', values: { n: unnamed } });
  if (notLine) issues.push({ key: 'streetsNotLine', values: { n: notLine } });
  if (projected) issues.push({ key: 'streetsProjected', values: { n: projected } });
  if (newest) ctx.options.asOf = newest;
  // OpenStreetMap's lines (Overpass exports say so per feature) carry OSM's attribution, whatever the title.
  if (osm > features.length / 2) ctx.options.osm = true;
  return { rows: [{ row: 1, lines: out, asOf: newest || null }], errors: [], warnings: issues };
}

const ACTIVE = (province: string) => sql`
  SELECT s.id AS set_id, s.lines, to_char(s.as_of, 'YYYY-MM-DD') AS as_of
  FROM street_set_active a JOIN street_set s ON s.id = a.set_id WHERE a.province_code = ${province}`;

async function plan(client: SqlClient, rows: StreetSetRow[], ctx: ImportContext) {
  const [before] = await client.$queryRaw<StreetSetState[]>(ACTIVE(ctx.province.code));
  const r = rows[0]!;
  const after: StreetSetState = { set_id: ctx.importId, lines: r.lines.length, as_of: r.asOf };
  const item: PlanItem<StreetSetState, StreetSetRow> = {
    action: before ? 'CHANGE' : 'ADD', key: ctx.province.code, label: `${ctx.province.name}: ${r.lines.length} đoạn đường có tên${r.asOf ? ` (${r.asOf})` : ''}`,
    row: 1, data: r, before: before ?? null, after,
    fields: before ? (['lines', 'as_of'] as const).map((f) => ({ field: f, before: before[f], after: after[f] })) : undefined,
  };
  return { items: [item], errors: [], warnings: [] };
}

async function apply(tx: SqlClient, items: PlanItem<StreetSetState, StreetSetRow>[], ctx: ImportContext) {
  for (const i of items) {
    if (i.action === 'REMOVE') await tx.$executeRaw(sql`DELETE FROM street_set_active WHERE province_code = ${i.key}`);
    else if (i.after) {
      if (i.data && i.after.set_id === ctx.importId) {
        await tx.$executeRaw(sql`
          INSERT INTO street_set (id, province_code, source_id, as_of, lines)
          VALUES (${ctx.importId}, ${i.key}, ${ctx.sourceId}, ${i.after.as_of}::date, ${i.after.lines}::int)`);
        await inSlices(i.data.lines, (slice, offset) => tx.$executeRaw(sql`
          INSERT INTO street_line (set_id, line_no, name, ref, geom)
          SELECT ${ctx.importId}, ${offset}::int + x.k::int, x.name, x.ref, ST_SetSRID(ST_GeomFromGeoJSON(json_build_object('type', 'LineString', 'coordinates', x.coords)), 4326)
          FROM jsonb_to_recordset(${JSON.stringify(slice.map((l, k) => ({ ...l, k })))}::jsonb) AS x(k int, name text, ref text, coords jsonb)`), 2000);
      }
      await tx.$executeRaw(sql`
        INSERT INTO street_set_active (province_code, set_id) VALUES (${i.key}, ${i.after.set_id})
        ON CONFLICT (province_code) DO UPDATE SET set_id = EXCLUDED.set_id`);
    }
    await tx.$queryRaw(sql`SELECT edugis_refresh_streets(${i.key}) AS n`);
  }
}

async function checkRevert(tx: SqlClient, items: PlanItem<StreetSetState>[]): Promise<Issue | null> {
  for (const i of items) {
    await tx.$executeRaw(sql`SELECT 1 FROM street_set_active WHERE province_code = ${i.key} FOR UPDATE`);
    const [now] = await tx.$queryRaw<StreetSetState[]>(ACTIVE(i.key));
    if (canonical(now ?? null) !== canonical(i.before)) return { key: 'revertConflictStreets', values: { name: i.label } };
  }
  return null;
}

export const streetsKind: ImportKind<StreetSetRow, StreetSetState> = {
  id: 'streets', formats: ['geojson', 'kml', 'shapefile'], read, plan, apply, checkRevert,
  attribution: (rec) => {
    const asOf = rec.options.asOf ? `; streets as of ${String(rec.options.asOf)}` : '';
    return rec.options.osm ? `${OSM_ATTRIBUTION}${asOf}` : `${rec.source_title}${asOf}`;
  },
};
registerKind(streetsKind);
