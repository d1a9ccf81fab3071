// The planners' placement simulation in the dashboard: the province's entering children (the loaded figures or
// the 2019 census estimate, labelled) placed at the schools with a published rule (server: placementSimulation),
// the rules as they are beside a scenario (a quota changed, a school closed, a planned school placed on the map),
// compared in tables and on the map (schools coloured by what the scenario changes, wards sized by children left
// without a place), exported as CSV and GeoJSON.
import { useEffect, useMemo, useState } from 'react';
import { gql, useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import type { Feature, FeatureCollection } from 'geojson';
import { download, downloadCsv } from './download.ts';
import { SIM_COLORS, type SimChange } from './mapStyle.ts';

const YEARS = gql`query PlacementYears($p: String!) { admissionRuleYears(provinceCode: $p) }`;
const RESULT = `children placed unplaced meanRoadMeters demandNote demandEstimated roadAttribution
  schools { schoolId name added synthetic longitude latitude places placed overflow } areas { wardCode wardName children unplaced } geojson`;
const SIMULATE = gql`
  query Placement($p: String!, $y: String!, $g: Int!, $d: PlacementDemand, $s: PlacementScenario) {
    base: placementSimulation(provinceCode: $p, schoolYear: $y, grade: $g, demand: $d) { ${RESULT} }
    variant: placementSimulation(provinceCode: $p, schoolYear: $y, grade: $g, demand: $d, scenario: $s) { ${RESULT} }
  }`;
interface SchoolRow { schoolId: string; name: string; added: boolean; synthetic: boolean; longitude: number; latitude: number; places: number; placed: number; overflow: number }
interface Result {
  children: number; placed: number; unplaced: number; meanRoadMeters: number | null; demandNote: string; demandEstimated: boolean; roadAttribution: string | null;
  schools: SchoolRow[]; areas: { wardCode: string; wardName: string; children: number; unplaced: number }[]; geojson: FeatureCollection;
}
type Demand = 'LOADED' | 'CENSUS_2019';
interface Planned { name: string; places: string; at: [number, number] | null }
/** What the simulation draws on the dashboard's map, and how it borrows a click there. */
export interface SimulationMap {
  onOverlay: (fc: FeatureCollection | null) => void;
  onPickPoint: (fn: ((at: [number, number]) => void) | null) => void;
}

/** The scenario on the map: each school with what changed against the rules as they are, each ward's point with
 * the children it leaves without a place. Also what "Download the scenario (GeoJSON)" saves. */
export function scenarioLayer(base: Result, variant: Result): FeatureCollection {
  const before = new Map(base.schools.map((s) => [s.schoolId, s]));
  const after = new Map(variant.schools.map((s) => [s.schoolId, s]));
  const point = (s: SchoolRow) => ({ type: 'Point' as const, coordinates: [s.longitude, s.latitude] });
  const schools: Feature[] = [...variant.schools, ...base.schools.filter((s) => !after.has(s.schoolId))].map((s) => {
    const was = before.get(s.schoolId); const now = after.get(s.schoolId);
    const change: SimChange = s.added ? 'added' : !now ? 'closed' : now.placed > was!.placed ? 'more' : now.placed < was!.placed ? 'fewer' : 'same';
    return { type: 'Feature', geometry: point(s), properties: {
      kind: 'school', id: s.schoolId, name: s.name, change, synthetic: s.synthetic, added: s.added,
      placesBefore: was?.places ?? null, placedBefore: was?.placed ?? 0, places: now?.places ?? 0, placed: now?.placed ?? 0 } };
  });
  const unplacedBefore = new Map(base.areas.map((a) => [a.wardCode, a.unplaced]));
  const wards = variant.geojson.features.filter((f) => f.properties?.kind === 'ward').map((f) => ({
    ...f, properties: { ...f.properties, unplacedBefore: unplacedBefore.get(String(f.properties!.code)) ?? 0 },
  }));
  return { type: 'FeatureCollection', features: [...wards, ...schools] };
}

export function Placement({ province, onBack, onOverlay, onPickPoint }: { province: string; onBack: () => void } & SimulationMap) {
  const { t } = useTranslation();
  const [{ data: yd }] = useQuery<{ admissionRuleYears: string[] }>({ query: YEARS, variables: { p: province } });
  const years = yd?.admissionRuleYears ?? [];
  const [yearWanted, setYear] = useState<string | null>(null);
  const year = yearWanted ?? years.at(-1) ?? null;
  const [grade, setGrade] = useState(1);
  const [demand, setDemand] = useState<Demand>('LOADED');
  const [quotaSchool, setQuotaSchool] = useState('');
  const [quota, setQuota] = useState('');
  const [closed, setClosed] = useState('');
  const [planned, setPlanned] = useState<Planned | null>(null);
  const [picking, setPicking] = useState(false);
  const [asked, setAsked] = useState<{ y: string; g: number; d: Demand; s: Record<string, unknown> } | null>(null);
  const [{ data, fetching, error }] = useQuery<{ base: Result; variant: Result }>({
    query: SIMULATE, variables: asked ? { p: province, y: asked.y, g: asked.g, d: asked.d, s: asked.s } : {}, pause: !asked,
  });
  // A click on the map places the planned school while "choose its place" is on.
  useEffect(() => {
    onPickPoint(picking ? (at) => { setPlanned((p) => ({ ...(p ?? { name: t('dash.sim.addDefault'), places: '200' }), at })); setPicking(false); } : null);
  }, [picking, onPickPoint, t]);
  useEffect(() => () => { onPickPoint(null); onOverlay(null); }, [onPickPoint, onOverlay]);
  const base = data?.base; const variant = data?.variant;
  const layer = useMemo(() => (base && variant ? scenarioLayer(base, variant) : null), [base, variant]);
  useEffect(() => onOverlay(layer), [layer, onOverlay]);

  const run = () => {
    if (!year) return;
    const s: Record<string, unknown> = {};
    if (quotaSchool && quota !== '') s.quotas = [{ schoolId: quotaSchool, places: Number(quota) }];
    if (closed) s.closeSchools = [closed];
    if (planned?.at) s.addSchools = [{ name: planned.name, longitude: planned.at[0], latitude: planned.at[1], places: Number(planned.places) }];
    setAsked({ y: year, g: grade, d: demand, s });
  };
  const km = (m: number | null) => (m == null ? '–' : `${(m / 1000).toFixed(1)} km`);
  const rows = base && variant ? [
    ...base.schools.map((b) => ({ b, v: variant.schools.find((x) => x.schoolId === b.schoolId) ?? null })),
    ...variant.schools.filter((v) => v.added).map((v) => ({ b: null, v })),
  ] : [];
  const wards = base && variant ? variant.areas.map((a) => ({ a, before: base.areas.find((x) => x.wardCode === a.wardCode)?.unplaced ?? 0 }))
    .filter((w) => w.a.unplaced > 0 || w.before > 0).sort((x, y) => y.a.unplaced - x.a.unplaced || y.before - x.before) : [];
  const estimated = !!base?.demandEstimated;
  const fileName = (ext: string) => `edugis-mo-phong-${province}-${asked?.y}-lop${asked?.g}${estimated ? '-uoc-tinh' : ''}.${ext}`;
  const exportCsv = () => {
    const head = [t('dash.sim.school'), t('dash.sim.placesA'), t('dash.sim.placedA'), t('dash.sim.placesB'), t('dash.sim.placedB'), t('dash.sim.change'), t('synthetic'), t('dash.sim.csvEstimate')];
    const q = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
    const yn = (b: boolean) => (b ? t('dash.sim.yes') : t('dash.sim.no'));
    const lines = rows.map(({ b, v }) => [
      (b ?? v)!.name + (v?.added ? ` (${t('dash.sim.added')})` : ''), b?.places ?? '', b?.placed ?? 0, v ? v.places : t('dash.sim.closed'), v?.placed ?? 0,
      (v?.placed ?? 0) - (b?.placed ?? 0), yn((b ?? v)!.synthetic), yn(estimated),
    ].map(q).join(','));
    downloadCsv(fileName('csv'), [head.map(q).join(','), ...lines].join('\n'));
  };
  const exportGeo = () => layer && download(fileName('geojson'), 'application/geo+json', JSON.stringify({
    ...layer, features: layer.features.map((f) => ({ ...f, properties: { ...f.properties, childrenEstimated: estimated } })),
  }));
  return (
    <section className="dashboard" aria-labelledby="sim-h" data-testid="dash-placement">
      <header className="dash-head"><h2 id="sim-h">{t('dash.sim.title')}</h2><button type="button" onClick={onBack}>{t('dash.back')}</button></header>
      <p className="hint">{t('dash.sim.hint')}</p>
      {!years.length && yd && <p role="status">{t('dash.sim.noRules')}</p>}
      <div className="dash-controls">
        <label>{t('dash.year')} <select value={year ?? ''} onChange={(e) => setYear(e.target.value)} data-testid="sim-year">
          {years.map((y) => <option key={y} value={y}>{y}</option>)}
        </select></label>
        <label>{t('dash.sim.grade')} <select value={grade} onChange={(e) => setGrade(Number(e.target.value))} data-testid="sim-grade">
          {[1, 6, 10].map((g) => <option key={g} value={g}>{g}</option>)}
        </select></label>
        <label>{t('dash.sim.demand')} <select value={demand} onChange={(e) => setDemand(e.target.value as Demand)} data-testid="sim-demand">
          <option value="LOADED">{t('dash.sim.demandLoaded')}</option>
          <option value="CENSUS_2019">{t('dash.sim.demandCensus')}</option>
        </select></label>
      </div>
      <fieldset className="dash-controls">
        <legend>{t('dash.sim.scenario')}</legend>
        <label>{t('dash.sim.quotaOf')} <select value={quotaSchool} onChange={(e) => setQuotaSchool(e.target.value)} data-testid="sim-quota-school">
          <option value="">–</option>
          {(base?.schools ?? []).map((s) => <option key={s.schoolId} value={s.schoolId}>{s.name}</option>)}
        </select></label>
        <label>{t('dash.sim.places')} <input type="number" min={0} max={5000} value={quota} onChange={(e) => setQuota(e.target.value)} data-testid="sim-quota" /></label>
        <label>{t('dash.sim.close')} <select value={closed} onChange={(e) => setClosed(e.target.value)} data-testid="sim-close">
          <option value="">–</option>
          {(base?.schools ?? []).map((s) => <option key={s.schoolId} value={s.schoolId}>{s.name}</option>)}
        </select></label>
        <div className="sim-add">
          <button type="button" onClick={() => setPicking((p) => !p)} aria-pressed={picking} data-testid="sim-add-pick">{picking ? t('dash.sim.addPicking') : t('dash.sim.addPick')}</button>
          {planned?.at && (
            <>
              <label>{t('dash.sim.addName')} <input value={planned.name} maxLength={120} onChange={(e) => setPlanned({ ...planned, name: e.target.value })} data-testid="sim-add-name" /></label>
              <label>{t('dash.sim.places')} <input type="number" min={1} max={5000} value={planned.places} onChange={(e) => setPlanned({ ...planned, places: e.target.value })} data-testid="sim-add-places" /></label>
              <span className="muted" data-testid="sim-add-at">{t('dash.sim.addAt', { lng: planned.at[0].toFixed(5), lat: planned.at[1].toFixed(5) })}</span>
              <button type="button" onClick={() => setPlanned(null)}>{t('dash.sim.addRemove')}</button>
            </>
          )}
        </div>
        <button type="button" onClick={run} disabled={!year} data-testid="sim-run">{t('dash.sim.run')}</button>
      </fieldset>
      {fetching && <p>{t('loading')}</p>}
      {error && <p role="alert" data-testid="sim-error">{error.graphQLErrors[0]?.message ?? error.message}</p>}
      {base && variant && (
        <>
          {estimated && <p className="notice notice-synthetic" data-testid="sim-estimate"><strong>{t('dash.sim.estimate')}:</strong> {t('dash.sim.estimateNote')}</p>}
          <p className="muted" data-testid="sim-note">{base.demandNote} {base.roadAttribution ? t('dash.sim.roads', { source: base.roadAttribution }) : t('dash.sim.noRoads')}</p>
          <table className="ws-table" data-testid="sim-totals">
            <thead><tr><th /><th>{t('dash.sim.asRules')}</th><th>{t('dash.sim.asScenario')}</th></tr></thead>
            <tbody>
              <tr><th>{t('dash.sim.children')}{estimated && ` (${t('dash.sim.estimate')})`}</th><td>{base.children}</td><td>{variant.children}</td></tr>
              <tr><th>{t('dash.sim.placedRow')}</th><td>{base.placed}</td><td>{variant.placed}</td></tr>
              <tr><th>{t('dash.sim.unplaced')}</th><td>{base.unplaced}</td><td>{variant.unplaced}</td></tr>
              <tr><th>{t('dash.sim.mean')}</th><td>{km(base.meanRoadMeters)}</td><td>{km(variant.meanRoadMeters)}</td></tr>
            </tbody>
          </table>
          <ul className="legend" aria-label={t('dash.sim.mapLegend')} data-testid="sim-legend">
            {(Object.keys(SIM_COLORS) as SimChange[]).map((c) => (
              <li key={c}><span className="dot" style={{ background: SIM_COLORS[c] }} aria-hidden="true" />{t(`dash.sim.${c === 'closed' ? 'closedMark' : c === 'added' ? 'addedMark' : c}`)}</li>
            ))}
            <li><span className="dot" style={{ background: '#dc2626', opacity: 0.55 }} aria-hidden="true" />{t('dash.sim.unplacedMark')}</li>
          </ul>
          <table className="ws-table" data-testid="sim-schools">
            <thead><tr><th>{t('dash.sim.school')}</th><th>{t('dash.sim.placesA')}</th><th>{t('dash.sim.placedA')}</th><th>{t('dash.sim.placesB')}</th><th>{t('dash.sim.placedB')}</th><th>{t('dash.sim.change')}</th></tr></thead>
            <tbody>
              {rows.map(({ b, v }) => {
                const change = (v?.placed ?? 0) - (b?.placed ?? 0);
                const s = (b ?? v)!;
                return (
                  <tr key={s.schoolId} data-id={s.schoolId} className={change ? 'changed' : ''}>
                    <td>{s.name}{v?.added && <span className="muted"> · {t('dash.sim.added')}</span>}{s.synthetic && <span className="muted"> · {t('synthetic')}</span>}
                      {b && b.overflow > 0 && <span className="muted"> · {t('dash.sim.overflow', { n: b.overflow })}</span>}</td>
                    <td>{b?.places ?? '–'}</td><td>{b?.placed ?? '–'}</td><td>{v ? v.places : t('dash.sim.closed')}</td><td>{v?.placed ?? 0}</td>
                    <td>{change > 0 ? `+${change}` : change}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <table className="ws-table" data-testid="sim-wards">
            <caption>{t('dash.sim.wards')}</caption>
            <thead><tr><th>{t('dash.sim.ward')}</th><th>{t('dash.sim.children')}</th><th>{t('dash.sim.asRules')}</th><th>{t('dash.sim.asScenario')}</th></tr></thead>
            <tbody>
              {wards.length ? wards.map(({ a, before }) => (
                <tr key={a.wardCode} data-code={a.wardCode}><td>{a.wardName}</td><td>{a.children}</td><td>{before}</td><td>{a.unplaced}</td></tr>
              )) : <tr><td colSpan={4}>{t('dash.sim.noUnplaced')}</td></tr>}
            </tbody>
          </table>
          <button type="button" onClick={exportCsv} data-testid="sim-csv">{t('dash.exportCsv')}</button>
          <button type="button" onClick={exportGeo} data-testid="sim-geojson">{t('dash.sim.exportGeo')}</button>
        </>
      )}
    </section>
  );
}
