// A parent types an address: the house when the data has its number, else the street's stretch in the ward (and
// says so); streets without accents, "đường/đ.", abbreviations (NTMK, Q.1, P.12), pre-2025 districts and wards
// leading to today's wards, the province in view first, and what search covers when nothing is found. Over HTTP,
// on PostgreSQL and on the embedded PGlite, against the seed's real data (the OSM 2018 extract's house numbers and
// roads, the 2025 central roads), expectations computed from the tables with PostGIS, not copied from answers.
import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
const sqlq = <T = any>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);

const SEARCH = `query($t: String!, $near: [Float!], $n: Int) { search(text: $t, limit: $n, near: $near) {
  kind label context score provinceCode bbox note approximate source location { longitude latitude } successors { id } } }`;
const HCMC: [number, number] = [106.7, 10.78];
const search = async (t: string, near: [number, number] | null = HCMC, lang = 'vi'): Promise<any[]> => {
  const { body } = await gql(server.url, SEARCH, { t, near, n: 8 }, lang);
  expect(body.errors, t).toBeUndefined();
  return body.data.search;
};
/** Metres from a point to the nearest line of a street (2018 network and 2025 set), by PostGIS. */
const toStreet = async (p: { longitude: number; latitude: number }, key: string) => {
  const [r] = await sqlq<{ m: number }>(`
    SELECT min(ST_Distance(g::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)) AS m FROM (
      SELECT geom g FROM road_way WHERE name IS NOT NULL AND edugis_street_key(name) = $3
      UNION ALL SELECT geom FROM street_line WHERE edugis_street_key(name) = $3) x`, [p.longitude, p.latitude, key]);
  return Number(r!.m);
};
const wardAt = async (p: { longitude: number; latitude: number }) => (await sqlq<{ name: string }>(`
  SELECT full_name AS name FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND ST_Intersects(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326))`, [p.longitude, p.latitude]))[0]?.name;
const successorsOf = async (unitId: string, district = false) => (await sqlq<{ id: string }>(district
  ? `SELECT DISTINCT c.new_unit_id AS id FROM admin_unit o JOIN admin_unit_crosswalk c ON c.old_unit_id = o.id WHERE o.parent_id = $1 ORDER BY 1`
  : `SELECT new_unit_id AS id FROM admin_unit_crosswalk WHERE old_unit_id = $1 ORDER BY 1`, [unitId])).map((r) => r.id);
const extentOf = async (ids: string[]) => {
  const [r] = await sqlq<{ w: number; s: number; e: number; n: number }>(`SELECT ST_XMin(x) w, ST_YMin(x) s, ST_XMax(x) e, ST_YMax(x) n
    FROM (SELECT ST_Extent(boundary)::geometry x FROM admin_unit WHERE id = ANY($1::text[])) t`, [ids]);
  return [r!.w, r!.s, r!.e, r!.n].map(Number);
};

