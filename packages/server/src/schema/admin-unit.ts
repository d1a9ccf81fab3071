import { builder } from '../builder.ts';

export const AdminLevel = builder.enumType('AdminLevel', {
  description: 'Level of an administrative unit. Since 1 July 2025 there are only provinces and wards/communes; DISTRICT units are history.',
  values: { PROVINCE: { description: 'Tỉnh / thành phố' }, DISTRICT: { description: 'Quận / huyện (before July 2025 only)' }, WARD: { description: 'Phường / xã / đặc khu' } } as const,
});

export const AdminUnit = builder.prismaObject('AdminUnit', {
  description: 'A province or ward/commune (today\'s units), or a pre-2025 district or ward kept as history (validTo set).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id: official code @ first day of validity, e.g. "26740@2025-07-01".' }),
    code: t.exposeString('code', { description: 'Official GSO/NSO code as a string (leading zeros kept). Codes can be reused across the 2025 reform.' }),
    name: t.exposeString('name', { description: 'Name without the unit type, e.g. "Sài Gòn".' }),
    fullName: t.exposeString('fullName', { description: 'Full Vietnamese name, e.g. "Phường Sài Gòn".' }),
    nameEn: t.exposeString('nameEn', { nullable: true }),
    fullNameEn: t.exposeString('fullNameEn', { nullable: true }),
    level: t.expose('level', { type: AdminLevel }),
    unitType: t.exposeString('unitType', { description: 'phuong, xa, dac_khu, thanh_pho, tinh, quan, huyen, thi_tran, thi_xa.' }),
    provinceCode: t.exposeString('provinceCode'),
    validFrom: t.expose('validFrom', { type: 'Date', description: 'First day this unit is known valid.' }),
    validTo: t.expose('validTo', { type: 'Date', nullable: true, description: 'Last day of validity; null for current units.' }),
    areaKm2: t.exposeFloat('areaKm2', { nullable: true }),
    isSynthetic: t.exposeBoolean('isSynthetic', { description: 'True when this unit or its boundary was generated: a made-up unit (no real data directory), or a real commune drawn with a synthetic polygon (national benchmark data).' }),
    parent: t.relation('parent', { nullable: true }),
    source: t.relation('source'),
    schoolCount: t.relationCount('schools', { description: 'Schools located in this unit (current wards only).' }),
    predecessors: t.relation('predecessors', { description: 'Pre-2025 units merged (fully or partly) into this one.' }),
    successors: t.relation('successors', { description: 'Today\'s units this pre-2025 unit went into.' }),
  }),
});

builder.prismaObject('AdminUnitCrosswalk', {
  description: 'One old→new pair of the 2025 reform.',
  fields: (t) => ({
    mergeType: t.exposeString('mergeType', { description: '"full": all of the old unit went into the new one; "partial": part of it.' }),
    oldUnit: t.relation('oldUnit'),
    newUnit: t.relation('newUnit'),
  }),
});
