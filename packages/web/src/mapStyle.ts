// Map layer styles as typed constants. Offline by design: no basemap, sprites or glyphs are fetched.
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

/** Opens on HCMC's central wards (old Quận 1 and 3 and their neighbours). */
export const INITIAL_VIEW = { center: [106.69, 10.78] as [number, number], zoom: 13 };

const levelColor = ['match', ['get', 'level'], ...Object.entries(LEVEL_COLORS).flat(), '#555555'] as unknown as string;

export const layers: LayerSpecification[] = [
  { id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } },
  { id: 'wards-fill', type: 'fill', source: 'wards', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.6 } },
  { id: 'wards-line', type: 'line', source: 'wards', paint: { 'line-color': '#6b7280', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.5, 14, 1.5] } },
  {
    id: 'schools',
    type: 'circle',
    source: 'schools',
    paint: {
      'circle-color': levelColor,
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 2, 13, 5, 16, 8],
      'circle-stroke-color': ['case', ['get', 'synthetic'], '#ffffff', '#111111'],
      'circle-stroke-width': ['case', ['get', 'synthetic'], 1, 2.5],
    },
  },
];

export function buildStyle(origin: string, province = '79'): StyleSpecification {
  return {
    version: 8,
    sources: {
      wards: { type: 'geojson', data: `${origin}/geo/wards.geojson?province=${province}` },
      schools: { type: 'geojson', data: `${origin}/geo/schools.geojson?province=${province}` },
    },
    layers,
  };
}
