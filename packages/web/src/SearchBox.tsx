// Search for an address ("12 Lý Tự Trọng, Bến Thành"), a street, a school, today's ward or a pre-2025 ward or
// district ("Phường 12, Quận 3", "Q1"): an ARIA combobox whose results come from the server's accent- and
// typo-tolerant search, the province in view first. When nothing is found it says what search covers.
import { useEffect, useId, useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { mapView } from './MapView.tsx';
import { SEARCH, SEARCH_COVERAGE, type SearchHit, type SearchResult } from './queries.ts';

const MAX_LENGTH = 200;

export function SearchBox({ onPick }: { onPick: (hit: SearchHit) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const [debounced, setDebounced] = useState('');
  const [near, setNear] = useState<[number, number] | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  useEffect(() => {
    const h = setTimeout(() => { setDebounced(text.trim()); setNear(mapView.center); }, 200);
    return () => clearTimeout(h);
  }, [text]);
  const [{ data, fetching, error }, retry] = useQuery<SearchResult>({ query: SEARCH, variables: { text: debounced, near }, pause: debounced.length < 2 });
  const hits = debounced.length >= 2 ? (data?.search ?? []) : [];
  const nothing = !fetching && !error && !!data && debounced.length >= 2 && hits.length === 0;
  const [{ data: coverage }] = useQuery<{ searchCoverage: string }>({ query: SEARCH_COVERAGE, pause: !nothing });
  useEffect(() => setActive(0), [data]);

  const pick = (hit: SearchHit | undefined) => {
    if (!hit) return;
    onPick(hit);
    setOpen(false);
    setText(hit.label);
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true); setActive((a) => Math.min(hits.length - 1, a + 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => Math.max(0, a - 1)); }
    else if (e.key === 'Enter') { e.preventDefault(); pick(hits[active]); }
    else if (e.key === 'Escape') setOpen(false);
  };
  const showList = open && debounced.length >= 2;

  return (
    <div className="search" role="search">
      <label htmlFor={`${id}-input`} className="visually-hidden">{t('searchLabel')}</label>
      <input
        id={`${id}-input`}
        type="search"
        role="combobox"
        aria-expanded={showList}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={showList && hits[active] ? `${id}-opt-${active}` : undefined}
        placeholder={t('searchPlaceholder')}
        maxLength={MAX_LENGTH}
        value={text}
        onChange={(e) => { setText(e.target.value); setOpen(true); }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKey}
        data-testid="search-input"
      />
      {showList && (
        <ul id={`${id}-list`} role="listbox" className="search-results" aria-label={t('searchResults')} data-testid="search-results">
          {fetching && hits.length === 0 && <li className="muted">{t('loading')}</li>}
          {error && (
            <li className="muted" role="alert">
              {error.graphQLErrors[0]?.message ?? (error.networkError ? t('serverUnreachable') : t('loadError'))}{' '}
              <button type="button" className="link" onMouseDown={(e) => { e.preventDefault(); retry({ requestPolicy: 'network-only' }); }}>{t('retry')}</button>
            </li>
          )}
          {nothing && (
            <li className="muted" data-testid="search-coverage">
              {t('noResults')} {coverage?.searchCoverage ?? ''}
            </li>
          )}
          {hits.map((h, i) => (
            <li
              key={`${h.kind}:${h.label}:${i}`}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => { e.preventDefault(); pick(h); }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="kind">{t(`hit.${h.kind}`)}</span> <strong>{h.label}</strong>
              {h.context && <span className="muted"> · {h.context}</span>}
              {h.note && <div className="muted hit-note">{h.note}</div>}
              {(h.kind === 'FORMER_WARD' || h.kind === 'FORMER_DISTRICT') && h.successors.length > 0 && (
                <div className="muted">{t('nowPartOf')}: {h.successors.map((s) => s.fullName).join(', ')}</div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
