import { useTranslation } from 'react-i18next';
import { LEVELS, OWNERSHIPS, type Filters as F, type Level, type OwnershipFilter } from './url.ts';

export function Filters({ value, onChange }: { value: F; onChange: (f: F) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="filters" data-testid="filters">
      <legend>{t('filters')}</legend>
      <label>
        {t('levels')}{' '}
        <select value={value.level ?? ''} onChange={(e) => onChange({ ...value, level: (e.target.value || null) as Level | null })} data-testid="filter-level">
          <option value="">{t('all')}</option>
          {LEVELS.map((l) => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
        </select>
      </label>
      <label>
        {t('ownershipLabel')}{' '}
        <select value={value.ownership ?? ''} onChange={(e) => onChange({ ...value, ownership: (e.target.value || null) as OwnershipFilter | null })} data-testid="filter-ownership">
          <option value="">{t('all')}</option>
          {OWNERSHIPS.map((o) => <option key={o} value={o}>{t(`ownership.${o}`)}</option>)}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={value.digital} onChange={(e) => onChange({ ...value, digital: e.target.checked })} data-testid="filter-digital" />{' '}
        {t('digitalOnly')}
      </label>
    </fieldset>
  );
}
