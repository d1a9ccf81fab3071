// Import kind "osm-roads": a province's road network from an OpenStreetMap extract (.osm.pbf), for distances and
// times along real roads. Every highway way people can walk or ride on is kept with its class, name, one-way rule,
// who may use it (on foot; by motorbike or car), its nodes' ids (the shared ones are the junctions) and its line.
// The whole network is one record: committing makes it the province's network at once, a revert points back to
// the one before. Ways whose nodes the extract lacks (cut at its edge) keep the part that is there.
// The same pass reads the extract's house numbers (addr:housenumber with addr:street, on a node or a building's
// outline), kept with the network for address search: one OSM reader, one extract, one "as of" date.
import { sqltag as sql } from '@prisma/client/runtime/client';
import { ImportFileError, type Issue } from './messages.ts';
import type { FileFormat, Upload } from './file.ts';
import { elements, OSM_ATTRIBUTION } from './osm.ts';
import { canonical, inSlices, registerKind, type ImportContext, type ImportKind, type PlanItem, type SqlClient } from './pipeline.ts';

/** Classes nobody travels on (yet or any more), or that are not roads. */
const NOT_ROADS = new Set(['construction', 'proposed', 'abandoned', 'disused', 'razed', 'platform', 'bus_stop', 'raceway', 'bus_guideway', 'elevator', 'corridor', 'rest_area', 'services', 'emergency_bay']);
/** Classes closed to motor vehicles (motorbikes included) unless tagged otherwise. */
const FOOT_ONLY = new Set(['footway', 'path', 'steps', 'pedestrian', 'cycleway', 'bridleway']);
/** Classes closed to people on foot. */
const NO_FOOT = new Set(['motorway', 'motorway_link']);
const NO = new Set(['no', 'private']);
const YES = new Set(['yes', 'designated', 'permissive', 'destination']);

export interface RoadWayRow { id: number; highway: string; name: string | null; oneway: -1 | 0 | 1; foot: boolean; motor: boolean; nodes: number[]; coords: number[] }
export interface AddressRow { ref: string; housenumber: string; street: string; lng: number; lat: number }
export interface RoadNetworkRow { row: number; ways: RoadWayRow[]; nodes: number; extractDate: string | null; addresses?: AddressRow[] }
export interface RoadNetworkState { network_id: string; ways: number; nodes: number; extract_date: string | null; addresses?: number }

/** A house number people could type: "12", "12A", "28/12", "45-47", "C12/1", "36 Bis"; not "Floor 4" or "Âu Cơ - Quận 11". */
const HOUSE_NUMBER = /^[a-z]{0,2}\d[\p{L}\d]{0,5}(?:\s?[/-]\s?[a-z]?\d[\p{L}\d]{0,5}){0,3}(?:\s?bis(?:\s?\/\s?\d+)?)?$/iu;
/** The house number of an addr:housenumber tag ("Số 4" → "4", "14;16" → "14"), or null. */
export function houseNumber(v: string | undefined): string | null {
  const n = (v ?? '').normalize('NFC').split(';')[0]!.trim().replace(/^(số|so|no\.?)\s*/iu, '');
  return HOUSE_NUMBER.test(n) ? n.slice(0, 30) : null;
}
/** The street of an addr:street tag ("Pasteur Street, District 1" → "Pasteur"), or null for a number or a whole address line. */
export function addressStreet(v: string | undefined): string | null {
  const s = (v ?? '').normalize('NFC').split(',')[0]!.trim().replace(/\s+(street|st\.?|road|rd\.?)$/iu, '').replace(/\s+/g, ' ');
  return s.length >= 2 && s.length <= 60 && /\p{L}/u.test(s) && !/^\d+\/\d/.test(s) ? s : null;
}

/** Who may use a way and in which direction motor traffic runs, from its OSM tags. */
export function roadAccess(t: Record<string, string>): { foot: boolean; motor: boolean; oneway: -1 | 0 | 1 } | null {
  const h = t.highway ?? '';
  if (!h || NOT_ROADS.has(h) || t.area === 'yes' && h !== 'pedestrian') return null;
  if (NO.has(t.access ?? '') && !YES.has(t.foot ?? '') && !YES.has(t.motorcycle ?? '')) return null;
  const foot = NO.has(t.foot ?? '') ? false : YES.has(t.foot ?? '') || !NO_FOOT.has(h);
  const motorTag = t.motorcycle ?? t.motor_vehicle ?? t.vehicle;
  const motor = NO.has(motorTag ?? '') ? false : YES.has(motorTag ?? '') || !FOOT_ONLY.has(h);
  if (!foot && !motor) return null;
  const ow = t['oneway:motorcycle'] ?? t.oneway ?? (t.junction === 'roundabout' || h === 'motorway' ? 'yes' : 'no');
  const oneway = ow === '-1' || ow === 'reverse' ? -1 : ['yes', '1', 'true'].includes(ow) ? 1 : 0;
  return { foot, motor, oneway };
}

