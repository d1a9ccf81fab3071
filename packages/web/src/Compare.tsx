// Up to three schools side by side, fetched in one request.
import { useMemo, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { compareQuery, type SchoolDetails } from './queries.ts';
import { formatDistance, metres } from './url.ts';

const ROWS = ['levels', 'ownershipLabel', 'ward', 'capacity', 'enrolment', 'fill', 'maturity', 'distance', 'source'] as const;
type Row = (typeof ROWS)[number];

export function Compare({ ids, place, zoned, onRemove, onOpen, onClose }: {
  ids: string[]; place: [number, number] | null; zoned: Record<string, number[]>; onRemove: (id: string) => void; onOpen: (id: string) => void; onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const query = useMemo(() => compareQuery(ids.length), [ids.length]);
  const variables = useMemo(() => Object.fromEntries(ids.map((id, i) => [`s${i}`, id])), [ids]);
  const [{ data }] = useQuery<Record<string, SchoolDetails | null>>({ query, variables });
  const schools = ids.map((id, i) => ({ id, s: data?.[`s${i}`] ?? null }));

  const cell = (row: Row, s: SchoolDetails): ReactNode => {
    const latest = s.maturityResults[0];
    switch (row) {
      case 'levels': return s.levels.map((l) => t(`level.${l}`)).join(', ');
      case 'ownershipLabel': return t(`ownership.${s.ownership}`);
      case 'ward': return (i18n.language === 'en' ? s.ward?.fullNameEn : null) ?? s.ward?.fullName ?? '—';
      case 'capacity': return s.capacity ?? '—';
      case 'enrolment': return s.enrolment ?? '—';
      case 'fill': return s.capacity && s.enrolment != null ? `${Math.round((100 * s.enrolment) / s.capacity)} %` : '—';
      case 'maturity':
        // Synthetic results say so next to the result, as the list does, also for a real school.
        return latest ? <>{t('levelN', { n: latest.overallLevel.slice(-1) })} ({latest.schoolYear}){latest.isSynthetic ? ` (${t('syntheticShort')})` : ''}
          {latest.isDigitalSchool && <span className="badge badge-digital">{t('digitalSchool')}{latest.isSynthetic ? ` (${t('syntheticShort')})` : ''}</span>}</> : t('noPublishedShort');
      case 'distance': return place && s.location ? formatDistance(metres(place, [s.location.longitude, s.location.latitude]), t) : '—';
      case 'source': return s.isSynthetic ? t('synthetic') : `${t('real')} (${s.source.title})`;
    }
  };

  return (
    <section className="compare" aria-labelledby="compare-h" data-testid="compare">
      <div className="compare-head">
        <h2 id="compare-h">{t('compareTitle', { n: ids.length })}</h2>
        <button type="button" onClick={onClose}>{t('close')}</button>
      </div>
      <div className="compare-scroll">
        <table>
          <thead>
            <tr>
              <td />
              {schools.map(({ id, s }) => (
                <th scope="col" key={id}>
                  {s ? <button type="button" className="link" onClick={() => onOpen(id)}>{s.name}</button> : t('loading')}{' '}
                  <button type="button" className="remove" onClick={() => onRemove(id)} aria-label={t('removeNamed', { name: s?.name ?? id })}>×</button>
                  {zoned[id] && <div className="badge badge-zoned" data-testid="compare-zoned">{t('zonedForHome', { grades: zoned[id]!.join(', ') })}</div>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ROWS.filter((r) => r !== 'distance' || place).map((row) => (
              <tr key={row}>
                <th scope="row">{t(row === 'fill' ? 'fillRate' : row === 'distance' ? 'distanceFromHome' : row)}</th>
                {schools.map(({ id, s }) => <td key={id}>{s ? cell(row, s) : '—'}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
