// The staff workspace, loaded only when opened: sign-in, the school's self-assessment form generated from the
// QĐ 4725 index with a live score and path to the next level (the same @edugis/maturity rules the server
// applies), and the managing authority's review queue and review screen.
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { indexVersion, score, validateAnswers, type AnswerError, type Answers, type IndexVersion, type ScoreResult } from '@edugis/maturity';
import './workspace-i18n.ts';
import { Accounts, Imports, SetPassword } from './StaffData.tsx';
import { WardDemand } from './WardDemand.tsx';
import { AdmissionRulesEditor } from './AdmissionRulesEditor.tsx';
import { Reports, SchoolSearch } from './SchoolEdit.tsx';
import { setSession, useSession } from './session.ts';
import {
  ASSESSMENT, EVALUATE, LOGIN, QUEUE, RETURN, SAVE, SCHOOL_ASSESSMENT, STEP,
  type Action, type AssessmentData, type LoginResult, type QueueRow, type Status, type StepResult,
} from './workspace-queries.ts';

type Lang = 'vi' | 'en';
interface Sheet { points: Record<string, string>; mandatory: Record<string, boolean> }
type EvidenceMap = Record<string, { kind: 'LINK' | 'FILE' | 'NOTE'; value: string }>;

const sheetOf = (a: { points: { code: string; points: number }[]; mandatory: { code: string; met: boolean }[] } | null): Sheet => ({
  points: Object.fromEntries((a?.points ?? []).map((p) => [p.code, String(p.points)])),
  mandatory: Object.fromEntries((a?.mandatory ?? []).map((m) => [m.code, m.met])),
});
const answersOf = (s: Sheet, version: string): Answers => ({
  indexVersion: version,
  points: Object.fromEntries(Object.entries(s.points).filter(([, v]) => v.trim() !== '').map(([c, v]) => [c, Number(v.replace(',', '.'))])),
  mandatory: s.mandatory,
});
const toInput = (a: Answers) => ({
  points: Object.entries(a.points).map(([code, points]) => ({ code, points })),
  mandatory: Object.entries(a.mandatory).map(([code, met]) => ({ code, met })),
});

/** Scores the sheet live; with invalid entries, lists them instead. */
function useLiveScore(index: IndexVersion | undefined, sheet: Sheet): { result: ScoreResult | null; errors: AnswerError[]; answers: Answers | null } {
  return useMemo(() => {
    if (!index) return { result: null, errors: [], answers: null };
    const answers = answersOf(sheet, index.version);
    const errors = validateAnswers(index, answers);
    return { result: errors.length ? null : score(index, answers), errors, answers };
  }, [index, sheet]);
}

export default function Workspace({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const [, logout] = useMutation(`mutation { logout }`);
  const role = session?.account.role;
  useEffect(() => {
    const esc = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    addEventListener('keydown', esc);
    return () => removeEventListener('keydown', esc);
  }, [onClose]);
  return (
    <div className="workspace" role="dialog" aria-modal="true" aria-labelledby="ws-title" data-testid="workspace">
      <header className="ws-head">
        <h2 id="ws-title">{t('ws.title')}</h2>
        {session && (
          <>
            <span data-testid="ws-who">{t('ws.signedInAs', { name: session.account.displayName, role: t(`ws.role.${session.account.role}`) })}</span>
            <button type="button" onClick={async () => { await logout({}); setSession(null); }} data-testid="ws-signout">{t('ws.signOut')}</button>
          </>
        )}
        <button type="button" onClick={onClose} aria-label={t('close')}>×</button>
      </header>
      <div className="ws-body">
        {!session ? <LoginForm />
          : session.account.mustChangePassword ? <SetPassword session={session} />
            : (role === 'SCHOOL_STAFF' || role === 'PRINCIPAL') && session.account.school ? <SchoolAssessment schoolId={session.account.school.id} />
              : role === 'PROVINCE_STAFF' || role === 'ADMIN' ? <OfficeTabs tabs={['review', 'reports', 'schools', 'imports', 'demand', 'rules', 'accounts']} />
                : role === 'WARD_STAFF' ? <OfficeTabs tabs={['review', 'reports', 'schools']} />
                  : <p className="hint">{t('ws.plannerHint')}</p>}
      </div>
    </div>
  );
}

/** Ward and province staff and admins: the review queue, reports, schools (and imports and accounts), one tab at a time. */
type Tab = 'review' | 'reports' | 'schools' | 'imports' | 'demand' | 'rules' | 'accounts';
function OfficeTabs({ tabs }: { tabs: Tab[] }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('review');
  const panel = { review: <Review />, reports: <Reports />, schools: <SchoolSearch />, imports: <Imports />, demand: <WardDemand />, rules: <AdmissionRulesEditor />, accounts: <Accounts /> };
  return (
    <>
      <div role="tablist" className="ws-tabs" aria-label={t('data.tabs')}>
        {tabs.map((k) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} onClick={() => setTab(k)} data-testid={`tab-${k}`}>{t(`data.tab.${k}`)}</button>
        ))}
      </div>
      <div role="tabpanel">{panel[tab]}</div>
    </>
  );
}

