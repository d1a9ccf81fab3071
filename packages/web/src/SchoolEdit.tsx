// Corrections by the ward or province office: parents' problem reports (new, accepted, rejected) with the reported
// point, and a school's edit form with a map whose point can be dragged to where the school really is. Accepting a
// report opens the form prefilled with the point the parent proposed; the database puts the school in the ward its
// point lies in, and every change is kept in the school's history with its reason.
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import maplibregl, { type MapLibre } from './maplibre.ts';
import { ACTION_COLORS, PointsMap, wardLinesStyle } from './MiniMap.tsx';
import { CORRECT_SCHOOL, MODERATE_REPORT, PROBLEM_REPORTS, SCHOOL_FOR_EDIT, SCHOOL_HISTORY, SCHOOL_SEARCH, type EditableSchool, type ReportRow } from './workspace-queries.ts';

declare global {
  interface Window {
    /** The edit form's map, for the browser tests (where a drag lands). */
    __edugisEditMap?: MapLibre.Map;
  }
}

type Status = 'NEW' | 'ACCEPTED' | 'REJECTED';

/** The school where it is stored (grey) and where the parent puts it (orange), on one small map. */
function ReportMap({ report: r }: { report: ReportRow }) {
  const { t } = useTranslation();
  const points = [
    ...(r.schoolLongitude != null ? [{ lng: r.schoolLongitude, lat: r.schoolLatitude!, action: 'UNCHANGED', label: t('fix.storedPoint') }] : []),
    { lng: r.longitude!, lat: r.latitude!, action: 'CHANGE', label: t('fix.reportedPoint') },
  ];
  return (
    <figure className="ws-figure">
      <PointsMap points={points} province={r.provinceCode ?? '79'} label={t('fix.reportMapLabel', { name: r.schoolName })} />
      <figcaption className="hint">
        {points.map((p) => <span key={p.action} className="legend-dot"><i style={{ background: ACTION_COLORS[p.action] }} /> {p.label}</span>)}
        {' '}<small>({r.longitude!.toFixed(5)}, {r.latitude!.toFixed(5)})</small>
      </figcaption>
    </figure>
  );
}

