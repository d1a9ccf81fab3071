// "Which schools is this place zoned for?": the server's answer per entry grade, explained in the UI language.
import { useEffect } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import type { FeatureCollection } from 'geojson';
import { ZONES_AT, type ZonesAtResult } from './queries.ts';
import { formatDistance, zonesCollection } from './url.ts';
import { AdmissionCalendar } from './AdmissionCalendar.tsx';

export function ZonePanel({ lng, lat, onOpen, onClose, onZones }: { lng: number; lat: number; onOpen: (id: string) => void; onClose: () => void; onZones: (fc: FeatureCollection | null) => void }) {
  const { t, i18n } = useTranslation();
  const [{ data, fetching, error }, refetch] = useQuery<ZonesAtResult>({ query: ZONES_AT, variables: { lng, lat } });
  // The explanation is written by the server in the request's language: ask again when the language changes.
  const lang = i18n.language;
  useEffect(() => {
    if (data) refetch({ requestPolicy: 'network-only' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lang]);
  useEffect(() => {
    const z = data?.enrollmentZonesAt;
    if (!z?.covered) return onZones(null);
    onZones(zonesCollection(
      z.grades.flatMap((g) => g.zones.map((m) => ({ entryGrade: g.entryGrade, geometry: m.zone.geometry }))),
      z.grades.map((g) => ({ entryGrade: g.entryGrade, geometry: g.admission.placed?.route ?? null })),
    ));
  }, [data]); // eslint-disable-line react-hooks/exhaustive-deps
  if (fetching && !data) return <p>{t('loading')}</p>;
  if (error || !data) return <p role="alert">{error?.graphQLErrors[0]?.message ?? t('loadError')}</p>;
  const z = data.enrollmentZonesAt;
  const ward = i18n.language === 'en' ? (z.ward?.fullNameEn ?? z.ward?.fullName) : z.ward?.fullName;
  return (
    <article className="zones" data-testid="zone-panel" aria-labelledby="zones-h">
      <h2 id="zones-h" tabIndex={-1}>{t('zonesHere')}</h2>
      {!z.covered ? (
        <p role="status">{z.message}</p>
      ) : (
        <>
          <p>{ward} · {t('schoolYear')} {z.schoolYear}</p>
          {z.grades.map((g) => (
            <section key={g.entryGrade} data-testid={`grade-${g.entryGrade}`}>
              <h3>{t('entryGrade', { grade: g.entryGrade })}</h3>
              {g.admission.placed && (
                <div className="by-rules" data-testid={`rules-${g.entryGrade}`}>
                  <p className="muted">{t('byRules')}</p>
                  <p>
                    <button type="button" className="link" onClick={() => onOpen(g.admission.placed!.school.id)}>{g.admission.placed.school.name}</button>
                    {g.admission.placed.area && <span className="muted"> · {g.admission.placed.area}</span>}
                  </p>
                  <p>{g.admission.placed.walk.measure === 'ROAD'
                    ? t('byRoad', { distance: formatDistance(g.admission.placed.walk.meters, t), walk: g.admission.placed.walk.minutes, ride: g.admission.placed.motorbike.minutes })
                    : t('byStraightLine', { distance: formatDistance(g.admission.placed.walk.meters, t) })}</p>
                  <p>{g.admission.placed.quotaClasses
                    ? t('quotaClasses', { places: g.admission.placed.quotaPlaces, classes: g.admission.placed.quotaClasses })
                    : t('quota', { places: g.admission.placed.quotaPlaces })}</p>
                </div>
              )}
              <ul>
                {g.zones.map((m) => (
                  <li key={m.zone.school.id}>
                    <button type="button" className="link" onClick={() => onOpen(m.zone.school.id)}>{m.zone.school.name}</button>
                    <span className="muted"> · {formatDistance(m.distanceMeters, t)} · {t('walk', { n: m.walkingMinutes })}</span>
                  </li>
                ))}
              </ul>
              <p className="explanation">{g.explanation}</p>
              {g.status !== 'ZONED' && g.nearestCandidates.length > 0 && (
                <>
                  <p className="muted">{t('nearestCandidates')}</p>
                  <ul>
                    {g.nearestCandidates.map((c) => (
                      <li key={c.school.id}>
                        <button type="button" className="link" onClick={() => onOpen(c.school.id)}>{c.school.name}</button>
                        <span className="muted"> · {formatDistance(c.distanceMeters, t)}</span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </section>
          ))}
          {z.ward && <AdmissionCalendar province={z.ward.provinceCode} />}
        </>
      )}
      <div className="actions">
        <button type="button" onClick={() => void navigator.clipboard?.writeText(location.href)}>{t('copyLink')}</button>
        <button type="button" onClick={onClose}>{t('close')}</button>
      </div>
    </article>
  );
}
