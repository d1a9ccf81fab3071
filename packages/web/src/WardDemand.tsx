// Children per ward, for province staff: for a school year and level, each ward of the province with the children
// of the level's age living there (the figures loaded through the import pipeline) beside the seats of its schools,
// and where children outnumber seats. A template lists every ward (with the stored figures) to fill in and upload;
// the upload is previewed and committed like any import.
import { useMemo, useState } from 'react';
import Papa from 'papaparse';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { downloadCsv } from './download.ts';
import { LEVELS, Preview, uploadFile, useProvince } from './StaffData.tsx';
import { WARD_DEMAND, type WardDemandRow } from './workspace-queries.ts';

const YEAR = /^(\d{4})-(\d{4})$/;
const validYear = (y: string) => { const m = YEAR.exec(y); return !!m && Number(m[2]) === Number(m[1]) + 1; };

export function WardDemand() {
  const { t, i18n } = useTranslation();
  const [province, setProvince, canChoose] = useProvince();
  const [year, setYear] = useState('2026-2027');
  const [level, setLevel] = useState('PRIMARY');
  const [onlyShort, setOnlyShort] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [current, setCurrent] = useState<{ id: string; n: number } | null>(null);
  const ok = validYear(year) && /^\d{2}$/.test(province);
  const [{ data, fetching, error }, refetch] = useQuery<{ capacityByWard: WardDemandRow[] }>({
    query: WARD_DEMAND, variables: { p: province, level, year }, pause: !ok, requestPolicy: 'cache-and-network',
  });
  const rows = useMemo(() => data?.capacityByWard ?? [], [data]);
  const known = rows.filter((r) => r.demand !== null);
  const short = known.filter((r) => r.demandFlag === 'OVER' || r.demandFlag === 'NO_SCHOOL');
  const children = known.reduce((s, r) => s + r.demand!, 0);
  const seats = known.reduce((s, r) => s + (r.seats ?? 0), 0);
  const shown = onlyShort ? short : rows;

  const template = () => downloadCsv(`edugis-so-tre-${province}-${level}-${year}.csv`, Papa.unparse({
    fields: ['Mã phường/xã', 'Tên phường/xã', 'Số trẻ'],
    data: rows.map((r) => [r.unit.code, r.unit.fullName, r.demand ?? '']),
  }));
  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setProblem(null);
    try {
      const out = await uploadFile(file, { kind: 'ward-demand', province, schoolYear: year, level, source: source || file.name, licence: 'unknown' }, i18n.language);
      if ('error' in out) setProblem(out.error);
      else setCurrent({ id: out.id, n: Date.now() });
    } catch {
      setProblem(t('data.uploadFailed'));
    } finally {
      setBusy(false);
    }
  };
  const gap = (r: WardDemandRow) => (r.demand === null ? null : (r.seats ?? 0) - r.demand);
  const num = (n: number | null) => (n === null ? '—' : n.toLocaleString(i18n.language));

  return (
    <section aria-labelledby="wd-h" data-testid="ward-demand">
      <h3 id="wd-h">{t('demand.title')}</h3>
      <p className="hint">{t('demand.intro')}</p>
      <div className="ws-form">
        {canChoose && <label>{t('data.province')} <input value={province} onChange={(e) => setProvince(e.target.value)} pattern="\d{2}" size={3} /></label>}
        <label>{t('data.schoolYear')} <input value={year} onChange={(e) => setYear(e.target.value)} pattern="\d{4}-\d{4}" size={10} data-testid="demand-year" aria-invalid={!validYear(year)} /></label>
        <label>{t('data.level')} <select value={level} onChange={(e) => setLevel(e.target.value)} data-testid="demand-level">{LEVELS.map((l) => <option key={l} value={l}>{t(`level.${l}`)}</option>)}</select></label>
        <button type="button" onClick={template} disabled={!rows.length} data-testid="demand-template">{t('demand.template')}</button>
      </div>
      {!validYear(year) && <p role="alert" className="error">{t('demand.badYear')}</p>}
      {error && <p role="alert" className="error">{error.graphQLErrors[0]?.message ?? error.message}</p>}
      {fetching && !data && <p>{t('loading')}</p>}
      {rows.length > 0 && (
        <p data-testid="demand-summary">{known.length
          ? t('demand.summary', { known: known.length, wards: rows.length, children: num(children), seats: num(seats), short: short.length })
          : t('demand.none', { wards: rows.length, year })}</p>
      )}
      {known.length > 0 && <label><input type="checkbox" checked={onlyShort} onChange={(e) => setOnlyShort(e.target.checked)} data-testid="demand-only-short" /> {t('demand.onlyShort')}</label>}
      {shown.length > 0 && (
        <div className="ws-scroll">
          <table className="ws-table" data-testid="demand-table">
            <thead><tr>
              <th>{t('demand.ward')}</th><th>{t('demand.schools')}</th><th>{t('demand.seats')}</th><th>{t('demand.children')}</th>
              <th>{t('demand.gap')}</th><th>{t('demand.flag')}</th><th>{t('data.source')}</th>
            </tr></thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.unit.code} className={r.demandFlag ? `flag-${r.demandFlag}` : undefined} data-ward={r.unit.code}>
                  <td>{r.unit.fullName} <span className="hint">{r.unit.code}</span></td>
                  <td>{r.schoolCount}</td>
                  <td title={r.schoolsWithoutFigures ? t('demand.withoutFigures', { n: r.schoolsWithoutFigures }) : undefined}>
                    {num(r.seats)}{r.schoolsWithoutFigures ? '*' : ''}
                  </td>
                  <td>{num(r.demand)}</td>
                  <td>{num(gap(r))}</td>
                  <td>{r.demandFlag ? t(`demand.flags.${r.demandFlag}`) : t('demand.noFigure')}</td>
                  <td>{r.demandSource ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.some((r) => r.schoolsWithoutFigures) && <p className="hint">{t('demand.starNote')}</p>}
        </div>
      )}
      <form className="ws-form" onSubmit={send} data-testid="demand-form">
        <h4>{t('demand.uploadTitle', { year, level: t(`level.${level}`) })}</h4>
        <label>{t('data.file')} <input type="file" accept=".csv,.xlsx,.txt" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="demand-file" /></label>
        <label>{t('data.source')} <input value={source} onChange={(e) => setSource(e.target.value)} maxLength={300} placeholder={t('demand.sourceHint')} data-testid="demand-source" /></label>
        <button type="submit" disabled={!file || busy || !ok} data-testid="demand-upload">{busy ? t('data.checking') : t('data.upload')}</button>
        {problem && <p role="alert" className="error">{problem}</p>}
      </form>
      {current && <Preview key={`${current.id}-${current.n}`} id={current.id} onDone={() => refetch({ requestPolicy: 'network-only' })} />}
    </section>
  );
}