function LoginForm() {
  const { t } = useTranslation();
  const [{ fetching }, login] = useMutation<LoginResult>(LOGIN);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(null);
    const r = await login({ u: String(f.get('username') ?? ''), p: String(f.get('password') ?? '') });
    const out = r.data?.login;
    if (out?.data) setSession(out.data);
    else setError(out?.message ?? r.error?.message ?? '');
  };
  return (
    <form className="login" onSubmit={submit} data-testid="login-form">
      <h3>{t('ws.signInTitle')}</h3>
      <label>{t('ws.username')} <input name="username" autoComplete="username" required data-testid="ws-username" /></label>
      <label>{t('ws.password')} <input name="password" type="password" autoComplete="current-password" required data-testid="ws-password" /></label>
      <button type="submit" disabled={fetching} data-testid="ws-signin">{fetching ? t('ws.signingIn') : t('ws.signIn')}</button>
      {error && <p role="alert" className="error" data-testid="ws-error">{error}</p>}
      <p className="hint">{t('ws.demoHint')}</p>
    </form>
  );
}

type StepResponse = { data?: Record<string, StepResult>; error?: { message: string } };
/** The outcome of a workflow step as a line for the user (the new state, or the server's translated refusal). */
function useStepMessage(reload: () => void): [{ ok: boolean; text: string } | null, (r: StepResponse) => void] {
  const { t } = useTranslation();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const done = (r: StepResponse) => {
    const out = r.data ? Object.values(r.data)[0] : undefined;
    if (out?.data) {
      setMessage({ ok: true, text: t('ws.saved', { status: t(`ws.status.${out.data.status}`), v: out.data.version }) });
      reload();
    } else {
      setMessage({ ok: false, text: out?.message ?? r.error?.message ?? '' });
      if (out?.code === 'NOT_SIGNED_IN') setTimeout(() => setSession(null), 2500); // expired: back to the sign-in form
    }
  };
  return [message, done];
}

function StatusLine({ a, year }: { a: AssessmentData | null; year: string }) {
  const { t } = useTranslation();
  return (
    <p className="ws-status">
      {t('ws.schoolYear', { year })} · <strong data-testid="ws-status">{t(`ws.status.${a?.status ?? 'NONE'}`)}</strong>
      {a && <> · {t('ws.version', { v: a.version })}</>}
      {a?.submittedLate && <> · <span className="badge badge-late">{t('ws.late')}</span></>}
      {a && <> · {t('ws.deadline', { submit: a.deadlines.submitBy, publish: a.deadlines.publishBy })}</>}
    </p>
  );
}

