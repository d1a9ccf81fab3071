// The street basemap, served by us (issue 14): vector tiles from an MBTiles file (OpenMapTiles schema; the data
// directory's osm/hcmc_2018_basemap.mbtiles by default, EDUGIS_BASEMAP_MBTILES to choose another, "none" for
// none), its TileJSON, and the glyphs the labels need (fonts/, Noto Sans: Vietnamese included). The MBTiles file
// is read with sql.js (SQLite compiled to WebAssembly: no native build on any machine) into memory once; tiles
// are sent with only the layers our style draws (BASEMAP_KEPT_LAYERS), gzip-compressed, computed once per tile.
//   GET /basemap/tiles.json              TileJSON 3.0 (404 when no basemap is configured)
//   GET /basemap/tiles/{z}/{x}/{y}.pbf   a tile (204 where the file has none)
//   GET /basemap/fonts/{fontstack}/{range}.pbf   glyphs (the first font of the stack that we have)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';
import vtpbf from 'vt-pbf';
import type { Express, Request, Response } from 'express';
import initSqlJs, { type Database as SqlDatabase } from 'sql.js';
import { resolveDataDir } from '@edugis/db';

export interface BasemapSource { mbtiles: string | null; fonts: string | null }

/** Where the basemap and the glyphs are, from the environment and the data directory (either may be absent). */
export function basemapSource(env: NodeJS.ProcessEnv = process.env): BasemapSource {
  let dir: string | null = null;
  try { dir = resolveDataDir(env); } catch { dir = null; }
  const chosen = env.EDUGIS_BASEMAP_MBTILES;
  const mbtiles = chosen === 'none' ? null : chosen ?? (dir ? join(dir, 'osm', 'hcmc_2018_basemap.mbtiles') : null);
  const fonts = env.EDUGIS_FONTS_DIR ?? (dir ? join(dir, 'fonts') : null);
  return { mbtiles: mbtiles && existsSync(mbtiles) ? mbtiles : null, fonts: fonts && existsSync(fonts) ? fonts : null };
}

interface Opened { db: SqlDatabase; meta: Record<string, string>; etag: string; slim: Map<string, Buffer | null> }

/**
 * The layers our style draws (web basemapStyle.ts); the others (points of interest, house numbers, aeroways…)
 * are dropped before a tile is sent: they are most of a city tile's bytes and nothing a parent looks at here.
 */
export const BASEMAP_KEPT_LAYERS = new Set(['water', 'waterway', 'landcover', 'park', 'building', 'transportation', 'transportation_name', 'place']);

/** The roads drawn below zoom 14 (web basemapStyle.ts: the minor ones appear from 14). */
const MAIN_ROADS = new Set(['motorway', 'trunk', 'primary', 'secondary', 'tertiary']);
type Layer = VectorTile['layers'][string];
/** A layer with only the features `keep` accepts, in the shape vt-pbf encodes. */
function only(layer: Layer, keep: (f: ReturnType<Layer['feature']>) => boolean) {
  const kept = Array.from({ length: layer.length }, (_, i) => layer.feature(i)).filter(keep);
  return { name: layer.name, extent: layer.extent, version: layer.version, length: kept.length, feature: (i: number) => kept[i]! };
}

/** The stored tile with only the kept layers, gzip-compressed; null where the file has no tile. Computed once per tile. */
function slimTile(o: Opened, z: number, x: number, y: number): Buffer | null {
  const key = `${z}/${x}/${y}`;
  if (o.slim.has(key)) return o.slim.get(key)!;
  const stmt = o.db.prepare('SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?');
  let data: Uint8Array | null = null;
  try {
    stmt.bind([z, x, 2 ** z - 1 - y]); // MBTiles rows count from the south (TMS)
    if (stmt.step()) data = stmt.get()[0] as Uint8Array;
  } finally {
    stmt.free();
  }
  let out: Buffer | null = null;
  if (data) {
    const raw = data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
    const tile = new VectorTile(new Pbf(raw));
    // Below zoom 14 the style draws no buildings, no street names and only the main roads: those are left out too.
    const layers = Object.fromEntries(Object.entries(tile.layers)
      .filter(([name]) => BASEMAP_KEPT_LAYERS.has(name) && (z >= 14 || (name !== 'building' && name !== 'transportation_name')))
      .map(([name, layer]) => [name, name === 'transportation' && z < 14 ? only(layer, (f) => MAIN_ROADS.has(String(f.properties.class))) : layer]));
    out = gzipSync(vtpbf.fromVectorTileJs({ layers }), { level: 9 });
  }
  o.slim.set(key, out);
  return out;
}
let opened: Promise<Opened> | null = null;
let openedPath: string | null = null;

