// The shareable part of the app's state, kept in the address bar (the map view itself is in "#map=zoom/lat/lng",
// written by MapLibre): open the same link, see the same view, filters, selection and comparison.
import type { FeatureCollection, Geometry } from 'geojson';

export const LEVELS = ['PRESCHOOL', 'PRIMARY', 'LOWER_SECONDARY', 'UPPER_SECONDARY', 'CONTINUING'] as const;
export const OWNERSHIPS = ['PUBLIC', 'PRIVATE', 'PEOPLE_FOUNDED'] as const;
export type Level = (typeof LEVELS)[number];
export type OwnershipFilter = (typeof OWNERSHIPS)[number];

export interface Filters { level: Level | null; ownership: OwnershipFilter | null; digital: boolean }
export interface AppState { school: string | null; place: [number, number] | null; filters: Filters; compare: string[] }

export const MAX_COMPARE = 3;
const ID = /^[\w@.:-]{1,120}$/;

/** Reads the state from a query string, dropping anything malformed (a hand-edited link must not break the app). */
export function readState(search: string): AppState {
  const p = new URLSearchParams(search);
  const level = p.get('level');
  const ownership = p.get('ownership');
  const at = (p.get('at') ?? '').split(',').map(Number);
  const place = at.length === 2 && at.every(Number.isFinite) && Math.abs(at[0]!) <= 180 && Math.abs(at[1]!) <= 90 ? (at as [number, number]) : null;
  const school = p.get('school');
  return {
    school: school && ID.test(school) ? school : null,
    place,
    filters: {
      level: (LEVELS as readonly string[]).includes(level ?? '') ? (level as Level) : null,
      ownership: (OWNERSHIPS as readonly string[]).includes(ownership ?? '') ? (ownership as OwnershipFilter) : null,
      digital: p.get('digital') === '1',
    },
    compare: [...new Set((p.get('compare') ?? '').split(',').filter((id) => ID.test(id)))].slice(0, MAX_COMPARE),
  };
}

export function writeState(s: AppState, lang: string): string {
  const p = new URLSearchParams();
  if (s.school) p.set('school', s.school);
  if (s.place) p.set('at', `${s.place[0].toFixed(6)},${s.place[1].toFixed(6)}`);
  if (s.filters.level) p.set('level', s.filters.level);
  if (s.filters.ownership) p.set('ownership', s.filters.ownership);
  if (s.filters.digital) p.set('digital', '1');
  if (s.compare.length) p.set('compare', s.compare.join(','));
  if (lang !== 'vi') p.set('lang', lang);
  // Commas stay readable in the link ("at=106.7,10.77", "compare=a,b").
  const q = p.toString().replaceAll('%2C', ',');
  return q ? `?${q}` : '';
}

/** What the map draws for a school (the properties of /geo/schools.geojson). */
export interface SchoolPoint {
  id: string; name: string; level: string; levels: Level[]; ownership: string; synthetic: boolean; digital: boolean;
  maturitySynthetic: boolean | null; lng: number; lat: number;
}

export function matches(s: SchoolPoint, f: Filters): boolean {
  return (!f.level || s.levels.includes(f.level)) && (!f.ownership || s.ownership === f.ownership) && (!f.digital || s.digital);
}

/** Zones with their entry grade as one FeatureCollection for the map (zones without geometry are left out). */
/** The zones drawn for a place, and the road routes to the schools the rules place it at (kind "route"). */
export function zonesCollection(zones: { entryGrade: number; geometry: Geometry | null }[], routes: { entryGrade: number; geometry: Geometry | null }[] = [],
  /** The areas the rules give the placed schools (admissionZones): they replace the drawn zone of their grade. */
  rules: { entryGrade: number; geometry: Geometry }[] = []): FeatureCollection {
  const ruled = new Set(rules.map((r) => r.entryGrade));
  return {
    type: 'FeatureCollection',
    features: [
      ...zones.filter((z) => z.geometry && !ruled.has(z.entryGrade)).map((z) => ({ type: 'Feature' as const, properties: { entryGrade: z.entryGrade, kind: 'zone' }, geometry: z.geometry! })),
      ...rules.map((r) => ({ type: 'Feature' as const, properties: { entryGrade: r.entryGrade, kind: 'rule' }, geometry: r.geometry })),
      ...routes.filter((r) => r.geometry).map((r) => ({ type: 'Feature' as const, properties: { entryGrade: r.entryGrade, kind: 'route' }, geometry: r.geometry! })),
    ],
  };
}

export function formatDistance(m: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  return m < 1000 ? t('metres', { n: Math.round(m) }) : t('kilometres', { n: (m / 1000).toFixed(1) });
}

/** Straight-line metres between two WGS84 points (haversine), for sorting a list by distance from home. */
export function metres(a: [number, number], b: [number, number]): number {
  const r = Math.PI / 180;
  const dLat = (b[1] - a[1]) * r;
  const dLng = (b[0] - a[0]) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}
