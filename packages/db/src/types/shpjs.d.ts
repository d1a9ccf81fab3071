// shpjs 6 ships no types (@types/shpjs describes version 3). What EduGIS uses: a zipped Shapefile in, GeoJSON out
// (reprojected to longitude/latitude when the zip holds a .prj); one FeatureCollection per layer.
declare module 'shpjs' {
  import type { FeatureCollection } from 'geojson';
  export default function shp(input: ArrayBuffer | Uint8Array | Buffer): Promise<(FeatureCollection & { fileName?: string }) | (FeatureCollection & { fileName?: string })[]>;
}
