// The admissions calendar a parent needs next: the school year whose admissions are still ahead (from August,
// next year's), as the Sở published it and province staff imported it; said plainly when none is loaded.
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { ADMISSION_CALENDAR, type CalendarStep } from './queries.ts';

/** The school year whose admissions come next, by today's date in Vietnam: admissions run from January to July. */
export function nextAdmissionYear(now = new Date()): string {
  const vn = new Date(now.getTime() + 7 * 3600_000);
  const y = vn.getUTCFullYear() + (vn.getUTCMonth() >= 7 ? 1 : 0);
  return `${y}-${y + 1}`;
}
const day = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

export function AdmissionCalendar({ province }: { province: string }) {
  const { t } = useTranslation();
  const year = nextAdmissionYear();
  const [{ data, error }] = useQuery<{ admissionCalendar: CalendarStep[] }>({ query: ADMISSION_CALENDAR, variables: { p: province, y: year } });
  if (error || !data) return null;
  const steps = data.admissionCalendar;
  const next = steps.find((s) => s.state !== 'PAST');
  return (
    <section className="calendar" data-testid="admission-calendar" aria-labelledby="cal-h">
      <h3 id="cal-h">{t('calendar.title', { year })}</h3>
      {steps.length === 0 ? <p className="muted">{t('calendar.none', { year })}</p> : (
        <>
          {next && <p data-testid="calendar-next"><strong>{t(next.state === 'OPEN' ? 'calendar.openNow' : 'calendar.next', { step: t(`calendar.steps.${next.step}`), from: day(next.startsOn), to: day(next.endsOn) })}</strong></p>}
          <ol>
            {steps.map((s) => (
              <li key={s.step} className={`cal-${s.state}`}>
                {t(`calendar.steps.${s.step}`)}: {s.startsOn === s.endsOn ? day(s.startsOn) : `${day(s.startsOn)} – ${day(s.endsOn)}`}
                {s.state === 'PAST' && <span className="muted"> ({t('calendar.past')})</span>}
                {s.note && <span className="muted"> · {s.note}</span>}
              </li>
            ))}
          </ol>
          <p className="muted">{t('calendar.source', { source: steps[0]!.sourceTitle })}</p>
        </>
      )}
    </section>
  );
}
