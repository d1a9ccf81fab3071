// The street basemap over HTTP: TileJSON with its attribution and date, a tile of central HCMC (the z14 tile over
// Bến Nghé holds the streets' names), gzip as stored when the browser accepts it, plain otherwise; the glyphs the
// Vietnamese labels need; bad tile addresses and font names refused, never read as paths.
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';
import { basemapSource } from '../src/basemap.ts';
import { useTestServer } from './support.ts';

const server = useTestServer();
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

describe('the basemap', () => {
  it('describes itself as TileJSON, with the OpenStreetMap attribution and the extract\'s date', async () => {
    const res = await get('/basemap/tiles.json');
    expect(res.status).toBe(200);
    const tj = await res.json();
    expect(tj).toMatchObject({ tilejson: '3.0.0', scheme: 'xyz', minzoom: 0, maxzoom: 14, attribution: '© OpenMapTiles © OpenStreetMap contributors (ODbL), extract of 2018-01-01' });
    expect(tj.tiles[0]).toBe(`${server.url}/basemap/tiles/{z}/{x}/{y}.pbf`);
    expect(tj.bounds.map((v: number) => Math.round(v * 1e4) / 1e4)).toEqual([106.2994, 10.3487, 107.1058, 11.1881]);
    expect(tj.vector_layers.map((l: { id: string }) => l.id)).toEqual(expect.arrayContaining(['transportation', 'transportation_name', 'water', 'building']));
  });

  it('serves the tile over Bến Nghé with its streets\' names, gzip as stored or plain', async () => {
    const gz = await get('/basemap/tiles/14/13048/7698.pbf', { 'accept-encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    // fetch undoes the gzip itself; the header says it was sent compressed.
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const tile = new VectorTile(new Pbf(new Uint8Array(await gz.arrayBuffer())));
    const names = new Set<string>();
    const layer = tile.layers.transportation_name!;
    for (let i = 0; i < layer.length; i++) names.add(String(layer.feature(i).properties['name:latin']));
    expect(names).toContain('Lý Tự Trọng');
    expect(names).toContain('Nguyễn Huệ');
    expect(tile.layers.transportation!.length).toBe(423);
    // Only what the style draws: no points of interest or house numbers on the wire.
    expect(Object.keys(tile.layers)).not.toContain('poi');
    expect(Object.keys(tile.layers)).not.toContain('housenumber');
    expect(Object.keys(tile.layers)).toContain('building');
    const etag = gz.headers.get('etag')!;
    expect((await get('/basemap/tiles/14/13048/7698.pbf', { 'if-none-match': etag })).status).toBe(304);
    // A client that does not take gzip gets the same tile unpacked.
    const plain = await get('/basemap/tiles/14/13048/7698.pbf', { 'accept-encoding': 'identity' });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const bytes = new Uint8Array(await plain.arrayBuffer());
    expect(() => gunzipSync(bytes)).toThrow();
    expect(new VectorTile(new Pbf(bytes)).layers.transportation!.length).toBe(423);
  });

  it('answers a tile outside the data with nothing, and a bad address with a clear 400', async () => {
    expect((await get('/basemap/tiles/14/0/0.pbf')).status).toBe(204);
    for (const bad of ['/basemap/tiles/23/0/0.pbf', '/basemap/tiles/2/4/0.pbf', '/basemap/tiles/2/1/x.pbf', '/basemap/tiles/-1/0/0.pbf']) {
      const res = await get(bad);
      expect(res.status, bad).toBe(400);
      expect((await res.json()).error).toMatch(/^A tile is \/basemap\/tiles\/\{z\}\/\{x\}\/\{y\}\.pbf/);
    }
  });

  it('serves the glyphs for Vietnamese labels; unknown fonts and paths are refused', async () => {
    const latin = await get('/basemap/fonts/Noto%20Sans%20Regular/0-255.pbf');
    expect(latin.status).toBe(200);
    expect((await latin.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    // Vietnamese letters with two marks (ắ, ộ…) live in 7680–7935; a stack falls back to the first font we have.
    const viet = await get('/basemap/fonts/Open%20Sans%20Bold,Noto%20Sans%20Medium/7680-7935.pbf');
    expect(viet.status).toBe(200);
    expect((await viet.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    // Of Latin Extended-A only the letters Vietnamese writes with (Ă Đ Ĩ Ũ Ơ Ư) are sent.
    const ext = new Pbf(new Uint8Array(await (await get('/basemap/fonts/Noto%20Sans%20Regular/256-511.pbf')).arrayBuffer()));
    const ids: number[] = [];
    ext.readFields((tag, _x, pbf) => {
      if (tag === 1) pbf.readFields((t, _y, p) => { if (t === 3) ids.push(new Pbf(p.readBytes()).readFields((g, o: { id: number }, q) => { if (g === 1) o.id = q.readVarint(); }, { id: 0 }).id); }, null, pbf.readVarint() + pbf.pos);
    }, null);
    expect(ids.map((c) => String.fromCodePoint(c)).join('')).toBe('ĂăĐđĨĩŨũƠơƯư');
    expect((await (await get('/basemap/fonts/Noto%20Sans%20Regular/12288-12543.pbf')).arrayBuffer()).byteLength).toBe(0); // no CJK: empty, not an error
    for (const bad of ['/basemap/fonts/Arial/0-255.pbf', '/basemap/fonts/..%2F..%2Fetc/0-255.pbf', '/basemap/fonts/Noto%20Sans%20Regular/0-99.pbf', '/basemap/fonts/Noto%20Sans%20Regular/..%2FOFL.txt']) {
      expect((await get(bad)).status, bad).toBe(404);
    }
  });

  it('is off when the deployer says so, or when the file is not there', () => {
    expect(basemapSource({ EDUGIS_BASEMAP_MBTILES: 'none' }).mbtiles).toBeNull();
    expect(basemapSource({ EDUGIS_BASEMAP_MBTILES: '/nowhere/x.mbtiles' }).mbtiles).toBeNull();
    expect(basemapSource({}).mbtiles).toMatch(/osm\/hcmc_2018_basemap\.mbtiles$/);
  });
});
