/// <reference path="../types/shpjs.d.ts" />
// Features from a geographic upload: GeoJSON as it is, KML through @tmcw/togeojson (on @xmldom/xmldom's parser),
// a zipped Shapefile through shpjs (which reprojects to longitude/latitude when the zip holds the .prj). Each file
// problem is an ImportFileError naming the format and what is wrong.
import type { Feature, Geometry } from 'geojson';
import { kml } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import shp from 'shpjs';
import { decodeText, MAX_IMPORT_ROWS, type FileFormat, type Upload } from './file.ts';
import { ImportFileError, type Issue } from './messages.ts';

export interface GeoFeature { properties: Record<string, unknown>; geometry: Geometry | null }

function collection(doc: unknown, key: string): GeoFeature[] {
  const d = doc as { type?: string; features?: Feature[] } | null;
  const features = d?.type === 'FeatureCollection' && Array.isArray(d.features) ? d.features : d?.type === 'Feature' ? [d as Feature] : null;
  if (!features) throw new ImportFileError({ key, values: { detail: 'expected a FeatureCollection' } });
  if (!features.length) throw new ImportFileError({ key: 'empty' });
  if (features.length > MAX_IMPORT_ROWS) throw new ImportFileError({ key: 'tooManyRows', values: { n: features.length, max: MAX_IMPORT_ROWS } });
  return features.map((f) => ({ properties: (f?.properties ?? {}) as Record<string, unknown>, geometry: f?.geometry ?? null }));
}

export async function readFeatures(upload: Upload, format: FileFormat): Promise<{ features: GeoFeature[]; warnings: Issue[] }> {
  if (format === 'shapefile') {
    let out: unknown;
    try {
      out = await shp(Buffer.from(upload.bytes));
    } catch (err) {
      throw new ImportFileError({ key: 'badShapefile', values: { detail: String((err as Error).message ?? err).slice(0, 120) } });
    }
    const layers = Array.isArray(out) ? out : [out];
    if (layers.length !== 1) throw new ImportFileError({ key: 'badShapefile', values: { detail: `${layers.length} layers in the zip; send one` } });
    return { features: collection(layers[0], 'badShapefile'), warnings: [] };
  }
  const { text, warnings } = decodeText(upload.bytes);
  if (format === 'kml') {
    const errors: string[] = [];
    let doc: ReturnType<DOMParser['parseFromString']> | null = null;
    try {
      doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') errors.push(msg); } }).parseFromString(text, 'text/xml');
    } catch (err) {
      errors.push(String((err as Error).message ?? err)); // xmldom throws on a fatal error
    }
    if (errors.length || !doc?.documentElement || doc.documentElement.nodeName !== 'kml') {
      throw new ImportFileError({ key: 'badKml', values: { detail: (errors[0] ?? 'no <kml> element').slice(0, 120) } });
    }
    return { features: collection(kml(doc as unknown as Parameters<typeof kml>[0]), 'badKml'), warnings };
  }
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (err) {
    throw new ImportFileError({ key: 'badGeojson', values: { detail: String((err as Error).message).slice(0, 120) } });
  }
  return { features: collection(doc, 'badGeojson'), warnings };
}
