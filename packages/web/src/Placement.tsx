// The planners' placement simulation in the dashboard: the province's entering children placed at the schools
// with a published rule (server: placementSimulation), the rules as they are beside a scenario (one school's quota
// changed, one school closed), with the difference per school and in total, and the table as CSV.
import { useState } from 'react';
import { gql, useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { downloadCsv } from './download.ts';

const YEARS = gql`query PlacementYears($p: String!) { admissionRuleYears(provinceCode: $p) }`;
const RESULT = `children placed unplaced meanRoadMeters demandNote roadAttribution schools { schoolId name places placed overflow }`;
const SIMULATE = gql`
  query Placement($p: String!, $y: String!, $g: Int!, $s: PlacementScenario) {
    base: placementSimulation(provinceCode: $p, schoolYear: $y, grade: $g) { ${RESULT} }
    variant: placementSimulation(provinceCode: $p, schoolYear: $y, grade: $g, scenario: $s) { ${RESULT} }
  }`;
interface Result { children: number; placed: number; unplaced: number; meanRoadMeters: number | null; demandNote: string; roadAttribution: string | null;
  schools: { schoolId: string; name: string; places: number; placed: number; overflow: number }[] }

export function Placement({ province, onBack }: { province: string; onBack: () => void }) {
  const { t } = useTranslation();
  const [{ data: yd }] = useQuery<{ admissionRuleYears: string[] }>({ query: YEARS, variables: { p: province } });
  const years = yd?.admissionRuleYears ?? [];
  const [yearWanted, setYear] = useState<string | null>(null);
  const year = yearWanted ?? years.at(-1) ?? null;
  const [grade, setGrade] = useState(1);
  const [quotaSchool, setQuotaSchool] = useState('');
  const [quota, setQuota] = useState('');
  const [closed, setClosed] = useState('');
  const [asked, setAsked] = useState<{ y: string; g: number; s: Record<string, unknown> } | null>(null);
  const [{ data, fetching, error }] = useQuery<{ base: Result; variant: Result }>({
    query: SIMULATE, variables: asked ? { p: province, y: asked.y, g: asked.g, s: asked.s } : {}, pause: !asked,
  });
  const run = () => {
    if (!year) return;
    const s: Record<string, unknown> = {};
    if (quotaSchool && quota !== '') s.quotas = [{ schoolId: quotaSchool, places: Number(quota) }];
    if (closed) s.closeSchools = [closed];
    setAsked({ y: year, g: grade, s });
  };
  const base = data?.base; const variant = data?.variant;
  const km = (m: number | null) => (m == null ? '–' : `${(m / 1000).toFixed(1)} km`);
  const rows = base ? base.schools.map((b) => ({ b, v: variant?.schools.find((x) => x.schoolId === b.schoolId) ?? null })) : [];
  const exportCsv = () => {
    const head = [t('dash.sim.school'), t('dash.sim.placesA'), t('dash.sim.placedA'), t('dash.sim.placesB'), t('dash.sim.placedB'), t('dash.sim.change')];
    const q = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
    const lines = rows.map(({ b, v }) => [b.name, b.places, b.placed, v?.places ?? t('dash.sim.closed'), v?.placed ?? 0, (v?.placed ?? 0) - b.placed].map(q).join(','));
    downloadCsv(`edugis-mo-phong-${province}-${asked?.y}-lop${asked?.g}.csv`, [head.map(q).join(','), ...lines].join('\n'));
  };
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
        <button type="button" onClick={run} disabled={!year} data-testid="sim-run">{t('dash.sim.run')}</button>
      </fieldset>
      {fetching && <p>{t('loading')}</p>}
      {error && <p role="alert" data-testid="sim-error">{error.graphQLErrors[0]?.message ?? error.message}</p>}
      {base && variant && (
        <>
          <p className="muted">{base.demandNote} {base.roadAttribution ? t('dash.sim.roads', { source: base.roadAttribution }) : t('dash.sim.noRoads')}</p>
          <table className="ws-table" data-testid="sim-totals">
            <thead><tr><th /><th>{t('dash.sim.asRules')}</th><th>{t('dash.sim.asScenario')}</th></tr></thead>
            <tbody>
              <tr><th>{t('dash.sim.children')}</th><td>{base.children}</td><td>{variant.children}</td></tr>
              <tr><th>{t('dash.sim.placedRow')}</th><td>{base.placed}</td><td>{variant.placed}</td></tr>
              <tr><th>{t('dash.sim.unplaced')}</th><td>{base.unplaced}</td><td>{variant.unplaced}</td></tr>
              <tr><th>{t('dash.sim.mean')}</th><td>{km(base.meanRoadMeters)}</td><td>{km(variant.meanRoadMeters)}</td></tr>
            </tbody>
          </table>
          <table className="ws-table" data-testid="sim-schools">
            <thead><tr><th>{t('dash.sim.school')}</th><th>{t('dash.sim.placesA')}</th><th>{t('dash.sim.placedA')}</th><th>{t('dash.sim.placesB')}</th><th>{t('dash.sim.placedB')}</th><th>{t('dash.sim.change')}</th></tr></thead>
            <tbody>
              {rows.map(({ b, v }) => {
                const change = (v?.placed ?? 0) - b.placed;
                return (
                  <tr key={b.schoolId} data-id={b.schoolId} className={change ? 'changed' : ''}>
                    <td>{b.name}{b.overflow > 0 && <span className="muted"> · {t('dash.sim.overflow', { n: b.overflow })}</span>}</td>
                    <td>{b.places}</td><td>{b.placed}</td><td>{v ? v.places : t('dash.sim.closed')}</td><td>{v?.placed ?? 0}</td>
                    <td>{change > 0 ? `+${change}` : change}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button type="button" onClick={exportCsv} data-testid="sim-csv">{t('dash.exportCsv')}</button>
        </>
      )}
    </section>
  );
}
