import { useEffect, useRef } from 'react';
import type { FeatureCollection } from 'geojson';
import maplibregl, { type MapLibre } from './maplibre.ts';
import { useTranslation } from 'react-i18next';
import { basemapStyle, hasBasemap } from './basemapStyle.ts';
import { DEFAULT_MAP_PROVINCE, INITIAL_VIEW, SCHOOLS_MIN_ZOOM, basemapStyleUrl, buildStyle, choroplethPaint, overBasemap, wardTiles } from './mapStyle.ts';
import { matches, type Filters, type SchoolPoint } from './url.ts';

declare global {
  interface Window {
    __edugisMap?: MapLibre.Map;
  }
}

/** Where the map is looking (its centre, updated after every move): search ranks the province there first. */
export const mapView: { center: [number, number] | null } = { center: null };

export type Focus = { key: number } & ({ center: [number, number]; zoom: number } | { bounds: [number, number, number, number] });
export type ListState = 'ok' | 'loading' | 'zoomIn' | 'error';
type Bbox = [number, number, number, number];

interface Props {
  attribution: string[];
  filters: Filters;
  selected: string | null;
  highlight: string | null;
  place: [number, number] | null;
  zone: FeatureCollection | null;
  focus: Focus | null;
  onSelect: (id: string) => void;
  onPlace: (lng: number, lat: number) => void;
  onVisible: (schools: SchoolPoint[], state: ListState) => void;
  /** The dashboard's ward choropleth: a value (or null: no data) and a thin-data flag per ward code. */
  choropleth?: Choropleth | null;
  /** The province whose wards are drawn (the dashboard's choice); HCMC by default. */
  province?: string;
  /** The placement simulation's schools and ward points (kind school|ward), or null. */
  overlay?: FeatureCollection | null;
  /** While set, a click on the map gives its point here (e.g. where a planned school goes) instead of a home. */
  pickPoint?: ((at: [number, number]) => void) | null;
  /** The ids of the schools the chosen home is zoned for: ringed on the map, also inside clusters. */
  zoned?: string[];
  /** The map's centre after every move (the app asks which province that is). */
  onView?: (center: [number, number]) => void;
}
export interface Choropleth { breaks: number[]; wards: { code: string; value: number | null; thin: boolean }[] }

const MAX_FETCH_SIDE = 3; // degrees: the server's limit for one bbox request
const inside = (a: Bbox, b: Bbox) => a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3];

/** Runs `fn` now if the style's layers exist, else once the map has loaded (isStyleLoaded() is also false while
 * tiles load, after 'load' has fired for good). */
function whenLoaded(map: MapLibre.Map, fn: () => void) {
  if (map.getLayer('selected')) fn();
  else map.once('load', fn);
}

