// Official admission boundaries through the import pipeline, over HTTP, on PostgreSQL and on the embedded PGlite:
// GeoJSON, KML and a zipped Shapefile in VN-2000 (reprojected by its .prj). Two primary schools of Châu Đức list
// khu phố of one ward, which a map point cannot tell apart (DEPENDS_ON_SUB_AREA); once their official polygons are
// in, the polygon decides: a home inside the west square is placed at the first school "by the official boundary",
// a home in neither square is in no rule's area. The map shows the polygons as official, not as illustrations.
import shpwrite from '@mapbox/shp-write';
import JSZip from 'jszip';
import proj4 from 'proj4';
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';
import { at, worldFixtures } from './road-world.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
const sqlq = <T = any>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);
const { addSchool, addSource } = worldFixtures(sqlq);
const YEAR = '2030-2031';
let so: string;

const square = (dx: number, dy: number, side = 0.004): number[][][] => {
  const [x, y] = at(dx, dy);
  return [[[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]];
};
const WEST = square(-0.006, -0.002); const EAST = square(0.002, -0.002);
const feature = (props: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties: props, geometry });
const fc = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const zone = (school: string, coordinates: unknown, extra: Record<string, unknown> = {}) =>
  feature({ 'Mã trường': school, 'Năm học': YEAR, 'Lớp': 1, ...extra }, { type: 'Polygon', coordinates });

async function upload(name: string, body: Uint8Array | string, kind = 'admission-zones'): Promise<any> {
  const res = await fetch(`${server.url}/imports?kind=${kind}&province=79&source=${encodeURIComponent('Phụ lục QĐ 12 (thử)')}&licence=unknown`, {
    method: 'POST', headers: { authorization: `Bearer ${so}`, 'x-file-name': name, 'accept-language': 'en' }, body: typeof body === 'string' ? body : Buffer.from(body),
  });
  return res.json();
}
const commit = async (id: string): Promise<any> => (await gql(server.url, `mutation($id: ID!) { commitImport(id: $id) { status } }`, { id }, 'en', so)).body;
const ANSWER = `query($lng: Float!, $lat: Float!) { enrollmentZonesAt(longitude: $lng, latitude: $lat, schoolYear: "${YEAR}") {
  grades { entryGrade admission { status placed { school { id } area } } } } }`;
const answerAt = async (p: [number, number]) => (await gql(server.url, ANSWER, { lng: p[0], lat: p[1] }, 'en')).body.data.enrollmentZonesAt.grades.find((g: any) => g.entryGrade === 1).admission;
const INSIDE_WEST = at(-0.004, 0); const INSIDE_EAST = at(0.004, 0); const NEITHER = at(0, 0);

beforeAll(async () => {
  so = await signIn('demo.so');
  await addSource();
  await addSchool('zim-1', at(-0.004, 0.0005), 'PRIMARY');
  await addSchool('zim-2', at(0.004, 0.0005), 'PRIMARY');
  await addSchool('zim-3', at(0.008, 0.0005), 'PRIMARY');
  const rules = ['Mã trường,Năm học,Lớp,Phương thức,Chỉ tiêu (học sinh),Loại địa bàn,Mã phường/xã,Tên địa bàn,Tuyển chung với',
    `zim-1,${YEAR},1,Theo địa bàn,70,Khu phố/ấp,26596,Ấp Tây,`, `zim-2,${YEAR},1,Theo địa bàn,70,Khu phố/ấp,26596,Ấp Đông,zim-3`,
    `zim-3,${YEAR},1,Theo địa bàn,70,Khu phố/ấp,26596,Ấp Giữa,zim-2`].join('\n');
  const staged = await upload('rules.csv', rules, 'admission-rules');
  expect(staged).toMatchObject({ status: 'PREVIEW', errors: [] });
  expect((await commit(staged.id)).data.commitImport.status).toBe('COMMITTED');
  expect((await answerAt(INSIDE_WEST)).status).toBe('DEPENDS_ON_SUB_AREA'); // before: the khu phố cannot be told from a point
});

