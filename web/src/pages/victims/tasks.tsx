// The focal point's tasks: a survivor asked for help, did not answer twice, did not reach the service, or is due
// a needs re-assessment. Closing one takes an optional note of what was done.
import { useEffect, useState } from 'react';
import { qs, request } from '../../api/http';
import type { VaTask } from '../../api/victims';
import { ErrorBox, Loading, PageTitle, formatDate } from '../../components/common';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { useVocab } from './common';

export function VaTasksPage() {
  const { t, lang } = useI18n();
  const v = useVocab();
  const [status, setStatus] = useState<'open' | 'done' | ''>('open');
  const [tasks, setTasks] = useState<VaTask[] | null>(null);
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');

  const load = async () => {
    try {
      setTasks((await request<{ data: VaTask[] }>('GET', `/api/victims/tasks${qs({ status })}`)).data);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load();
  }, [status]);

  const close = async (task: VaTask) => {
    setError(null);
    try {
      const note = notes[task.id]?.trim();
      await request('POST', `/api/victims/tasks/${task.id}/close`, note ? { note } : {});
      setSaved(t('va.tasks.closed', { id: task.id }));
      await load();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <PageTitle>{t('va.tasks.title')}</PageTitle>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
        <label>
          {t('va.casualties.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value as 'open' | 'done' | '')}>
            <option value="open">{t('va.tasks.open')}</option>
            <option value="done">{t('va.tasks.done')}</option>
            <option value="">{t('common.all')}</option>
          </select>
        </label>
      </form>
      <div role="status" className="saved">{saved}</div>
      <ErrorBox error={error} />
      {!tasks && !error && <Loading />}
      {tasks && (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="tasks-caption">
          <table className="cards">
            <caption id="tasks-caption">{t('va.tasks.caption', { count: tasks.length })}</caption>
            <thead>
              <tr><th scope="col">{t('va.tasks.kind')}</th><th scope="col">{t('va.record')}</th><th scope="col">{t('va.followUp.due')}</th><th scope="col">{t('va.tasks.note')}</th><th scope="col"><span className="sr-only">{t('common.actions')}</span></th></tr>
            </thead>
            <tbody>
              {tasks.map((task) => (
                <tr key={task.id}>
                  <th scope="row" data-label={t('va.tasks.kind')}>{v('task', task.kind)}</th>
                  <td data-label={t('va.record')}>{task.casualtyId ? <Link href={`/victims/casualties/${task.casualtyId}`}>{t('va.casualty.title', { id: task.casualtyId })}</Link> : '—'}{task.referralId ? ` · ${t('va.referral.short', { id: task.referralId })}` : ''}</td>
                  <td data-label={t('va.followUp.due')}>{formatDate(task.dueAt, lang)}</td>
                  <td data-label={t('va.tasks.note')}>{task.note ?? '—'}{task.closedAt && <> · {t('va.tasks.closedAt', { date: formatDate(task.closedAt, lang) })}</>}</td>
                  <td>
                    {task.status === 'open' && (
                      <form className="row" onSubmit={(e) => { e.preventDefault(); void close(task); }}>
                        <label>{t('va.tasks.closeNote')}<input maxLength={1000} value={notes[task.id] ?? ''} onChange={(e) => setNotes({ ...notes, [task.id]: e.target.value })} /></label>
                        <button type="submit" aria-label={t('va.tasks.closeOne', { id: task.id })}>{t('va.tasks.close')}</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {tasks.length === 0 && <p>{t('va.tasks.none')}</p>}
        </div>
      )}
    </>
  );
}
