// Saves a text the browser made (a CSV, a GeoJSON, a template) as a file.
export function download(name: string, type: string, text: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** A CSV for spreadsheets: with a byte-order mark, so Excel reads the Vietnamese correctly. */
export const downloadCsv = (name: string, csv: string) => download(name, 'text/csv;charset=utf-8', `\uFEFF${csv}`);