describe('official admission boundaries', () => {
  it('GeoJSON: previewed, committed, deciding the parent\'s answer, and drawn as official', async () => {
    const staged = await upload('ranh-gioi.geojson', fc(zone('zim-1', WEST, { 'Số văn bản': '12/QĐ-UBND' }), zone('zim-2', EAST)));
    expect(staged).toMatchObject({ status: 'PREVIEW', errors: [], counts: { ADD: 2 } });
    expect((await commit(staged.id)).data.commitImport.status).toBe('COMMITTED');
    expect(await answerAt(INSIDE_WEST)).toEqual({ status: 'IN_LISTED_AREA', placed: { school: { id: 'zim-1' }, area: 'the official boundary of document 12/QĐ-UBND' } });
    expect(await answerAt(INSIDE_EAST)).toEqual({ status: 'IN_LISTED_AREA', placed: { school: { id: 'zim-2' }, area: 'the official boundary' } });
    // zim-3 has no polygon: its khu phố still cannot be told, so the home outside both squares depends on it.
    expect((await answerAt(NEITHER)).status).toBe('DEPENDS_ON_SUB_AREA');
    const drawn = (await gql(server.url, `{ admissionZones(provinceCode: "79", schoolYear: "${YEAR}", grade: 1) }`, {}, 'vi')).body.data.admissionZones.features;
    const byId = Object.fromEntries(drawn.map((f: any) => [f.properties.schoolId, f.properties]));
    expect(byId['zim-1']).toMatchObject({ kind: 'OFFICIAL', illustrative: false, document: '12/QĐ-UBND', note: 'Ranh giới chính thức theo văn bản 12/QĐ-UBND, nhập từ "Phụ lục QĐ 12 (thử)".' });
    expect(byId['zim-3']).toMatchObject({ kind: 'LISTED_AREAS', illustrative: true, partial: true });
  });

  it('KML and a zipped Shapefile in VN-2000: the same squares, read and reprojected', async () => {
    const ring = (c: number[][][]) => c[0]!.map((p) => p.join(',')).join(' ');
    const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
      <Placemark><ExtendedData><Data name="Mã trường"><value>zim-1</value></Data><Data name="Năm học"><value>${YEAR}</value></Data>
      <Data name="Lớp"><value>1</value></Data><Data name="Số văn bản"><value>12/QĐ-UBND</value></Data></ExtendedData>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>${ring(WEST)}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>`;
    const k = await upload('ranh-gioi.kml', kml);
    expect(k).toMatchObject({ status: 'PREVIEW', errors: [], counts: { UNCHANGED: 1 } }); // the same polygon as stored
    // The east square in VN-2000 / UTM zone 48N, as a surveyor's Shapefile would have it, with its .prj.
    const prj = 'PROJCS["VN_2000_UTM_Zone_48N",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],' +
      'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],' +
      'PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
    const grown = square(0.002, -0.002, 0.005); // a larger square: the boundary changed
    const projected = grown.map((r) => r.map((p) => proj4('EPSG:4326', prj, p)));
    const zip = await JSZip.loadAsync(await shpwrite.zip(JSON.parse(fc(feature({ ma_truong: 'zim-2', nam_hoc: YEAR, lop: 1 }, { type: 'Polygon', coordinates: projected }))),
      { outputType: 'nodebuffer', types: { polygon: 'ranh_gioi' } } as never) as Buffer);
    for (const name of Object.keys(zip.files)) if (name.endsWith('.prj')) zip.remove(name);
    zip.file('ranh_gioi.prj', prj);
    const bytes = await zip.generateAsync({ type: 'nodebuffer' });
    const s = await upload('ranh-gioi.zip', bytes);
    expect(s).toMatchObject({ status: 'PREVIEW', errors: [], counts: { CHANGE: 1 } });
    expect((await commit(s.id)).data.commitImport.status).toBe('COMMITTED');
    const [{ d }] = await sqlq<{ d: number }>(`SELECT ST_HausdorffDistance(geom::geography::geometry, ST_GeomFromText($1, 4326)) * 111320 AS d
      FROM admission_zone_official WHERE school_id = 'zim-2' AND school_year = $2`, [`POLYGON((${grown[0]!.map((p) => p.join(' ')).join(',')}))`, YEAR]);
    expect(d).toBeLessThan(1); // back to longitude/latitude within a metre
  });

  it('bad files and bad polygons are named by row and write nothing', async () => {
    const before = await sqlq(`SELECT school_id, ST_AsText(geom) g FROM admission_zone_official ORDER BY 1`);
    const bowtie = [[at(0.02, 0), at(0.024, 0.004), at(0.024, 0), at(0.02, 0.004), at(0.02, 0)]];
    const cases: [string, string | Uint8Array, string][] = [
      ['a.geojson', fc(feature({ 'Mã trường': 'zim-1', 'Năm học': YEAR, 'Lớp': 1 }, { type: 'Point', coordinates: at(0, 0) })), 'Row 1: an area must be a Polygon or MultiPolygon, not Point.'],
      ['a.geojson', fc(zone('zim-1', [[[700000, 1190000], [700400, 1190000], [700400, 1190400], [700000, 1190000]]])), 'Row 1: coordinates (700000, 1190000) are not longitude/latitude'],
      ['a.geojson', fc(zone('zim-1', [WEST[0]!.slice(0, 4)])), 'Row 1: a boundary ring is not closed (its last point must equal its first).'],
      ['a.geojson', fc(zone('nope', WEST)), 'Row 1: there is no school with id nope.'],
      ['a.geojson', fc(feature({ 'Mã trường': 'zim-1', 'Năm học': YEAR, 'Lớp': 6 }, { type: 'Polygon', coordinates: WEST })), 'Row 1: Trường Tiểu học zim-1 has no grade 6 admission rule'],
      ['a.geojson', fc(zone('zim-1', WEST), zone('zim-2', square(-0.005, -0.002))), 'Row 1: the area of Trường Tiểu học zim-1 overlaps that of Trường Tiểu học zim-2'],
      ['a.geojson', fc(zone('zim-1', [[[105.8, 21.0], [105.81, 21.0], [105.81, 21.01], [105.8, 21.0]]])), 'Row 1: the area of Trường Tiểu học zim-1 lies outside Thành phố Hồ Chí Minh.'],
      ['a.kml', '<kml><Document><Placemark>', 'The KML cannot be read:'],
      ['a.zip', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]), 'The Shapefile (a .zip of .shp, .dbf, .prj) cannot be read:'],
    ];
    for (const [name, body, message] of cases) {
      const r = await upload(name, body);
      expect(r.status ?? 'INVALID', name).toBe('INVALID');
      expect(r.errors[0].message, String(body).slice(0, 60)).toContain(message);
    }
    // The school's second rule shares its areas with zim-3: an overlap there is allowed. A bowtie is repaired and said so.
    const ok = await upload('b.geojson', fc(zone('zim-3', square(0.004, -0.002)), zone('zim-1', bowtie)));
    expect(ok.errors).toEqual([]);
    expect(ok.warnings.map((w: any) => w.message)).toContainEqual(expect.stringMatching(/^Row 2: the boundary of Trường Tiểu học zim-1 crosses itself/));
    expect(await sqlq(`SELECT school_id, ST_AsText(geom) g FROM admission_zone_official ORDER BY 1`)).toEqual(before);
  });

  it('five commits of one preview land once; two offices\' files at once both land', async () => {
    const a = await upload('c.geojson', fc(zone('zim-3', square(0.0065, -0.002, 0.003))));
    expect(a.status).toBe('PREVIEW');
    const results = await Promise.all(Array.from({ length: 5 }, () => commit(a.id)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors).map((r) => r.errors[0].extensions.code)).toEqual(expect.arrayContaining(['IMPORT_STATE']));
    // Two files for two schools, committed at once.
    const [x, y] = await Promise.all([upload('x.geojson', fc(zone('zim-1', square(-0.007, -0.002)))), upload('y.geojson', fc(zone('zim-2', square(0.002, -0.002))))]);
    const both = await Promise.all([commit(x.id), commit(y.id)]);
    for (const r of both) expect(r.errors).toBeUndefined();
    const [{ n }] = await sqlq<{ n: number }>(`SELECT count(*)::int n FROM admission_zone_official WHERE school_year = $1`, [YEAR]);
    expect(n).toBe(3);
  });
});
