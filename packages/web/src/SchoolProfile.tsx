// A school's profile: record, pre-2025 ward, published QĐ 4725 results with the "trường học số" badge, its zone on
// a small map, where the data comes from, and "report a problem".
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import type { FeatureCollection } from 'geojson';
import maplibregl, { type MapLibre } from './maplibre.ts';
import { REPORT_PROBLEM, SCHOOL, type SchoolDetails, type SchoolResult } from './queries.ts';
import { zonesCollection } from './url.ts';

/** The newest school year's zones of a school, as a FeatureCollection. */
export function latestZones(s: SchoolDetails): FeatureCollection {
  const year = s.zones[0]?.schoolYear;
  return zonesCollection(s.zones.filter((z) => z.schoolYear === year));
}

export function SchoolProfile({ id, inCompare, compareFull, onToggleCompare, onClose, onLoaded }: {
  id: string; inCompare: boolean; compareFull: boolean; onToggleCompare: () => void; onClose: () => void; onLoaded: (s: SchoolDetails) => void;
}) {
  const { t, i18n } = useTranslation();
  const [{ data, fetching, error }, refetch] = useQuery<SchoolResult>({ query: SCHOOL, variables: { id } });
  const s = data?.school;
  useEffect(() => { if (s) onLoaded(s); }, [s]); // eslint-disable-line react-hooks/exhaustive-deps
  if (fetching && !data) return <p>{t('loading')}</p>;
  if (error) {
    return (
      <p role="alert">
        {error.graphQLErrors[0]?.message ?? (error.networkError ? t('serverUnreachable') : t('loadError'))}{' '}
        <button type="button" className="link" onClick={() => refetch({ requestPolicy: 'network-only' })}>{t('retry')}</button>
      </p>
    );
  }
  if (!s) return <p role="alert">{t('schoolNotFound')}</p>;
  const en = i18n.language === 'en';
  const ward = en ? (s.ward?.fullNameEn ?? s.ward?.fullName) : s.ward?.fullName;
  const latest = s.maturityResults[0];
  const zones = latestZones(s);
  // The pre-2025 wards are known by name and crosswalk, not by boundary: when today's ward was formed from
  // several, the profile names them all rather than guess which one held the school.
  const former = s.ward?.predecessors ?? [];
  return (
    <article className="school" data-testid="school-details" aria-labelledby="school-h">
      <h2 id="school-h" tabIndex={-1}>{s.name}</h2>
      <p>
        <span className={s.isSynthetic ? 'badge badge-synthetic' : 'badge badge-real'}>{s.isSynthetic ? t('synthetic') : t('real')}</span>
        {latest?.isDigitalSchool && <span className="badge badge-digital" data-testid="digital-badge">{t('digitalSchool')} {latest.schoolYear}{latest.isSynthetic ? ` (${t('syntheticShort')})` : ''}</span>}
      </p>
      <dl>
        <dt>{t('levels')}</dt>
        <dd>{s.levels.map((l) => t(`level.${l}`)).join(', ')} · {t(`ownership.${s.ownership}`)}</dd>
        {s.address && (<><dt>{t('address')}</dt><dd>{s.address}</dd></>)}
        {ward && (<><dt>{t('ward')}</dt><dd>{ward}</dd></>)}
        {former.length > 0 && (
          <>
            <dt>{t('formerWard')}</dt>
            <dd data-testid="former-wards">
              {former.length === 1 ? '' : `${t('formedFrom')} `}
              {former.map((p) => `${p.oldUnit.fullName}${p.oldUnit.parent ? `, ${p.oldUnit.parent.fullName}` : ''}${p.mergeType === 'partial' ? ` (${t('partly')})` : ''}`).join('; ')}
            </dd>
          </>
        )}
        {s.capacity != null && (<><dt>{t('capacity')} / {t('enrolment')}</dt><dd>{s.capacity} / {s.enrolment ?? '—'}{s.isSynthetic ? ` (${t('syntheticShort')})` : ''}</dd></>)}
      </dl>
      <h3>{t('maturity')}</h3>
      {s.maturityResults.length === 0 ? (
        <p className="hint">{t('noPublished')}</p>
      ) : (
        <table className="maturity" data-testid="maturity-table">
          <caption className="visually-hidden">{t('maturity')}</caption>
          <thead><tr><th scope="col">{t('schoolYear')}</th><th scope="col">{t('group1')}</th><th scope="col">{t('group2')}</th><th scope="col">{t('overall')}</th></tr></thead>
          <tbody>
            {s.maturityResults.map((m) => (
              <tr key={m.id}>
                <th scope="row">{m.schoolYear}</th>
                <td>{m.group1Score.toFixed(0)} · {t('levelN', { n: m.group1Level.slice(-1) })}</td>
                <td>{m.group2Score.toFixed(0)} · {t('levelN', { n: m.group2Level.slice(-1) })}</td>
                <td>{t('levelN', { n: m.overallLevel.slice(-1) })}{m.isDigitalSchool ? ` ✓ ${t('digitalSchool')}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.maturityResults.some((m) => m.isSynthetic) && <p className="hint">{t('maturitySynthetic')}</p>}
      <h3>{t('zone')}</h3>
      {zones.features.length ? (
        <>
          <MiniMap zones={zones} at={s.location ? [s.location.longitude, s.location.latitude] : null} />
          <p className="hint">{t('zoneCaption', { year: s.zones[0]!.schoolYear, grades: [...new Set(zones.features.map((f) => f.properties!.entryGrade))].join(', ') })}{s.zones[0]!.isSynthetic ? ` ${t('zoneSynthetic')}` : ''}</p>
        </>
      ) : (
        <p className="hint">{t('noZone')}</p>
      )}
      <h3>{t('provenance')}</h3>
      <dl>
        <dt>{t('source')}</dt>
        <dd>{s.source.url ? <a href={s.source.url} target="_blank" rel="noreferrer">{s.source.title}</a> : s.source.title} ({t('licence')}: {s.source.licence}){s.sourceRef ? ` · ${s.sourceRef}` : ''}</dd>
        <dt>{t('locationConfidence')}</dt>
        <dd>{t(`confidence.${s.locationConfidence}`)}</dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={onToggleCompare} disabled={!inCompare && compareFull} aria-pressed={inCompare} data-testid="compare-toggle">
          {inCompare ? t('removeCompare') : compareFull ? t('compareFull') : t('addCompare')}
        </button>
        <button type="button" onClick={onClose}>{t('close')}</button>
      </div>
      <ReportProblem schoolId={s.id} />
    </article>
  );
}

function MiniMap({ zones, at }: { zones: FeatureCollection; at: [number, number] | null }) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const bounds = new maplibregl.LngLatBounds();
    for (const f of zones.features) for (const c of coords(f.geometry)) bounds.extend(c);
    if (at) bounds.extend(at);
    const map = new maplibregl.Map({
      container: el.current!,
      interactive: false,
      attributionControl: false,
      bounds,
      fitBoundsOptions: { padding: 12 },
      style: {
        version: 8,
        sources: { zone: { type: 'geojson', data: zones }, school: { type: 'geojson', data: { type: 'FeatureCollection', features: at ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: at } }] : [] } } },
        layers: [
          { id: 'bg', type: 'background', paint: { 'background-color': '#f4f1ea' } },
          { id: 'zone-fill', type: 'fill', source: 'zone', paint: { 'fill-color': '#0f4c81', 'fill-opacity': 0.2 } },
          { id: 'zone-line', type: 'line', source: 'zone', paint: { 'line-color': '#0f4c81', 'line-width': 2 } },
          { id: 'school', type: 'circle', source: 'school', paint: { 'circle-color': '#111827', 'circle-radius': 5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
        ],
      },
    });
    return () => map.remove();
  }, [zones, at]);
  return <div ref={el} className="minimap" role="img" aria-label={t('zoneMapLabel')} data-testid="zone-minimap" />;
}

function coords(g: GeoJSON.Geometry): [number, number][] {
  if (g.type === 'Polygon') return g.coordinates.flat() as [number, number][];
  if (g.type === 'MultiPolygon') return g.coordinates.flat(2) as [number, number][];
  return [];
}

function ReportProblem({ schoolId }: { schoolId: string }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'WRONG_LOCATION' | 'WRONG_ZONE' | 'OTHER'>('WRONG_LOCATION');
  const [message, setMessage] = useState('');
  const [result, send] = useMutation(REPORT_PROBLEM);
  const done = result.data?.reportProblem;
  return (
    <details className="report" data-testid="report">
      <summary>{t('reportProblem')}</summary>
      {done ? (
        <p role="status">{t('reportThanks')}</p>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); void send({ schoolId, kind, message }); }}>
          <fieldset>
            <legend>{t('reportKind')}</legend>
            {(['WRONG_LOCATION', 'WRONG_ZONE', 'OTHER'] as const).map((k) => (
              <label key={k}><input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {t(`problem.${k}`)}</label>
            ))}
          </fieldset>
          <label>
            {t('reportMessage')}
            <textarea value={message} onChange={(e) => setMessage(e.target.value)} maxLength={2000} rows={3} required />
          </label>
          {result.error && <p role="alert">{result.error.graphQLErrors[0]?.message ?? t('loadError')}</p>}
          <button type="submit" disabled={result.fetching}>{t('send')}</button>
        </form>
      )}
    </details>
  );
}
