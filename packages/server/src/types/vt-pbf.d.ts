// vt-pbf ships without type declarations; these are the functions EduGIS uses.
declare module 'vt-pbf' {
  const vtpbf: {
    fromGeojsonVt(layers: Record<string, unknown>, options?: { version?: number; extent?: number }): Uint8Array;
    /** Encodes a decoded tile (e.g. @mapbox/vector-tile's) again: { layers: { name: layer } }. */
    fromVectorTileJs(tile: { layers: Record<string, unknown> }): Uint8Array;
  };
  export default vtpbf;
}