function SchoolAssessment({ schoolId }: { schoolId: string }) {
  const { t, i18n } = useTranslation();
  const [{ data, fetching }, refetch] = useQuery<{ currentSchoolYear: string; school: { id: string; name: string; assessments: AssessmentData[] } }>({
    query: SCHOOL_ASSESSMENT, variables: { school: schoolId }, requestPolicy: 'network-only',
  });
  const year = data?.currentSchoolYear ?? '';
  const a = data?.school.assessments.find((x) => x.schoolYear === year) ?? null;
  const index = indexVersion(a?.indexVersion);
  const [sheet, setSheet] = useState<Sheet>({ points: {}, mandatory: {} });
  const [evidence, setEvidence] = useState<EvidenceMap>({});
  const [message, done] = useStepMessage(() => refetch({ requestPolicy: 'network-only' }));
  const loadedVersion = a ? `${a.id}@${a.version}` : 'new';
  useEffect(() => {
    setSheet(sheetOf(a?.answers ?? null));
    setEvidence(Object.fromEntries((a?.evidence ?? []).map((e) => [e.criterionCode, { kind: e.kind, value: e.value }])));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loadedVersion]);
  const live = useLiveScore(index, sheet);
  const [, save] = useMutation<{ saveSelfAssessment: StepResult }>(SAVE);
  const [, approve] = useMutation<{ approveAssessment: StepResult }>(STEP.approve);
  const [, submit] = useMutation<{ submitAssessment: StepResult }>(STEP.submit);
  if (fetching && !data) return <p>{t('loading')}</p>;
  if (!data?.school || !index) return null;
  const allowed: Action[] = a ? a.allowedActions : ['saveSelfAssessment'];
  const doSave = async () => {
    if (!live.answers) return;
    const ev = Object.entries(evidence).filter(([, e]) => e.value.trim()).map(([criterionCode, e]) => ({ criterionCode, ...e }));
    done(await save({ s: schoolId, y: year, v: a?.version ?? null, a: { indexVersion: index.version, ...toInput(live.answers) }, e: ev }));
  };
  // Read-only while a step's result is being fetched: the form is reset to the new version when it arrives.
  const editable = allowed.includes('saveSelfAssessment') && !fetching;
  return (
    <section aria-labelledby="sa-h">
      <h3 id="sa-h">{data.school.name}</h3>
      <StatusLine a={a} year={year} />
      {a?.status === 'RETURNED' && a.returnComment && <p className="notice" role="status">{t('ws.returned', { comment: a.returnComment })}</p>}
      <div className="ws-grid">
        <ScoreSheet index={index} lang={i18n.language as Lang} sheet={sheet} onSheet={editable ? setSheet : undefined}
          errors={live.errors} evidence={evidence} onEvidence={editable ? setEvidence : undefined} />
        <aside className="ws-summary">
          <LiveSummary result={live.result} />
          <div className="ws-actions">
            {editable && <button type="button" onClick={doSave} disabled={!live.result} data-testid="act-saveSelfAssessment">{t('ws.save')}</button>}
            {allowed.includes('approve') && <button type="button" onClick={async () => done(await approve({ id: a!.id, v: a!.version }))} data-testid="act-approve">{t('ws.approve')}</button>}
            {allowed.includes('submit') && <button type="button" onClick={async () => done(await submit({ id: a!.id, v: a!.version }))} data-testid="act-submit">{t('ws.submit')}</button>}
            {allowed.length === 0 && <p className="hint">{t('ws.readOnly')}</p>}
          </div>
          {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'} data-testid="ws-message">{message.text}</p>}
        </aside>
      </div>
    </section>
  );
}

/** The index as a form: groups, criteria, items with their caps, mandatory conditions, evidence, and (in review) the school's own scores beside. */
function ScoreSheet({ index, lang, sheet, onSheet, errors, evidence, onEvidence, compare, reasons, onReason }: {
  index: IndexVersion; lang: Lang; sheet: Sheet; onSheet?: (s: Sheet) => void; errors: AnswerError[];
  evidence?: EvidenceMap; onEvidence?: (e: EvidenceMap) => void;
  compare?: Sheet; reasons?: Record<string, string>; onReason?: (code: string, reason: string) => void;
}) {
  const { t } = useTranslation();
  const errorOf = (code: string) => errors.find((e) => e.target === code)?.message[lang];
  const setPoints = (code: string, v: string) => onSheet?.({ ...sheet, points: { ...sheet.points, [code]: v } });
  const row = (code: string, title: string, max: number | null) => {
    const err = errorOf(code);
    const changed = compare && (compare.points[code] ?? '') !== (sheet.points[code] ?? '');
    return (
      <li key={code} className="ws-item">
        <label htmlFor={`pts-${code}`}><span className="code">{code}</span> {title} <small>({max === null ? t('ws.unconfirmed') : t('ws.maxPoints', { n: max })})</small></label>
        {max !== null && (
          <span className="ws-inputs">
            {compare && <span className="ws-self" title={t('ws.self')}>{compare.points[code] ?? '–'}</span>}
            <input id={`pts-${code}`} type="number" inputMode="decimal" min={0} max={max} step={0.5} value={sheet.points[code] ?? ''}
              readOnly={!onSheet} aria-invalid={!!err} aria-describedby={err ? `err-${code}` : undefined}
              onChange={(e) => setPoints(code, e.target.value)} data-testid={`pts-${code}`} />
            {changed && onReason && onSheet && (
              <input className="ws-reason" placeholder={t('ws.reason')} aria-label={`${t('ws.reason')} ${code}`} value={reasons?.[code] ?? ''}
                onChange={(e) => onReason(code, e.target.value)} data-testid={`reason-${code}`} />
            )}
          </span>
        )}
        {err && <span id={`err-${code}`} role="alert" className="error">{err}</span>}
      </li>
    );
  };
  return (
    <div className="ws-sheet">
      {index.groups.map((g) => (
        <fieldset key={g.code}>
          <legend>{g.code} · {g.title[lang]} ({g.maxPoints})</legend>
          {g.criteria.map((c) => (
            <div key={c.code} className="ws-criterion">
              <h4><span className="code">{c.code}</span> {c.title[lang]}{' '}
                {c.mandatory ? <span className="badge">{t('ws.mandatory')}</span> : <small>{c.scorable ? t('ws.maxPoints', { n: c.maxPoints }) : t('ws.unconfirmed')}</small>}
              </h4>
              {c.mandatory && (
                <label className="ws-mandatory">
                  <input type="checkbox" checked={sheet.mandatory[c.code] ?? false} disabled={!onSheet}
                    onChange={(e) => onSheet?.({ ...sheet, mandatory: { ...sheet.mandatory, [c.code]: e.target.checked } })} data-testid={`mand-${c.code}`} />
                  {t('ws.met')}{compare && <span className="ws-self"> ({t('ws.self')}: {compare.mandatory[c.code] ? '✓' : '✗'})</span>}
                </label>
              )}
              {!c.mandatory && c.scorable && (
                <ul>{c.items.length ? c.items.map((i) => row(i.code, i.title[lang], i.maxPoints)) : row(c.code, '', c.maxPoints)}</ul>
              )}
              {evidence && (c.mandatory || c.scorable) ? (
                <div className="ws-evidence">
                  <span>{t('ws.evidence')}:</span>
                  <select aria-label={`${t('ws.evidence')} ${c.code}`} value={evidence[c.code]?.kind ?? 'LINK'} disabled={!onEvidence}
                    onChange={(e) => onEvidence?.({ ...evidence, [c.code]: { kind: e.target.value as 'LINK', value: evidence[c.code]?.value ?? '' } })}>
                    {(['LINK', 'FILE', 'NOTE'] as const).map((k) => <option key={k} value={k}>{t(`ws.evidenceKind.${k}`)}</option>)}
                  </select>
                  <input aria-label={`${t('ws.evidence')} ${c.code}`} value={evidence[c.code]?.value ?? ''} readOnly={!onEvidence} maxLength={2000}
                    onChange={(e) => onEvidence?.({ ...evidence, [c.code]: { kind: evidence[c.code]?.kind ?? 'LINK', value: e.target.value } })}
                    data-testid={`evidence-${c.code}`} />
                </div>
              ) : null}
            </div>
          ))}
        </fieldset>
      ))}
    </div>
  );
}

function LiveSummary({ result }: { result: ScoreResult | null }) {
  const { t } = useTranslation();
  if (!result) return <p className="error">…</p>;
  return (
    <div aria-live="polite" data-testid="live-score">
      <p className="ws-overall">
        {t('ws.overall')}: <strong data-testid="live-overall">{t('levelN', { n: result.overallLevel })}</strong>{' '}
        {result.digitalSchool ? <span className="badge badge-digital">{t('ws.digitalSchool')}</span> : <span className="badge">{t('ws.notDigital')}</span>}
      </p>
      {result.groups.map((g) => (
        <div key={g.code} className="ws-group" data-testid={`live-group-${g.code}`}>
          <p><strong>{t('ws.group', { code: g.code })}</strong>: {g.score} / {g.maxPoints} → {t('levelN', { n: g.level })}
            {g.level < g.levelFromScore && <> · <em>{t('ws.heldAtOne')}</em></>}</p>
          {g.path ? (
            <p className="ws-path">
              {t('ws.pathTitle', { to: g.path.toLevel })}:{' '}
              {g.path.mandatoryToMeet.length > 0 && <>{t('ws.pathMandatory', { codes: g.path.mandatoryToMeet.join(', ') })}; </>}
              {g.path.pointsNeeded > 0 && <>{t(g.path.exceed ? 'ws.pathNeedExceed' : 'ws.pathNeed', { n: g.path.pointsNeeded })}: </>}
              {g.path.reachable ? g.path.items.map((i) => t('ws.pathItem', { code: i.code, points: i.points })).join(', ') : t('ws.pathUnreachable')}
            </p>
          ) : <p className="ws-path">{t('ws.top')}</p>}
        </div>
      ))}
    </div>
  );
}

function Review() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status | ''>('');
  const [late, setLate] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [{ data }, refetch] = useQuery<{ reviewQueue: { totalCount: number; edges: { node: QueueRow }[] } }>({
    query: QUEUE, variables: { status: status || null, late: late || null }, requestPolicy: 'network-only',
  });
  if (open) return <ReviewScreen id={open} onBack={() => { setOpen(null); refetch({ requestPolicy: 'network-only' }); }} />;
  const rows = data?.reviewQueue.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="q-h" data-testid="queue">
      <h3 id="q-h">{t('ws.queue')} ({data?.reviewQueue.totalCount ?? '…'})</h3>
      <div className="ws-filters">
        <select value={status} onChange={(e) => setStatus(e.target.value as Status | '')} aria-label="status">
          <option value="">{t('ws.queueFilterAll')}</option>
          {(['SUBMITTED', 'UNDER_REVIEW', 'RETURNED', 'EVALUATED', 'PUBLISHED'] as const).map((s) => <option key={s} value={s}>{t(`ws.status.${s}`)}</option>)}
        </select>
        <label><input type="checkbox" checked={late} onChange={(e) => setLate(e.target.checked)} /> {t('ws.onlyLate')}</label>
      </div>
      {rows.length === 0 ? <p className="hint">{t('ws.queueEmpty')}</p> : (
        <table className="ws-table">
          <thead><tr><th>{t('school')}</th><th>{t('ward')}</th><th>{t('ws.schoolYear', { year: '' })}</th><th>Status</th><th>{t('ws.submittedAt')}</th><th /></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="queue-row">
                <td>{r.school.name}</td><td>{r.school.ward?.fullName}</td><td>{r.schoolYear}</td>
                <td>{t(`ws.status.${r.status}`)}{r.submittedLate && <> <span className="badge badge-late">{t('ws.late')}</span></>}</td>
                <td>{r.submittedAt?.slice(0, 10)}</td>
                <td><button type="button" onClick={() => setOpen(r.id)}>{t('ws.open')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ReviewScreen({ id, onBack }: { id: string; onBack: () => void }) {
  const { t, i18n } = useTranslation();
  const [{ data, fetching }, refetch] = useQuery<{ assessment: AssessmentData | null }>({ query: ASSESSMENT, variables: { id }, requestPolicy: 'network-only' });
  const a = data?.assessment ?? null;
  const index = indexVersion(a?.indexVersion);
  const self = useMemo(() => sheetOf(a?.answers ?? null), [a]);
  const base = useMemo(() => sheetOf(a?.evaluatedAnswers ?? a?.answers ?? null), [a]);
  const [sheet, setSheet] = useState<Sheet>(base);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  const [message, done] = useStepMessage(() => refetch({ requestPolicy: 'network-only' }));
  // The evaluation starts from the loaded version's scores, reset only when another version arrives, and during
  // render (not in an effect): an effect left a frame in which the inputs were already editable and what the
  // reviewer typed there was then overwritten (seen as an evaluation sent without the change, in the browser test).
  const loaded = a ? `${a.id}@${a.version}` : '';
  const [sheetVersion, setSheetVersion] = useState(loaded);
  if (sheetVersion !== loaded) {
    setSheetVersion(loaded);
    setSheet(base);
    setReasons({});
  }
  const live = useLiveScore(index, sheet);
  const selfLive = useLiveScore(index, self);
  const [, startReview] = useMutation(STEP.startReview);
  const [, publish] = useMutation(STEP.publish);
  const [, ret] = useMutation(RETURN);
  const [, evaluate] = useMutation(EVALUATE);
  if (!a || !index) return <p>{t('loading')}</p>;
  const can = (x: Action) => a.allowedActions.includes(x);
  const doEvaluate = async () => {
    if (!live.answers) return;
    done(await evaluate({ id, v: a.version, p: toInput(live.answers).points, m: toInput(live.answers).mandatory,
      r: Object.entries(reasons).filter(([, r]) => r.trim()).map(([code, reason]) => ({ code, reason })) }));
  };
  return (
    <section aria-labelledby="rv-h">
      <button type="button" onClick={onBack}>← {t('ws.back')}</button>
      <h3 id="rv-h">{a.school.name} <small>{a.school.ward?.fullName}</small></h3>
      <StatusLine a={a} year={a.schoolYear} />
      <div className="ws-grid">
        <ScoreSheet index={index} lang={i18n.language as Lang} sheet={sheet} onSheet={can('evaluate') && !fetching ? setSheet : undefined} errors={live.errors}
          compare={self} reasons={reasons} onReason={(code, r) => setReasons((x) => ({ ...x, [code]: r }))}
          evidence={Object.fromEntries((a.evidence ?? []).map((e) => [e.criterionCode, { kind: e.kind, value: e.value }]))} />
        <aside className="ws-summary">
          <h4>{t('ws.self')}</h4>
          <LiveSummary result={selfLive.result} />
          <h4>{t('ws.evaluated')}</h4>
          <LiveSummary result={live.result} />
          <div className="ws-actions">
            {can('startReview') && <button type="button" onClick={async () => done(await startReview({ id, v: a.version }))} data-testid="act-startReview">{t('ws.startReview')}</button>}
            {can('evaluate') && <button type="button" onClick={doEvaluate} disabled={!live.result} data-testid="act-evaluate">{t('ws.evaluate')}</button>}
            {can('return') && (
              <>
                <label>{t('ws.returnComment')} <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} data-testid="return-comment" /></label>
                <button type="button" onClick={async () => done(await ret({ id, v: a.version, c: comment }))} data-testid="act-return">{t('ws.return')}</button>
              </>
            )}
            {can('publish') && <button type="button" onClick={async () => done(await publish({ id, v: a.version }))} data-testid="act-publish">{t('ws.publish')}</button>}
          </div>
          {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'} data-testid="ws-message">{message.text}</p>}
        </aside>
      </div>
    </section>
  );
}
