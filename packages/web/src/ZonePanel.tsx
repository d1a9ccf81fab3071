// "Which schools is this place zoned for?": the server's answer per entry grade, explained in the UI language.
import { useEffect } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import type { FeatureCollection } from 'geojson';
import { RULE_ZONES, ZONES_AT, type RuleZonesResult, type ZonesAtResult } from './queries.ts';
import { formatDistance, zonesCollection } from './url.ts';
import { AdmissionCalendar } from './AdmissionCalendar.tsx';
import { GRADE_COLORS } from './mapStyle.ts';

export function ZonePanel({ lng, lat, compare = [], onOpen, onClose, onZones, onZoned }: {
  lng: number; lat: number; compare?: string[]; onOpen: (id: string) => void; onClose: () => void; onZones: (fc: FeatureCollection | null) => void;
  /** The home's zoned (or placed) school per entry grade, for the list and compare to mark. */
  onZoned?: (zoned: Record<string, number[]>) => void;
}) {
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
    const zoned: Record<string, number[]> = {};
    for (const g of z?.covered ? z.grades : []) {
      for (const id of [g.admission.placed?.school.id, ...g.zones.map((m) => m.zone.school.id)]) if (id) zoned[id] = [...new Set([...(zoned[id] ?? []), g.entryGrade])];
    }
    onZoned?.(zoned);
    if (!z?.covered) return onZones(null);
    onZones(zonesCollection(
      z.grades.flatMap((g) => g.zones.map((m) => ({ entryGrade: g.entryGrade, geometry: m.zone.geometry }))),
      z.grades.map((g) => ({ entryGrade: g.entryGrade, geometry: g.admission.placed?.route ?? null })),
      rules,
    ));
  }, [data, rz]); // eslint-disable-line react-hooks/exhaustive-deps
  if (fetching && !data) return <p>{t('loading')}</p>;
  if (error || !data) {
    return (
      <p role="alert">
        {error?.graphQLErrors[0]?.message ?? (error?.networkError ? t('serverUnreachable') : t('loadError'))}{' '}
        <button type="button" className="link" onClick={() => refetch({ requestPolicy: 'network-only' })}>{t('retry')}</button>
      </p>
    );
  }
  const z = data.enrollmentZonesAt;
  // What the grades' explanations share (how zones are drawn, the synthetic note) is said once, after them.
  const sentences = z.grades.map((g) => g.explanation.split(/(?<=[.!?])\s+/).filter(Boolean));
  const common = sentences.length > 1 ? sentences[0]!.filter((x) => sentences.every((l) => l.includes(x))) : [];
  const own = (i: number) => sentences[i]!.filter((x) => !common.includes(x)).join(' ');
  const ward = i18n.language === 'en' ? (z.ward?.fullNameEn ?? z.ward?.fullName) : z.ward?.fullName;
  return (
    <article className="zones" data-testid="zone-panel" aria-labelledby="zones-h">
      <h2 id="zones-h" tabIndex={-1}>{t('zonesHere')}</h2>
      {!z.covered ? (
        <p role="status">{z.message}</p>
      ) : (
        <>
          <p>{ward} · {t('schoolYear')} {z.schoolYear}</p>
          {z.grades.map((g, gi) => (
            <section key={g.entryGrade} data-testid={`grade-${g.entryGrade}`}>
              <h3><span className="grade-swatch" aria-hidden="true" style={{ background: GRADE_COLORS[g.entryGrade === 6 ? 6 : 1] }} />{t('entryGrade', { grade: g.entryGrade })}</h3>
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
                    {compare.includes(m.zone.school.id) && <span className="badge badge-zoned" data-testid="zone-in-compare">{t('inCompare')}</span>}
                  </li>
                ))}
              </ul>
              <p className="explanation">{own(gi)}</p>
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
          {common.length > 0 && <p className="explanation" data-testid="zone-explanation-common">{common.join(' ')}</p>}
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
