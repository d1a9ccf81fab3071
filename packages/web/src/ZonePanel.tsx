// "Which schools is this place zoned for?": the server's answer per entry grade, explained in the UI language.
import { useEffect } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import type { FeatureCollection } from 'geojson';
import { RULE_ZONES, ZONES_AT, type RuleZonesResult, type ZonesAtResult } from './queries.ts';
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
  // The areas the rules give the placed schools, asked once the answer is known (drawn in place of the old zones).
  const z0 = data?.enrollmentZonesAt;
  const placedOf = (grade: number) => z0?.grades.find((g) => g.entryGrade === grade)?.admission.placed?.school.id ?? null;
  const [p1, p6] = [placedOf(1), placedOf(6)];
  const [{ data: rz }] = useQuery<RuleZonesResult>({
    query: RULE_ZONES, pause: !z0?.covered || !z0.ward || (!p1 && !p6),
    variables: { p: z0?.ward?.provinceCode ?? '', y: z0?.schoolYear ?? '', ids1: p1 ? [p1] : [], ids6: p6 ? [p6] : [], has1: !!p1, has6: !!p6 },
  });
  const rules = [[1, rz?.g1], [6, rz?.g6]].flatMap(([grade, fc]) => ((fc as RuleZonesResult['g1'])?.features ?? [])
    .map((f) => ({ entryGrade: grade as number, geometry: f.geometry, note: String(f.properties?.note ?? '') })));
  useEffect(() => {
    const z = data?.enrollmentZonesAt;
    if (!z?.covered) return onZones(null);
    onZones(zonesCollection(
      z.grades.flatMap((g) => g.zones.map((m) => ({ entryGrade: g.entryGrade, geometry: m.zone.geometry }))),
      z.grades.map((g) => ({ entryGrade: g.entryGrade, geometry: g.admission.placed?.route ?? null })),
      rules,
    ));
  }, [data, rz]); // eslint-disable-line react-hooks/exhaustive-deps
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
                  {rules.filter((r) => r.entryGrade === g.entryGrade).slice(0, 1).map((r) => (
                    <p key="rule-zone" className="muted" data-testid={`rule-zone-${g.entryGrade}`}><span className="swatch-rule" aria-hidden="true" />{' '}{r.note}</p>
                  ))}
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
