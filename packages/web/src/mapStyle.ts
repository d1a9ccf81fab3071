// Map layer styles as typed constants. Offline by design: no basemap, sprites or glyphs are fetched (cluster
// counts are HTML markers, not map text). Ward boundaries come as vector tiles, schools as GeoJSON of the view.
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';

export const LEVEL_COLORS = {
  PRESCHOOL: '#e377c2',
  PRIMARY: '#2ca02c',
  LOWER_SECONDARY: '#1f77b4',
  UPPER_SECONDARY: '#d62728',
  MULTI: '#9467bd',
  CONTINUING: '#ff7f0e',
} as const;
export type LegendLevel = keyof typeof LEVEL_COLORS;
export const DIGITAL_COLOR = '#facc15';
export const RULE_ZONE_COLOR = '#0f766e';
/** A school in the placement scenario: more or fewer children placed than under the rules, the same, closed, added. */
export const SIM_COLORS = { more: '#16a34a', fewer: '#dc2626', same: '#6b7280', closed: '#111827', added: '#7c3aed' } as const;
export type SimChange = keyof typeof SIM_COLORS;

/** Opens on HCMC's central wards (old Quận 1 and 3 and their neighbours). */
export const INITIAL_VIEW = { center: [106.69, 10.78] as [number, number], zoom: 13 };
/** Schools are clustered up to this zoom; beyond it every school is its own marker. */
export const CLUSTER_MAX_ZOOM = 13;
/** Below this zoom the map shows wards only (a province's schools at once would be a heavy download). */
export const SCHOOLS_MIN_ZOOM = 9;
/** Zones by entry grade: grade 1 (primary) and grade 6 (lower secondary) in different colours, as the legend says. */
export const GRADE_COLORS: Record<1 | 6, string> = { 1: '#1d4ed8', 6: '#9333ea' };
/** The selected school's ring: amber, unlike the black outline of real schools. */
export const SELECTED_COLOR = '#f59e0b';
/** A school the chosen home is zoned for: a green ring, drawn even where its marker is inside a cluster. */
export const ZONED_COLOR = '#16a34a';
const gradeColor = ['match', ['get', 'entryGrade'], 6, GRADE_COLORS[6], GRADE_COLORS[1]] as unknown as string;

const levelColor = ['match', ['get', 'level'], ...Object.entries(LEVEL_COLORS).flat(), '#555555'] as unknown as string;
const notCluster = ['!', ['has', 'point_count']] as unknown as boolean;
const radius = (base: number) => ['interpolate', ['linear'], ['zoom'], 9, 2 + base, 13, 5 + base, 16, 8 + base] as unknown as number;

export const layers: LayerSpecification[] = [
  { id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } },
  { id: 'wards-fill', type: 'fill', source: 'wards', 'source-layer': 'wards', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.6 } },
  // The dashboard's choropleth: each ward's value is set as feature-state; wards without one stay transparent.
  { id: 'wards-choropleth', type: 'fill', source: 'wards', 'source-layer': 'wards', paint: { 'fill-color': 'rgba(0,0,0,0)', 'fill-opacity': 0 } },
  { id: 'wards-line', type: 'line', source: 'wards', 'source-layer': 'wards', paint: { 'line-color': '#6b7280', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.5, 14, 1.5] } },
  { id: 'zone-fill', type: 'fill', source: 'zone', filter: ['==', ['get', 'kind'], 'zone'], paint: { 'fill-color': gradeColor, 'fill-opacity': 0.13 } },
  { id: 'zone-line', type: 'line', source: 'zone', filter: ['==', ['get', 'kind'], 'zone'], paint: { 'line-color': gradeColor, 'line-width': 2.5, 'line-dasharray': [2, 1] } },
  // The area the published rules give the home's school (admissionZones), drawn instead of the old zone: an illustration.
  { id: 'rule-fill', type: 'fill', source: 'zone', filter: ['==', ['get', 'kind'], 'rule'], paint: { 'fill-color': RULE_ZONE_COLOR, 'fill-opacity': 0.12 } },
  { id: 'rule-line', type: 'line', source: 'zone', filter: ['==', ['get', 'kind'], 'rule'], paint: { 'line-color': RULE_ZONE_COLOR, 'line-width': 2.5 } },
  { id: 'route-line', type: 'line', source: 'zone', filter: ['==', ['get', 'kind'], 'route'], layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#c2410c', 'line-width': 4, 'line-opacity': 0.85 } },
  // The placement simulation (dashboard): ward points sized by children left unplaced in the scenario; schools by
  // what the scenario changes (SIM_COLORS), drawn above the schools' own markers.
  { id: 'sim-wards', type: 'circle', source: 'sim', filter: ['==', ['get', 'kind'], 'ward'], paint: {
    'circle-color': ['case', ['>', ['get', 'unplaced'], 0], '#dc2626', '#9ca3af'], 'circle-opacity': 0.55,
    'circle-radius': ['case', ['>', ['get', 'unplaced'], 0], ['min', 22, ['+', 5, ['sqrt', ['get', 'unplaced']]]], 3] } },
  {
    id: 'clusters',
    type: 'circle',
    source: 'schools',
    filter: ['has', 'point_count'],
    paint: {
      'circle-color': '#0f4c81',
      'circle-opacity': 0.85,
      'circle-radius': ['step', ['get', 'point_count'], 13, 10, 16, 50, 20, 200, 25],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
    },
  },
  {
    id: 'schools',
    type: 'circle',
    source: 'schools',
    filter: notCluster,
    paint: {
      'circle-color': levelColor,
      'circle-radius': radius(0),
      'circle-stroke-color': ['case', ['get', 'synthetic'], '#ffffff', '#111111'],
      'circle-stroke-width': ['case', ['get', 'synthetic'], 1, 2.5],
    },
  },
  // The "trường học số" mark: a yellow dot in the middle of digital schools' markers.
  { id: 'schools-digital', type: 'circle', source: 'schools', filter: ['all', notCluster, ['get', 'digital']], paint: { 'circle-color': DIGITAL_COLOR, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 0.8, 13, 2, 16, 3.2] } },
  { id: 'sim-schools', type: 'circle', source: 'sim', filter: ['==', ['get', 'kind'], 'school'], paint: {
    'circle-color': ['match', ['get', 'change'], ...Object.entries(SIM_COLORS).flat(), '#6b7280'] as unknown as string,
    'circle-radius': ['min', 18, ['+', 5, ['/', ['sqrt', ['get', 'placed']], 2]]], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } },
  { id: 'highlight', type: 'circle', source: 'schools', filter: ['==', ['get', 'id'], ''], paint: { 'circle-color': 'rgba(0,0,0,0)', 'circle-radius': radius(5), 'circle-stroke-color': '#f97316', 'circle-stroke-width': 3 } },
  // The home's zoned schools from their own unclustered source: marked even where the schools layer clusters them.
  { id: 'zoned-schools', type: 'circle', source: 'zoned', paint: {
    'circle-color': levelColor, 'circle-radius': radius(1), 'circle-stroke-color': ZONED_COLOR, 'circle-stroke-width': 3.5 } },
  { id: 'selected', type: 'circle', source: 'schools', filter: ['==', ['get', 'id'], ''], paint: {
    'circle-color': 'rgba(0,0,0,0)', 'circle-radius': radius(7), 'circle-stroke-color': SELECTED_COLOR, 'circle-stroke-width': 4 } },
];

