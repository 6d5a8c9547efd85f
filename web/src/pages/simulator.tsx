// The phone simulator (for trainers): pick a villager's or a team contact's number, text the service and see
// every reply, alert and update that number gets, in order; call the hotline with an on-screen keypad and
// hear its prompts. The service posts to its own signed webhooks and reads the outbox: nothing is faked.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { qs, request } from '../api/http';
import type { CallStep, ConversationItem, SimulatorInfo } from '../api/types';
import { ErrorBox, Loading, PageTitle, formatDate } from '../components/common';
import { useI18n } from '../i18n/i18n';

export function SimulatorPage() {
  const { t } = useI18n();
  const [info, setInfo] = useState<SimulatorInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [phone, setPhone] = useState('');
  const [typed, setTyped] = useState('');

  useEffect(() => {
    request<SimulatorInfo>('GET', '/api/simulator').then((i) => {
      setInfo(i);
      if (i.numbers[0]) setPhone(i.numbers[0].phone);
    }, setError);
  }, []);

  if (error && !info) return <><PageTitle>{t('sim.title')}</PageTitle><ErrorBox error={error} /></>;
  if (!info) return <Loading />;
  if (!info.enabled) return <><PageTitle>{t('sim.title')}</PageTitle><p>{t('sim.disabled')}</p></>;

  return (
    <>
      <PageTitle>{t('sim.title')}</PageTitle>
      <p className="muted">{t('sim.intro', { hotline: info.hotline })}</p>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); if (typed.trim()) setPhone(typed.trim()); }}>
        <label>
          {t('sim.number')}
          <select value={info.numbers.some((n) => n.phone === phone) ? phone : ''} onChange={(e) => e.target.value && setPhone(e.target.value)}>
            <option value="">{t('sim.typed')}</option>
            {info.numbers.map((n) => <option key={n.phone} value={n.phone}>{n.label} · {n.phone} ({n.kind === 'team' ? t('sim.team') : t('sim.villager')})</option>)}
          </select>
        </label>
        <label>
          {t('sim.otherNumber')}
          <input type="tel" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="+855…" />
        </label>
        <button type="submit">{t('sim.use')}</button>
      </form>
      {phone && (
        <div className="split sim" key={phone}>
          <Thread phone={phone} />
          <CallPanel phone={phone} hotline={info.hotline} />
        </div>
      )}
    </>
  );
}

function Thread({ phone }: { phone: string }) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<ConversationItem[]>([]);
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const cursor = useRef<string | null>(null);
  const end = useRef<HTMLLIElement>(null);

  useEffect(() => {
    let alive = true;
    cursor.current = null;
    setItems([]);
    const poll = async () => {
      try {
        const page = await request<{ data: ConversationItem[]; nextCursor: string | null }>('GET', `/api/simulator/conversation${qs({ phone, after: cursor.current })}`);
        if (!alive) return;
        if (page.nextCursor) cursor.current = page.nextCursor;
        if (page.data.length) {
          // Statuses change (queued → sent → delivered): a row seen again replaces the old one.
          setItems((old) => {
            const byId = new Map(old.map((i) => [String(i.id), i]));
            for (const i of page.data) byId.set(String(i.id), i);
            return [...byId.values()].sort((a, b) => a.at.localeCompare(b.at));
          });
        }
      } catch (e) {
        if (alive) setError(e);
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), 1000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [phone]);

  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [items.length]);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await request('POST', '/api/simulator/sms', { from: phone, body });
      setBody('');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="thread-h" className="phone">
      <h2 id="thread-h">{t('sim.sms', { phone })}</h2>
      <ol className="thread" aria-live="polite" aria-label={t('sim.thread')}>
        {items.map((m) => (
          <li key={m.id} className={`bubble ${m.direction}`}>
            <span className="meta">{m.direction === 'in' ? t('sim.you') : t('sim.service')} · {m.kind} · {m.channel} · {formatDate(m.at, lang)} · {m.status}</span>
            <span className="text">{m.body}</span>
          </li>
        ))}
        <li ref={end} className="end" aria-hidden="true" />
      </ol>
      <form onSubmit={send} className="send">
        <label>
          {t('sim.message')}
          <textarea rows={2} value={body} onChange={(e) => setBody(e.target.value)} required maxLength={1600} />
        </label>
        <button type="submit" className="primary">{t('sim.send')}</button>
      </form>
      <ErrorBox error={error} />
    </section>
  );
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

function CallPanel({ phone, hotline }: { phone: string; hotline: string }) {
  const { t } = useI18n();
  const [step, setStep] = useState<CallStep | null>(null);
  const [log, setLog] = useState<string[]>([]);
  const [digits, setDigits] = useState('');
  const [error, setError] = useState<unknown>(null);

  const apply = (s: CallStep) => {
    setStep(s);
    setDigits('');
    setLog((l) => [...l, ...s.prompts.map((p) => ('say' in p ? p.say : `♪ ${p.play}`)), ...(s.hangup ? [t('sim.hungUp')] : [])]);
  };
  const start = async () => {
    setError(null);
    setLog([]);
    try {
      apply(await request<CallStep>('POST', '/api/simulator/call', { from: phone }));
    } catch (e) {
      setError(e);
    }
  };
  const press = async (d: string) => {
    if (!step || !step.next) return;
    setError(null);
    try {
      apply(await request<CallStep>('POST', '/api/simulator/call', { from: phone, callSid: step.callSid, digits: d, next: step.next }));
    } catch (e) {
      setError(e);
    }
  };
  const key = (k: string) => {
    const all = digits + k;
    if (step?.gather && all.length >= step.gather.numDigits) void press(all);
    else setDigits(all);
  };
  const active = step !== null && !step.hangup;

  return (
    <section aria-labelledby="call-h" className="phone">
      <h2 id="call-h">{t('sim.call', { hotline })}</h2>
      {!active ? (
        <button type="button" className="primary" onClick={() => void start()}>{t('sim.callButton')}</button>
      ) : (
        <button type="button" className="danger" onClick={() => setStep(null)}>{t('sim.hangUp')}</button>
      )}
      <ErrorBox error={error} />
      {step && (
        <div className="prompts">
          {step.prompts.map((p, i) =>
            'say' in p ? (
              <p key={i} lang={p.language.slice(0, 2)}>🔊 {p.say}</p>
            ) : (
              <p key={i}>
                <audio controls autoPlay={i === 0} src={p.play} aria-label={t('sim.prompt', { n: i + 1 })} />
              </p>
            ),
          )}
          {step.record && active && (
            <p>
              {t('sim.recording')} <button type="button" onClick={() => void press('#')}>{t('sim.stopRecording')}</button>
            </p>
          )}
        </div>
      )}
      <div className="keypad" role="group" aria-label={t('sim.keypad')}>
        {KEYS.map((k) => (
          <button key={k} type="button" disabled={!active || !step?.next} onClick={() => key(k)}>{k}</button>
        ))}
      </div>
      {active && step?.gather && (
        <p>
          {t('sim.typedDigits')}: <output>{digits || '—'}</output>{' '}
          <button type="button" disabled={!digits} onClick={() => void press(digits)}>{t('sim.sendDigits')}</button>
        </p>
      )}
      <details>
        <summary>{t('sim.callLog')}</summary>
        <ol>{log.map((l, i) => <li key={i}>{l}</li>)}</ol>
      </details>
    </section>
  );
}
