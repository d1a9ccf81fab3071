// The data and accounts screens of the staff workspace (province staff for their province, admins): upload a file
// through the import pipeline, read its preview (counts, errors by row and column, what changes row by row), commit
// or discard it, see the province's imports and revert one; list, create, disable and reset accounts (one-time
// passwords are shown once); and the first-sign-in screen where an account with a one-time password sets its own.
import { useMemo, useState } from 'react';
import { ACTION_COLORS, PointsMap } from './MiniMap.tsx';
import { useMutation, useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { getSession, setSession, type Session } from './session.ts';
import {
  ACCOUNTS, CHANGE_PASSWORD, COMMIT_IMPORT, CREATE_ACCOUNT, DATA_IMPORT, DATA_IMPORTS, DISCARD_IMPORT, RESET_PASSWORD, REVERT_IMPORT, SET_DISABLED, UPDATE_ACCOUNT,
  type ImportData, type ManagedAccount, type OneTimePassword,
} from './workspace-queries.ts';

const KINDS = ['schools', 'osm-schools', 'results', 'accounts', 'ward-demand', 'admission-calendar', 'admission-rules', 'admission-zones', 'osm-roads', 'streets'] as const;
type Kind = typeof KINDS[number];
export const LEVELS = ['PRESCHOOL', 'PRIMARY', 'LOWER_SECONDARY', 'UPPER_SECONDARY', 'CONTINUING'];
const ROLES = ['SCHOOL_STAFF', 'PRINCIPAL', 'WARD_STAFF', 'PROVINCE_STAFF', 'PLANNER', 'ADMIN'] as const;

/** The province the viewer works for: their own for province staff, chosen by admins (HCMC by default). */
export function useProvince(): [string, (p: string) => void, boolean] {
  const session = getSession();
  const own = session?.account.role === 'PROVINCE_STAFF' ? session.account.unit?.code ?? null : null;
  const [chosen, setChosen] = useState('79');
  return [own ?? chosen, setChosen, own === null];
}

type Upload = { id: string; status: string; counts: Record<string, number>; errors: { key: string; row?: number; message: string }[] } | { error: string };

export async function uploadFile(file: File, q: Record<string, string>, lang: string): Promise<Upload> {
  const token = getSession()?.token;
  const res = await fetch(`/imports?${new URLSearchParams(q)}`, {
    method: 'POST', body: file,
    headers: { 'x-file-name': encodeURIComponent(file.name), 'accept-language': lang, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  const body = await res.json().catch(() => ({ error: res.statusText })) as Upload;
  return body;
}

export function Imports() {
  const { t, i18n } = useTranslation();
  const [province, setProvince, canChoose] = useProvince();
  const [kind, setKind] = useState<Kind>('schools');
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState('');
  const [licence, setLicence] = useState('');
  const [year, setYear] = useState('2026-2027');
  const [level, setLevel] = useState('PRIMARY');
  const [fullProvince, setFullProvince] = useState(false);
  const [removeMissing, setRemoveMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [current, setCurrentState] = useState<{ id: string; n: number } | null>(null);
  // Opening an import again shows it afresh (and never the one-time passwords of its commit).
  const setCurrent = (id: string) => setCurrentState({ id, n: Date.now() });
  const [{ data: history }, refetchHistory] = useQuery<{ dataImports: ImportData[] }>({ query: DATA_IMPORTS, variables: { p: province }, requestPolicy: 'network-only' });
  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setProblem(null);
    const q: Record<string, string> = { kind, province, source: source || file.name, licence: licence || (kind === 'osm-schools' ? 'ODbL-1.0' : 'unknown') };
    if (kind === 'ward-demand') Object.assign(q, { schoolYear: year, level });
    if (kind === 'schools' && fullProvince) Object.assign(q, { fullProvince: '1', ...(removeMissing ? { removeMissing: '1' } : {}) });
    try {
      const out = await uploadFile(file, q, i18n.language);
      if ('error' in out) setProblem(out.error);
      else setCurrent(out.id);
    } catch {
      setProblem(t('data.uploadFailed'));
    } finally {
      setBusy(false);
      refetchHistory({ requestPolicy: 'network-only' });
    }
  };
  return (
    <section aria-labelledby="imp-h" data-testid="imports">
      <h3 id="imp-h">{t('data.importsTitle')}</h3>
      <form className="ws-form" onSubmit={send} data-testid="import-form">
        {canChoose && <label>{t('data.province')} <input value={province} onChange={(e) => setProvince(e.target.value)} pattern="\d{2}" size={3} /></label>}
        <label>{t('data.kind')}{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="import-kind">
            {KINDS.map((k) => <option key={k} value={k}>{t(`data.kinds.${k}`)}</option>)}
          </select>
        </label>
        <label>{t('data.file')} <input type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file"
          accept={kind === 'osm-schools' || kind === 'osm-roads' ? '.pbf' : kind === 'schools' ? '.csv,.xlsx,.geojson,.json,.txt' : kind === 'admission-zones' || kind === 'streets' ? '.geojson,.json,.kml,.zip' : '.csv,.xlsx,.txt'} /></label>
        <label>{t('data.source')} <input value={source} onChange={(e) => setSource(e.target.value)} maxLength={300} placeholder={t('data.sourceHint')} data-testid="import-source" /></label>
        {kind !== 'osm-schools' && <label>{t('data.licence')} <input value={licence} onChange={(e) => setLicence(e.target.value)} maxLength={100} placeholder="CC-BY-4.0" /></label>}
        {kind === 'ward-demand' && (
          <>
            <label>{t('data.schoolYear')} <input value={year} onChange={(e) => setYear(e.target.value)} pattern="\d{4}-\d{4}" size={10} /></label>
            <label>{t('data.level')} <select value={level} onChange={(e) => setLevel(e.target.value)}>{LEVELS.map((l) => <option key={l} value={l}>{t(`level.${l}`)}</option>)}</select></label>
          </>
        )}
        {kind === 'schools' && (
          <>
            <label><input type="checkbox" checked={fullProvince} onChange={(e) => setFullProvince(e.target.checked)} /> {t('data.fullProvince')}</label>
            {fullProvince && <label><input type="checkbox" checked={removeMissing} onChange={(e) => setRemoveMissing(e.target.checked)} /> {t('data.removeMissing')}</label>}
          </>
        )}
        <p className="hint">{t(`data.kindHint.${kind}`)}</p>
        <button type="submit" disabled={!file || busy} data-testid="import-upload">{busy ? t('data.checking') : t('data.upload')}</button>
        {problem && <p role="alert" className="error" data-testid="import-problem">{problem}</p>}
      </form>
      {current && <Preview key={`${current.id}-${current.n}`} id={current.id} onDone={() => refetchHistory({ requestPolicy: 'network-only' })} />}
      <History rows={history?.dataImports ?? []} onOpen={setCurrent} />
    </section>
  );
}

export function Preview({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [{ data, fetching }, refetch] = useQuery<{ dataImport: ImportData }>({ query: DATA_IMPORT, variables: { id }, requestPolicy: 'network-only' });
  const [, commit] = useMutation<{ commitImport: ImportData & { oneTimePasswords: OneTimePassword[] } }>(COMMIT_IMPORT);
  const [, discard] = useMutation(DISCARD_IMPORT);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [secrets, setSecrets] = useState<OneTimePassword[]>([]);
  const d = data?.dataImport;
  const points = useMemo(() => (d?.items ?? []).flatMap((i) => (i.lng != null && i.lat != null ? [{ lng: i.lng, lat: i.lat, action: i.action, label: i.label }] : [])), [d?.items]);
  if (!d) return fetching ? <p>{t('loading')}</p> : null;
  const c = d.counts;
  const act = async (which: 'commit' | 'discard') => {
    const r = which === 'commit' ? await commit({ id }) : await discard({ id });
    if (r.error) setMessage({ ok: false, text: r.error.graphQLErrors[0]?.message ?? r.error.message });
    else {
      setMessage({ ok: true, text: t(which === 'commit' ? 'data.committed' : 'data.discarded') });
      if (which === 'commit') setSecrets((r.data as { commitImport: { oneTimePasswords: OneTimePassword[] } }).commitImport.oneTimePasswords);
    }
    refetch({ requestPolicy: 'network-only' });
    onDone();
  };
  return (
    <article className="ws-preview" aria-labelledby="pv-h" data-testid="import-preview">
      <h4 id="pv-h">{d.fileName} · <span data-testid="import-status">{t(`data.status.${d.status}`)}</span></h4>
      <p data-testid="import-counts">{t('data.counts', { added: c.added, changed: c.changed, unchanged: c.unchanged, removed: c.removed, kept: c.kept, skipped: c.skipped, errors: c.errors })}</p>
      <p className="hint">{t('data.recorded', { source: d.sourceTitle, licence: d.licence, sha: d.sha256.slice(0, 12) })}</p>
      {d.errors.length > 0 && (
        <>
          <p role="alert" className="error">{t('data.blocked', { n: c.errors })}</p>
          <table className="ws-table" data-testid="import-errors">
            <thead><tr><th>{t('data.row')}</th><th>{t('data.column')}</th><th>{t('data.problem')}</th></tr></thead>
            <tbody>{d.errors.map((e, i) => <tr key={i}><td>{e.row ?? ''}</td><td>{e.column ?? ''}</td><td>{e.message}</td></tr>)}</tbody>
          </table>
        </>
      )}
      {d.warnings.length > 0 && <details><summary>{t('data.warnings', { n: d.warnings.length })}</summary><ul>{d.warnings.map((w, i) => <li key={i}>{w.message}</li>)}</ul></details>}
      {points.length > 0 && (
        <figure className="ws-figure">
          <PointsMap points={points} province={d.provinceCode} label={t('data.mapLabel', { n: points.length })} />
          <figcaption className="hint">{Object.entries(ACTION_COLORS).filter(([a]) => points.some((p) => p.action === a)).map(([a, c]) => (
            <span key={a} className="legend-dot"><i style={{ background: c }} /> {t(`data.actions.${a}`)}</span>
          ))} · {t('data.mapLabel', { n: points.length })}</figcaption>
        </figure>
      )}
      {d.items.length > 0 && (
        <table className="ws-table" data-testid="import-items">
          <thead><tr><th>{t('data.row')}</th><th>{t('data.action')}</th><th>{t('data.record')}</th><th>{t('data.changes')}</th></tr></thead>
          <tbody>
            {d.items.map((i) => (
              <tr key={`${i.key}-${i.row ?? ''}`} className={`act-${i.action}`}>
                <td>{i.row ?? ''}</td><td>{t(`data.actions.${i.action}`)}</td><td>{i.label}</td>
                <td>{i.fields.map((f) => `${f.field}: ${f.before ?? '—'} → ${f.after ?? '—'}`).join('; ')}{i.note ? ` ${i.note}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d.status === 'PREVIEW' && (
        <div className="ws-actions">
          <button type="button" onClick={() => act('commit')} data-testid="import-commit">{t('data.commit')}</button>
          <button type="button" onClick={() => act('discard')}>{t('data.discard')}</button>
        </div>
      )}
      {d.status === 'INVALID' && <button type="button" disabled data-testid="import-commit">{t('data.commit')}</button>}
      {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'} data-testid="import-message">{message.text}</p>}
      {secrets.length > 0 && <Secrets rows={secrets} />}
    </article>
  );
}

function Secrets({ rows }: { rows: OneTimePassword[] }) {
  const { t } = useTranslation();
  return (
    <div className="notice" data-testid="one-time-passwords">
      <p><strong>{t('data.onceTitle')}</strong> {t('data.onceHint')}</p>
      <table className="ws-table"><tbody>{rows.map((r) => <tr key={r.username}><td>{r.username}</td><td><code data-testid={`otp-${r.username}`}>{r.password}</code></td></tr>)}</tbody></table>
    </div>
  );
}

function History({ rows, onOpen }: { rows: ImportData[]; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const [, revert] = useMutation(REVERT_IMPORT);
  const [message, setMessage] = useState<string | null>(null);
  if (!rows.length) return null;
  return (
    <section aria-labelledby="hist-h" data-testid="import-history">
      <h4 id="hist-h">{t('data.history')}</h4>
      {message && <p role="alert" className="error">{message}</p>}
      <table className="ws-table">
        <thead><tr><th>{t('data.when')}</th><th>{t('data.kind')}</th><th>{t('data.file')}</th><th>{t('data.by')}</th><th>{t('data.state')}</th><th /></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{(r.committedAt ?? r.createdAt).slice(0, 16).replace('T', ' ')}</td><td>{t(`data.kinds.${r.kind}`, { defaultValue: r.kind })}</td>
              <td>{r.fileName}</td><td>{r.actorName}</td>
              <td>{t(`data.status.${r.status}`)}{r.revertedById ? ` · ${t('data.reverted')}` : ''}</td>
              <td>
                <button type="button" onClick={() => onOpen(r.id)}>{t('ws.open')}</button>
                {r.revertible && (
                  <button type="button" onClick={async () => {
                    if (!confirm(t('data.revertConfirm', { file: r.fileName }))) return;
                    const out = await revert({ id: r.id });
                    setMessage(out.error ? out.error.graphQLErrors[0]?.message ?? out.error.message : null);
                  }}>{t('data.revert')}</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Accounts() {
  const { t } = useTranslation();
  const session = getSession();
  const [search, setSearch] = useState('');
  const [{ data, error }, refetch] = useQuery<{ accounts: ManagedAccount[] }>({ query: ACCOUNTS, variables: { s: search || null }, requestPolicy: 'network-only' });
  const [, create] = useMutation<{ createAccount: { oneTimePassword: string; account: ManagedAccount } }>(CREATE_ACCOUNT);
  const [, setDisabled] = useMutation(SET_DISABLED);
  const [, reset] = useMutation<{ resetAccountPassword: { oneTimePassword: string; account: ManagedAccount } }>(RESET_PASSWORD);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [secret, setSecret] = useState<OneTimePassword | null>(null);
  const roles = session?.account.role === 'ADMIN' ? ROLES : ROLES.filter((r) => r !== 'PLANNER' && r !== 'ADMIN');
  const fail = (e: { graphQLErrors: { message: string }[]; message: string }) => setMessage({ ok: false, text: e.graphQLErrors[0]?.message ?? e.message });
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const input = { username: String(f.get('username')), displayName: String(f.get('displayName')), role: String(f.get('role')), scope: String(f.get('scope') ?? '') || null };
    const r = await create({ i: input });
    if (r.error) return fail(r.error);
    setSecret({ username: r.data!.createAccount.account.username, password: r.data!.createAccount.oneTimePassword });
    setMessage({ ok: true, text: t('data.accountCreated', { username: r.data!.createAccount.account.username }) });
    refetch({ requestPolicy: 'network-only' });
  };
  return (
    <section aria-labelledby="acc-h" data-testid="accounts">
      <h3 id="acc-h">{t('data.accountsTitle')}</h3>
      <p className="hint">{t('data.accountsHint')}</p>
      <form className="ws-form" onSubmit={submit} data-testid="account-form">
        <label>{t('ws.username')} <input name="username" required pattern="[a-z0-9][a-z0-9._\-]{2,63}" /></label>
        <label>{t('data.fullName')} <input name="displayName" required maxLength={200} /></label>
        <label>{t('data.role')} <select name="role">{roles.map((r) => <option key={r} value={r}>{t(`ws.role.${r}`)}</option>)}</select></label>
        <label>{t('data.scope')} <input name="scope" placeholder={t('data.scopeHint')} /></label>
        <button type="submit">{t('data.create')}</button>
      </form>
      {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'} data-testid="account-message">{message.text}</p>}
      {secret && <Secrets rows={[secret]} />}
      <label>{t('data.searchAccounts')} <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} /></label>
      {error && <p role="alert" className="error">{error.graphQLErrors[0]?.message ?? error.message}</p>}
      <table className="ws-table" data-testid="account-list">
        <thead><tr><th>{t('ws.username')}</th><th>{t('data.fullName')}</th><th>{t('data.role')}</th><th>{t('data.scope')}</th><th>{t('data.state')}</th><th /></tr></thead>
        <tbody>
          {(data?.accounts ?? []).map((a) => (
            <tr key={a.id} data-testid="account-row">
              <td>{a.username}</td><td>{a.displayName}</td><td>{t(`ws.role.${a.role}`)}</td><td>{a.school?.name ?? a.unit?.fullName ?? '—'}</td>
              <td>{a.disabled ? t('data.disabled') : a.mustChangePassword ? t('data.mustChange') : t('data.active')}</td>
              <td>
                {a.id !== session?.account.id && (
                  <button type="button" onClick={async () => {
                    const r = await setDisabled({ id: a.id, d: !a.disabled });
                    if (r.error) fail(r.error); else refetch({ requestPolicy: 'network-only' });
                  }}>{a.disabled ? t('data.enable') : t('data.disable')}</button>
                )}
                {a.id !== session?.account.id && <RoleChange account={a} roles={roles} onDone={(text, ok) => { setMessage({ ok, text }); if (ok) refetch({ requestPolicy: 'network-only' }); }} />}
                <button type="button" onClick={async () => {
                  const r = await reset({ id: a.id });
                  if (r.error) return fail(r.error);
                  setSecret({ username: a.username, password: r.data!.resetAccountPassword.oneTimePassword });
                  refetch({ requestPolicy: 'network-only' });
                }}>{t('data.reset')}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Another role and scope for an account (the server checks who may give what). */
function RoleChange({ account, roles, onDone }: { account: ManagedAccount; roles: readonly string[]; onDone: (text: string, ok: boolean) => void }) {
  const { t } = useTranslation();
  const [, update] = useMutation(UPDATE_ACCOUNT);
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const r = await update({ id: account.id, c: { role: String(f.get('role')), scope: String(f.get('scope') ?? '') || null } });
    if (r.error) onDone(r.error.graphQLErrors[0]?.message ?? r.error.message, false);
    else onDone(t('data.roleChanged', { username: account.username }), true);
  };
  return (
    <details className="ws-inline-details">
      <summary>{t('data.changeRole')}</summary>
      <form onSubmit={submit} className="ws-inline">
        <select name="role" defaultValue={account.role} aria-label={t('data.role')}>{roles.map((r) => <option key={r} value={r}>{t(`ws.role.${r}`)}</option>)}</select>
        <input name="scope" defaultValue={account.school?.id ?? account.unit?.code ?? ''} aria-label={t('data.scope')} placeholder={t('data.scopeHint')} />
        <button type="submit">{t('data.apply')}</button>
      </form>
    </details>
  );
}

/** First sign-in with a one-time password: the account sets its own before anything else opens. */
export function SetPassword({ session }: { session: Session }) {
  const { t } = useTranslation();
  const [, change] = useMutation(CHANGE_PASSWORD);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const next = String(f.get('next'));
    if (next !== String(f.get('again'))) return setError(t('data.passwordsDiffer'));
    const r = await change({ c: String(f.get('current')), n: next });
    if (r.error) return setError(r.error.graphQLErrors[0]?.message ?? r.error.message);
    setSession({ ...session, account: { ...session.account, mustChangePassword: false } });
  };
  return (
    <form className="login" onSubmit={submit} data-testid="set-password-form">
      <h3>{t('data.setPasswordTitle')}</h3>
      <p className="hint">{t('data.setPasswordHint')}</p>
      <label>{t('data.currentPassword')} <input name="current" type="password" autoComplete="current-password" required data-testid="pw-current" /></label>
      <label>{t('data.newPassword')} <input name="next" type="password" autoComplete="new-password" required minLength={10} data-testid="pw-new" /></label>
      <label>{t('data.newPasswordAgain')} <input name="again" type="password" autoComplete="new-password" required minLength={10} data-testid="pw-again" /></label>
      <button type="submit" data-testid="pw-save">{t('data.setPassword')}</button>
      {error && <p role="alert" className="error" data-testid="pw-error">{error}</p>}
    </form>
  );
}
