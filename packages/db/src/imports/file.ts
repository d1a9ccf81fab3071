// Reading an uploaded file into rows: the size limit (checked before anything is parsed), the format by its content
// (not its name), the text encoding, and tables from CSV (csv-parse) or XLSX (exceljs) with their header mapped
// to the columns a kind knows, in Vietnamese or English.
import { parse as parseCsv } from 'csv-parse/sync';
import chardet from 'chardet';
import ExcelJS from 'exceljs';
import { ImportFileError, type Issue } from './messages.ts';

/** The largest file an import takes (a province's schools are a few MB; the national file about 10 MB). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** The most rows one file may hold (the national synthetic schools are about 53,000). */
export const MAX_IMPORT_ROWS = 100_000;

export type FileFormat = 'csv' | 'xlsx' | 'geojson' | 'pbf' | 'kml' | 'shapefile';
export interface Upload { name: string; bytes: Uint8Array }

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** Refuses a file over the limit by its size alone (the HTTP route does the same from Content-Length). */
export function checkSize(size: number): void {
  if (size > MAX_IMPORT_BYTES) {
    throw new ImportFileError({ key: 'tooLarge', values: { size: Math.round(size / 1048576), max: MAX_IMPORT_BYTES / 1048576 } });
  }
}

/** The format of a file from its first bytes; a name that promises another format is an error of its own. */
export function sniffFormat(u: Upload): FileFormat {
  const b = u.bytes;
  const ext = /\.([a-z.]+)$/i.exec(u.name)?.[1]?.toLowerCase() ?? '';
  if (b.length === 0 || (b.length <= 3 && b.every((x) => x === 0xef || x === 0xbb || x === 0xbf))) throw new ImportFileError({ key: 'empty' });
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    // A zip: an Excel workbook, or a Shapefile's parts (.shp, .dbf, .prj…) zipped together. The first entry's name
    // (at offset 30 of its local header) tells which.
    const nameLength = b.length > 30 ? b[26]! | (b[27]! << 8) : 0;
    const first = ascii(b, 30, 30 + Math.min(nameLength, 255)).toLowerCase();
    return ext === 'zip' || /\.(shp|shx|dbf|prj|cpg)$/.test(first) ? 'shapefile' : 'xlsx';
  }
  // An OSM PBF file starts with a BlobHeader: a 4-byte length, then field 1 (type) = "OSMHeader".
  if (b.length > 16 && b[4] === 0x0a && ascii(b, 6, 15) === 'OSMHeader') return 'pbf';
  if (ext.endsWith('pbf')) throw new ImportFileError({ key: 'badPbf', values: { detail: 'no OSMHeader block at the start' } });
  if (ext === 'xlsx' || ext === 'xls') throw new ImportFileError({ key: 'badXlsx', values: { detail: ext === 'xls' ? 'Excel 97–2003 .xls is not read; save as .xlsx' : 'not a zip archive' } });
  const head = decodeText(b.subarray(0, Math.min(b.length, 4096)), true).text.trimStart();
  if (head.startsWith('{') || ext === 'geojson' || ext === 'json') return 'geojson';
  if (ext === 'kml' || /^(<\?xml[^>]*>\s*)?<kml[\s>]/.test(head)) return 'kml';
  if (ext === 'kmz') throw new ImportFileError({ key: 'badKml', values: { detail: 'KMZ is a zipped KML: unzip it and send the .kml' } });
  return 'csv';
}

/**
 * The file as text. UTF-8 (with or without a byte-order mark) is read as it is; UTF-16 with a byte-order mark
 * (Excel's "Unicode Text") is converted and said so; anything else is refused, naming what it looks like: a
 * legacy code page (windows-1258, TCVN3, VNI) cannot be told apart reliably, and guessing wrong garbles every name.
 */
export function decodeText(bytes: Uint8Array, partial = false): { text: string; warnings: Issue[] } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), warnings: [{ key: 'utf16' }] };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), warnings: [{ key: 'utf16' }] };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: !partial }).decode(body), warnings: [] };
  } catch {
    const guess = chardet.detect(body) ?? 'unknown';
    throw new ImportFileError({ key: 'notUtf8', values: { guess } });
  }
}

/** A table: its header cells and its data rows, each with the row number people see in their editor. */
export interface Table { header: string[]; rows: { row: number; cells: string[] }[] }

/** CSV with a comma, semicolon or tab between cells (whichever the header row uses most). */
export function readCsv(text: string): Table {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const delimiter = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as { lines?: number; message: string };
    throw new ImportFileError({ key: 'badCsv', values: { row: e.lines ?? 0, detail: e.message.replace(/^Invalid.*?:\s*/, '').slice(0, 200) } });
  }
  return tableOf(records.map((r) => ({ row: r.info.lines, cells: r.record })));
}

/** The first worksheet of an XLSX workbook. A formula is refused: its value is whatever Excel last computed. */
export async function readXlsx(bytes: Uint8Array): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch (err) {
    throw new ImportFileError({ key: 'badXlsx', values: { detail: String((err as Error).message).slice(0, 120) } });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new ImportFileError({ key: 'empty' });
  const rows: Table['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      if (cell.type === ExcelJS.ValueType.Formula || cell.formula) {
        throw new ImportFileError({ key: 'formula', values: { cell: cell.address, formula: `=${String(cell.formula ?? '').slice(0, 60)}` } });
      }
      cells[col - 1] = cellText(cell.value);
    });
    if (cells.some((c) => c && c.trim())) rows.push({ row: rowNumber, cells: Array.from(cells, (c) => (c ?? '').trim()) });
  });
  return tableOf(rows);
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return String(v.result ?? '');
    return '';
  }
  return String(v);
}

function tableOf(rows: Table['rows']): Table {
  const [head, ...data] = rows;
  if (!head || data.length === 0) throw new ImportFileError({ key: 'empty' });
  if (data.length > MAX_IMPORT_ROWS) throw new ImportFileError({ key: 'tooManyRows', values: { n: data.length, max: MAX_IMPORT_ROWS } });
  return { header: head.cells.map((c) => c.trim()), rows: data };
}

/** Lower case without accents or punctuation: "Mã trường" and "ma_truong" both become "matruong". */
export const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/[^a-z0-9]/g, '');

export interface ColumnSpec<K extends string> { key: K; names: string[]; required?: boolean }

/** Which cell of each row holds each known column; unknown columns are ignored. */
export function mapColumns<K extends string>(header: string[], specs: readonly ColumnSpec<K>[]): Map<K, number> {
  const byName = new Map<string, K>();
  for (const s of specs) for (const n of [s.key, ...s.names]) byName.set(fold(n), s.key);
  const found = new Map<K, number>();
  header.forEach((h, i) => {
    const key = byName.get(fold(h));
    if (!key) return;
    if (found.has(key)) throw new ImportFileError({ key: 'duplicateColumn', values: { column: h } });
    found.set(key, i);
  });
  for (const s of specs) {
    if (s.required && !found.has(s.key)) throw new ImportFileError({ key: 'missingColumn', values: { column: s.names[0] ?? s.key, accepted: s.names.join(', ') } });
  }
  return found;
}

/** Rows of a CSV or XLSX upload, with the warnings reading it gave (a converted encoding). */
export async function readTable(u: Upload, format: FileFormat): Promise<{ table: Table; warnings: Issue[] }> {
  if (format === 'xlsx') return { table: await readXlsx(u.bytes), warnings: [] };
  const { text, warnings } = decodeText(u.bytes);
  return { table: readCsv(text), warnings };
}
