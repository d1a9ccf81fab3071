// What a typed address says, as people in Vietnam write it: "12 Lý Tự Trọng, Bến Thành", "12 ly tu trong p ben
// thanh", "NTMK Q.1", "45/7 Nguyễn Trãi, P.2, Q.5, TP.HCM". Pure: folds accents, expands the usual abbreviations
// (P./F. phường, Q. quận, H. huyện, TX. thị xã, TT. thị trấn, TP. thành phố, "District 1", "Ward 12") and splits
// the text into a house number, a street and the areas named after it (today's or pre-2025 wards and districts).

/** Lower case, no accents, đ/Ð → d: what the database's edugis_fold gives for the same text. */
export const foldText = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐÐð]/g, 'd').toLowerCase();

export interface ParsedAddress {
  /** "12", "45/7", "12a": as the database keys it (edugis_house_key), or null. */
  house: string | null;
  /** The street as folded text ("ly tu trong"), or null when the text names only areas ("Phường 12, Quận 3"). */
  street: string | null;
  /** The areas after the street, folded with their kind spelled out: ["phuong ben thanh"], ["phuong 12", "quan 3"], ["ben thanh"]. */
  areas: string[];
  /** The province the text names ("TP.HCM" → 79, "Hà Nội" → 01), or null. */
  province: string | null;
  /** The whole text folded with abbreviations spelled out: what names of units and schools are matched against. */
  expanded: string;
}

const AREA = /(?:^| )(phuong|quan|huyen|thi xa|thi tran|thanh pho|xa(?! lo))(?= )/;
const CITY: [RegExp, string][] = [
  [/(?:^|[ ,])(?:tp ?hcm|tp ho chi minh|thanh pho ho chi minh|ho chi minh city|ho chi minh|hcmc|hcm|sai gon city)$/, '79'],
  [/(?:^|[ ,])(?:tp ha noi|thanh pho ha noi|ha noi city|hanoi|(?<!xa lo )ha noi)$/, '01'],
];

/** Spells out the abbreviations of a folded text ("p.12" → "phuong 12", "q1" → "quan 1", "tp.hcm" → "tp hcm"). */
export function expand(folded: string): string {
  return ` ${folded} `
    .replace(/[\s]+/g, ' ')
    .replace(/ (?:p|f|ward) ?\.? ?(\d{1,2})(?=[ ,;.])/g, ' phuong $1')
    .replace(/ p\. ?(?=[a-z])/g, ' phuong ')
    .replace(/ (?:q|district) ?\.? ?(\d{1,2})(?=[ ,;.])/g, ' quan $1')
    .replace(/ q\. ?(?=[a-z])/g, ' quan ')
    .replace(/ h\. ?(?=[a-z])/g, ' huyen ')
    .replace(/ tx\. ?(?=[a-z])/g, ' thi xa ')
    .replace(/ tt\. ?(?=[a-z])/g, ' thi tran ')
    .replace(/ tp\. ?/g, ' tp ')
    .replace(/ (?:d|đ)\. ?(?=[a-z0-9])/g, ' duong ')
    .replace(/ ?, ?/g, ', ')
    .replace(/\s+/g, ' ')
    .trim();
}

const HOUSE = /^(?:so |no\.? ?)?([a-z]{0,2}\d[a-z\d]{0,5}(?: ?[/-] ?[a-z]?\d[a-z\d]{0,5}){0,3}(?: ?bis)?) (.+)$/;
/** "3/2" and "3-2" as a street are "3 Tháng 2" (Đường 3 Tháng 2), as every map writes it. */
const DATE_STREET = /^(\d{1,2}) ?[/-] ?(\d{1,2})$/;

export function parseAddress(text: string): ParsedAddress {
  const expanded = expand(foldText(text.normalize('NFC')).replace(/[^a-z0-9/,.;\- ]+/g, ' '));
  let body = expanded.replace(/[;]/g, ',');
  let province: string | null = null;
  for (const [re, code] of CITY) {
    const m = re.exec(body.replace(/[ ,]+$/, ''));
    if (m) { province = code; body = body.slice(0, m.index).replace(/[ ,]+$/, ''); break; }
  }
  const parts = body.split(',').map((p) => p.replace(/\./g, ' ').replace(/\s+/g, ' ').trim()).filter(Boolean);
  let house: string | null = null;
  let street: string | null = null;
  const areas: string[] = [];
  parts.forEach((part, i) => {
    let rest = part;
    if (i === 0) {
      const h = HOUSE.exec(rest);
      if (h && !DATE_STREET.test(rest)) { house = h[1]!.replace(/\s+/g, ''); rest = h[2]!; }
      // Areas written without commas after the street: "nguyen trai quan 5", "ntmk phuong 6 quan 3".
      const m = AREA.exec(rest);
      const streetPart = m ? rest.slice(0, m.index).trim() : rest;
      if (streetPart) street = streetPart.replace(/^(duong|pho|d) (?=.)/, '');
      rest = m ? rest.slice(m.index).trim() : '';
    }
    // One part can hold several areas: "phuong 12 quan 3".
    while (rest) {
      const next = AREA.exec(rest.slice(1));
      const cut = next ? next.index + 1 : rest.length;
      areas.push(rest.slice(0, cut).trim());
      rest = rest.slice(cut).trim();
    }
  });
  const dated = street ? DATE_STREET.exec(street) : null;
  if (dated) street = `${dated[1]} thang ${dated[2]}`;
  return { house, street, areas: areas.filter(Boolean), province, expanded: expanded.replace(/[.,;]/g, ' ').replace(/\s+/g, ' ').trim() };
}

/** Letters and digits of a one-word abbreviation ("ntmk", "cmt8"), matched against a street's initials. */
export const abbreviation = (street: string | null) => (street && /^[a-z][a-z0-9]{1,6}$/.test(street) && !/[aeiouy]{2}/.test(street) ? street : null);
