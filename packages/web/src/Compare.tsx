// Up to three schools side by side. Each column is the same query as the profile (cached by urql).
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { SCHOOL, type SchoolResult } from './queries.ts';
import { formatDistance } from './SchoolList.tsx';
import { metres } from './url.ts';

const ROWS = ['levels', 'ownershipLabel', 'ward', 'capacity', 'enrolment', 'fill', 'maturity', 'distance', 'source'] as const;

export function Compare({ ids, place, onRemove, onOpen, onClose }: { ids: string[]; place: [number, number] | null; onRemove: (id: string) => void; onOpen: (id: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="compare" aria-labelledby="compare-h" data-testid="compare">
      <div className="compare-head">
        <h2 id="compare-h">{t('compareTitle', { n: ids.length })}</h2>
        <button type="button" onClick={onClose}>{t('close')}</button>
      </div>
      <div className="compare-scroll">
        <table>
          <thead>
            <tr><td />{ids.map((id) => <Column key={id} id={id} row="head" place={place} onRemove={onRemove} onOpen={onOpen} />)}</tr>
          </thead>
          <tbody>
            {ROWS.filter((r) => r !== 'distance' || place).map((row) => (
              <tr key={row}>
                <th scope="row">{t(row === 'fill' ? 'fillRate' : row === 'distance' ? 'distanceFromHome' : row)}</th>
                {ids.map((id) => <Column key={id} id={id} row={row} place={place} onRemove={onRemove} onOpen={onOpen} />)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Column({ id, row, place, onRemove, onOpen }: { id: string; row: (typeof ROWS)[number] | 'head'; place: [number, number] | null; onRemove: (id: string) => void; onOpen: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const [{ data }] = useQuery<SchoolResult>({ query: SCHOOL, variables: { id } });
  const s = data?.school;
  if (!s) return row === 'head' ? <th scope="col">{t('loading')}</th> : <td>—</td>;
  const latest = s.maturityResults[0];
  switch (row) {
    case 'head':
      return (
        <th scope="col">
          <button type="button" className="link" onClick={() => onOpen(s.id)}>{s.name}</button>{' '}
          <button type="button" className="remove" onClick={() => onRemove(s.id)} aria-label={t('removeNamed', { name: s.name })}>×</button>
        </th>
      );
    case 'levels': return <td>{s.levels.map((l) => t(`level.${l}`)).join(', ')}</td>;
    case 'ownershipLabel': return <td>{t(`ownership.${s.ownership}`)}</td>;
    case 'ward': return <td>{(i18n.language === 'en' ? s.ward?.fullNameEn : null) ?? s.ward?.fullName ?? '—'}</td>;
    case 'capacity': return <td>{s.capacity ?? '—'}</td>;
    case 'enrolment': return <td>{s.enrolment ?? '—'}</td>;
    case 'fill': return <td>{s.capacity && s.enrolment != null ? `${Math.round((100 * s.enrolment) / s.capacity)} %` : '—'}</td>;
    case 'maturity':
      return <td>{latest ? <>{t('levelN', { n: latest.overallLevel.slice(-1) })} ({latest.schoolYear}){latest.isDigitalSchool && <span className="badge badge-digital">{t('digitalSchool')}</span>}</> : t('noPublishedShort')}</td>;
    case 'distance':
      return <td>{place && s.location ? formatDistance(metres(place, [s.location.longitude, s.location.latitude]), t) : '—'}</td>;
    case 'source': return <td>{s.isSynthetic ? t('synthetic') : `${t('real')} (${s.source.title})`}</td>;
  }
}
