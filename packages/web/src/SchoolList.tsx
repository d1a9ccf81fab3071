// The list twin of the map: the schools in view (after filters), nearest to home first when a home is chosen,
// else by name. Keyboard: Tab into the list, arrows/Home/End move, Enter opens. Focus also rings the marker.
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ListState } from './MapView.tsx';
import { formatDistance, metres, type SchoolPoint } from './url.ts';

const SHOWN = 100;

export function SchoolList({ schools, state, place, selected, zoned = {}, onOpen, onHighlight }: {
  schools: SchoolPoint[]; state: ListState; place: [number, number] | null; selected: string | null; zoned?: Record<string, number[]>;
  onOpen: (s: SchoolPoint) => void; onHighlight: (id: string | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const [active, setActive] = useState(0);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const rows = useMemo(() => {
    const withDistance = schools.map((s) => ({ s, d: place ? metres(place, [s.lng, s.lat]) : null }));
    withDistance.sort((a, b) => (a.d != null && b.d != null ? a.d - b.d : a.s.name.localeCompare(b.s.name, i18n.language)));
    return withDistance.slice(0, SHOWN);
  }, [schools, place, i18n.language]);
  const current = Math.min(active, Math.max(0, rows.length - 1));

  const move = (i: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, i));
    setActive(next);
    refs.current[next]?.focus();
  };
  const onKey = (e: React.KeyboardEvent) => {
    const keys: Record<string, number> = { ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: rows.length - 1, PageDown: current + 10, PageUp: current - 10 };
    if (e.key in keys) { e.preventDefault(); move(keys[e.key]!); }
  };

  return (
    <section aria-labelledby="list-h" data-testid="school-list">
      <h2 id="list-h">{t('inView')} {state === 'ok' && <span className="muted">({schools.length})</span>}</h2>
      {state === 'zoomIn' && <p className="hint">{t('zoomIn')}</p>}
      {state === 'loading' && <p className="hint">{t('loading')}</p>}
      {state === 'error' && <p role="alert">{t('loadError')}</p>}
      {state === 'ok' && schools.length === 0 && <p className="hint">{t('noneInView')}</p>}
      {state === 'ok' && schools.length > SHOWN && <p className="hint">{t('showingFirst', { n: SHOWN, total: schools.length })}</p>}
      <ul className="school-list" onKeyDown={onKey} aria-describedby="list-help">
        {rows.map(({ s, d }, i) => (
          <li key={s.id}>
            <button
              type="button"
              ref={(b) => { refs.current[i] = b; }}
              tabIndex={i === current ? 0 : -1}
              aria-current={s.id === selected ? 'true' : undefined}
              onClick={() => { setActive(i); onOpen(s); }}
              onFocus={() => { setActive(i); onHighlight(s.id); }}
              onBlur={() => onHighlight(null)}
              onMouseEnter={() => onHighlight(s.id)}
              onMouseLeave={() => onHighlight(null)}
            >
              <span className={`dot dot-${s.level}`} aria-hidden="true" />
              <span className="name">{s.name}</span>
              <span className="muted">
                {t(`level.${s.level}`)} · {t(`ownership.${s.ownership}`)}
                {s.digital && <> · <span className="badge badge-digital">{t('digitalSchool')}{s.maturitySynthetic ? ` (${t('syntheticShort')})` : ''}</span></>}
                {d != null && <> · {formatDistance(d, t)}</>}
                {s.synthetic && <> · {t('syntheticShort')}</>}
              </span>
              {zoned[s.id] && <span className="badge badge-zoned" data-testid="list-zoned">{t('zonedForHome', { grades: zoned[s.id]!.join(', ') })}</span>}
            </button>
          </li>
        ))}
      </ul>
      <p id="list-help" className="visually-hidden">{t('listHelp')}</p>
    </section>
  );
}