describe('address search', () => {
  it('lands on the house when the data has its number, in any spelling', async () => {
    const houses = await sqlq<{ lng: number; lat: number }>(`SELECT ST_X(geom) lng, ST_Y(geom) lat FROM address_point
      WHERE edugis_street_key(street) = 'ly tu trong' AND edugis_house_key(housenumber) = '14'`);
    expect(houses.length).toBeGreaterThan(0);
    for (const text of ['14 Lý Tự Trọng', '14 ly tu trong', 'Số 14 đường Lý Tự Trọng, P. Bến Nghé, Q.1, TP.HCM']) {
      const [hit] = await search(text);
      expect(hit, text).toMatchObject({ kind: 'ADDRESS', label: '14 Lý Tự Trọng', approximate: false, provinceCode: '79' });
      expect(houses.some((h) => Math.abs(h.lng - hit.location.longitude) < 1e-6 && Math.abs(h.lat - hit.location.latitude) < 1e-6), text).toBe(true);
      expect(hit.note).toBe(`Số nhà 14 Lý Tự Trọng, ${hit.context.replace(/^P/, 'p')}`);
      expect(hit.source).toMatch(/OpenStreetMap/);
    }
  });

  it('an unknown number lands on the street\'s stretch in the ward, and says which', async () => {
    const [known] = await sqlq(`SELECT 1 FROM address_point WHERE edugis_street_key(street) = 'ly tu trong' AND edugis_house_key(housenumber) = '12'`);
    expect(known).toBeUndefined(); // the premise: OSM 2018 has no number 12 on Lý Tự Trọng
    const [hit] = await search('12 Lý Tự Trọng, Bến Thành');
    expect(hit).toMatchObject({ kind: 'STREET', label: 'Lý Tự Trọng', context: 'Phường Bến Thành', approximate: true });
    expect(hit.note).toBe('Vị trí gần đúng: chưa có số nhà 12 trong dữ liệu; đường Lý Tự Trọng, phường Bến Thành');
    expect(await toStreet(hit.location, 'ly tu trong')).toBeLessThan(1);
    expect(await wardAt(hit.location)).toBe('Phường Bến Thành');
    // In English too.
    const [en] = await search('12 Ly Tu Trong, Ben Thanh', HCMC, 'en');
    expect(en.note).toBe('Approximate location: number 12 is not in the data; Lý Tự Trọng street, Phường Bến Thành');
    // Without a ward: near the known number closest to it (14, same side), on the street.
    const [bare] = await search('12 Lý Tự Trọng');
    expect(bare.kind).toBe('STREET');
    expect(await toStreet(bare.location, 'ly tu trong')).toBeLessThan(1);
  });

  it('finds streets without accents, with "đường/đ." and abbreviations, and Ð typed for Đ', async () => {
    for (const [text, name] of [['nguyen thi minh khai', 'Nguyễn Thị Minh Khai'], ['NTMK', 'Nguyễn Thị Minh Khai'], ['đ. ly tu trong', 'Lý Tự Trọng'],
      ['duong dong khoi', 'Đồng Khởi'], ['Ðồng Khởi', 'Đồng Khởi'], ['xo viet nghe tinh', 'Xô Viết Nghệ Tĩnh']] as const) {
      const hit = (await search(text)).find((h) => h.kind === 'STREET');
      expect(hit?.label, text).toBe(name);
      expect(await toStreet(hit.location, (await sqlq<{ k: string }>(`SELECT edugis_street_key($1) k`, [name]))[0]!.k), text).toBeLessThan(1);
    }
  });

  it('reads pre-2025 districts in an address and ranks the street there before communes elsewhere', async () => {
    const [q5] = await sqlq<{ id: string }>(`SELECT id FROM admin_unit WHERE level = 'DISTRICT' AND province_code = '79' AND full_name = 'Quận 5'`);
    const wards = await successorsOf(q5!.id, true);
    const wardNames = (await sqlq<{ full_name: string }>(`SELECT full_name FROM admin_unit WHERE id = ANY($1::text[])`, [wards])).map((r) => r.full_name);
    for (const text of ['Nguyễn Trãi Quận 5', 'nguyen trai q5', 'Nguyễn Trãi, Q.5']) {
      const hits = await search(text);
      expect(hits[0]!.kind, text).toBe('STREET');
      expect(hits[0]!.label).toBe('Nguyễn Trãi');
      expect(wardNames, text).toContain(hits[0]!.context);
      const firstElsewhere = hits.findIndex((h) => h.provinceCode !== '79');
      expect(firstElsewhere === -1 || firstElsewhere > 0).toBe(true);
    }
  });

  it('finds pre-2025 districts ("Quận 1", "Q1", "Huyện Củ Chi") and leads to the wards they went into', async () => {
    for (const [text, name] of [['Quận 1', 'Quận 1'], ['Q1', 'Quận 1'], ['q.1', 'Quận 1'], ['Huyện Củ Chi', 'Huyện Củ Chi']] as const) {
      const [hit] = await search(text);
      expect(hit, text).toMatchObject({ kind: 'FORMER_DISTRICT', label: name });
      const [d] = await sqlq<{ id: string }>(`SELECT id FROM admin_unit WHERE level = 'DISTRICT' AND province_code = '79' AND full_name = $1`, [name]);
      const ids = await successorsOf(d!.id, true);
      expect(hit.successors.map((s: { id: string }) => s.id).sort()).toEqual(ids);
      expect(hit.bbox).toEqual(await extentOf(ids));
    }
  });

  it('gives a pre-2025 ward the extent of its successors (what the map moves to)', async () => {
    const [hit] = await search('Phường 12, Quận 3');
    expect(hit.kind).toBe('FORMER_WARD');
    const [w] = await sqlq<{ id: string }>(`SELECT w.id FROM admin_unit w JOIN admin_unit d ON d.id = w.parent_id WHERE w.full_name = 'Phường 12' AND d.full_name = 'Quận 3'`);
    expect(hit.bbox).toEqual(await extentOf(await successorsOf(w!.id)));
    expect((await search('P.12, Q.3'))[0]).toMatchObject({ kind: 'FORMER_WARD', label: 'Phường 12, Quận 3' });
  });

  it('ranks the province in view first', async () => {
    const [vl] = await sqlq<{ lng: number; lat: number }>(`SELECT ST_X(ST_PointOnSurface(boundary)) lng, ST_Y(ST_PointOnSurface(boundary)) lat
      FROM admin_unit WHERE level = 'PROVINCE' AND valid_to IS NULL AND code = '86'`); // Vĩnh Long, where Xã Đồng Khởi is
    expect((await search('dong khoi', HCMC))[0]!.provinceCode).toBe('79');
    expect((await search('dong khoi', [vl!.lng, vl!.lat]))[0]).toMatchObject({ provinceCode: '86', label: 'Xã Đồng Khởi' });
  });

  it('says what it covers, with the street data\'s places and dates, in both languages', async () => {
    expect(await search('zzqxv wwyk')).toEqual([]);
    const vi = (await gql(server.url, '{ searchCoverage }', {}, 'vi')).body.data.searchCoverage;
    expect(vi).toMatch(/^Tìm kiếm bao gồm tên trường, .*quận\/huyện trước 2025.*đường phố và số nhà ở Thành phố Hồ Chí Minh \(.*\)\.$/);
    expect(vi).toContain('OpenStreetMap 2018-01');
    expect(vi).toContain('2025-11');
    const en = (await gql(server.url, '{ searchCoverage }', {}, 'en')).body.data.searchCoverage;
    expect(en).toMatch(/^Search covers school names, .*streets and house numbers in Thành phố Hồ Chí Minh/);
  });

  it('refuses a bad map centre with a clear error', async () => {
    for (const near of [[106.7], [106.7, 10.78, 3], [200, 10], [106.7, -95]]) {
      const { body } = await gql(server.url, SEARCH, { t: 'ly tu trong', near }, 'en');
      expect(body.errors?.[0]?.extensions?.code, JSON.stringify(near)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('mapArea: the province in view and whether EduGIS holds schools there', () => {
  it('names Hanoi as holding no school data, HCMC as holding its schools, and refuses a bad point', async () => {
    const Q = `query($lng: Float!, $lat: Float!) { mapArea(longitude: $lng, latitude: $lat) { provinceCode provinceName schools message } }`;
    const [hcmcSchools] = await sqlq<{ n: number }>(`SELECT count(*)::int n FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.province_code = '79'`);
    expect((await gql(server.url, Q, { lng: 106.7, lat: 10.78 })).body.data.mapArea).toEqual({ provinceCode: '79', provinceName: 'Thành phố Hồ Chí Minh', schools: hcmcSchools!.n, message: null });
    const hn = (await gql(server.url, Q, { lng: 105.85, lat: 21.03 })).body.data.mapArea;
    expect(hn).toMatchObject({ provinceCode: '01', schools: 0 });
    expect(hn.message).toBe('EduGIS chưa có dữ liệu trường học của Thành phố Hà Nội: bản đồ chỉ vẽ ranh giới phường/xã, chưa có trường hay khu vực tuyển sinh ở đây.');
    expect((await gql(server.url, Q, { lng: 105.85, lat: 21.03 }, 'en')).body.data.mapArea.message).toMatch(/^EduGIS has no school data for Thành phố Hà Nội yet/);
    expect((await gql(server.url, Q, { lng: 0, lat: 0 })).body.data.mapArea).toMatchObject({ provinceCode: null, message: expect.stringMatching(/ngoài 34 tỉnh/) });
    expect((await gql(server.url, Q, { lng: 200, lat: 0 })).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('street files through the import pipeline', () => {
  const line = (name: string, dx: number) => ({ type: 'Feature', properties: { name, dateCreated: '2026-10-01T00:00:00Z' },
    geometry: { type: 'LineString', coordinates: [[106.7010 + dx, 10.7760], [106.7030 + dx, 10.7775]] } });
  const upload = async (token: string, name: string, body: string) => (await fetch(`${server.url}/imports?kind=streets&province=79&source=${encodeURIComponent('Đường mới (thử)')}&licence=unknown`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-file-name': name, 'accept-language': 'en' }, body,
  })).json() as Promise<any>;
  const commit = async (token: string, id: string) => (await gql(server.url, `mutation($id: ID!) { commitImport(id: $id) { status } }`, { id }, 'en', token)).body;
  const fc = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

  it('a new street becomes searchable; parallel loads leave one consistent set; a file with no street is refused', async () => {
    const so = await signIn('demo.so');
    const bad = await upload(so, 'none.geojson', fc({ type: 'Feature', properties: { name: 'X' }, geometry: { type: 'Point', coordinates: [106.7, 10.77] } }));
    expect(bad.status).toBe('INVALID');
    expect(bad.errors[0].message).toMatch(/no named street/);
    const [a, b] = await Promise.all([upload(so, 'a.geojson', fc(line('Đường Hoa Sứ Thử', 0))), upload(so, 'b.geojson', fc(line('Đường Hoa Lài Thử', 0.001)))]);
    expect([a.status, b.status]).toEqual(['PREVIEW', 'PREVIEW']);
    // Both were previewed against the same street set: one commits, the other is told to preview again (typed).
    const done = await Promise.all([commit(so, a.id), commit(so, b.id)]);
    const committed = done.filter((d) => d.data?.commitImport?.status === 'COMMITTED');
    expect(committed.length).toBe(1);
    expect(done.find((d) => d.errors)?.errors?.[0]?.extensions?.code).toBe('IMPORT_STALE');
    // One set is active at the end, and street_name holds exactly its streets (plus the 2018 network's).
    const [active] = await sqlq<{ set_id: string }>(`SELECT set_id FROM street_set_active WHERE province_code = '79'`);
    expect([a.id, b.id]).toContain(active!.set_id);
    const winner = active!.set_id === a.id ? 'Hoa Sứ Thử' : 'Hoa Lài Thử';
    const loser = winner === 'Hoa Sứ Thử' ? 'Hoa Lài Thử' : 'Hoa Sứ Thử';
    const hit = (await search(`1 ${winner}`)).find((h) => h.kind === 'STREET');
    expect(hit).toMatchObject({ label: winner, approximate: true });
    expect(await toStreet(hit.location, (await sqlq<{ k: string }>(`SELECT edugis_street_key($1) k`, [winner]))[0]!.k)).toBeLessThan(1);
    expect((await search(loser)).find((h) => h.label === loser)).toBeUndefined();
    // The 2025 central roads went out with the replaced set: Đồng Khởi is still found (the 2018 network has it).
    expect((await search('dong khoi')).some((h) => h.kind === 'STREET' && h.label.endsWith('Đồng Khởi'))).toBe(true);
  });
});

describe('a Nominatim-compatible geocoder plugged in', () => {
  it('asks a Nominatim /search URL (on this machine here) and maps its answers to houses and streets', async () => {
    const { createServer } = await import('node:http');
    const { nominatimGeocoder, parseAddress } = await import('../src/geocoder.ts');
    const seen: { url: string; agent: string | undefined }[] = [];
    // Answers in the shape Nominatim's /search?format=jsonv2&addressdetails=1 gives (fields as documented).
    const answer = [
      { lat: '10.7808458', lon: '106.7022307', display_name: '14, Lý Tự Trọng, Phường Sài Gòn, Thành phố Hồ Chí Minh, Việt Nam', importance: 0.3,
        boundingbox: ['10.7807', '10.7809', '106.7021', '106.7023'], address: { house_number: '14', road: 'Lý Tự Trọng', quarter: 'Phường Sài Gòn' } },
      { lat: '10.7735', lon: '106.6964', display_name: 'Lý Tự Trọng, Phường Bến Thành, Việt Nam', importance: 0.2, address: { road: 'Lý Tự Trọng', suburb: 'Phường Bến Thành' } },
      { lat: 'x', lon: '106', display_name: 'broken' },
    ];
    const http = createServer((req, res) => { seen.push({ url: req.url!, agent: req.headers['user-agent'] }); res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(answer)); });
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
    try {
      const g = nominatimGeocoder(`http://127.0.0.1:${(http.address() as { port: number }).port}/search`, { userAgent: 'EduGIS test' });
      const hits = await g.search({ text: '14 Lý Tự Trọng', parsed: parseAddress('14 Lý Tự Trọng'), lang: 'vi', limit: 5 });
      const q = new URL(seen[0]!.url, 'http://x').searchParams;
      expect(Object.fromEntries(q)).toMatchObject({ q: '14 Lý Tự Trọng', format: 'jsonv2', addressdetails: '1', countrycodes: 'vn', limit: '5', 'accept-language': 'vi' });
      expect(seen[0]!.agent).toBe('EduGIS test');
      expect(hits).toHaveLength(2); // the answer with a broken latitude is dropped
      expect(hits[0]).toMatchObject({ kind: 'ADDRESS', label: '14 Lý Tự Trọng', context: 'Phường Sài Gòn', longitude: 106.7022307, latitude: 10.7808458, approximate: false,
        bbox: [106.7021, 10.7807, 106.7023, 10.7809], note: 'Số nhà 14 Lý Tự Trọng, phường Sài Gòn' });
      expect(hits[1]).toMatchObject({ kind: 'STREET', approximate: true, note: 'Vị trí gần đúng: đường Lý Tự Trọng, phường Bến Thành' });
      expect(hits[0]!.source).toMatch(/OpenStreetMap contributors/);
      expect(() => nominatimGeocoder('file:///etc/passwd')).toThrow(/http/);
    } finally {
      http.close();
    }
  });
});
