// A small map of ward boundaries for staff screens: an import's rows as coloured points (by what the import does
// to them), with our own tiles and no basemap, so it works offline. Circle layers only: no glyphs needed.
import { useEffect, useRef } from 'react';
import maplibregl, { type MapLibre } from './maplibre.ts';
import { wardTiles } from './mapStyle.ts';

export const ACTION_COLORS: Record<string, string> = { ADD: '#16a34a', CHANGE: '#d97706', UNCHANGED: '#94a3b8', KEEP: '#64748b', REMOVE: '#dc2626', SKIP: '#dc2626' };

/** The style of staff maps: background and ward lines of a province. */
export const wardLinesStyle = (province = '79'): MapLibre.StyleSpecification => ({
  version: 8,
  sources: { wards: { type: 'vector', tiles: wardTiles(location.origin, province), maxzoom: 14 } },
  layers: [
    { id: 'bg', type: 'background', paint: { 'background-color': '#f4f1ea' } },
    { id: 'wards-line', type: 'line', source: 'wards', 'source-layer': 'wards', paint: { 'line-color': '#64748b', 'line-width': 1 } },
  ],
});

export function PointsMap({ points, province, label }: { points: { lng: number; lat: number; action: string; label: string }[]; province: string; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!points.length) return;
    const xs = points.map((p) => p.lng);
    const ys = points.map((p) => p.lat);
    const m = new maplibregl.Map({ container: box.current!, style: wardLinesStyle(province), bounds: [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]],
      fitBoundsOptions: { padding: 30, maxZoom: 16 }, attributionControl: false });
    m.on('load', () => {
      m.addSource('rows', { type: 'geojson', data: { type: 'FeatureCollection', features: points.map((p) => ({ type: 'Feature', properties: { action: p.action, label: p.label }, geometry: { type: 'Point', coordinates: [p.lng, p.lat] } })) } });
      m.addLayer({ id: 'rows', type: 'circle', source: 'rows', paint: {
        'circle-radius': 5, 'circle-stroke-width': 1, 'circle-stroke-color': '#fff',
        'circle-color': ['match', ['get', 'action'], ...Object.entries(ACTION_COLORS).flat(), '#64748b'] as never,
      } });
    });
    // Drawn (tiles and points): what a test or a screenshot waits for.
    m.once('idle', () => { if (box.current) box.current.dataset.ready = 'true'; });
    return () => m.remove();
  }, [points, province]);
  if (!points.length) return null;
  return <div ref={box} className="mini-map" role="img" aria-label={label} data-testid="preview-map" />;
}
