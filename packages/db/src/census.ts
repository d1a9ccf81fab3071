// The 2019 census carried to today's wards: an estimate of children by age where no city has loaded its own
// figures (the placement simulation's "census" demand). Pure: the seed gives it the three tables and stores what
// it returns (migration 0022).
//
// How a 2019 ward's people reach today's wards:
// 1. by code: a 2019 ward that kept its code to 2025 is that pre-2025 ward (273 of 322 in HCMC, 526 of 584 in
//    Hanoi; the data README's "old_ward_code");
// 2. through the GSO change list: "merged by Nov 2024 into <code>" names the unit that absorbed it;
// 3. otherwise (retired in the January 2025 mergers, successor not recorded) its people are spread over the
//    other wards of its 2019 district in proportion to their population, so each district keeps its total;
// 4. the July 2025 crosswalk: a pre-2025 ward wholly in one new ward goes there; one split between k new wards
//    ("partial", no area split published) gives each a k-th.
// Ages exist per 2019 district only: a ward's children of an age group = its population × its district's share.

export interface CensusEstimate {
  wardCode: string; population: number; age0to4: number; age5to9: number; age10to14: number; age15to19: number;
  censusUnits: number; splitUnits: number;
}

type Row = Record<string, string>;
const AGES = ['age_0_4', 'age_5_9', 'age_10_14', 'age_15_19'] as const;

export function censusEstimates(wards: Row[], ages: Row[], crosswalks: Row[]): CensusEstimate[] {
  const share = new Map<string, number[]>(); // "province|district" → share of each age group
  for (const d of ages) share.set(`${d.province_code}|${d.district_code_2019}`, AGES.map((a) => Number(d[a]) / Number(d.pop_total)));
  // Steps 1–3: people per pre-2025 ward code, by 2019 district (so a retired ward's people stay in its district).
  const preCode = (w: Row) => w.old_ward_code || /merged by Nov 2024 into (\d{5})/.exec(w.note ?? '')?.[1] || null;
  const byDistrict = new Map<string, Row[]>();
  for (const w of wards) {
    const key = `${w.province_code}|${w.district_code_2019}`;
    byDistrict.set(key, [...(byDistrict.get(key) ?? []), w]);
  }
  const pre = new Map<string, { people: number; ages: number[]; units: number }>();
  for (const [district, rows] of byDistrict) {
    const s = share.get(district);
    if (!s) throw new Error(`census: no age groups for district ${district}`);
    const kept = rows.filter(preCode);
    const keptPeople = kept.reduce((n, w) => n + Number(w.pop_total), 0);
    const all = rows.reduce((n, w) => n + Number(w.pop_total), 0);
    const scale = keptPeople > 0 ? all / keptPeople : 0;
    for (const w of kept) {
      const code = preCode(w)!;
      const people = Number(w.pop_total) * scale;
      const cur = pre.get(code) ?? { people: 0, ages: [0, 0, 0, 0], units: 0 };
      cur.people += people;
      cur.ages = cur.ages.map((v, i) => v + people * s[i]!);
      cur.units += 1;
      pre.set(code, cur);
    }
  }
  // Step 4: the crosswalk.
  const targets = new Map<string, string[]>();
  for (const c of crosswalks) targets.set(c.old_ward_code!, [...new Set([...(targets.get(c.old_ward_code!) ?? []), c.new_ward_code!])]);
  const out = new Map<string, CensusEstimate>();
  for (const [code, p] of pre) {
    const to = targets.get(code) ?? [];
    for (const neu of to) {
      const k = to.length;
      const e = out.get(neu) ?? { wardCode: neu, population: 0, age0to4: 0, age5to9: 0, age10to14: 0, age15to19: 0, censusUnits: 0, splitUnits: 0 };
      e.population += p.people / k;
      e.age0to4 += p.ages[0]! / k; e.age5to9 += p.ages[1]! / k; e.age10to14 += p.ages[2]! / k; e.age15to19 += p.ages[3]! / k;
      e.censusUnits += p.units;
      if (k > 1) e.splitUnits += p.units;
      out.set(neu, e);
    }
  }
  return [...out.values()].sort((a, b) => a.wardCode.localeCompare(b.wardCode));
}

/** Children entering a grade in one year: one year of age, a fifth of the five-year group of its entry age. */
export const ENTRY_AGE_GROUP: Record<number, keyof Pick<CensusEstimate, 'age5to9' | 'age10to14' | 'age15to19'>> = { 1: 'age5to9', 6: 'age10to14', 10: 'age15to19' };
