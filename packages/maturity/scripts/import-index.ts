// Converts the research catalogue (../shared/domain/maturity-index-4725.json) into an EduGIS index version.
// Every value keeps its confidence tag; nothing unknown is filled in. Run again when the catalogue is corrected:
//   pnpm --filter @edugis/maturity import-index [path/to/catalogue.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseIndex, type IndexVersion } from '../src/index.ts';

const here = import.meta.dirname;
const src = resolve(process.argv[2] ?? join(here, '..', '..', '..', '..', 'shared', 'domain', 'maturity-index-4725.json'));
const raw = JSON.parse(readFileSync(src, 'utf8'));

const conf = (s: unknown): string => {
  const t = String(s ?? 'unconfirmed');
  return t.startsWith('confirmed') ? 'confirmed' : t.startsWith('derived') ? 'derived' : t.startsWith('unconfirmed') ? 'unconfirmed'
    : t.includes('third_party') ? 'third_party' : t.startsWith('partially') || t.startsWith('function confirmed') || t.startsWith('item confirmed') ? 'partial' : 'unconfirmed';
};

const index: IndexVersion = {
  version: '4725/2022',
  title: { vi: raw.source.document, en: raw.source.document_en },
  issued: raw.source.date_issued,
  note: 'Imported from the EduGIS research catalogue. Values tagged third_party or unconfirmed are not verified against the signed decision.',
  levels: raw.levels.map((l: any) => ({ level: l.level, nameVi: l.name_vi, nameEn: l.name_en, confidence: conf(l.confidence) })),
  groups: raw.groups.map((g: any, gi: number) => ({
    code: g.code,
    number: gi + 1,
    title: { vi: g.title_vi, en: g.title_en },
    maxPoints: g.max,
    criteria: g.criteria.map((c: any) => ({
      code: c.code,
      title: { vi: c.title_vi, en: c.title_en },
      maxPoints: c.max_points,
      mandatory: !!c.mandatory,
      // A placeholder for points no source itemises: kept visible, never scorable until resolved.
      scorable: !c.mandatory && conf(c.confidence) !== 'unconfirmed',
      confidence: conf(c.confidence),
      items: (c.items ?? []).map((i: any) => ({
        code: i.code,
        title: { vi: i.title_vi, en: i.title_en },
        maxPoints: typeof i.points === 'number' ? i.points : null,
        confidence: conf(i.confidence),
      })),
    })),
  })),
};
parseIndex(index); // refuse to write an index that does not hold together
const out = join(here, '..', 'indices', '4725-2022.json');
writeFileSync(out, JSON.stringify(index, null, 2) + '\n');
console.log(`wrote ${out}`);