async function open(path: string): Promise<Opened> {
  if (opened && openedPath === path) return opened;
  openedPath = path;
  opened = (async () => {
    const require = createRequire(import.meta.url);
    const SQL = await initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) });
    const bytes = readFileSync(path);
    const db = new SQL.Database(bytes);
    const meta: Record<string, string> = {};
    const rows = db.exec('SELECT name, value FROM metadata')[0]?.values ?? [];
    for (const [k, v] of rows) meta[String(k)] = String(v);
    return { db, meta, etag: `"bm-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`, slim: new Map() };
  })();
  opened.catch(() => { opened = null; });
  return opened;
}

/** The attribution the basemap must carry, with its data's date. */
export const BASEMAP_ATTRIBUTION = '© OpenMapTiles © OpenStreetMap contributors (ODbL), extract of 2018-01-01';

const FONT_STACKS = new Set(['Noto Sans Regular', 'Noto Sans Medium']);

/**
 * The letters of Vietnamese outside Latin-1, per glyph range: Ă Đ Ĩ Ũ Ơ Ư (256–511), the tone marks as combining
 * characters (768–1023, for names written decomposed) and the Latin Extended Additional block of Vietnamese
 * (Ạ…ỹ, 7680–7935). Those three ranges are sent with only these glyphs: a third of their bytes, the difference
 * between a street view within its 700 KB budget and over it. A label letter outside them (Polish, Czech…) is
 * not drawn; Latin-1 (0–255) and the other ranges are sent whole.
 */
const VIETNAMESE_GLYPHS: Record<number, (cp: number) => boolean> = {
  256: (cp) => [0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169, 0x1a0, 0x1a1, 0x1af, 0x1b0].includes(cp),
  768: (cp) => [0x300, 0x301, 0x303, 0x309, 0x323, 0x306, 0x302, 0x31b].includes(cp),
  7680: (cp) => cp >= 0x1ea0 && cp <= 0x1ef9,
};

/** A glyph range's protobuf with only the glyphs `VIETNAMESE_GLYPHS` keeps (the others: unchanged). */
export function subsetGlyphs(bytes: Uint8Array, start: number): Buffer {
  const keep = VIETNAMESE_GLYPHS[start];
  if (!keep) return Buffer.from(bytes);
  const stacks: { name: string; range: string; glyphs: Uint8Array[] }[] = [];
  new Pbf(bytes).readFields((tag, acc, pbf) => {
    if (tag !== 1) return;
    const stack = { name: '', range: '', glyphs: [] as Uint8Array[] };
    pbf.readFields((t, st, p) => {
      if (t === 1) st.name = p.readString();
      else if (t === 2) st.range = p.readString();
      else if (t === 3) {
        const raw = p.readBytes();
        const id = new Pbf(raw).readFields((g, o: { id: number }, q) => { if (g === 1) o.id = q.readVarint(); }, { id: -1 }).id;
        if (keep(id)) st.glyphs.push(raw);
      }
    }, stack, pbf.readVarint() + pbf.pos);
    acc.push(stack);
  }, stacks);
  const out = new Pbf();
  for (const st of stacks) {
    out.writeMessage(1, (x: typeof st, w: Pbf) => {
      w.writeStringField(1, x.name);
      w.writeStringField(2, x.range);
      for (const g of x.glyphs) w.writeBytesField(3, g);
    }, st);
  }
  return Buffer.from(out.finish());
}
const glyphs = new Map<string, Buffer>();
const glyphsGz = new Map<string, Buffer>();

