import { useEffect, useRef } from 'react';
import maplibregl, { type MapLibre } from './maplibre.ts';
import { useTranslation } from 'react-i18next';
import { INITIAL_VIEW, buildStyle } from './mapStyle.ts';

declare global {
  interface Window {
    __edugisMap?: MapLibre.Map;
  }
}

export function MapView({ attribution, onSelect, onPlace }: { attribution: string[]; onSelect: (id: string) => void; onPlace: (lng: number, lat: number) => void }) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibre.Map | null>(null);
  const attributionRef = useRef<MapLibre.AttributionControl | null>(null);
  const select = useRef(onSelect);
  select.current = onSelect;
  const place = useRef(onPlace);
  place.current = onPlace;

  useEffect(() => {
    const map = new maplibregl.Map({
      container: el.current!,
      style: buildStyle(location.origin),
      center: INITIAL_VIEW.center,
      zoom: INITIAL_VIEW.zoom,
      attributionControl: false,
    });
    mapRef.current = map;
    window.__edugisMap = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    // A click on a school opens it; a click anywhere else asks which schools that place is zoned for.
    map.on('click', (e) => {
      const hit = map.queryRenderedFeatures(e.point, { layers: ['schools'] })[0];
      const id = hit?.properties?.id;
      if (typeof id === 'string') select.current(id);
      else place.current(e.lngLat.lng, e.lngLat.lat);
    });
    map.on('mouseenter', 'schools', () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', 'schools', () => (map.getCanvas().style.cursor = ''));
    // What is on screen, for people checking the map and for the browser test.
    map.on('idle', () => {
      const root = el.current;
      if (!root) return;
      root.dataset.renderedSchools = String(map.queryRenderedFeatures({ layers: ['schools'] }).length);
      root.dataset.renderedWards = String(new Set(map.queryRenderedFeatures({ layers: ['wards-fill'] }).map((f) => f.id)).size);
      root.dataset.ready = '1';
    });
    return () => map.remove();
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || attribution.length === 0) return;
    if (attributionRef.current) map.removeControl(attributionRef.current);
    attributionRef.current = new maplibregl.AttributionControl({ compact: true, customAttribution: attribution });
    map.addControl(attributionRef.current, 'bottom-right');
    // Start collapsed (the "i" button opens it): the full attributions are always listed in the sources panel.
    el.current?.querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show');
  }, [attribution]);

  return <div ref={el} className="map" role="region" aria-label={t('mapLabel')} data-testid="map" />;
}