async function read(upload: Upload, _format: FileFormat, ctx: ImportContext) {
  const warnings: Issue[] = [];
  const found: { id: number; refs: number[]; highway: string; name: string | null; access: NonNullable<ReturnType<typeof roadAccess>> }[] = [];
  const houses: { ref: string; housenumber: string; street: string; at?: [number, number]; refs?: number[] }[] = [];
  let newest = 0;
  for await (const e of elements(upload.bytes, { withTags: true, withInfo: true })) {
    if (e.info?.timestamp && e.info.timestamp > newest) newest = e.info.timestamp;
    const number = e.tags?.['addr:housenumber'] ? houseNumber(e.tags['addr:housenumber']) : null;
    if (number && e.type !== 'relation') {
      const street = addressStreet(e.tags!['addr:street']);
      if (street) houses.push({ ref: `${e.type}/${e.id}`, housenumber: number, street, at: e.type === 'node' ? [e.lon!, e.lat!] : undefined, refs: e.refs });
    }
    if (e.type !== 'way' || !e.tags?.highway || (e.refs?.length ?? 0) < 2) continue;
    const access = roadAccess(e.tags);
    if (!access) continue;
    const name = (e.tags['name:vi'] ?? e.tags.name ?? '').normalize('NFC').trim().slice(0, 200) || null;
    found.push({ id: e.id, refs: e.refs!, highway: e.tags.highway.slice(0, 40), name, access });
  }
  if (!found.length) throw new ImportFileError({ key: 'osmNoRoads' });
  const wanted = new Set(found.flatMap((w) => w.refs));
  for (const h of houses) for (const id of h.refs ?? []) wanted.add(id);
  const coords = new Map<number, [number, number]>();
  for await (const e of elements(upload.bytes, { withTags: false })) {
    if (e.type === 'node') { if (wanted.has(e.id)) coords.set(e.id, [Math.round(e.lon! * 1e7) / 1e7, Math.round(e.lat! * 1e7) / 1e7]); }
    else break; // sorted files: nodes first
  }
  const ways: RoadWayRow[] = [];
  let cut = 0;
  for (const w of found) {
    // The longest run of nodes the extract has (a way cut at the extract's edge keeps its inside part).
    let best: number[] = []; let run: number[] = [];
    for (const id of w.refs) {
      if (coords.has(id)) run.push(id);
      else { if (run.length > best.length) best = run; run = []; }
    }
    if (run.length > best.length) best = run;
    if (best.length < w.refs.length) cut++;
    const nodes = best.filter((id, i) => i === 0 || id !== best[i - 1]);
    if (nodes.length < 2) continue;
    ways.push({ id: w.id, highway: w.highway, name: w.name, ...w.access, nodes, coords: nodes.flatMap((id) => coords.get(id)!) });
  }
  if (cut) warnings.push({ key: 'osmRoadsCut', values: { n: cut } });
  const round = (v: number) => Math.round(v * 1e7) / 1e7;
  const addresses: AddressRow[] = [];
  for (const h of houses) {
    // A building's number stands at the mean of its outline's points (close enough for a house).
    const pts = h.at ? [h.at] : (h.refs ?? []).map((id) => coords.get(id)).filter((c): c is [number, number] => !!c);
    if (!pts.length) continue;
    const lng = pts.reduce((a, p) => a + p[0], 0) / pts.length;
    const lat = pts.reduce((a, p) => a + p[1], 0) / pts.length;
    addresses.push({ ref: h.ref, housenumber: h.housenumber, street: h.street, lng: round(lng), lat: round(lat) });
  }
  const extractDate = newest ? new Date(newest).toISOString().slice(0, 10) : null;
  if (extractDate) ctx.options.extractDate = extractDate;
  const nodes = new Set(ways.flatMap((w) => w.nodes)).size;
  warnings.unshift({ key: 'osmRoads', values: { date: extractDate ?? '?', n: ways.length, named: ways.filter((w) => w.name).length, nodes } });
  warnings.splice(1, 0, { key: 'osmAddresses', values: { n: addresses.length } });
  return { rows: [{ row: 1, ways, nodes, extractDate, addresses }], errors: [], warnings };
}

const ACTIVE = (province: string) => sql`
  SELECT n.id AS network_id, n.ways, n.nodes, to_char(n.extract_date, 'YYYY-MM-DD') AS extract_date,
         (SELECT count(*)::int FROM address_point p WHERE p.network_id = n.id) AS addresses
  FROM road_network_active a JOIN road_network n ON n.id = a.network_id WHERE a.province_code = ${province}`;

