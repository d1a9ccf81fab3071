// How typed addresses are read (pure, no database): house number, street, areas, province, abbreviations.
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../src/address.ts';

describe('parseAddress', () => {
  it.each([
    ['12 Lý Tự Trọng, Bến Thành', { house: '12', street: 'ly tu trong', areas: ['ben thanh'], province: null }],
    ['Số 14 đường Lý Tự Trọng, P. Bến Nghé, Q.1, TP.HCM', { house: '14', street: 'ly tu trong', areas: ['phuong ben nghe', 'quan 1'], province: '79' }],
    ['45/7 Nguyễn Trãi, P.2, Q.5', { house: '45/7', street: 'nguyen trai', areas: ['phuong 2', 'quan 5'] }],
    ['Nguyễn Trãi Quận 5', { house: null, street: 'nguyen trai', areas: ['quan 5'] }],
    ['ntmk p.12 q3', { street: 'ntmk', areas: ['phuong 12', 'quan 3'] }],
    ['Q1', { street: null, areas: ['quan 1'] }],
    ['Huyện Củ Chi', { street: null, areas: ['huyen cu chi'] }],
    ['Phường 12, Quận 3', { street: null, areas: ['phuong 12', 'quan 3'] }],
    ['đ. ly tu trong', { street: 'ly tu trong' }],
    ['Ðồng Khởi', { street: 'dong khoi' }],
    ['duong 3/2 q10', { street: '3 thang 2', areas: ['quan 10'] }],
    ['123 Xa Lộ Hà Nội, Thủ Đức', { house: '123', street: 'xa lo ha noi', areas: ['thu duc'], province: null }],
    ['25 Tràng Tiền, Hoàn Kiếm, Hà Nội', { house: '25', street: 'trang tien', areas: ['hoan kiem'], province: '01' }],
  ])('%s', (text, expected) => {
    expect(parseAddress(text)).toMatchObject(expected);
  });

  it('spells out abbreviations for the name search', () => {
    expect(parseAddress('Q1').expanded).toBe('quan 1');
    expect(parseAddress('P.12, Q.3').expanded).toBe('phuong 12 quan 3');
  });
});
