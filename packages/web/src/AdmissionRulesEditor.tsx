// The province's admission rules in the staff workspace: for a school year and entry grade, each school's quota,
// cap and areas, and a form to change a quota or cap (server: editAdmissionRule). The change is recorded in the
// province's import history, where "Hoàn tác" undoes it; a rule changed by someone else meanwhile is refused and
// reloaded. Rules are added or replaced in bulk by importing a file (tab "Nhập dữ liệu").
import { useState } from 'react';
import { gql, useMutation, useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useProvince } from './StaffData.tsx';

const RULES = gql`
  query StaffRules($p: String!, $y: String!, $g: Int!) {
    admissionRules(provinceCode: $p, schoolYear: $y, grade: $g) {
      school { id name isSynthetic } method quotaPlaces quotaClasses distanceCapKm distanceMetric areas { wardCode wardName name } sourceTitle isSynthetic version
    }
  }`;
const EDIT = gql`
  mutation EditRule($id: ID!, $y: String!, $g: Int!, $v: String!, $c: AdmissionRuleChanges!, $why: String!) {
    editAdmissionRule(schoolId: $id, schoolYear: $y, grade: $g, expectedVersion: $v, changes: $c, reason: $why) {
      school { id name isSynthetic } method quotaPlaces quotaClasses distanceCapKm distanceMetric areas { wardCode wardName name } sourceTitle isSynthetic version
    }
  }`;
interface Rule {
  school: { id: string; name: string; isSynthetic: boolean }; method: string; quotaPlaces: number; quotaClasses: number | null; distanceCapKm: number | null;
  distanceMetric: 'STRAIGHT' | 'ROAD' | null; areas: { wardCode: string; wardName: string | null; name: string | null }[]; sourceTitle: string; isSynthetic: boolean; version: string;
}
interface Draft { places: string; classes: string; cap: string; metric: 'STRAIGHT' | 'ROAD'; reason: string }

