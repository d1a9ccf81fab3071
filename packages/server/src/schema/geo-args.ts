// Checks shared by the spatial root fields: coordinates, limits and distances from the client.
import { userError } from '../errors.ts';
import type { Lang } from '../i18n.ts';

export function checkPoint(lang: Lang, longitude: number, latitude: number): [number, number] {
  if (!Number.isFinite(longitude) || !Number.isFinite(latitude) || Math.abs(longitude) > 180 || Math.abs(latitude) > 90) {
    throw userError(lang, 'error.invalidPoint');
  }
  return [longitude, latitude];
}
export function checkLimit(lang: Lang, n: number, max: number): number {
  if (!Number.isInteger(n) || n < 1 || n > max) throw userError(lang, 'error.invalidLimit', { max });
  return n;
}
export function checkDistance(lang: Lang, m: number, max: number): number {
  if (!Number.isFinite(m) || m <= 0 || m > max) throw userError(lang, 'error.invalidDistance', { max });
  return m;
}
/** Straight-line metres to an estimated walk: streets add about 30 %, at 4.5 km/h (75 m a minute). */
export const walkingMinutes = (meters: number) => Math.max(1, Math.round((meters * 1.3) / 75));
