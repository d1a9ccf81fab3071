import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import type { FeatureCollection } from 'geojson';
import { Compare } from './Compare.tsx';
import { Filters } from './Filters.tsx';
import { MapView, type Choropleth, type Focus, type ListState } from './MapView.tsx';
import { DIGITAL_COLOR, LEVEL_COLORS, type LegendLevel } from './mapStyle.ts';
import { DATASET, MAP_AREA, type DatasetResult, type MapAreaResult, type SchoolDetails, type SearchHit } from './queries.ts';
import { SchoolList } from './SchoolList.tsx';
import { SchoolProfile, latestZones } from './SchoolProfile.tsx';
import { SearchBox } from './SearchBox.tsx';
import { MAX_COMPARE, readState, writeState, type AppState, type SchoolPoint } from './url.ts';
import { ZonePanel } from './ZonePanel.tsx';
import { useSession } from './session.ts';

import { LazyPanel } from './LazyPanel.tsx';

// Staff only: loaded when opened, so parents never download the assessment forms and rules.
const loadWorkspace = () => import('./Workspace.tsx');
/** The phone layout's breakpoint (app.css uses the same). */
const PHONE = '(max-width: 720px)';
const loadDashboard = () => import('./Dashboard.tsx');

export function App() {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<AppState>(() => readState(location.search));
  const [focus, setFocus] = useState<Focus | null>(null);
  const [visible, setVisible] = useState<{ schools: SchoolPoint[]; state: ListState }>({ schools: [], state: 'loading' });
  const [highlight, setHighlight] = useState<string | null>(null);
  const [zone, setZone] = useState<FeatureCollection | null>(null);
  const [compareOpen, setCompareOpen] = useState(state.compare.length > 1);
  const [geoError, setGeoError] = useState<string | null>(null);
  const [placeNote, setPlaceNote] = useState<{ at: [number, number]; text: string; source: string | null } | null>(null);
  const [zoned, setZoned] = useState<Record<string, number[]>>({});
  useEffect(() => { if (!state.place) setZoned({}); }, [state.place]);
  const zonedIds = useMemo(() => Object.keys(zoned), [zoned]);
  const [workspaceOpen, setWorkspaceOpen] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const [phone, setPhone] = useState(() => matchMedia(PHONE).matches);
  useEffect(() => {
    const q = matchMedia(PHONE);
    const on = () => setPhone(q.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  const [dashboardOpen, setDashboardOpen] = useState(false);
  const [choropleth, setChoropleth] = useState<Choropleth | null>(null);
  const [mapProvince, setMapProvince] = useState<string | undefined>(undefined);
  const [overlay, setOverlay] = useState<FeatureCollection | null>(null);
  const [pickPoint, setPickPoint] = useState<((at: [number, number]) => void) | null>(null);
  const onPickPoint = useCallback((fn: ((at: [number, number]) => void) | null) => setPickPoint(() => fn), []);
  const fitProvince = useCallback((bounds: [number, number, number, number]) => setFocus({ key: Date.now(), bounds }), []);
  const session = useSession();
  const [{ data: ds }, refetchDataset] = useQuery<DatasetResult>({ query: DATASET });
  // The province in view (its wards are drawn), and a plain message where EduGIS holds no schools.
  const [viewAt, setViewAt] = useState<[number, number] | null>(null);
  const onView = useCallback((c: [number, number]) => setViewAt((old) => {
    const next: [number, number] = [Math.round(c[0] * 20) / 20, Math.round(c[1] * 20) / 20];
    return old && old[0] === next[0] && old[1] === next[1] ? old : next;
  }), []);
  const [{ data: area }] = useQuery<MapAreaResult>({ query: MAP_AREA, variables: { lng: viewAt?.[0] ?? 0, lat: viewAt?.[1] ?? 0 }, pause: !viewAt });
  const viewProvince = area?.mapArea.provinceCode ?? undefined;
  const lang = i18n.language;

  // The address bar always holds a link to what is on screen (the map view is MapLibre's "#map=…"). A new view
  // (a school opened, a home chosen, the compare list changed) is a new history entry, so Back returns to the one
  // before inside the app; filters and the language replace the current entry.
  const shown = useRef<string | null>(null);
  const popped = useRef(false);
  useEffect(() => {
    const view = JSON.stringify([state.school, state.place, state.compare]);
    const url = `${location.pathname}${writeState(state, lang)}${location.hash}`;
    if (shown.current !== null && view !== shown.current && !popped.current) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
    shown.current = view;
    popped.current = false;
  }, [state, lang]);
  useEffect(() => {
    const onPop = () => { popped.current = true; setState(readState(location.search)); };
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  // The notice is written by the server in the request's language: ask again when the language changes.
  useEffect(() => {
    if (ds) refetchDataset({ requestPolicy: 'network-only' });
    document.documentElement.lang = lang;
    document.title = t('appTitle');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lang]);
  const attribution = useMemo(() => [...new Set(ds ? ds.dataset.sources.filter((s) => !s.isSynthetic).map((s) => s.attribution) : [])], [ds]);

  const update = (patch: Partial<AppState>) => setState((s) => ({ ...s, ...patch }));
  // Opening a school keeps the chosen home: closing the profile brings its zoned schools back.
  const openSchool = (id: string, at?: [number, number]) => {
    update({ school: id });
    if (at) setFocus({ key: Date.now(), center: at, zoom: 16 });
  };
  const pickHit = (hit: SearchHit) => {
    if (hit.kind === 'SCHOOL' && hit.school) {
      const loc = hit.school.location;
      openSchool(hit.school.id, loc ? [loc.longitude, loc.latitude] : undefined);
    } else if ((hit.kind === 'ADDRESS' || hit.kind === 'STREET') && hit.location) {
      // An address is the home: its zoned schools and the nearest ones, with what the point stands for.
      const at: [number, number] = [hit.location.longitude, hit.location.latitude];
      update({ place: at, school: null });
      setPlaceNote({ at, text: hit.note ?? hit.label, source: hit.source });
      setFocus({ key: Date.now(), center: at, zoom: 17 });
    } else {
      // A ward, or a pre-2025 ward or district: the extent of today's wards it went into.
      const bounds = hit.bbox ?? hit.ward?.bbox;
      if (bounds) setFocus({ key: Date.now(), bounds });
    }
  };
  const locate = () => {
    setGeoError(null);
    if (!navigator.geolocation) return setGeoError(t('geoUnavailable'));
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const at: [number, number] = [pos.coords.longitude, pos.coords.latitude];
        update({ place: at, school: null });
        setFocus({ key: Date.now(), center: at, zoom: 15 });
      },
      (err) => setGeoError(err.code === err.PERMISSION_DENIED ? t('geoDenied') : t('geoUnavailable')),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  };
  const switchLanguage = () => {
    const next = i18n.language === 'vi' ? 'en' : 'vi';
    void i18n.changeLanguage(next);
    localStorage.setItem('edugis.lang', next);
  };
  const toggleCompare = (id: string) => {
    const adding = !state.compare.includes(id);
    const compare = adding ? [...state.compare, id].slice(0, MAX_COMPARE) : state.compare.filter((c) => c !== id);
    update({ compare });
    if (adding && compare.length > 1) setCompareOpen(true);
  };
  const onLoaded = useCallback((s: SchoolDetails) => setZone(latestZones(s)), []);
  const onVisible = useCallback((schools: SchoolPoint[], st: ListState) => setVisible({ schools, state: st }), []);
  useEffect(() => { if (!state.school && !state.place) setZone(null); }, [state.school, state.place]);

  return (
    <div className="app">
      <header className="header">
        {/* On a phone only "EduGIS" stands in the header (the rest of the title is in the tab and for screen readers). */}
        <h1>{t('appTitle').split(' — ')[0]}<span className="app-sub">{t('appTitle').includes(' — ') ? ` — ${t('appTitle').split(' — ').slice(1).join(' — ')}` : ''}</span></h1>
        <SearchBox onPick={pickHit} />
        <button type="button" className="header-btn" onClick={locate} data-testid="locate">{t('myLocation')}</button>
        {state.compare.length > 0 && (
          <button type="button" className="header-btn" onClick={() => setCompareOpen((o) => !o)} aria-expanded={compareOpen} data-testid="compare-open">
            {t('compareButton', { n: state.compare.length })}
          </button>
        )}
        {/* Staff entries: in the header on a wide screen, behind a menu on a phone (parents' header stays short). */}
        <button type="button" className="header-btn menu-btn" aria-expanded={menuOpen} aria-controls="staff-entries" onClick={() => setMenuOpen((o) => !o)} data-testid="menu-open">
          {t('menu')}
        </button>
        <div id="staff-entries" className={`staff-entries ${menuOpen ? 'open' : ''}`}>
          <button type="button" className="header-btn" onClick={() => { setMenuOpen(false); setDashboardOpen((o) => !o); }} aria-expanded={dashboardOpen} data-testid="dash-open">
            {t('dashboard')}
          </button>
          <button type="button" className="header-btn" onClick={() => { setMenuOpen(false); setWorkspaceOpen(true); }} data-testid="ws-open">
            {session ? t('staffWorkspace') : t('staffSignIn')}
          </button>
        </div>
        <button type="button" className="lang" onClick={switchLanguage} lang={lang === 'vi' ? 'en' : 'vi'} aria-label={`${t('language')}: ${t('switchTo')}`} data-testid="lang-switch">
          {t('switchTo')}
        </button>
      </header>
      {ds && (() => {
        const label = <strong>{ds.dataset.syntheticOnly ? t('synthetic') : `${t('real')} + ${t('synthetic')}`}:</strong>;
        const cls = `notice ${ds.dataset.syntheticOnly ? 'notice-synthetic' : ''}`;
        // On a phone the notice folds to its first line (what is real, what is synthetic); a tap shows the rest.
        return phone ? (
          <details className={cls} role="status" data-testid="data-notice">
            <summary>{label}</summary> {ds.dataset.notice}
          </details>
        ) : <p className={cls} role="status" data-testid="data-notice">{label} {ds.dataset.notice}</p>;
      })()}
      <main className="main">
        <MapView
          attribution={attribution}
          filters={state.filters}
          selected={state.school}
          highlight={highlight}
          place={state.place}
          zone={zone}
          focus={focus}
          onSelect={(id) => openSchool(id)}
          onPlace={(lng, lat) => update({ place: [lng, lat], school: null })}
          onVisible={onVisible}
          choropleth={choropleth}
          province={mapProvince ?? viewProvince}
          overlay={overlay}
          pickPoint={pickPoint}
          zoned={zonedIds}
          onView={onView}
        />
        {area?.mapArea.message && !dashboardOpen && <p className="map-banner" role="status" data-testid="no-data">{area.mapArea.message}</p>}
        <aside className="side">
          {dashboardOpen && (
<LazyPanel load={loadDashboard} testId="dashboard" props={{
              onChoropleth: setChoropleth, onBounds: fitProvince, onProvince: setMapProvince, onOverlay: setOverlay, onPickPoint,
              onClose: () => setDashboardOpen(false) }} />
          )}
          <Filters value={state.filters} onChange={(filters) => update({ filters })} />
          {geoError && <p role="alert" className="error">{geoError}</p>}
          <section aria-live="polite" data-testid="school-panel">
            {state.school && state.place && (
              <p className="home-bar" data-testid="home-bar">
                <span>{t('yourHome')}{placeNote && placeNote.at[0] === state.place[0] && placeNote.at[1] === state.place[1] ? `: ${placeNote.text}` : ''}</span>
                <button type="button" className="link" onClick={() => update({ school: null })} data-testid="back-to-home">{t('backToHome')}</button>
              </p>
            )}
            {state.school ? (
              <SchoolProfile
                key={state.school}
                id={state.school}
                inCompare={state.compare.includes(state.school)}
                compareFull={state.compare.length >= MAX_COMPARE}
                onToggleCompare={() => toggleCompare(state.school!)}
                onClose={() => update({ school: null })}
                onLoaded={onLoaded}
              />
            ) : state.place ? (
              <>
              {placeNote && placeNote.at[0] === state.place[0] && placeNote.at[1] === state.place[1] && (
                <p className="place-note" data-testid="place-note">
                  {placeNote.text}
                  {placeNote.source && <small className="muted"> · {t('placeFrom')}: {placeNote.source}</small>}
                </p>
              )}
              <ZonePanel lng={state.place[0]} lat={state.place[1]} compare={state.compare} onOpen={(id) => openSchool(id)} onClose={() => update({ place: null })}
                onZones={setZone} onZoned={setZoned} />
              </>
            ) : (
              <p className="hint">{t('selectHint')}</p>
            )}
          </section>
          <SchoolList
            schools={visible.schools}
            state={visible.state}
            place={state.place}
            selected={state.school}
            zoned={zoned}
            onOpen={(s) => openSchool(s.id, [s.lng, s.lat])}
            onHighlight={setHighlight}
          />
          <section aria-labelledby="legend-h" data-testid="legend">
            <h2 id="legend-h">{t('legend')}</h2>
            <ul className="legend">
              {(Object.keys(LEVEL_COLORS) as LegendLevel[]).map((l) => (
                <li key={l}><span className="dot" style={{ background: LEVEL_COLORS[l] }} aria-hidden="true" />{t(`level.${l}`)}</li>
              ))}
              <li><span className="dot dot-real" aria-hidden="true" />{t('realSchool')}</li>
              <li><span className="dot dot-selected" aria-hidden="true" />{t('selectedMark')}</li>
              <li><span className="dot dot-zoned" aria-hidden="true" />{t('zonedMark')}</li>
              <li><span className="dot dot-digital" style={{ background: `radial-gradient(${DIGITAL_COLOR} 35%, #888 40%)` }} aria-hidden="true" />{t('digitalMark')}</li>
              <li><span className="dot dot-cluster" aria-hidden="true" />{t('clusterMark')}</li>
              <li><span className="swatch-rule" aria-hidden="true" />{t('ruleZoneMark')}</li>
              <li><span className="swatch-zone" aria-hidden="true" />{t('zoneMark')}</li>
              <li><span className="swatch-zone6" aria-hidden="true" />{t('zoneMark6')}</li>
              <li><span className="swatch-route" aria-hidden="true" />{t('routeMark')}</li>
              <li><span className="swatch-ward" aria-hidden="true" />{t('wards')}</li>
            </ul>
          </section>
          {ds && (
            <section aria-labelledby="sources-h" data-testid="sources">
              <h2 id="sources-h">{t('aboutData')}</h2>
              <ul className="sources">
                {ds.dataset.sources.map((s) => (
                  <li key={s.id}>
                    {s.url ? <a href={s.url} target="_blank" rel="noreferrer">{s.title}</a> : s.title}{' '}
                    <span className="licence">({t('licence')}: {s.licence}{s.isSynthetic ? `, ${t('synthetic')}` : ''})</span>
                    <br />
                    <small>{s.attribution}</small>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </main>
      {workspaceOpen && (
<LazyPanel load={loadWorkspace} className="workspace" testId="workspace" props={{ onClose: () => setWorkspaceOpen(false) }} />
      )}
      {compareOpen && state.compare.length > 0 && (
        <Compare
          ids={state.compare}
          place={state.place}
          zoned={zoned}
          onRemove={(id) => toggleCompare(id)}
          onOpen={(id) => openSchool(id)}
          onClose={() => setCompareOpen(false)}
        />
      )}
    </div>
  );
}
