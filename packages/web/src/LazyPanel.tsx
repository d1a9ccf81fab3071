// A lazily loaded panel that cannot take the page down: while its code loads it says so; if the chunk fails to
// load (the network, or a new deployment that removed the old files) it says what failed with a retry, never a
// white page. When the server now serves another build than the one this page runs, the page reloads once (the
// address bar holds the whole view, so nothing is lost) instead of retrying files that no longer exist.
import { Component, lazy, Suspense, useMemo, useState, type ComponentType, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The entry script of the build this page runs, and of the build the server serves now. */
const runningBuild = () => document.querySelector<HTMLScriptElement>('script[type=module][src]')?.getAttribute('src') ?? null;
async function deployedBuild(): Promise<string | null> {
  const html = await (await fetch('/', { cache: 'no-store' })).text();
  return /<script[^>]+type="module"[^>]+src="([^"]+)"/.exec(html)?.[1] ?? null;
}
const RELOADED = 'edugis.reloadedFor';

class Boundary extends Component<{ fallback: (retry: () => void) => ReactNode; onRetry: () => void; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() { return { failed: true }; }
  override componentDidCatch() {
    void deployedBuild().then((now) => {
      if (now && now !== runningBuild() && sessionStorage.getItem(RELOADED) !== now) {
        sessionStorage.setItem(RELOADED, now);
        location.reload();
      }
    }).catch(() => {});
  }
  retry = () => { this.setState({ failed: false }); this.props.onRetry(); };
  override render() { return this.state.failed ? this.props.fallback(this.retry) : this.props.children; }
}

/** `load` is the panel's dynamic import; `props` go to the panel. */
export function LazyPanel<P extends object>({ load, props, className, testId }: {
  load: () => Promise<{ default: ComponentType<P> }>; props: P; className?: string; testId?: string;
}) {
  const { t } = useTranslation();
  // A failed import is cached by React.lazy: a retry makes a new lazy component, which imports again.
  const [attempt, setAttempt] = useState(0);
  const Panel = useMemo(() => lazy(load), [attempt]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <Boundary
      onRetry={() => setAttempt((a) => a + 1)}
      fallback={(retry) => (
        <div className={className} role="alert" data-testid={testId ? `${testId}-failed` : 'panel-failed'}>
          <p>{t('panelFailed')}</p>
          <button type="button" onClick={retry} data-testid="panel-retry">{t('retry')}</button>
        </div>
      )}
    >
      <Suspense fallback={<p className={className}>{t('loading')}</p>}>
        <Panel {...props} />
      </Suspense>
    </Boundary>
  );
}