export function Reports() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<Status>('NEW');
  const [{ data, error }, refetch] = useQuery<{ problemReports: ReportRow[] }>({ query: PROBLEM_REPORTS, variables: { s: status }, requestPolicy: 'network-only' });
  const [, moderate] = useMutation(MODERATE_REPORT);
  const [editing, setEditing] = useState<ReportRow | null>(null);
  const [rejecting, setRejecting] = useState<string | null>(null);
  const [mapped, setMapped] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (editing) {
    return <SchoolEditor schoolId={editing.schoolId} report={editing} onClose={() => { setEditing(null); refetch({ requestPolicy: 'network-only' }); }} />;
  }
  const reject = async (id: string) => {
    const r = await moderate({ id, d: 'REJECTED', n: note });
    if (r.error) setMessage({ ok: false, text: r.error.graphQLErrors[0]?.message ?? r.error.message });
    else { setMessage({ ok: true, text: t('fix.rejected') }); setRejecting(null); setNote(''); }
    refetch({ requestPolicy: 'network-only' });
  };
  const rows = data?.problemReports ?? [];
  return (
    <section aria-labelledby="rep-h" data-testid="reports">
      <h3 id="rep-h">{t('fix.reportsTitle')}</h3>
      <div className="ws-filters">
        <select value={status} onChange={(e) => setStatus(e.target.value as Status)} aria-label={t('data.state')}>
          {(['NEW', 'ACCEPTED', 'REJECTED'] as const).map((s) => <option key={s} value={s}>{t(`fix.status.${s}`)}</option>)}
        </select>
      </div>
      {error && <p role="alert" className="error">{error.graphQLErrors[0]?.message ?? error.message}</p>}
      {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'} data-testid="report-message">{message.text}</p>}
      {rows.length === 0 ? <p className="hint">{t('fix.none')}</p> : (
        <table className="ws-table">
          <thead><tr><th>{t('school')}</th><th>{t('fix.kind')}</th><th>{t('fix.message')}</th><th>{t('fix.when')}</th><th /></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="report-row">
                <td>{r.schoolName}</td><td>{t(`fix.kinds.${r.kind}`, { defaultValue: r.kind })}</td>
                <td>{r.message}{r.longitude != null && (
                  <>
                    <br /><small data-testid="report-distance">{r.distanceMetres != null ? t('fix.pointAway', { m: r.distanceMetres.toLocaleString(i18n.language) }) : t('fix.pointOnly')}</small>{' '}
                    <button type="button" className="link" aria-expanded={mapped === r.id} onClick={() => setMapped(mapped === r.id ? null : r.id)} data-testid="report-map-toggle">
                      {t(mapped === r.id ? 'fix.hideMap' : 'fix.showMap')}
                    </button>
                    {mapped === r.id && <ReportMap report={r} />}
                  </>
                )}
                  {r.moderatorName && <><br /><small>{t('fix.decidedBy', { name: r.moderatorName, note: r.moderationNote ?? '' })}</small></>}</td>
                <td>{r.createdAt.slice(0, 16).replace('T', ' ')}</td>
                <td>
                  {r.status === 'NEW' && (
                    rejecting === r.id ? (
                      <span className="ws-inline">
                        <input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('fix.rejectReason')} aria-label={t('fix.rejectReason')} maxLength={1000} />
                        <button type="button" onClick={() => reject(r.id)} disabled={!note.trim()}>{t('fix.confirmReject')}</button>
                      </span>
                    ) : (
                      <>
                        <button type="button" onClick={() => setEditing(r)} data-testid="report-accept">{t('fix.accept')}</button>
                        <button type="button" onClick={() => setRejecting(r.id)}>{t('fix.reject')}</button>
                      </>
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function SchoolSearch() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [{ data }] = useQuery<{ search: { kind: string; label: string; context: string | null; school: { id: string } | null }[] }>({
    query: SCHOOL_SEARCH, variables: { t: text.trim() }, pause: text.trim().length < 2,
  });
  if (open) return <SchoolEditor schoolId={open} onClose={() => setOpen(null)} />;
  return (
    <section aria-labelledby="ss-h" data-testid="school-search">
      <h3 id="ss-h">{t('fix.schoolsTitle')}</h3>
      <label>{t('fix.find')} <input type="search" value={text} onChange={(e) => setText(e.target.value)} data-testid="school-search-input" /></label>
      <ul className="ws-list">
        {(data?.search ?? []).filter((h) => h.kind === 'SCHOOL' && h.school).map((h) => (
          <li key={h.school!.id}><button type="button" onClick={() => setOpen(h.school!.id)}>{h.label}</button> <small>{h.context}</small></li>
        ))}
      </ul>
    </section>
  );
}

const FIELDS = ['name', 'officialCode', 'address', 'capacity', 'enrolment', 'phone', 'website'] as const;

function SchoolEditor({ schoolId, report, onClose }: { schoolId: string; report?: ReportRow; onClose: () => void }) {
  const { t } = useTranslation();
  const [{ data }, refetch] = useQuery<{ school: EditableSchool | null }>({ query: SCHOOL_FOR_EDIT, variables: { id: schoolId }, requestPolicy: 'network-only' });
  const [, correct] = useMutation<{ correctSchool: EditableSchool }>(CORRECT_SCHOOL);
  const s = data?.school;
  const [form, setForm] = useState<Record<string, string>>({});
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [reason, setReason] = useState(report ? t('fix.reasonFromReport') : '');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const loaded = s ? `${s.id}@${s.version}` : '';
  const [seen, setSeen] = useState('');
  if (s && seen !== loaded) {
    setSeen(loaded);
    setForm(Object.fromEntries(FIELDS.map((f) => [f, s[f] == null ? '' : String(s[f])])));
    // A report's proposed point prefills the form the first time; afterwards, the stored one.
    const proposed = !seen && report?.longitude != null ? [report.longitude, report.latitude!] as [number, number] : null;
    setPoint(proposed ?? (s.location ? [s.location.longitude, s.location.latitude] : null));
  }
  if (!s) return <p>{t('loading')}</p>;
  const save = async () => {
    const changes: Record<string, unknown> = {};
    for (const f of FIELDS) {
      const before = s[f] == null ? '' : String(s[f]);
      if (form[f] === before) continue;
      changes[f] = form[f] === '' ? null : f === 'capacity' || f === 'enrolment' ? Number(form[f]) : form[f];
    }
    if (point && (!s.location || Math.abs(point[0] - s.location.longitude) > 1e-7 || Math.abs(point[1] - s.location.latitude) > 1e-7)) {
      changes.longitude = Math.round(point[0] * 1e6) / 1e6;
      changes.latitude = Math.round(point[1] * 1e6) / 1e6;
    }
    const r = await correct({ id: s.id, v: s.version, c: changes, r: reason, rep: report?.id ?? null });
    if (r.error) return setMessage({ ok: false, text: r.error.graphQLErrors[0]?.message ?? r.error.message });
    const after = r.data!.correctSchool;
    setMessage({ ok: true, text: t('fix.saved', { ward: after.ward?.fullName ?? '—' }) });
    refetch({ requestPolicy: 'network-only' });
  };
  return (
    <section aria-labelledby="ed-h" data-testid="school-editor">
      <button type="button" onClick={onClose}>{t('fix.back')}</button>
      <h3 id="ed-h">{s.name}</h3>
      <p className="hint" data-testid="editor-ward">{t('fix.inWard', { ward: s.ward?.fullName ?? '—' })}{s.isSynthetic ? ` · ${t('fix.synthetic')}` : ''}</p>
      {report && <p className="notice">{t('fix.fromReport', { message: report.message })}</p>}
      <div className="ws-grid">
        <div className="ws-form">
          {FIELDS.map((f) => (
            <label key={f}>{t(`fix.field.${f}`)} <input value={form[f] ?? ''} onChange={(e) => setForm({ ...form, [f]: e.target.value })}
              inputMode={f === 'capacity' || f === 'enrolment' ? 'numeric' : undefined} data-testid={`edit-${f}`} /></label>
          ))}
          <label>{t('fix.longitude')} <input value={point ? point[0].toFixed(6) : ''} readOnly data-testid="edit-lng" /></label>
          <label>{t('fix.latitude')} <input value={point ? point[1].toFixed(6) : ''} readOnly data-testid="edit-lat" /></label>
          <label className="wide">{t('fix.reason')} <input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={1000} data-testid="edit-reason" /></label>
          <button type="button" onClick={save} disabled={!reason.trim()} data-testid="edit-save">{report ? t('fix.saveAndAccept') : t('fix.save')}</button>
          {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'} data-testid="edit-message">{message.text}</p>}
        </div>
        <PointMap point={point} stored={s.location ? [s.location.longitude, s.location.latitude] : null} onMove={setPoint} />
      </div>
      <History key={s.version} schoolId={s.id} />
    </section>
  );
}

/** A small map of ward boundaries with the school's point, draggable; the stored point stays as a grey dot. */
function PointMap({ point, stored, onMove }: { point: [number, number] | null; stored: [number, number] | null; onMove: (p: [number, number]) => void }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibre.Map | null>(null);
  const marker = useRef<MapLibre.Marker | null>(null);
  const ghost = useRef<MapLibre.Marker | null>(null);
  const center = point ?? stored ?? [106.69, 10.78];
  useEffect(() => {
    const m = new maplibregl.Map({
      container: box.current!, center, zoom: 15, attributionControl: false,
      style: wardLinesStyle('79'),
    });
    map.current = m;
    window.__edugisEditMap = m;
    // The proposed and the stored point both in view.
    if (point && stored && (point[0] !== stored[0] || point[1] !== stored[1])) {
      m.fitBounds([[Math.min(point[0], stored[0]), Math.min(point[1], stored[1])], [Math.max(point[0], stored[0]), Math.max(point[1], stored[1])]],
        { padding: 60, maxZoom: 17, duration: 0 });
    }
    const el = document.createElement('div');
    el.className = 'edit-pin';
    el.setAttribute('aria-label', t('fix.dragHint'));
    el.dataset.testid = 'edit-pin';
    marker.current = new maplibregl.Marker({ element: el, draggable: true }).setLngLat(center).addTo(m);
    marker.current.on('dragend', () => { const p = marker.current!.getLngLat(); onMove([p.lng, p.lat]); });
    return () => { m.remove(); if (window.__edugisEditMap === m) delete window.__edugisEditMap; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => { if (point) marker.current?.setLngLat(point); }, [point]);
  useEffect(() => {
    ghost.current?.remove();
    if (stored && map.current) {
      const el = document.createElement('div');
      el.className = 'edit-ghost';
      ghost.current = new maplibregl.Marker({ element: el }).setLngLat(stored).addTo(map.current);
    }
  }, [stored?.[0], stored?.[1]]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <figure className="edit-map">
      <div ref={box} className="edit-map-box" data-testid="edit-map" />
      <figcaption className="hint">{t('fix.dragHint')}</figcaption>
    </figure>
  );
}

/** The school's history: every change, by whom, why, which fields (from school_change, kept by the database). */
function History({ schoolId }: { schoolId: string }) {
  const { t } = useTranslation();
  const [{ data }] = useQuery<{ schoolHistory: { operation: string; actorName: string | null; reason: string | null; fields: string[]; changedAt: string; importId: string | null }[] }>({
    query: SCHOOL_HISTORY, variables: { id: schoolId }, requestPolicy: 'network-only',
  });
  const rows = data?.schoolHistory ?? [];
  return (
    <section aria-labelledby="hist-s" data-testid="school-history">
      <h4 id="hist-s">{t('fix.history')}</h4>
      {rows.length === 0 ? <p className="hint">{t('fix.noHistory')}</p> : (
        <table className="ws-table">
          <thead><tr><th>{t('fix.when')}</th><th>{t('fix.who')}</th><th>{t('fix.what')}</th><th>{t('fix.why')}</th></tr></thead>
          <tbody>{rows.map((r, i) => (
            <tr key={i}><td>{r.changedAt.slice(0, 16).replace('T', ' ')}</td><td>{r.actorName ?? (r.importId ? t('fix.byImport', { id: r.importId }) : '—')}</td>
              <td>{r.fields.join(', ')}</td><td>{r.reason ?? ''}</td></tr>
          ))}</tbody>
        </table>
      )}
    </section>
  );
}
