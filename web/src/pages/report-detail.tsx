// One report: what the villager said, what the parser made of it, the recording, history, messages and alerts,
// and the coordinator's actions (acknowledge for a team, change status, assign, mark duplicate, note).
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { client, unwrap } from '../api/http';
import type { Page, Report, ReportDetail, Team } from '../api/types';
import { ErrorBox, Loading, PageTitle, formatAge, formatDate, useNow } from '../components/common';
import { useI18n, type Key } from '../i18n/i18n';
import { Link } from '../router';

type Patch = { status?: string; assignee?: string | null; note?: string; duplicateOf?: number };

export function ReportDetailPage({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const [report, setReport] = useState<ReportDetail | null>(null);
  const [teams, setTeams] = useState<Team[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');

  const load = useCallback(async () => {
    try {
      setReport(await unwrap<ReportDetail>(client.GET('/api/reports/{id}', { params: { path: { id: String(id) } } })));
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => {
    void load();
    client.GET('/api/teams', { params: { query: {} } }).then((r) => setTeams(((r.data as { data?: Team[] } | undefined)?.data) ?? []), () => {});
  }, [load]);

  // The coordinator's own words to the reporter: queued by the service (safety-checked), then shown in Messages.
  const message = async (text: string): Promise<boolean> => {
    setError(null);
    setSaved('');
    try {
      await unwrap(client.POST('/api/reports/{id}/messages', { params: { path: { id: String(id) } }, body: { text } }));
      setSaved(t('report.messageSent'));
      await load();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };

  const patch = async (body: Patch, message: string) => {
    setError(null);
    setSaved('');
    try {
      setReport(await unwrap<ReportDetail>(client.PATCH('/api/reports/{id}', { params: { path: { id: String(id) } }, body: body as never })));
      setSaved(message);
    } catch (e) {
      setError(e);
    }
  };

  if (!report) return <>{error ? <><PageTitle>{t('report.title', { id })}</PageTitle><ErrorBox error={error} /></> : <Loading />}</>;
  const teamName = (tid: number | null) => teams.find((x) => x.id === tid)?.name ?? (tid ? `#${tid}` : '—');
  const recording = report.recordingLink ? samePath(report.recordingLink) : null;

  return (
    <>
      <PageTitle>{t('report.title', { id })}</PageTitle>
      <p>
        <Link href="/reports">← {t('report.back')}</Link>
      </p>
      <p className="summary">
        <span className={`pill p-${report.priority}`}>{t(`priority.${report.priority}` as Key)}</span>{' '}
        <strong>{t(`status.${report.status}` as Key)}</strong> · {formatDate(report.createdAt, lang)} · {report.channel}
        {report.duplicateOfId && <> · {t('report.duplicateOf')} <Link href={`/reports/${report.duplicateOfId}`}>#{report.duplicateOfId}</Link></>}
      </p>
      <div role="status" className="saved">{saved}</div>
      <ErrorBox error={error} />
      <div className="grid">
        <section aria-labelledby="words-h">
          <h2 id="words-h">{t('report.words')}</h2>
          <blockquote lang={report.locale ?? undefined}>{report.originalText}</blockquote>
          {recording && (
            <p>
              <span>{t('report.recording')}</span>
              <audio controls preload="none" src={recording} aria-label={t('report.recording')} />
            </p>
          )}
          <dl className="facts">
            <Fact label={t('report.reporter')}>{report.reporterPhone}</Fact>
            <Fact label={t('report.device')}>{report.deviceClass ?? '—'}</Fact>
            <Fact label={t('report.place')}>
              {report.location.admin.map((a) => `${a.name}${a.nameLocal ? ` (${a.nameLocal})` : ''}`).join(' › ') || report.location.text || '—'}
              {report.location.lat !== null && ` · ${report.location.lat.toFixed(5)}, ${report.location.lon?.toFixed(5)}`}
            </Fact>
            <Fact label={t('report.team')}>{teamName(report.teamId)}</Fact>
            <Fact label={t('report.assignee')}>{report.assignee ?? '—'}</Fact>
            <Fact label={t('report.reasons')}>{report.priorityReasons.join(', ') || '—'}</Fact>
          </dl>
          <h3>{t('report.parse')}</h3>
          {report.parse ? <pre className="parse">{JSON.stringify(report.parse, null, 2)}</pre> : <p>—</p>}
        </section>
        <Actions report={report} teams={teams} teamName={teamName} patch={patch} message={message} />
      </div>
      <Alerts report={report} teamName={teamName} />
      <Messages report={report} />
      <History report={report} />
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** The alert link is absolute (PUBLIC_BASE_URL); played through this origin so the page's CSP allows it. */
function samePath(link: string): string {
  try {
    return new URL(link).pathname;
  } catch {
    return link;
  }
}

function Actions({ report, teams, teamName, patch, message }: { report: ReportDetail; teams: Team[]; teamName: (id: number | null) => string; patch: (b: Patch, msg: string) => Promise<void>; message: (text: string) => Promise<boolean> }) {
  const { t } = useI18n();
  const [status, setStatus] = useState('');
  const [statusNote, setStatusNote] = useState('');
  const [ackTeam, setAckTeam] = useState(String(report.teamId ?? report.alerts[0]?.teamId ?? teams[0]?.id ?? ''));
  const [assignee, setAssignee] = useState(report.assignee ?? '');
  const [note, setNote] = useState('');
  const [text, setText] = useState('');
  const [dupOf, setDupOf] = useState('');
  const [candidates, setCandidates] = useState<Report[]>([]);
  const transitions = report.allowedTransitions.filter((s) => s !== 'duplicate');

  useEffect(() => {
    // Nearby first (same district), else the most recent reports.
    const district = report.location.districtPcode ?? undefined;
    client
      .GET('/api/reports', { params: { query: { ...(district ? { district } : {}), limit: 30 } as never } })
      .then((r) => setCandidates((((r.data as Page<Report> | undefined)?.data) ?? []).filter((x) => x.id !== report.id && x.status !== 'duplicate')), () => {});
  }, [report.id, report.location.districtPcode]);

  const submit = (fn: () => Promise<void>) => (e: FormEvent) => {
    e.preventDefault();
    void fn();
  };

  return (
    <section aria-labelledby="actions-h" className="actions-panel">
      <h2 id="actions-h">{t('report.actions')}</h2>
      {report.allowedTransitions.includes('acknowledged') && (
        <form onSubmit={submit(() => patch({ status: 'acknowledged', note: t('report.ackNote', { team: teamName(Number(ackTeam) || null) }) }, t('report.acked')))}>
          <label>
            {t('report.ackFor')}
            <select value={ackTeam} onChange={(e) => setAckTeam(e.target.value)}>
              {teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
            </select>
          </label>
          <button type="submit" className="primary">{t('report.acknowledge')}</button>
        </form>
      )}
      {transitions.length > 0 && (
        <form onSubmit={submit(() => patch({ status, ...(statusNote.trim() ? { note: statusNote.trim() } : {}) }, t('report.statusChanged')))}>
          <label>
            {t('report.newStatus')}
            <select value={status} onChange={(e) => setStatus(e.target.value)} required>
              <option value="">—</option>
              {transitions.map((s) => <option key={s} value={s}>{t(`status.${s}` as Key)}</option>)}
            </select>
          </label>
          <label>
            {t('report.noteOptional')}
            <input value={statusNote} onChange={(e) => setStatusNote(e.target.value)} maxLength={1600} />
          </label>
          <button type="submit">{t('report.changeStatus')}</button>
        </form>
      )}
      <form onSubmit={submit(() => patch({ assignee: assignee.trim() || null }, t('report.assigned')))}>
        <label>
          {t('report.assignee')}
          <input value={assignee} onChange={(e) => setAssignee(e.target.value)} maxLength={100} />
        </label>
        <button type="submit">{t('report.assign')}</button>
      </form>
      {report.allowedTransitions.includes('duplicate') && (
        <form onSubmit={submit(() => patch({ status: 'duplicate', duplicateOf: Number(dupOf) }, t('report.markedDuplicate')))}>
          <label>
            {t('report.duplicateOfPick')}
            <select value={dupOf} onChange={(e) => setDupOf(e.target.value)} required>
              <option value="">—</option>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  #{c.id} · {t(`status.${c.status}` as Key)} · {formatAge(c.createdAt)} · {c.originalText.slice(0, 40)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{t('report.markDuplicate')}</button>
        </form>
      )}
      <form onSubmit={submit(async () => { await patch({ note: note.trim() }, t('report.noted')); setNote(''); })}>
        <label>
          {t('report.note')}
          <textarea value={note} onChange={(e) => setNote(e.target.value)} maxLength={1600} required rows={3} />
        </label>
        <button type="submit">{t('report.addNote')}</button>
      </form>
      <form onSubmit={submit(async () => { if (await message(text.trim())) setText(''); })}>
        <label>
          {t('report.messageReporter')}
          <textarea value={text} onChange={(e) => setText(e.target.value)} maxLength={1600} required rows={3} aria-describedby="msg-hint" />
        </label>
        <p id="msg-hint" className="muted">{t('report.messageHint')}</p>
        <button type="submit">{t('report.sendMessage')}</button>
      </form>
    </section>
  );
}

function Alerts({ report, teamName }: { report: ReportDetail; teamName: (id: number | null) => string }) {
  const { t, lang } = useI18n();
  const now = useNow(1000);
  return (
    <section aria-labelledby="alerts-h">
      <h2 id="alerts-h">{t('report.alerts')}</h2>
      <div className="table-wrap" tabIndex={0}>
        <table>
          <caption>{t('report.alertsCaption')}</caption>
          <thead><tr><th scope="col">#</th><th scope="col">{t('report.team')}</th><th scope="col">{t('report.state')}</th><th scope="col">{t('report.step')}</th><th scope="col">{t('reports.waitingAck')}</th><th scope="col">{t('report.ackedBy')}</th></tr></thead>
          <tbody>
            {report.alerts.map((a) => (
              <tr key={a.id}>
                <td>{a.id}</td>
                <td>{teamName(a.teamId)}</td>
                <td>{a.state}</td>
                <td>{a.step}</td>
                <td>{a.state === 'open' ? <span className="timer">{formatAge(a.createdAt, now)}</span> : '—'}</td>
                <td>{a.acknowledgedBy ? `${a.acknowledgedBy} · ${formatDate(a.acknowledgedAt, lang)}` : '—'}</td>
              </tr>
            ))}
            {report.alerts.length === 0 && <tr><td colSpan={6}>{t('report.noAlerts')}</td></tr>}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Messages({ report }: { report: ReportDetail }) {
  const { t, lang } = useI18n();
  const items = [
    ...report.messages.inbound.map((m) => ({ key: `in-${m.id}`, at: m.receivedAt, dir: t('report.fromReporter'), who: m.from, body: m.body, status: m.handledAs ?? '' })),
    ...report.messages.outbox.map((m) => ({ key: `out-${m.id}`, at: m.createdAt, dir: `${t('report.sent')} (${m.kind})`, who: m.recipient, body: m.body, status: m.status })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <section aria-labelledby="messages-h">
      <h2 id="messages-h">{t('report.messages')}</h2>
      <div className="table-wrap" tabIndex={0}>
        <table>
          <caption>{t('report.messagesCaption')}</caption>
          <thead><tr><th scope="col">{t('common.time')}</th><th scope="col">{t('report.direction')}</th><th scope="col">{t('report.number')}</th><th scope="col">{t('report.body')}</th><th scope="col">{t('reports.status')}</th></tr></thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.key}><td>{formatDate(m.at, lang)}</td><td>{m.dir}</td><td>{m.who}</td><td className="body">{m.body}</td><td>{m.status}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function History({ report }: { report: ReportDetail }) {
  const { t, lang } = useI18n();
  return (
    <section aria-labelledby="history-h">
      <h2 id="history-h">{t('report.history')}</h2>
      <ol className="history">
        {report.history.map((h) => (
          <li key={h.id}>
            <time dateTime={h.at}>{formatDate(h.at, lang)}</time> · {h.actor} ·{' '}
            {h.kind === 'status' ? `${h.fromStatus ?? '—'} → ${h.toStatus}` : h.kind}
            {h.note && <> · “{h.note}”</>}
          </li>
        ))}
      </ol>
    </section>
  );
}