const EMPTY = { type: 'FeatureCollection', features: [] } as const;

/** The map draws the wards of one province at a time (HCMC unless the dashboard picks another). */
export const DEFAULT_MAP_PROVINCE = '79';
export const wardTiles = (origin: string, province: string) => [`${origin}/tiles/wards/{z}/{x}/{y}.pbf?province=${encodeURIComponent(province)}`];

export function buildStyle(origin: string, province = DEFAULT_MAP_PROVINCE): StyleSpecification {
  return {
    version: 8,
    sources: {
      wards: { type: 'vector', tiles: wardTiles(origin, province), maxzoom: 14, promoteId: 'code' },
      schools: { type: 'geojson', data: EMPTY as never, cluster: true, clusterMaxZoom: CLUSTER_MAX_ZOOM, clusterRadius: 32 },
      zone: { type: 'geojson', data: EMPTY as never },
      zoned: { type: 'geojson', data: EMPTY as never },
      sim: { type: 'geojson', data: EMPTY as never },
    },
    layers,
  };
}

/**
 * An optional basemap under our layers, set at build time: VITE_BASEMAP_STYLE_URL=https://…/style.json. Off by
 * default (the map works offline from our own data); a value that is not an http(s) URL is ignored with a warning.
 */
export function basemapStyleUrl(raw: string | undefined = import.meta.env.VITE_BASEMAP_STYLE_URL as string | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    if (u.protocol === 'https:' || u.protocol === 'http:') return u.toString();
  } catch {
    /* reported below */
  }
  console.warn(`VITE_BASEMAP_STYLE_URL is not an http(s) URL and is ignored: ${raw}`);
  return null;
}

/** Our sources and layers on top of a basemap style (its background replaces ours; the ward fill is lighter). */
export function overBasemap(base: StyleSpecification, ours: StyleSpecification): StyleSpecification {
  return {
    ...base,
    sources: { ...base.sources, ...ours.sources },
    layers: [
      ...base.layers,
      ...ours.layers.filter((l) => l.id !== 'background').map((l) => (l.id === 'wards-fill' ? { ...l, paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.15 } } : l)),
    ] as LayerSpecification[],
  };
}

/** Class breaks and colours of a choropleth (ColorBrewer YlGnBu, 5 classes; colour-blind safe). */
export const CHOROPLETH_COLORS = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'] as const;
export const NO_DATA_COLOR = '#d1d5db';

/** Paint of the choropleth layer for `breaks` (4 inner edges for 5 classes); thin-data wards are drawn paler. */
export function choroplethPaint(breaks: readonly number[]) {
  const steps: (string | number)[] = [CHOROPLETH_COLORS[0]];
  breaks.forEach((b, i) => steps.push(b, CHOROPLETH_COLORS[i + 1]!));
  return {
    'fill-color': ['case', ['==', ['feature-state', 'value'], null], NO_DATA_COLOR, ['step', ['feature-state', 'value'], ...steps]],
    'fill-opacity': ['case', ['==', ['feature-state', 'shown'], null], 0, ['boolean', ['feature-state', 'thin'], false], 0.35, 0.8],
  } as const;
}