async function plan(client: SqlClient, rows: RoadNetworkRow[], ctx: ImportContext) {
  const [before] = await client.$queryRaw<RoadNetworkState[]>(ACTIVE(ctx.province.code));
  const r = rows[0]!;
  const after: RoadNetworkState = { network_id: ctx.importId, ways: r.ways.length, nodes: r.nodes, extract_date: r.extractDate, addresses: r.addresses?.length ?? 0 };
  const fields = (['ways', 'nodes', 'extract_date', 'addresses'] as const).map((f) => ({ field: f, before: before?.[f] ?? null, after: after[f] }));
  const item: PlanItem<RoadNetworkState, RoadNetworkRow> = {
    action: before ? 'CHANGE' : 'ADD', key: ctx.province.code, label: `${ctx.province.name}: ${r.ways.length} tuyến đường (OSM ${r.extractDate ?? ''})`.trim(),
    row: 1, data: r, before: before ?? null, after, fields: before ? fields : undefined,
  };
  return { items: [item], errors: [], warnings: [] };
}

async function apply(tx: SqlClient, items: PlanItem<RoadNetworkState, RoadNetworkRow>[], ctx: ImportContext) {
  for (const i of items) {
    if (i.action === 'REMOVE') {
      await tx.$executeRaw(sql`DELETE FROM road_network_active WHERE province_code = ${i.key}`);
      await tx.$queryRaw(sql`SELECT edugis_refresh_streets(${i.key}) AS n`);
      continue;
    }
    if (!i.after) continue;
    // A new network is written whole under its import's id; a revert points back to one already stored.
    if (i.data && i.after.network_id === ctx.importId) {
      await tx.$executeRaw(sql`
        INSERT INTO road_network (id, province_code, source_id, extract_date, ways, nodes)
        VALUES (${ctx.importId}, ${i.key}, ${ctx.sourceId}, ${i.after.extract_date}::date, ${i.after.ways}::int, ${i.after.nodes}::int)`);
      await inSlices(i.data.ways, (slice) => tx.$executeRaw(sql`
        INSERT INTO road_way (network_id, osm_id, highway, name, oneway, foot, motor, node_ids, geom)
        SELECT ${ctx.importId}, x.id, x.highway, x.name, x.oneway, x.foot, x.motor, ARRAY(SELECT jsonb_array_elements_text(x.nodes)::bigint),
          ST_SetSRID(ST_MakeLine(ARRAY(SELECT ST_MakePoint((x.coords->>(2 * (k - 1)))::float8, (x.coords->>(2 * k - 1))::float8)
                                      FROM generate_series(1, jsonb_array_length(x.coords) / 2) AS k ORDER BY k)), 4326)
        FROM jsonb_to_recordset(${JSON.stringify(slice)}::jsonb) AS x(id bigint, highway text, name text, oneway smallint, foot boolean, motor boolean, nodes jsonb, coords jsonb)
        ON CONFLICT (network_id, osm_id) DO NOTHING`), 2000);
      await inSlices(i.data.addresses ?? [], (slice) => tx.$executeRaw(sql`
        INSERT INTO address_point (network_id, osm_ref, housenumber, street, geom)
        SELECT ${ctx.importId}, x.ref, x.housenumber, x.street, ST_SetSRID(ST_MakePoint(x.lng, x.lat), 4326)
        FROM jsonb_to_recordset(${JSON.stringify(slice)}::jsonb) AS x(ref text, housenumber text, street text, lng float8, lat float8)
        ON CONFLICT (network_id, osm_ref) DO NOTHING`), 5000);
    }
    await tx.$executeRaw(sql`
      INSERT INTO road_network_active (province_code, network_id) VALUES (${i.key}, ${i.after.network_id})
      ON CONFLICT (province_code) DO UPDATE SET network_id = EXCLUDED.network_id`);
    await tx.$queryRaw(sql`SELECT edugis_refresh_streets(${i.key}) AS n`);
  }
}

async function checkRevert(tx: SqlClient, items: PlanItem<RoadNetworkState>[]): Promise<Issue | null> {
  for (const i of items) {
    await tx.$executeRaw(sql`SELECT 1 FROM road_network_active WHERE province_code = ${i.key} FOR UPDATE`);
    const [now] = await tx.$queryRaw<RoadNetworkState[]>(ACTIVE(i.key));
    if (canonical(now ?? null) !== canonical(i.before)) return { key: 'revertConflictRoads', values: { name: i.label } };
  }
  return null;
}

export const osmRoadsKind: ImportKind<RoadNetworkRow, RoadNetworkState> = {
  id: 'osm-roads', formats: ['pbf'], read, plan, apply, checkRevert, licence: 'ODbL-1.0',
  attribution: (rec) => `${OSM_ATTRIBUTION}${rec.options.extractDate ? `; extract as of ${String(rec.options.extractDate)}` : ''}`,
};
registerKind(osmRoadsKind);