export function mountBasemap(app: Express, source: BasemapSource = basemapSource()): void {
  const origin = (req: Request) => `${req.protocol}://${req.get('host')}`;
  app.get('/basemap/tiles.json', async (req: Request, res: Response, next) => {
    if (!source.mbtiles) return void res.status(404).json({ error: 'No basemap is configured on this server (EDUGIS_BASEMAP_MBTILES).' });
    try {
      const { meta } = await open(source.mbtiles);
      const layers = (() => { try { return (JSON.parse(meta.json ?? '{}') as { vector_layers?: unknown[] }).vector_layers ?? []; } catch { return []; } })();
      res.setHeader('Cache-Control', 'no-cache');
      res.json({
        tilejson: '3.0.0', name: meta.name ?? 'EduGIS basemap', scheme: 'xyz',
        tiles: [`${origin(req)}/basemap/tiles/{z}/{x}/{y}.pbf`],
        minzoom: Number(meta.minzoom ?? 0), maxzoom: Number(meta.maxzoom ?? 14),
        bounds: (meta.bounds ?? '-180,-85,180,85').split(',').map(Number),
        center: (meta.center ?? '').split(',').filter(Boolean).map(Number),
        attribution: BASEMAP_ATTRIBUTION, vector_layers: layers,
        glyphs: source.fonts ? `${origin(req)}/basemap/fonts/{fontstack}/{range}.pbf` : null,
      });
    } catch (err) {
      next(err);
    }
  });

  app.get('/basemap/tiles/:z/:x/:file', async (req: Request, res: Response, next) => {
    const m = /^(\d{1,7})\.pbf$/.exec(String(req.params.file));
    const z = Number(req.params.z); const x = Number(req.params.x); const y = m ? Number(m[1]) : NaN;
    if (!source.mbtiles) return void res.status(404).end();
    if (!Number.isInteger(z) || z < 0 || z > 22 || !Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) {
      return void res.status(400).json({ error: 'A tile is /basemap/tiles/{z}/{x}/{y}.pbf with 0 ≤ z ≤ 22 and 0 ≤ x, y < 2^z.' });
    }
    try {
      const o = await open(source.mbtiles);
      res.setHeader('ETag', o.etag);
      res.setHeader('Cache-Control', 'public, max-age=86400');
      if (req.headers['if-none-match'] === o.etag) return void res.status(304).end();
      const data = slimTile(o, z, x, y);
      if (!data) return void res.status(204).end();
      res.type('application/vnd.mapbox-vector-tile');
      res.setHeader('Vary', 'Accept-Encoding');
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        res.setHeader('Content-Encoding', 'gzip');
        return void res.end(data);
      }
      res.end(gunzipSync(data));
    } catch (err) {
      next(err);
    }
  });

  app.get('/basemap/fonts/:stack/:range', (req: Request, res: Response) => {
    const range = /^(\d{1,5})-(\d{1,5})\.pbf$/.exec(String(req.params.range));
    if (!source.fonts || !range || Number(range[1]) % 256 !== 0 || Number(range[2]) !== Number(range[1]) + 255) return void res.status(404).end();
    // A stack is a comma-separated list of fonts; the first we have answers (names are checked, never used as paths as given).
    const font = String(req.params.stack).split(',').map((f) => f.trim()).find((f) => FONT_STACKS.has(f));
    if (!font) return void res.status(404).end();
    const file = join(source.fonts, font, `${range[1]}-${range[2]}.pbf`);
    res.type('application/x-protobuf');
    res.setHeader('Cache-Control', 'public, max-age=604800');
    res.setHeader('Vary', 'Accept-Encoding');
    // A range the font does not cover (no Vietnamese letter lives there) is an empty glyph set, not an error.
    const body = glyphs.get(file) ?? (existsSync(file) ? subsetGlyphs(readFileSync(file), Number(range[1])) : Buffer.alloc(0));
    glyphs.set(file, body);
    if (body.length && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      // Glyph sets compress to about half; the protobuf type is not one the compression middleware takes.
      let gz = glyphsGz.get(file);
      if (!gz) { gz = gzipSync(body, { level: 9 }); glyphsGz.set(file, gz); }
      res.setHeader('Content-Encoding', 'gzip');
      return void res.end(gz);
    }
    res.end(body);
  });
}