export function AdmissionRulesEditor() {
  const { t, i18n } = useTranslation();
  const [province, setProvince, canChoose] = useProvince();
  const [year, setYear] = useState('2026-2027');
  const [grade, setGrade] = useState(1);
  const [{ data, fetching, error }, refetch] = useQuery<{ admissionRules: Rule[] }>({
    query: RULES, variables: { p: province, y: year, g: grade }, pause: !/^\d{4}-\d{4}$/.test(year) || !/^\d{2}$/.test(province),
  });
  const [editing, setEditing] = useState<{ rule: Rule; draft: Draft } | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [{ fetching: saving }, save] = useMutation<{ editAdmissionRule: Rule }>(EDIT);
  const rules = data?.admissionRules ?? [];
  const open = (rule: Rule) => {
    setOutcome(null);
    setEditing({ rule, draft: { places: String(rule.quotaPlaces), classes: rule.quotaClasses?.toString() ?? '', cap: rule.distanceCapKm?.toString() ?? '', metric: rule.distanceMetric ?? 'ROAD', reason: '' } });
  };
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const { rule, draft } = editing;
    const c: Record<string, unknown> = {};
    if (Number(draft.places) !== rule.quotaPlaces) c.quotaPlaces = Number(draft.places);
    const classes = draft.classes.trim() === '' ? null : Number(draft.classes);
    if (classes !== rule.quotaClasses) c.quotaClasses = classes;
    const cap = draft.cap.trim() === '' ? null : Number(draft.cap.replace(',', '.'));
    if (cap !== rule.distanceCapKm) { c.distanceCapKm = cap; if (cap !== null) c.distanceMetric = draft.metric; }
    else if (cap !== null && draft.metric !== rule.distanceMetric) c.distanceMetric = draft.metric;
    const res = await save({ id: rule.school.id, y: year, g: grade, v: rule.version, c, why: draft.reason }, { additionalTypenames: ['AdmissionRule', 'DataImport'] });
    if (res.error) {
      const err = res.error.graphQLErrors[0];
      setOutcome({ ok: false, text: err?.message ?? t('loadError') });
      if (err?.extensions?.code === 'STALE_VERSION') { setEditing(null); refetch({ requestPolicy: 'network-only' }); }
      return;
    }
    setEditing(null);
    setOutcome({ ok: true, text: t('rules.saved', { name: rule.school.name, places: res.data!.editAdmissionRule.quotaPlaces }) });
    refetch({ requestPolicy: 'network-only' });
  };
  const cap = (r: Rule) => (r.distanceCapKm == null ? '—' : `${r.distanceCapKm.toLocaleString(i18n.language)} km (${t(`rules.metric.${r.distanceMetric}`)})`);
  return (
    <section aria-labelledby="rules-h" data-testid="staff-rules">
      <h3 id="rules-h">{t('rules.title')}</h3>
      <p className="hint">{t('rules.intro')}</p>
      <div className="ws-form">
        {canChoose && <label>{t('data.province')} <input value={province} onChange={(e) => setProvince(e.target.value)} pattern="\d{2}" size={3} /></label>}
        <label>{t('data.schoolYear')} <input value={year} onChange={(e) => setYear(e.target.value)} pattern="\d{4}-\d{4}" size={10} data-testid="rules-year" /></label>
        <label>{t('rules.grade')} <select value={grade} onChange={(e) => setGrade(Number(e.target.value))} data-testid="rules-grade">
          {[1, 6, 10].map((g) => <option key={g} value={g}>{g}</option>)}
        </select></label>
      </div>
      {outcome && <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'ok' : 'error'} data-testid="rules-outcome">{outcome.text}</p>}
      {fetching && !data && <p>{t('loading')}</p>}
      {error && <p role="alert" className="error">{error.graphQLErrors[0]?.message ?? t('loadError')}</p>}
      {data && !rules.length && <p role="status">{t('rules.none', { year, grade })}</p>}
      {rules.length > 0 && (
        <table className="ws-table" data-testid="rules-table">
          <thead><tr><th>{t('rules.school')}</th><th>{t('rules.quota')}</th><th>{t('rules.cap')}</th><th>{t('rules.areas')}</th><th /></tr></thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.school.id} data-id={r.school.id}>
                <td>{r.school.name}{(r.isSynthetic || r.school.isSynthetic) && <span className="muted"> · {t('synthetic')}</span>}</td>
                <td>{r.quotaPlaces}{r.quotaClasses != null && ` (${t('rules.classes', { n: r.quotaClasses })})`}</td>
                <td>{cap(r)}</td>
                <td>{r.areas.map((a) => `${a.name ? `${a.name}, ` : ''}${a.wardName ?? a.wardCode}`).join('; ') || t(`rules.method.${r.method}`)}</td>
                <td><button type="button" onClick={() => open(r)} data-testid="rules-edit">{t('rules.edit')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <form className="ws-form" onSubmit={submit} aria-labelledby="rule-edit-h" data-testid="rules-form">
          <h4 id="rule-edit-h">{t('rules.editing', { name: editing.rule.school.name })}</h4>
          <label>{t('rules.quota')} <input type="number" min={1} max={5000} required value={editing.draft.places} data-testid="rules-places"
            onChange={(e) => setEditing({ ...editing, draft: { ...editing.draft, places: e.target.value } })} /></label>
          <label>{t('rules.classesLabel')} <input type="number" min={1} max={100} value={editing.draft.classes} data-testid="rules-classes"
            onChange={(e) => setEditing({ ...editing, draft: { ...editing.draft, classes: e.target.value } })} /></label>
          <label>{t('rules.capLabel')} <input inputMode="decimal" value={editing.draft.cap} data-testid="rules-cap"
            onChange={(e) => setEditing({ ...editing, draft: { ...editing.draft, cap: e.target.value } })} /></label>
          <label>{t('rules.metricLabel')} <select value={editing.draft.metric} onChange={(e) => setEditing({ ...editing, draft: { ...editing.draft, metric: e.target.value as Draft['metric'] } })}>
            <option value="ROAD">{t('rules.metric.ROAD')}</option><option value="STRAIGHT">{t('rules.metric.STRAIGHT')}</option>
          </select></label>
          <label>{t('rules.reason')} <input required maxLength={500} value={editing.draft.reason} data-testid="rules-reason"
            onChange={(e) => setEditing({ ...editing, draft: { ...editing.draft, reason: e.target.value } })} /></label>
          <p className="hint">{t('rules.undoHint')}</p>
          <button type="submit" disabled={saving} data-testid="rules-save">{t('rules.save')}</button>
          <button type="button" onClick={() => setEditing(null)}>{t('rules.cancel')}</button>
        </form>
      )}
    </section>
  );
}
