// MapLibre's CSP build plus its worker as a separate file: the default build inlines the worker into the
// main bundle, which doubles the JavaScript a visitor downloads before the first map view.
import type * as MapLibre from 'maplibre-gl';
// @ts-expect-error the CSP build ships without its own type declarations; it has the same API
import maplibreCsp from 'maplibre-gl/dist/maplibre-gl-csp.js';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-csp-worker.js?url';

const maplibregl = maplibreCsp as typeof MapLibre;
maplibregl.setWorkerUrl(workerUrl);
export default maplibregl;
export type { MapLibre };
