// The maturity dashboard (loaded on demand): a ward choropleth of the chosen metric on the main map, with year,
// level and ownership selectors and a legend with class breaks; distributions first (no league table); a ward's
// distribution, trend and schools; CSV (UTF-8 with BOM) and GeoJSON exports. Any province with wards. Published
// results only, except for signed-in staff who ask to include the results in progress within their scope.
import { useEffect, useMemo, useRef, useState } from 'react';
import { gql, useClient, useQuery } from 'urql';
import { Placement, type SimulationMap } from './Placement.tsx';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import Papa from 'papaparse';
import { BarController, BarElement, CategoryScale, Chart, Legend, LineController, LineElement, LinearScale, PointElement, Title, Tooltip, type ChartConfiguration } from 'chart.js';
import './dashboard-i18n.ts';
import { CHOROPLETH_COLORS, NO_DATA_COLOR } from './mapStyle.ts';
import type { Choropleth } from './MapView.tsx';
import { useSession } from './session.ts';
import { download } from './download.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Title, Tooltip);

const DEFAULT_PROVINCE = '79';
const MAX_PICK = 6;
const LEVEL_COLORS = ['#d73027', '#fee08b', '#1a9850']; // Mức 1, 2, 3
type Dist = { level1: number; level2: number; level3: number };
interface Row {
  unit: { code: string; name: string; fullName: string }; schoolCount: number; publishedCount: number; draftCount: number; coverage: number | null; thinData: boolean;
  overall: Dist; group1: Dist; group2: Dist; digitalSchoolShare: number | null; digitalSchoolShareChange: number | null;
  meanGroup1Score: number | null; meanGroup2Score: number | null; medianGroup1Score: number | null; medianGroup2Score: number | null;
}
const METRICS = {
  digitalSchoolShare: { breaks: [0.2, 0.4, 0.6, 0.8], pct: true },
  coverage: { breaks: [0.2, 0.4, 0.6, 0.8], pct: true },
  meanGroup1Score: { breaks: [40, 50, 62.5, 75], pct: false },
  meanGroup2Score: { breaks: [40, 50, 62.5, 75], pct: false },
  /** Share of the ward's area within a distance of a school of the level (coverage query; no results needed). */
  schoolReach: { breaks: [0.2, 0.4, 0.6, 0.8], pct: true },
  /** Share of the ward's area in no enrollment zone for an entry grade (catchment quality; no results needed). */
  zoneGaps: { breaks: [0.2, 0.4, 0.6, 0.8], pct: true },
} as const;
/** Metrics computed from schools and zones, not from results: no ward is "thin" for them, and they ignore the results year. */
const GEOMETRIC: ReadonlySet<Metric> = new Set(['schoolReach', 'zoneGaps']);
const REACH_DISTANCES = [500, 1000, 2000, 3000] as const;
type Metric = keyof typeof METRICS;

const BY_UNIT = gql`
  query DashboardUnits($y: String!, $p: String, $l: SchoolLevel, $o: Ownership, $d: Boolean) {
    maturityByUnit(schoolYear: $y, parentCode: $p, level: $l, ownership: $o, includeDrafts: $d) {
      unit { code name fullName } schoolCount publishedCount draftCount coverage thinData digitalSchoolShare digitalSchoolShareChange
      overall { level1 level2 level3 } group1 { level1 level2 level3 } group2 { level1 level2 level3 }
      meanGroup1Score meanGroup2Score medianGroup1Score medianGroup2Score
    }
  }
`;
const REACH = gql`
  query DashboardReach($p: String!, $l: SchoolLevel!, $d: Float!, $g: Boolean) {
    coverage(provinceCode: $p, level: $l, distanceMeters: $d, withGeometry: $g) { unit { code fullName } areaKm2 coveredKm2 coveredShare uncovered }
  }
`;
const CATCHMENT = gql`
  query DashboardCatchment($p: String!, $y: String!, $g: Int!) {
    catchmentQuality(provinceCode: $p, schoolYear: $y, entryGrade: $g) {
      gaps { unit { code fullName } areaKm2 wardAreaKm2 geometry } overlaps { schoolIds areaKm2 geometry }
    }
  }
`;
const ZONE_YEARS = gql`query DashboardZoneYears { catchmentYears }`;
const YEARS = gql`query DashboardYears($p: String!, $d: Boolean) { maturityTrend(unitCode: $p, includeDrafts: $d) { schoolYear } wards(provinceCode: $p) { code bbox } }`;
/** A year before the July 2025 reform on the districts of that time (placed through the crosswalk; no boundaries, so no map). */
const FORMER = gql`
  query DashboardFormer($y: String!, $p: String!, $l: SchoolLevel, $o: Ownership) {
    maturityByFormerUnit(schoolYear: $y, provinceCode: $p, level: $l, ownership: $o) {
      units { unit { code name fullName } schoolCount publishedCount draftCount coverage thinData digitalSchoolShare digitalSchoolShareChange
        overall { level1 level2 level3 } group1 { level1 level2 level3 } group2 { level1 level2 level3 } meanGroup1Score meanGroup2Score medianGroup1Score medianGroup2Score }
      unattributed { unit { code name fullName } schoolCount publishedCount draftCount coverage thinData digitalSchoolShare digitalSchoolShareChange
        overall { level1 level2 level3 } group1 { level1 level2 level3 } group2 { level1 level2 level3 } meanGroup1Score meanGroup2Score medianGroup1Score medianGroup2Score }
      wardsPlaced wardsSplit
    }
  }
`;
const LAST_FORMER_YEAR = '2024-2025';
/** The provinces with schools QĐ 4725 assesses (the province rows of maturityByUnit), to choose from. */
const PROVINCES = gql`query DashboardProvinces($y: String!) { maturityByUnit(schoolYear: $y) { unit { code fullName } schoolCount } }`;
/** Roles that may include results in progress (the server limits them to the account's ward, province or school). */
const DRAFT_ROLES = new Set(['SCHOOL_STAFF', 'PRINCIPAL', 'WARD_STAFF', 'PROVINCE_STAFF', 'ADMIN']);
const WARD = gql`
  query DashboardWard($code: String!, $y: String!, $l: SchoolLevel, $o: Ownership, $d: Boolean) {
    unmetCriteria(unitCode: $code, schoolYear: $y, limit: 5) { schoolsWithAnswers items { code titleVi titleEn schools mandatory } }
    maturityTrend(unitCode: $code, level: $l, ownership: $o, includeDrafts: $d) { schoolYear publishedCount digitalSchoolShare meanGroup1Score meanGroup2Score }
    schools(wardCode: $code, first: 200, level: $l, ownership: $o) { edges { node { id name maturityResults { schoolYear overallLevel isDigitalSchool } } } }
  }
`;

