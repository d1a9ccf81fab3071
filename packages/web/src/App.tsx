import { useEffect, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { MapView } from './MapView.tsx';
import { LEVEL_COLORS, type LegendLevel } from './mapStyle.ts';
import { DATASET, SCHOOL, ZONES_AT, type DatasetResult, type SchoolResult, type ZonesAtResult } from './queries.ts';

export function App() {
  const { t, i18n } = useTranslation();
  const [selected, setSelected] = useState<string | null>(null);
  const [place, setPlace] = useState<{ lng: number; lat: number } | null>(null);
  const [{ data: ds }, refetchDataset] = useQuery<DatasetResult>({ query: DATASET });
  // The notice is written by the server in the request's language: ask again when the language changes.
  const lang = i18n.language;
  useEffect(() => {
    if (ds) refetchDataset({ requestPolicy: 'network-only' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lang]);
  const attribution = useMemo(() => (ds ? ds.dataset.sources.filter((s) => !s.isSynthetic).map((s) => s.attribution) : []), [ds]);
  const uniqueAttribution = useMemo(() => [...new Set(attribution)], [attribution]);

  const switchLanguage = () => {
    const next = i18n.language === 'vi' ? 'en' : 'vi';
    void i18n.changeLanguage(next);
    localStorage.setItem('edugis.lang', next);
    document.documentElement.lang = next;
  };

  return (
    <div className="app">
      <header className="header">
        <h1>{t('appTitle')}</h1>
        <span className="region">{t('region')}</span>
        <button type="button" className="lang" onClick={switchLanguage} aria-label={`${t('language')}: ${t('switchTo')}`} data-testid="lang-switch">
          {t('switchTo')}
        </button>
      </header>
      {ds && (
        <p className={`notice ${ds.dataset.syntheticOnly ? 'notice-synthetic' : ''}`} role="status" data-testid="data-notice">
          <strong>{ds.dataset.syntheticOnly ? t('synthetic') : `${t('real')} + ${t('synthetic')}`}:</strong> {ds.dataset.notice}
        </p>
      )}
      <main className="main">
        <MapView
          attribution={uniqueAttribution}
          onSelect={(id) => { setPlace(null); setSelected(id); }}
          onPlace={(lng, lat) => { setSelected(null); setPlace({ lng, lat }); }}
        />
        <aside className="side">
          <section aria-labelledby="legend-h" data-testid="legend">
            <h2 id="legend-h">{t('legend')}</h2>
            <ul className="legend">
              {(Object.keys(LEVEL_COLORS) as LegendLevel[]).map((l) => (
                <li key={l}>
                  <span className="dot" style={{ background: LEVEL_COLORS[l] }} aria-hidden="true" />
                  {t(`level.${l}`)}
                </li>
              ))}
              <li>
                <span className="dot dot-real" aria-hidden="true" />
                {t('realSchool')}
              </li>
              <li>
                <span className="swatch-ward" aria-hidden="true" />
                {t('wards')}
              </li>
            </ul>
          </section>
          <section aria-live="polite" data-testid="school-panel">
            {selected ? (
              <SchoolPanel id={selected} onClose={() => setSelected(null)} />
            ) : place ? (
              <ZonePanel lng={place.lng} lat={place.lat} onOpen={setSelected} onClose={() => setPlace(null)} />
            ) : (
              <p className="hint">{t('selectHint')}</p>
            )}
          </section>
          {ds && (
            <section aria-labelledby="sources-h" data-testid="sources">
              <h2 id="sources-h">{t('aboutData')}</h2>
              <ul className="sources">
                {ds.dataset.sources.map((s) => (
                  <li key={s.id}>
                    {s.url ? <a href={s.url} target="_blank" rel="noreferrer">{s.title}</a> : s.title}{' '}
                    <span className="licence">({t('licence')}: {s.licence}{s.isSynthetic ? `, ${t('synthetic')}` : ''})</span>
                    <br />
                    <small>{s.attribution}</small>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </main>
    </div>
  );
}

function SchoolPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [{ data, fetching }] = useQuery<SchoolResult>({ query: SCHOOL, variables: { id } });
  if (fetching && !data) return <p>{t('loading')}</p>;
  const s = data?.school;
  if (!s) return null;
  const latest = s.maturityResults[0];
  const ward = i18n.language === 'en' ? (s.ward?.fullNameEn ?? s.ward?.fullName) : s.ward?.fullName;
  return (
    <article className="school" data-testid="school-details">
      <h2>{s.name}</h2>
      <p className={s.isSynthetic ? 'badge badge-synthetic' : 'badge badge-real'}>{s.isSynthetic ? t('synthetic') : t('real')}</p>
      <dl>
        <dt>{t('levels')}</dt>
        <dd>{s.levels.map((l) => t(`level.${l}`)).join(', ')} · {t(`ownership.${s.ownership}`)}</dd>
        {ward && (<><dt>{t('ward')}</dt><dd>{ward}</dd></>)}
        {s.capacity != null && (<><dt>{t('capacity')} / {t('enrolment')}</dt><dd>{s.capacity} / {s.enrolment ?? '—'}</dd></>)}
        {latest && (
          <>
            <dt>{t('maturity')} {latest.schoolYear}</dt>
            <dd>
              {t('levelN', { n: latest.overallLevel.slice(-1) })}
              {latest.isDigitalSchool && <span className="badge badge-digital"> {t('digitalSchool')}</span>}
            </dd>
          </>
        )}
        <dt>{t('source')}</dt>
        <dd>{s.source.title} ({s.source.licence}){s.sourceRef ? ` · ${s.sourceRef}` : ''}</dd>
      </dl>
      <button type="button" onClick={onClose}>{t('close')}</button>
    </article>
  );
}

function ZonePanel({ lng, lat, onOpen, onClose }: { lng: number; lat: number; onOpen: (id: string) => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [{ data, fetching, error }, refetch] = useQuery<ZonesAtResult>({ query: ZONES_AT, variables: { lng, lat } });
  // The explanation is written by the server in the request's language: ask again when the language changes.
  const lang = i18n.language;
  useEffect(() => {
    if (data) refetch({ requestPolicy: 'network-only' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lang]);
  if (fetching && !data) return <p>{t('loading')}</p>;
  if (error || !data) return <p role="alert">{t('loadError')}</p>;
  const z = data.enrollmentZonesAt;
  const ward = i18n.language === 'en' ? (z.ward?.fullNameEn ?? z.ward?.fullName) : z.ward?.fullName;
  return (
    <article className="zones" data-testid="zone-panel">
      <h2>{t('zonesHere')}</h2>
      {!z.covered ? (
        <p>{z.message}</p>
      ) : (
        <>
          <p>{ward} · {t('schoolYear')} {z.schoolYear}</p>
          {z.grades.map((g) => (
            <section key={g.entryGrade} data-testid={`grade-${g.entryGrade}`}>
              <h3>{t('entryGrade', { grade: g.entryGrade })}</h3>
              <ul>
                {g.zones.map((m) => (
                  <li key={m.zone.school.id}>
                    <button type="button" className="link" onClick={() => onOpen(m.zone.school.id)}>{m.zone.school.name}</button>
                  </li>
                ))}
              </ul>
              <p className="explanation">{g.explanation}</p>
            </section>
          ))}
        </>
      )}
      <button type="button" onClick={onClose}>{t('close')}</button>
    </article>
  );
}
