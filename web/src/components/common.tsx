// Small pieces every page uses: the API error box next to a form, the page heading, dates and ages.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/http';
import { useI18n } from '../i18n/i18n';

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof ApiError ? detailLines(error.details) : [];
  return (
    <div className="error" role="alert" tabIndex={-1} ref={ref}>
      <strong>{t('common.error')}</strong> {message}
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Zod issues ({path, message}) or any other details object, as readable lines. */
function detailLines(details: unknown): string[] {
  if (Array.isArray(details)) {
    return details.map((d) => {
      const issue = d as { path?: unknown[]; message?: string };
      return issue.message ? `${issue.path?.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` : JSON.stringify(d);
    });
  }
  if (details && typeof details === 'object') {
    const retry = (details as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retry) return [`Retry after ${retry} s`];
    return Object.entries(details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return [];
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    if (typeof children === 'string') document.title = `${children} · Hazardline`;
  }, [children]);
  return (
    <div className="page-title">
      <h1 id="page-heading">{children}</h1>
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}

/** A date and time in the viewer's language; in `timeZone` when given (a campaign's own zone), else the browser's. */
export function formatDate(v: string | null | undefined, lang: string, timeZone?: string | null): string {
  if (!v) return '—';
  return new Date(v).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) });
}

/** "3 h 12 min" style age, in the viewer's units. */
export function formatAge(from: string, now = Date.now()): string {
  const s = Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/** A clock that re-renders its users every `ms` (timers, ages). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export function Loading() {
  const { t } = useI18n();
  return <p role="status">{t('common.loading')}</p>;
}
