// Readable cron: the presets an educator picks from, and a plain description of a five-field expression.
// Anything the describer does not understand is shown as is (the service checks the syntax).
import type { Key } from './i18n/i18n';

type T = (key: Key, vars?: Record<string, string | number>) => string;

export const CRON_PRESETS: { cron: string; label: Key }[] = [
  { cron: '0 9 * * 1', label: 'cron.preset.monday' },
  { cron: '0 9 * * *', label: 'cron.preset.daily' },
  { cron: '0 9 * * 1-5', label: 'cron.preset.weekdays' },
  { cron: '0 9 1 * *', label: 'cron.preset.monthly' },
];

const DAYS: Key[] = ['cron.day.0', 'cron.day.1', 'cron.day.2', 'cron.day.3', 'cron.day.4', 'cron.day.5', 'cron.day.6'];

export function describeCron(cron: string, t: T): string {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) return t('cron.unknown');
  const [min, hour, dom, mon, dow] = f as [string, string, string, string, string];
  if (!/^\d+$/.test(min) || !/^\d+$/.test(hour)) return t('cron.unknown');
  const time = `${hour.padStart(2, '0')}:${min.padStart(2, '0')}`;
  if (mon !== '*') return t('cron.unknown');
  if (dom === '*' && dow === '*') return t('cron.daily', { time });
  if (dom === '*' && dow === '1-5') return t('cron.weekdays', { time });
  if (dom === '*' && /^[0-7](,[0-7])*$/.test(dow)) {
    const days = dow.split(',').map((d) => t(DAYS[Number(d) % 7]!)).join(', ');
    return t('cron.weekly', { days, time });
  }
  if (/^\d+$/.test(dom) && dow === '*') return t('cron.monthly', { day: dom, time });
  return t('cron.unknown');
}

/** The offset (ms) of an IANA zone at an instant: wall time there minus UTC. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(instant / 1000) * 1000;
}

/** "2026-12-01T09:00" read as wall time in `timeZone` → an ISO instant with offset Z. */
export function zonedToIso(local: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return local;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let instant = wall - zoneOffset(wall, timeZone);
  instant = wall - zoneOffset(instant, timeZone);
  return new Date(instant).toISOString();
}

export const TIME_ZONES = ['Asia/Phnom_Penh', 'Asia/Vientiane', 'America/Bogota', 'UTC'];
