// Two exports beyond the statistics:
// - IMSMA-oriented Accident and Victim items (GICHD minimum data requirements). One Accident per hazard report
//   (or per casualty entered without one), one Victim per casualty. No names or contacts: the national
//   authority's own process adds identity where the law allows. Field mapping in the README.
// - Referral outcomes per service type and province: how many reached care, and in how many days (median).
import type { AppContext } from '../context.js';
import { csvCell } from './stats.js';

const IMSMA_COLUMNS = [
  ['accident_id', 'Accident.localId'], ['accident_date', 'Accident.dateOfAccident'], ['province_pcode', 'Accident.location.adm1'],
  ['district_pcode', 'Accident.location.adm2'], ['admin_pcode', 'Accident.location.admLowest'], ['latitude', 'Accident.location.latitude'],
  ['longitude', 'Accident.location.longitude'], ['device_category', 'Accident.deviceCategory'], ['hazard_report_id', 'Accident.linkedHazardReport'],
  ['victim_id', 'Victim.localId'], ['outcome', 'Victim.killedOrInjured'], ['sex', 'Victim.gender'], ['age', 'Victim.age'],
  ['age_group', 'Victim.ageCategory'], ['category', 'Victim.victimType'], ['activity', 'Victim.activityAtTimeOfAccident'],
  ['injuries', 'Victim.injuries'], ['record_status', 'Victim.recordStatus'],
] as const;
export const IMSMA_FIELD_MAP = Object.fromEntries(IMSMA_COLUMNS);

export async function imsmaExport(ctx: Pick<AppContext, 'prisma'>) {
  const rows = await ctx.prisma.casualty.findMany({ orderBy: { id: 'asc' }, take: 100_000 });
  const accidents = new Map<string, { accident_id: string; victims: Record<string, unknown>[]; [k: string]: unknown }>();
  const flat: Record<string, unknown>[] = [];
  for (const c of rows) {
    const accidentId = c.reportId ? `HL-R${c.reportId}` : `HL-C${c.id}`;
    const accident = {
      accident_id: accidentId,
      accident_date: c.accidentDate?.toISOString().slice(0, 10) ?? (c.accidentYear ? String(c.accidentYear) : null),
      province_pcode: c.provincePcode, district_pcode: c.districtPcode, admin_pcode: c.adminPcode,
      latitude: c.lat, longitude: c.lon, device_category: c.deviceCategory, hazard_report_id: c.reportId,
    };
    const victim = {
      victim_id: `HL-V${c.id}`, outcome: c.outcome, sex: c.sex, age: c.age, age_group: c.ageGroup, category: c.category,
      activity: c.activity, injuries: c.injuries.join(';'), record_status: c.status,
    };
    const a = accidents.get(accidentId) ?? { ...accident, victims: [] };
    a.victims.push(victim);
    accidents.set(accidentId, a);
    flat.push({ ...accident, ...victim });
  }
  return { accidents: [...accidents.values()], flat, fieldMap: IMSMA_FIELD_MAP };
}

export function imsmaCsv(flat: Record<string, unknown>[]): string {
  const header = IMSMA_COLUMNS.map((c) => c[0]);
  const lines = [header.join(','), ...flat.map((r) => header.map((h) => csvCell(r[h])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function referralOutcomes(ctx: Pick<AppContext, 'prisma'>) {
  const rows = await ctx.prisma.vaReferral.findMany({ select: { serviceType: true, provincePcode: true, status: true, createdAt: true, acceptedAt: true }, take: 100_000 });
  const groups = new Map<string, { serviceType: string; provincePcode: string | null; total: number; reachedCare: number; open: number; completed: number; declined: number; unableToContact: number; cancelled: number; days: number[] }>();
  for (const r of rows) {
    const key = `${r.serviceType}|${r.provincePcode ?? ''}`;
    const g = groups.get(key) ?? { serviceType: r.serviceType, provincePcode: r.provincePcode, total: 0, reachedCare: 0, open: 0, completed: 0, declined: 0, unableToContact: 0, cancelled: 0, days: [] };
    g.total++;
    // Reached care: the provider took the person on (accepted, started or completed).
    if (r.acceptedAt && ['accepted', 'in_progress', 'completed'].includes(r.status)) {
      g.reachedCare++;
      g.days.push(Math.round(((r.acceptedAt.getTime() - r.createdAt.getTime()) / 86_400_000) * 10) / 10);
    }
    if (r.status === 'completed') g.completed++;
    else if (r.status === 'declined') g.declined++;
    else if (r.status === 'unable_to_contact') g.unableToContact++;
    else if (r.status === 'cancelled') g.cancelled++;
    else g.open++;
    groups.set(key, g);
  }
  return {
    data: [...groups.values()].map(({ days, ...g }) => ({ ...g, medianDaysToCare: median(days) })),
    note: 'reachedCare counts referrals the provider accepted, started or completed; days from referral to acceptance.',
  };
}