const fmt = (v: number | null, pct: boolean) => (v === null ? '–' : pct ? `${Math.round(v * 100)} %` : v.toFixed(1));

function useChart(config: ChartConfiguration | null) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!ref.current || !config) return;
    const chart = new Chart(ref.current, { ...config, options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options } });
    return () => chart.destroy();
  }, [config]);
  return ref;
}

/** Stacked bars of how many results are at Mức 1, 2 and 3: overall, then each group. */
function levelsChart(t: TFunction, [overall, g1, g2]: Dist[]): ChartConfiguration {
  const counts = (d: Dist) => [d.level1, d.level2, d.level3];
  return {
    type: 'bar',
    data: {
      labels: [t('dash.overall'), 'DH', 'QT'],
      datasets: [0, 1, 2].map((i) => ({ label: t('levelN', { n: i + 1 }), data: [overall!, g1!, g2!].map((d) => counts(d)[i]!), backgroundColor: LEVEL_COLORS[i] })),
    },
    options: { indexAxis: 'y', scales: { x: { stacked: true }, y: { stacked: true } } },
  };
}

export default function Dashboard({ onChoropleth, onBounds, onProvince, onOverlay, onPickPoint, onClose }: {
  onChoropleth: (c: Choropleth | null) => void; onBounds: (b: [number, number, number, number]) => void;
  /** The map draws this province's wards while the dashboard is open (back to the default when it closes). */
  onProvince: (code: string | undefined) => void; onClose: () => void;
} & SimulationMap) {
  const { t } = useTranslation();
  const session = useSession();
  const mayDraft = !!session && DRAFT_ROLES.has(session.account.role);
  const [draftsWanted, setDrafts] = useState(false);
  const drafts = mayDraft && draftsWanted;
  const [province, setProvince] = useState(DEFAULT_PROVINCE);
  const [{ data: yd }] = useQuery<{ maturityTrend: { schoolYear: string }[]; wards: { code: string; bbox: number[] | null }[] }>({ query: YEARS, variables: { p: province, d: drafts || null } });
  const years = useMemo(() => (yd?.maturityTrend ?? []).map((r) => r.schoolYear).reverse(), [yd]);
  const [year, setYear] = useState<string | null>(null);
  const [metric, setMetric] = useState<Metric>('digitalSchoolShare');
  const [level, setLevel] = useState('');
  const [ownership, setOwnership] = useState('');
  const [ward, setWard] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [comparing, setComparing] = useState(false);
  const [simulating, setSimulating] = useState(false);
  const y = year ?? years[0] ?? null;
  const vars = { y, p: province, l: level || null, o: ownership || null, d: drafts || null };
  const [{ data, fetching, error }] = useQuery<{ maturityByUnit: Row[] }>({ query: BY_UNIT, variables: vars, pause: !y });
  const [{ data: pd }] = useQuery<{ maturityByUnit: { unit: { code: string; fullName: string }; schoolCount: number }[] }>({ query: PROVINCES, variables: { y }, pause: !y });
  const provinces = (pd?.maturityByUnit ?? []).filter((p) => p.schoolCount > 0);
  const provinceName = provinces.find((p) => p.unit.code === province)?.unit.fullName ?? province;
  const [formerWanted, setFormer] = useState(false);
  const former = formerWanted && !!y && y <= LAST_FORMER_YEAR && !drafts;
  const [{ data: fd, error: formerError }] = useQuery<{ maturityByFormerUnit: { units: Row[]; unattributed: Row; wardsPlaced: number; wardsSplit: number } }>({
    query: FORMER, variables: { y, p: province, l: level || null, o: ownership || null }, pause: !former,
  });
  const client = useClient();
  const rows = data?.maturityByUnit ?? [];
  const draftTotal = rows.reduce((a, r) => a + r.draftCount, 0);
  const m = METRICS[metric];
  const [distance, setDistance] = useState<number>(1000);
  const reachLevel = level || 'PRIMARY';
  const [{ data: reach, fetching: reaching }] = useQuery<{ coverage: { unit: { code: string; fullName: string }; coveredShare: number; uncovered: unknown }[] }>({
    query: REACH, variables: { p: province, l: reachLevel, d: distance, g: false }, pause: metric !== 'schoolReach',
  });
  const fetchReachWithGeometry = async () => (await client.query<{ coverage: { unit: { code: string; fullName: string }; areaKm2: number; coveredKm2: number; uncovered: unknown }[] }>(
    REACH, { p: province, l: reachLevel, d: distance, g: true }).toPromise()).data?.coverage ?? [];
  const reachByCode = useMemo(() => new Map((reach?.coverage ?? []).map((r) => [r.unit.code, r.coveredShare])), [reach]);
  // Zone gaps: the zones of an admission year (its own list) for grade 1 (primary) or 6 (lower secondary).
  const [{ data: zy }] = useQuery<{ catchmentYears: string[] }>({ query: ZONE_YEARS, pause: metric !== 'zoneGaps' });
  const [zoneYear, setZoneYear] = useState<string | null>(null);
  const zYear = zoneYear ?? zy?.catchmentYears.at(-1) ?? null;
  const grade = level === 'LOWER_SECONDARY' ? 6 : 1;
  type Catchment = { gaps: { unit: { code: string; fullName: string }; areaKm2: number; wardAreaKm2: number; geometry: unknown }[]; overlaps: { schoolIds: string[]; areaKm2: number; geometry: unknown }[] };
  const [{ data: cq, fetching: gapping, error: cqError }] = useQuery<{ catchmentQuality: Catchment }>({
    query: CATCHMENT, variables: { p: province, y: zYear, g: grade }, pause: metric !== 'zoneGaps' || !zYear,
  });
  const gapByCode = useMemo(() => new Map((cq?.catchmentQuality.gaps ?? []).map((g) => [g.unit.code, Math.min(1, g.areaKm2 / g.wardAreaKm2)])), [cq]);
  const valueOf = (r: Row): number | null =>
    metric === 'schoolReach' ? reachByCode.get(r.unit.code) ?? null : metric === 'zoneGaps' ? (cq ? gapByCode.get(r.unit.code) ?? 0 : null) : r[metric];

  // The whole province in view once, then the choropleth follows the selection; it goes when the panel closes.
  useEffect(() => {
    const boxes = (yd?.wards ?? []).map((w) => w.bbox).filter((b): b is number[] => !!b);
    if (boxes.length) onBounds([Math.min(...boxes.map((b) => b[0]!)), Math.min(...boxes.map((b) => b[1]!)), Math.max(...boxes.map((b) => b[2]!)), Math.max(...boxes.map((b) => b[3]!))]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [yd]);
  useEffect(() => {
    if (former || simulating) { onChoropleth(null); return; } // former districts have no boundaries; the simulation draws its own
    if (!data || (metric === 'schoolReach' && !reach) || (metric === 'zoneGaps' && !cq)) return;
    // Reach and zone gaps do not depend on published results, so no ward is "thin" for them.
    onChoropleth({ breaks: [...m.breaks], wards: rows.map((r) => ({ code: r.unit.code, value: valueOf(r), thin: !GEOMETRIC.has(metric) && r.thinData })) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, metric, reach, cq, former, simulating]);
  useEffect(() => () => onChoropleth(null), [onChoropleth]);
  useEffect(() => onProvince(province), [province, onProvince]);
  useEffect(() => () => onProvince(undefined), [onProvince]);

  const sums = (k: 'overall' | 'group1' | 'group2'): Dist => rows.reduce((a, r) => ({ level1: a.level1 + r[k].level1, level2: a.level2 + r[k].level2, level3: a.level3 + r[k].level3 }), { level1: 0, level2: 0, level3: 0 });
  const distConfig = useMemo(() => (rows.length ? levelsChart(t, [sums('overall'), sums('group1'), sums('group2')]) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, t]);
  const distRef = useChart(distConfig);

  const exportCsv = () => {
    const table = former && fd ? [...fd.maturityByFormerUnit.units, fd.maturityByFormerUnit.unattributed] : rows;
    // escapeFormulae: a text cell starting with = + - @ (a name from an import) is written as text, not run by a spreadsheet.
    const csv = Papa.unparse(table.map((r) => ({
      [t('dash.csv.code')]: r.unit.code, [t('dash.csv.name')]: r.unit.fullName, [t('dash.csv.year')]: y, [t('dash.csv.schools')]: r.schoolCount,
      [t('dash.csv.published')]: r.publishedCount, ...(drafts ? { [t('dash.csv.drafts')]: r.draftCount } : {}), [t('dash.csv.level1')]: r.overall.level1, [t('dash.csv.level2')]: r.overall.level2, [t('dash.csv.level3')]: r.overall.level3,
      [t('dash.csv.digitalShare')]: r.digitalSchoolShare, [t('dash.csv.meanG1')]: r.meanGroup1Score, [t('dash.csv.medianG1')]: r.medianGroup1Score,
      [t('dash.csv.meanG2')]: r.meanGroup2Score, [t('dash.csv.medianG2')]: r.medianGroup2Score, [t('dash.csv.thin')]: r.thinData ? 1 : 0,
    })), { escapeFormulae: true });
    download(`edugis-cds-${province}-${y}${drafts ? '-gom-chua-cong-bo' : ''}${former ? '-quan-huyen-cu' : ''}.csv`, 'text/csv;charset=utf-8', `\uFEFF${csv}`); // BOM: spreadsheets read the Vietnamese correctly
  };
  const exportUncovered = async () => {
    const r = await fetchReachWithGeometry();
    const fc = { type: 'FeatureCollection', features: r.map((w) => ({ type: 'Feature', geometry: w.uncovered, properties: { code: w.unit.code, name: w.unit.fullName, level: reachLevel, distanceMeters: distance, uncoveredKm2: w.areaKm2 - w.coveredKm2 } })) };
    download(`edugis-ngoai-ban-kinh-${province}-${reachLevel}-${distance}m.geojson`, 'application/geo+json', JSON.stringify(fc));
  };
  const exportZoneProblems = () => {
    const c = cq?.catchmentQuality;
    if (!c) return;
    const fc = { type: 'FeatureCollection', features: [
      ...c.gaps.map((g) => ({ type: 'Feature', geometry: g.geometry, properties: { kind: 'gap', code: g.unit.code, name: g.unit.fullName, areaKm2: g.areaKm2, schoolYear: zYear, entryGrade: grade } })),
      ...c.overlaps.map((o) => ({ type: 'Feature', geometry: o.geometry, properties: { kind: 'overlap', schoolIds: o.schoolIds, areaKm2: o.areaKm2, schoolYear: zYear, entryGrade: grade } })),
    ] };
    download(`edugis-khu-vuc-tuyen-sinh-${province}-${zYear}-lop${grade}.geojson`, 'application/geo+json', JSON.stringify(fc));
  };
  const exportGeoJson = async () => {
    const fc = await (await fetch(`/geo/wards.geojson?province=${province}`)).json() as { features: { properties: Record<string, unknown> }[] };
    const byCode = new Map(rows.map((r) => [r.unit.code, r]));
    for (const f of fc.features) {
      const r = byCode.get(String(f.properties.code));
      Object.assign(f.properties, { schoolYear: y, metric, value: r ? valueOf(r) : null, publishedCount: r?.publishedCount ?? 0, draftCount: r?.draftCount ?? 0, thinData: r?.thinData ?? true });
    }
    download(`edugis-cds-${province}-${y}-${metric}${drafts ? '-gom-chua-cong-bo' : ''}.geojson`, 'application/geo+json', JSON.stringify(fc));
  };

  if (simulating) return <Placement province={province} onBack={() => setSimulating(false)} onOverlay={onOverlay} onPickPoint={onPickPoint} />;
  if (comparing && picked.length >= 2) {
    return <CompareWards province={province} drafts={drafts} codes={picked} years={years} level={level} ownership={ownership} onBack={() => setComparing(false)} />;
  }
  if (ward) return <WardDetail code={ward} year={y!} row={rows.find((r) => r.unit.code === ward)} level={level} ownership={ownership} drafts={drafts} onBack={() => setWard(null)} />;
  return (
    <section className="dashboard" aria-labelledby="dash-h" data-testid="dashboard">
      <header className="dash-head"><h2 id="dash-h">{t('dash.title', { province: provinceName })}</h2><button type="button" onClick={onClose} aria-label={t('close')}>×</button></header>
      {drafts
        ? <p className="notice" role="status" data-testid="dash-drafts-notice">{t('dash.draftsNotice', { n: fetching || !data ? '…' : draftTotal, scope: session!.account.unit?.fullName ?? session!.account.school?.name ?? t('dash.allUnits') })}</p>
        : <p className="hint">{t('dash.publishedOnly')}</p>}
      <div className="dash-controls">
        <label>{t('dash.province')} <select value={province} data-testid="dash-province"
          onChange={(e) => { setProvince(e.target.value); setYear(null); setWard(null); setPicked([]); }}>
          {(provinces.some((p) => p.unit.code === province) ? provinces : [{ unit: { code: province, fullName: provinceName } }, ...provinces])
            .map((p) => <option key={p.unit.code} value={p.unit.code}>{p.unit.fullName}</option>)}
        </select></label>
        {y && y <= LAST_FORMER_YEAR && !drafts && (
          <label><input type="checkbox" checked={formerWanted} onChange={(e) => setFormer(e.target.checked)} data-testid="dash-former" /> {t('dash.former')}</label>
        )}
        {mayDraft && (
          <label><input type="checkbox" checked={draftsWanted} onChange={(e) => setDrafts(e.target.checked)} data-testid="dash-drafts" /> {t('dash.includeDrafts')}</label>
        )}
        <label>{t('dash.metric')} <select value={metric} onChange={(e) => setMetric(e.target.value as Metric)} data-testid="dash-metric">
          {(Object.keys(METRICS) as Metric[]).map((k) => <option key={k} value={k}>{t(`dash.metrics.${k}`)}</option>)}
        </select></label>
        {metric === 'schoolReach' && (
          <label>{t('dash.distance')} <select value={distance} onChange={(e) => setDistance(Number(e.target.value))} data-testid="dash-distance">
            {REACH_DISTANCES.map((d) => <option key={d} value={d}>{d} m</option>)}
          </select></label>
        )}
        {metric === 'zoneGaps' && (
          <label>{t('dash.zoneYear')} <select value={zYear ?? ''} onChange={(e) => setZoneYear(e.target.value)} data-testid="dash-zone-year">
            {(zy?.catchmentYears ?? []).map((yy) => <option key={yy} value={yy}>{yy}</option>)}
          </select></label>
        )}
        <label>{t('dash.year')} <select value={y ?? ''} onChange={(e) => setYear(e.target.value)} data-testid="dash-year">
          {years.map((yy) => <option key={yy} value={yy}>{yy}</option>)}
        </select></label>
        <label>{t('levels')} <select value={level} onChange={(e) => setLevel(e.target.value)} data-testid="dash-level">
          <option value="">{t('dash.all')}</option>
          {['PRIMARY', 'LOWER_SECONDARY', 'UPPER_SECONDARY', 'CONTINUING'].map((l) => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
        </select></label>
        <label>{t('dash.ownership')} <select value={ownership} onChange={(e) => setOwnership(e.target.value)}>
          <option value="">{t('dash.all')}</option>
          {['PUBLIC', 'PRIVATE', 'PEOPLE_FOUNDED'].map((o) => <option key={o} value={o}>{t(`ownership.${o}`)}</option>)}
        </select></label>
      </div>
      <ul className="legend dash-legend" aria-label={t('legend')} data-testid="dash-legend">
        {CHOROPLETH_COLORS.map((c, i) => (
          <li key={c}><span className="swatch" style={{ background: c }} aria-hidden="true" />
            {i === 0 ? `< ${fmt(m.breaks[0]!, m.pct)}` : i === CHOROPLETH_COLORS.length - 1 ? `≥ ${fmt(m.breaks[i - 1]!, m.pct)}` : `${fmt(m.breaks[i - 1]!, m.pct)} – ${fmt(m.breaks[i]!, m.pct)}`}</li>
        ))}
        <li><span className="swatch" style={{ background: NO_DATA_COLOR }} aria-hidden="true" />{t('dash.noData')}</li>
        <li><span className="swatch swatch-thin" aria-hidden="true" />{t('dash.thin')}</li>
      </ul>
      {error && <p role="alert" className="error">{error.graphQLErrors[0]?.message ?? error.message}</p>}
      {(fetching || reaching || gapping) && <p>{t('loading')}</p>}
      {metric === 'zoneGaps' && cqError && <p role="alert" className="error">{cqError.graphQLErrors[0]?.message ?? cqError.message}</p>}
      {metric === 'zoneGaps' && cq && (
        <p className="hint" data-testid="dash-gaps-hint">{t('dash.zoneGapsHint', { grade, year: zYear, gaps: cq.catchmentQuality.gaps.length, overlaps: cq.catchmentQuality.overlaps.length })}</p>
      )}
      {metric === 'schoolReach' && <p className="hint">{t('dash.reachHint', { level: t(`level.${reachLevel}`), d: distance })}</p>}
      <h3>{t('dash.distribution', { n: rows.reduce((a, r) => a + r.publishedCount, 0) })}{drafts && ` + ${t('dash.draftsCounted', { n: draftTotal })}`}</h3>
      <div className="dash-chart"><canvas ref={distRef} role="img" aria-label={t('dash.distributionChart')} /></div>
      <div className="dash-exports">
        <button type="button" onClick={exportCsv} disabled={!rows.length} data-testid="dash-csv">{t('dash.exportCsv')}</button>
        <button type="button" onClick={exportGeoJson} disabled={!rows.length} data-testid="dash-geojson">{t('dash.exportGeoJson')}</button>
        {metric === 'schoolReach' && <button type="button" onClick={exportUncovered} data-testid="dash-uncovered">{t('dash.exportUncovered')}</button>}
        {metric === 'zoneGaps' && <button type="button" onClick={exportZoneProblems} disabled={!cq} data-testid="dash-zone-problems">{t('dash.exportZoneProblems')}</button>}
      </div>
      <p className="dash-compare">
        <button type="button" disabled={picked.length < 2} onClick={() => setComparing(true)} data-testid="dash-compare">
          {t('dash.compare', { n: picked.length, max: MAX_PICK })}
        </button>{' '}
        <button type="button" onClick={() => setSimulating(true)} data-testid="dash-simulate">{t('dash.sim.open')}</button>
      </p>
      {former ? <FormerTable data={fd?.maturityByFormerUnit} error={formerError?.graphQLErrors[0]?.message ?? formerError?.message} metric={metric} /> : (
      <table className="ws-table dash-table" data-testid="dash-table">
        <caption>{t('dash.tableCaption')}</caption>
        <thead><tr><th>{t('ward')}</th><th>{t('dash.published')}</th>{drafts && <th>{t('dash.drafts')}</th>}<th>{t('levelN', { n: 1 })}</th><th>{t('levelN', { n: 2 })}</th><th>{t('levelN', { n: 3 })}</th><th>{t(`dash.metrics.${metric}`)}</th></tr></thead>
        <tbody>
          {[...rows].sort((a, b) => a.unit.name.localeCompare(b.unit.name, 'vi')).map((r) => (
            <tr key={r.unit.code} className={r.thinData ? 'thin' : ''} data-code={r.unit.code}>
              <td>
                <input type="checkbox" aria-label={t('dash.pick', { name: r.unit.fullName })} checked={picked.includes(r.unit.code)}
                  disabled={!picked.includes(r.unit.code) && picked.length >= MAX_PICK}
                  onChange={(e) => setPicked((p) => (e.target.checked ? [...p, r.unit.code] : p.filter((c) => c !== r.unit.code)))} />{' '}
                <button type="button" className="link" onClick={() => setWard(r.unit.code)}>{r.unit.fullName}</button>
              </td>
              <td>{r.publishedCount}/{r.schoolCount}{r.thinData && <span title={t('dash.thin')}> *</span>}</td>{drafts && <td>{r.draftCount}</td>}
              <td>{r.overall.level1}</td><td>{r.overall.level2}</td><td>{r.overall.level3}</td><td>{fmt(valueOf(r), m.pct)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      )}
    </section>
  );
}

/** The districts as they were before 1 July 2025, then the schools that cannot be placed in one of them. */
function FormerTable({ data, error, metric }: { data: { units: Row[]; unattributed: Row; wardsPlaced: number; wardsSplit: number } | undefined; error?: string; metric: Metric }) {
  const { t } = useTranslation();
  if (error) return <p role="alert" className="error">{error}</p>;
  if (!data) return <p>{t('loading')}</p>;
  const m = METRICS[metric];
  const value = (r: Row) => (metric === 'schoolReach' || metric === 'zoneGaps' ? null : r[metric]); // no geometric metric per former district
  const row = (r: Row, apart = false) => (
    <tr key={r.unit.code} className={`${r.thinData ? 'thin' : ''} ${apart ? 'apart' : ''}`} data-code={r.unit.code}>
      <td>{r.unit.fullName}</td><td>{r.publishedCount}/{r.schoolCount}{r.thinData && <span title={t('dash.thin')}> *</span>}</td>
      <td>{r.overall.level1}</td><td>{r.overall.level2}</td><td>{r.overall.level3}</td><td>{fmt(value(r), m.pct)}</td>
    </tr>
  );
  return (
    <>
      <p className="hint" data-testid="dash-former-note">{t('dash.formerNote', { placed: data.wardsPlaced, split: data.wardsSplit, n: data.unattributed.schoolCount })}</p>
      <table className="ws-table dash-table" data-testid="dash-former-table">
        <caption>{t('dash.formerCaption')}</caption>
        <thead><tr><th>{t('dash.district')}</th><th>{t('dash.published')}</th><th>{t('levelN', { n: 1 })}</th><th>{t('levelN', { n: 2 })}</th><th>{t('levelN', { n: 3 })}</th><th>{t(`dash.metrics.${metric}`)}</th></tr></thead>
        <tbody>
          {[...data.units].filter((r) => r.schoolCount > 0).sort((a, b) => a.unit.fullName.localeCompare(b.unit.fullName, 'vi')).map((r) => row(r))}
          {data.unattributed.schoolCount > 0 && row(data.unattributed, true)}
        </tbody>
      </table>
    </>
  );
}

function WardDetail({ code, year, row, level, ownership, drafts, onBack }: { code: string; year: string; row: Row | undefined; level: string; ownership: string; drafts: boolean; onBack: () => void }) {
  const { t, i18n } = useTranslation();
  const [{ data }] = useQuery<{ maturityTrend: { schoolYear: string; publishedCount: number; digitalSchoolShare: number | null; meanGroup1Score: number | null; meanGroup2Score: number | null }[];
    schools: { edges: { node: { id: string; name: string; maturityResults: { schoolYear: string; overallLevel: string; isDigitalSchool: boolean }[] } }[] };
    unmetCriteria: { schoolsWithAnswers: number; items: { code: string; titleVi: string; titleEn: string; schools: number; mandatory: boolean }[] } }>({
    query: WARD, variables: { code, y: year, l: level || null, o: ownership || null, d: drafts || null },
  });
  const trend = data?.maturityTrend ?? [];
  const trendConfig = useMemo<ChartConfiguration | null>(() => (trend.length ? {
    type: 'line',
    data: {
      labels: trend.map((r) => r.schoolYear),
      datasets: [
        { label: t('dash.metrics.meanGroup1Score'), data: trend.map((r) => r.meanGroup1Score), borderColor: '#2c7fb8', yAxisID: 'y' },
        { label: t('dash.metrics.meanGroup2Score'), data: trend.map((r) => r.meanGroup2Score), borderColor: '#41b6c4', yAxisID: 'y' },
        { label: t('dash.metrics.digitalSchoolShare'), data: trend.map((r) => (r.digitalSchoolShare === null ? null : r.digitalSchoolShare * 100)), borderColor: '#f5a700', yAxisID: 'y' },
      ],
    },
    options: { scales: { y: { min: 0, max: 100 } } },
    // eslint-disable-next-line react-hooks/exhaustive-deps
  } : null), [data, t]);
  const trendRef = useChart(trendConfig);
  const distConfig = useMemo(() => (row ? levelsChart(t, [row.overall, row.group1, row.group2]) : null), [row, t]);
  const distRef = useChart(distConfig);
  const top = useRef<HTMLElement>(null);
  useEffect(() => top.current?.scrollIntoView({ block: 'start' }), [code]);
  return (
    <section ref={top} className="dashboard" aria-labelledby="ward-h" data-testid="dash-ward">
      <div className="dash-ward-actions">
        <button type="button" onClick={onBack}>← {t('dash.back')}</button>
        <button type="button" onClick={() => window.print()} data-testid="dash-print">{t('dash.print')}</button>
      </div>
      <h2 id="ward-h">{row?.unit.fullName ?? code}</h2>
      {row && (
        <dl className="dash-facts" data-testid="dash-ward-facts">
          <dt>{t('dash.published')}</dt><dd>{row.publishedCount}/{row.schoolCount}</dd>
          <dt>{t('dash.metrics.digitalSchoolShare')}</dt><dd>{fmt(row.digitalSchoolShare, true)}</dd>
          <dt>{t('dash.metrics.meanGroup1Score')}</dt><dd>{fmt(row.meanGroup1Score, false)}</dd>
          <dt>{t('dash.metrics.meanGroup2Score')}</dt><dd>{fmt(row.meanGroup2Score, false)}</dd>
        </dl>
      )}
      {row?.thinData && <p className="notice">{t('dash.thinWard', { n: row.publishedCount })}</p>}
      <h3>{t('dash.wardDistribution')}</h3>
      <div className="dash-chart"><canvas ref={distRef} role="img" aria-label={t('dash.distributionChart')} /></div>
      <h3>{t('dash.trend')}</h3>
      <div className="dash-chart"><canvas ref={trendRef} role="img" aria-label={t('dash.trend')} /></div>
      <h3>{t('dash.unmet', { year })}</h3>
      {data && (data.unmetCriteria.schoolsWithAnswers === 0 ? <p className="hint" data-testid="dash-unmet">{t('dash.unmetNone')}</p> : (
        <ol className="dash-unmet" data-testid="dash-unmet">
          {data.unmetCriteria.items.map((i) => (
            <li key={i.code}><span className="code">{i.code}</span> {i18n.language === 'en' ? i.titleEn : i.titleVi}{i.mandatory && <> ({t('dash.mandatory')})</>}: {t('dash.unmetSchools', { n: i.schools, of: data.unmetCriteria.schoolsWithAnswers })}</li>
          ))}
        </ol>
      ))}
      <h3>{t('dash.schools')}</h3>
      <ul className="dash-schools" data-testid="dash-ward-schools">
        {(data?.schools.edges ?? []).map(({ node: s }) => {
          const latest = s.maturityResults[0];
          return <li key={s.id}>{s.name}: {latest ? `${t('levelN', { n: Number(latest.overallLevel.slice(-1)) })} (${latest.schoolYear})${latest.isDigitalSchool ? ` · ${t('digitalSchool')}` : ''}` : t('dash.noResult')}</li>;
        })}
      </ul>
    </section>
  );
}

/** 2–6 wards side by side: this year's figures in one table, then one small chart per school year (small multiples). */
function CompareWards({ province, drafts, codes, years, level, ownership, onBack }: {
  province: string; drafts: boolean; codes: string[]; years: string[]; level: string; ownership: string; onBack: () => void;
}) {
  const { t } = useTranslation();
  const ordered = useMemo(() => [...years].reverse(), [years]);
  const query = useMemo(() => `query Compare($u: [String!], $l: SchoolLevel, $o: Ownership, $d: Boolean) { ${ordered.map((yy, i) =>
    `y${i}: maturityByUnit(schoolYear: "${yy}", parentCode: "${province}", unitCodes: $u, level: $l, ownership: $o, includeDrafts: $d) { unit { code name fullName } schoolCount publishedCount draftCount thinData digitalSchoolShare meanGroup1Score meanGroup2Score overall { level1 level2 level3 } }`).join(' ')} }`, [ordered, province]);
  const [{ data, error }] = useQuery<Record<string, Row[]>>({ query, variables: { u: codes, l: level || null, o: ownership || null, d: drafts || null }, pause: ordered.length === 0 });
  const perYear = ordered.map((yy, i) => ({ year: yy, rows: data?.[`y${i}`] ?? [] }));
  const latest = perYear.at(-1)?.rows ?? [];
  return (
    <section className="dashboard" aria-labelledby="cmp-h" data-testid="dash-compare-view">
      <button type="button" onClick={onBack}>← {t('dash.back')}</button>
      <h2 id="cmp-h">{t('dash.compareTitle', { year: perYear.at(-1)?.year ?? '' })}</h2>
      {error && <p role="alert" className="error">{error.graphQLErrors[0]?.message ?? error.message}</p>}
      <table className="ws-table" data-testid="dash-compare-table">
        <thead><tr><th />{latest.map((r) => <th key={r.unit.code}>{r.unit.name}{r.thinData && ' *'}</th>)}</tr></thead>
        <tbody>
          <tr><th>{t('dash.published')}</th>{latest.map((r) => <td key={r.unit.code}>{r.publishedCount}/{r.schoolCount}</td>)}</tr>
          {([1, 2, 3] as const).map((n) => (
            <tr key={n}><th>{t('levelN', { n })}</th>{latest.map((r) => <td key={r.unit.code}>{r.overall[`level${n}`]}</td>)}</tr>
          ))}
          <tr><th>{t('dash.metrics.digitalSchoolShare')}</th>{latest.map((r) => <td key={r.unit.code}>{fmt(r.digitalSchoolShare, true)}</td>)}</tr>
          <tr><th>{t('dash.metrics.meanGroup1Score')}</th>{latest.map((r) => <td key={r.unit.code}>{fmt(r.meanGroup1Score, false)}</td>)}</tr>
          <tr><th>{t('dash.metrics.meanGroup2Score')}</th>{latest.map((r) => <td key={r.unit.code}>{fmt(r.meanGroup2Score, false)}</td>)}</tr>
        </tbody>
      </table>
      <h3>{t('dash.smallMultiples')}</h3>
      <div className="dash-multiples">
        {perYear.map((p) => <YearChart key={p.year} year={p.year} rows={p.rows} />)}
      </div>
    </section>
  );
}

/** One school year: each ward's results as shares at Mức 1, 2, 3 (so wards of different sizes compare). */
function YearChart({ year, rows }: { year: string; rows: Row[] }) {
  const { t } = useTranslation();
  const config = useMemo<ChartConfiguration | null>(() => (rows.length ? {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.unit.name),
      datasets: [0, 1, 2].map((i) => ({
        label: t('levelN', { n: i + 1 }), backgroundColor: LEVEL_COLORS[i],
        data: rows.map((r) => (r.publishedCount + r.draftCount ? (100 * [r.overall.level1, r.overall.level2, r.overall.level3][i]!) / (r.publishedCount + r.draftCount) : 0)),
      })),
    },
    options: { indexAxis: 'y', plugins: { title: { display: true, text: year }, legend: { display: false } }, scales: { x: { stacked: true, max: 100 }, y: { stacked: true } } },
  } : null), [rows, year, t]);
  const ref = useChart(config);
  return <div className="dash-chart dash-small" data-year={year}><canvas ref={ref} role="img" aria-label={`${t('dash.distributionChart')} ${year}`} /></div>;
}