export function MapView(props: Props) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibre.Map | null>(null);
  const attributionRef = useRef<MapLibre.AttributionControl | null>(null);
  const homeRef = useRef<MapLibre.Marker | null>(null);
  const latest = useRef(props);
  latest.current = props;
  // Schools of the fetched area (the view plus a margin), before filtering; `apply` filters and draws them.
  const all = useRef<SchoolPoint[]>([]);
  const fetched = useRef<Bbox | null>(null);
  const apply = useRef<() => void>(() => {});
  const applyChoropleth = useRef<() => void>(() => {});

  useEffect(() => {
    const map = new maplibregl.Map({
      container: el.current!,
      style: buildStyle(location.origin, latest.current.province ?? DEFAULT_MAP_PROVINCE),
      center: INITIAL_VIEW.center,
      zoom: INITIAL_VIEW.zoom,
      attributionControl: false,
      hash: 'map',
    });
    mapRef.current = map;
    window.__edugisMap = map;
    // A basemap under our layers: VITE_BASEMAP_STYLE_URL when set, else our own streets when the server has them.
    const ours = () => buildStyle(location.origin, latest.current.province ?? DEFAULT_MAP_PROVINCE);
    const basemap = basemapStyleUrl();
    if (basemap) map.setStyle(basemap, { transformStyle: (_prev, next) => overBasemap(next, ours()) });
    else {
      void hasBasemap(location.origin).then((yes) => {
        if (!yes || mapRef.current !== map) return;
        // Our layers as they are now (sources with their data, filters, paint) go on top of the basemap.
        map.setStyle(basemapStyle(location.origin), { transformStyle: (prev, next) => overBasemap(next, prev ?? ours()) });
        el.current!.dataset.basemap = 'edugis';
      });
    }
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    let state: ListState = 'loading';
    let request: AbortController | null = null;
    let inflight = '';

    const viewBbox = (): Bbox => {
      const b = map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    };
    const report = () => {
      const v = viewBbox();
      const inView = state === 'ok' ? all.current.filter((s) => matches(s, latest.current.filters) && s.lng >= v[0] && s.lng <= v[2] && s.lat >= v[1] && s.lat <= v[3]) : [];
      latest.current.onVisible(inView, state);
    };
    apply.current = () => {
      const points = all.current.filter((s) => matches(s, latest.current.filters));
      const source = map.getSource('schools') as MapLibre.GeoJSONSource | undefined;
      const feature = ({ lng, lat, ...p }: SchoolPoint) => ({ type: 'Feature' as const, properties: p, geometry: { type: 'Point' as const, coordinates: [lng, lat] } });
      source?.setData({ type: 'FeatureCollection', features: points.map(feature) });
      const zoned = new Set(latest.current.zoned ?? []);
      (map.getSource('zoned') as MapLibre.GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: all.current.filter((x) => zoned.has(x.id)).map(feature) });
      el.current!.dataset.zonedSchools = String(all.current.filter((x) => zoned.has(x.id)).length);
      report();
    };
    const refresh = async () => {
      if (map.getZoom() < SCHOOLS_MIN_ZOOM) {
        all.current = [];
        fetched.current = null;
        state = 'zoomIn';
        apply.current();
        return;
      }
      const v = viewBbox();
      if (fetched.current && inside(v, fetched.current)) return report();
      // The view plus half a view on every side, rounded outwards to 0.01° so that nearby views share a cache entry.
      const w = Math.min(MAX_FETCH_SIDE, (v[2] - v[0]) * 2);
      const h = Math.min(MAX_FETCH_SIDE, (v[3] - v[1]) * 2);
      const cx = (v[0] + v[2]) / 2;
      const cy = (v[1] + v[3]) / 2;
      const want: Bbox = [Math.floor((cx - w / 2) * 100) / 100, Math.floor((cy - h / 2) * 100) / 100, Math.ceil((cx + w / 2) * 100) / 100, Math.ceil((cy + h / 2) * 100) / 100];
      const key = want.join(',');
      if (request && inflight === key) return; // the same area is already on its way
      request?.abort();
      request = new AbortController();
      inflight = key;
      state = 'loading';
      report();
      try {
        const res = await fetch(`/geo/schools.geojson?bbox=${key}`, { signal: request.signal });
        if (!res.ok) throw new Error(String(res.status));
        const fc = (await res.json()) as FeatureCollection<GeoJSON.Point, Omit<SchoolPoint, 'lng' | 'lat'>>;
        all.current = fc.features.map((f) => ({ ...f.properties, lng: f.geometry.coordinates[0]!, lat: f.geometry.coordinates[1]! }));
        fetched.current = want;
        state = 'ok';
        apply.current();
      } catch (err) {
        if ((err as Error).name === 'AbortError') return;
        state = 'error';
        report();
      } finally {
        if (inflight === key) { inflight = ''; request = null; }
      }
    };
    const track = () => { const c = map.getCenter(); mapView.center = [c.lng, c.lat]; latest.current.onView?.(mapView.center); };
    map.on('load', () => { track(); void refresh(); });
    map.on('moveend', () => { track(); void refresh(); });

    // Cluster counts as HTML markers (the map has no glyphs offline); the list is their accessible twin.
    const counts = new Map<number, MapLibre.Marker>();
    map.on('render', () => {
      if (!map.getSource('schools') || !map.isSourceLoaded('schools')) return;
      const seen = new Set<number>();
      for (const f of map.querySourceFeatures('schools', { filter: ['has', 'point_count'] })) {
        const id = f.properties.cluster_id as number;
        if (seen.has(id)) continue;
        seen.add(id);
        if (!counts.has(id)) {
          const div = document.createElement('div');
          div.className = 'cluster-count';
          div.setAttribute('aria-hidden', 'true');
          div.textContent = String(f.properties.point_count_abbreviated ?? f.properties.point_count);
          counts.set(id, new maplibregl.Marker({ element: div }).setLngLat((f.geometry as GeoJSON.Point).coordinates as [number, number]).addTo(map));
        }
      }
      for (const [id, m] of counts) if (!seen.has(id)) { m.remove(); counts.delete(id); }
    });

    // A click on a cluster zooms into it, on a school opens it, anywhere else asks which schools the place is zoned for.
    map.on('click', async (e) => {
      const pick = latest.current.pickPoint;
      if (pick) return pick([Math.round(e.lngLat.lng * 1e6) / 1e6, Math.round(e.lngLat.lat * 1e6) / 1e6]);
      const cluster = map.queryRenderedFeatures(e.point, { layers: ['clusters'] })[0];
      if (cluster) {
        const zoom = await (map.getSource('schools') as MapLibre.GeoJSONSource).getClusterExpansionZoom(cluster.properties.cluster_id as number);
        map.easeTo({ center: (cluster.geometry as GeoJSON.Point).coordinates as [number, number], zoom });
        return;
      }
      const hit = map.queryRenderedFeatures(e.point, { layers: ['schools'] })[0];
      const id = hit?.properties?.id;
      if (typeof id === 'string') latest.current.onSelect(id);
      else latest.current.onPlace(e.lngLat.lng, e.lngLat.lat);
    });
    for (const layer of ['schools', 'clusters']) {
      map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
    }
    // What is on screen, for people checking the map and for the browser tests.
    map.on('idle', () => {
      const root = el.current;
      if (!root) return;
      const singles = map.queryRenderedFeatures({ layers: ['schools'] }).length;
      const clustered = [...new Map(map.queryRenderedFeatures({ layers: ['clusters'] }).map((f) => [f.properties.cluster_id, f.properties.point_count as number])).values()];
      root.dataset.renderedSchools = String(singles + clustered.reduce((a, b) => a + b, 0));
      root.dataset.renderedClusters = String(clustered.length);
      root.dataset.renderedWards = String(new Set(map.queryRenderedFeatures({ layers: ['wards-fill'] }).map((f) => f.id)).size);
      root.dataset.ready = '1';
    });
    return () => {
      request?.abort();
      map.remove();
    };
  }, []);

  useEffect(() => apply.current(), [props.filters]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const set = () => {
      map.setFilter('selected', ['==', ['get', 'id'], props.selected ?? '']);
      map.setFilter('highlight', ['==', ['get', 'id'], props.highlight ?? '']);
    };
    whenLoaded(map, set);
  }, [props.selected, props.highlight]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const set = () => (map.getSource('zone') as MapLibre.GeoJSONSource).setData(props.zone ?? { type: 'FeatureCollection', features: [] });
    whenLoaded(map, set);
  }, [props.zone]);
  useEffect(() => {
    const map = mapRef.current;
    if (map) whenLoaded(map, () => apply.current());
  }, [(props.zoned ?? []).join(',')]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const set = () => {
      (map.getSource('sim') as MapLibre.GeoJSONSource).setData(props.overlay ?? { type: 'FeatureCollection', features: [] });
      el.current!.dataset.overlay = String(props.overlay?.features.length ?? 0);
    };
    whenLoaded(map, set);
  }, [props.overlay]);

  useEffect(() => {
    const canvas = mapRef.current?.getCanvas();
    if (canvas) canvas.style.cursor = props.pickPoint ? 'crosshair' : '';
    if (el.current) el.current.dataset.picking = props.pickPoint ? '1' : '';
  }, [props.pickPoint]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    homeRef.current?.remove();
    homeRef.current = props.place ? new maplibregl.Marker({ color: '#0f4c81' }).setLngLat(props.place).addTo(map) : null;
    homeRef.current?.getElement().setAttribute('aria-label', t('home'));
  }, [props.place, t]);

  useEffect(() => {
    const map = mapRef.current;
    const f = props.focus;
    if (!map || !f) return;
    if ('bounds' in f) map.fitBounds(f.bounds, { padding: 40, maxZoom: 16, duration: 600 });
    else map.flyTo({ center: f.center, zoom: Math.max(map.getZoom(), f.zoom), duration: 600 });
  }, [props.focus]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || props.attribution.length === 0) return;
    if (attributionRef.current) map.removeControl(attributionRef.current);
    attributionRef.current = new maplibregl.AttributionControl({ compact: true, customAttribution: props.attribution });
    map.addControl(attributionRef.current, 'bottom-right');
    // Start collapsed (the "i" button opens it): the full attributions are always listed in the sources panel.
    el.current?.querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show');
  }, [props.attribution]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const province = props.province ?? DEFAULT_MAP_PROVINCE;
    whenLoaded(map, () => {
      const source = map.getSource('wards') as MapLibre.VectorTileSource | undefined;
      const tiles = wardTiles(location.origin, province);
      if (!source || source.tiles?.[0] === tiles[0]) return;
      // A new source rather than setTiles: after setTiles MapLibre keeps showing the tiles it already had at the
      // same coordinates (the other province's empty 204s stay blank though the new tiles are fetched).
      const style = map.getStyle();
      const isWards = (l: MapLibre.LayerSpecification) => 'source' in l && l.source === 'wards';
      const ours = style.layers.filter(isWards);
      const before = ours.map((l) => style.layers.slice(style.layers.indexOf(l) + 1).find((x) => !isWards(x))?.id);
      for (const l of ours) map.removeLayer(l.id);
      const spec = style.sources.wards as MapLibre.VectorSourceSpecification;
      map.removeSource('wards');
      map.addSource('wards', { ...spec, tiles });
      ours.forEach((l, i) => map.addLayer(l, before[i]));
      applyChoropleth.current();
    });
  }, [props.province]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const c = props.choropleth;
    applyChoropleth.current = () => {
      map.removeFeatureState({ source: 'wards', sourceLayer: 'wards' });
      if (!c) {
        map.setPaintProperty('wards-choropleth', 'fill-opacity', 0);
        el.current!.dataset.choropleth = '';
        return;
      }
      const paint = choroplethPaint(c.breaks);
      map.setPaintProperty('wards-choropleth', 'fill-color', paint['fill-color'] as never);
      map.setPaintProperty('wards-choropleth', 'fill-opacity', paint['fill-opacity'] as never);
      for (const w of c.wards) map.setFeatureState({ source: 'wards', sourceLayer: 'wards', id: w.code }, { value: w.value, thin: w.thin, shown: true });
      el.current!.dataset.choropleth = String(c.wards.length);
    };
    whenLoaded(map, applyChoropleth.current);
  }, [props.choropleth]);

  return <div ref={el} className="map" role="region" aria-label={t('mapLabel')} data-testid="map" />;
}
