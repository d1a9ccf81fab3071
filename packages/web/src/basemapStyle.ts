// Our street basemap style (issue 14): the server's own vector tiles (OpenMapTiles schema, /basemap/tiles.json) and
// glyphs (Noto Sans, with Vietnamese letters), drawn quietly so that schools and zones stay the subject: pale land,
// blue-grey water, green parks, buildings from zoom 14, white streets with grey casings, street names along the
// streets, minor streets and place names from zoom 14 (below it: water, parks and the main roads, no text to
// download glyphs for), all in one font (Noto Sans Regular: one set of glyphs to download). Labels are in `name:latin` (the OSM name as written, in Vietnamese).
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';

const NAME = ['get', 'name:latin'] as unknown as string;
const FONT = ['Noto Sans Regular'];
const roadWidth = (z10: number, z16: number) => ['interpolate', ['exponential', 1.5], ['zoom'], 10, z10, 16, z16] as unknown as number;
const MAJOR = ['motorway', 'trunk', 'primary'];
const MIDDLE = ['secondary', 'tertiary'];
const MINOR = ['minor', 'service', 'track'];
const cls = (list: string[]) => ['match', ['get', 'class'], list, true, false] as unknown as boolean;

export const BASEMAP_LAYERS: LayerSpecification[] = [
  { id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } },
  { id: 'bm-landcover', type: 'fill', source: 'basemap', 'source-layer': 'landcover', paint: { 'fill-color': '#e3ecd6', 'fill-opacity': 0.6 } },
  { id: 'bm-park', type: 'fill', source: 'basemap', 'source-layer': 'park', paint: { 'fill-color': '#d5e8c4', 'fill-opacity': 0.8 } },
  { id: 'bm-water', type: 'fill', source: 'basemap', 'source-layer': 'water', paint: { 'fill-color': '#b9d3e3' } },
  { id: 'bm-waterway', type: 'line', source: 'basemap', 'source-layer': 'waterway', paint: { 'line-color': '#b9d3e3', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 16, 3] } },
  { id: 'bm-building', type: 'fill', source: 'basemap', 'source-layer': 'building', minzoom: 14, paint: { 'fill-color': '#e6e0d6', 'fill-outline-color': '#d8d0c2' } },
  { id: 'bm-road-casing', type: 'line', source: 'basemap', 'source-layer': 'transportation', filter: cls([...MAJOR, ...MIDDLE]),
    layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#cfc8bb', 'line-width': roadWidth(1.5, 14) } },
  { id: 'bm-road-minor', type: 'line', source: 'basemap', 'source-layer': 'transportation', minzoom: 14, filter: cls(MINOR),
    layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': roadWidth(0.5, 7) } },
  { id: 'bm-road', type: 'line', source: 'basemap', 'source-layer': 'transportation', filter: cls([...MAJOR, ...MIDDLE]),
    layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': ['match', ['get', 'class'], MAJOR, '#fdf3d8', '#ffffff'] as unknown as string, 'line-width': roadWidth(1, 11) } },
  { id: 'bm-road-name', type: 'symbol', source: 'basemap', 'source-layer': 'transportation_name', minzoom: 14,
    layout: { 'symbol-placement': 'line', 'text-field': NAME, 'text-font': FONT, 'text-size': ['interpolate', ['linear'], ['zoom'], 14, 10, 17, 13] as unknown as number, 'text-max-angle': 30 },
    paint: { 'text-color': '#5b5549', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 } },
  { id: 'bm-place', type: 'symbol', source: 'basemap', 'source-layer': 'place', minzoom: 14, filter: ['match', ['get', 'class'], ['suburb', 'quarter', 'neighbourhood', 'town', 'village'], true, false],
    layout: { 'text-field': NAME, 'text-font': FONT, 'text-size': 12, 'text-transform': 'none' }, paint: { 'text-color': '#6b6254', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 } },
];

/** The basemap as a style (our layers go on top of it: mapStyle.ts overBasemap). */
export function basemapStyle(origin: string): StyleSpecification {
  return {
    version: 8,
    glyphs: `${origin}/basemap/fonts/{fontstack}/{range}.pbf`,
    sources: { basemap: { type: 'vector', url: `${origin}/basemap/tiles.json` } },
    layers: BASEMAP_LAYERS,
  };
}

/** Whether this server has a basemap (its TileJSON answers). */
export async function hasBasemap(origin: string): Promise<boolean> {
  try {
    const res = await fetch(`${origin}/basemap/tiles.json`);
    return res.ok;
  } catch {
    return false;
  }
}
