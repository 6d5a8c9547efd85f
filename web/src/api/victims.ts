// The shapes /api/victims answers with (src/victims/serialize.ts, the services) and the closed lists it accepts
// (src/victims/vocab.ts), so forms offer exactly what the API validates.
import type { Locale } from './types';

export const OUTCOMES = ['killed', 'injured', 'unknown'] as const;
export const SEXES = ['female', 'male', 'unknown'] as const;
export const AGE_GROUPS = ['child', 'adult', 'unknown'] as const;
export const CATEGORIES = ['civilian', 'deminer', 'security', 'unknown'] as const;
export const ACTIVITIES = ['farming', 'collecting_wood_or_food', 'herding', 'travelling', 'playing', 'handling_tampering', 'scrap_collection', 'other', 'unknown'] as const;
export const DEVICE_CATEGORIES = ['improvised_mine', 'ap_mine', 'av_mine', 'cluster_submunition', 'other_erw', 'unknown'] as const;
export const INJURIES = ['lower_limb_amputation', 'upper_limb_amputation', 'eyes', 'hearing', 'other'] as const;
export const RELATIONS = ['self', 'parent', 'spouse', 'child', 'sibling', 'other_family', 'other'] as const;
export const CONSENT_PURPOSES = ['services', 'sharing', 'statistics'] as const;
export const LEGAL_BASES = ['consent', 'vital_interests'] as const;
export const CONSENT_GIVERS = ['survivor', 'family', 'guardian', 'not_applicable'] as const;
export const CONSENT_METHODS = ['in_person', 'phone', 'sms'] as const;
export const SERVICE_TYPES = ['emergency_medical', 'physical_rehabilitation', 'psychosocial', 'education', 'livelihood', 'social_protection', 'legal'] as const;
export const REFERRAL_STATUSES = ['pending', 'accepted', 'in_progress', 'completed', 'declined', 'unable_to_contact', 'cancelled'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
/** Forward only, as src/victims/vocab.ts REFERRAL_TRANSITIONS. */
export const REFERRAL_TRANSITIONS: Record<ReferralStatus, readonly ReferralStatus[]> = {
  pending: ['accepted', 'in_progress', 'completed', 'declined', 'unable_to_contact', 'cancelled'],
  accepted: ['in_progress', 'completed', 'declined', 'unable_to_contact', 'cancelled'],
  in_progress: ['completed', 'unable_to_contact', 'cancelled'],
  completed: [], declined: [], unable_to_contact: [], cancelled: [],
};
export const NEEDS_REASON: readonly ReferralStatus[] = ['declined', 'unable_to_contact', 'cancelled'];

export interface Casualty {
  id: number; status: 'placeholder' | 'complete'; reportId: number | null; outcome: string; sex: string; age: number | null;
  ageGroup: string; category: string; activity: string; deviceCategory: string; accidentDate: string | null; accidentYear: number | null;
  adminPcode: string | null; districtPcode: string | null; provincePcode: string | null; lat: number | null; lon: number | null;
  injuries: string[]; name: string | null; contactName: string | null; contactPhone: string | null; contactRelation: string | null;
  language: Locale; notes: string | null; createdBy: string; createdAt: string; updatedAt: string; erasedAt: string | null;
}
export interface Consent {
  id: number; casualtyId: number; purpose: string; organisation: string | null; legalBasis: string; givenBy: string;
  givenByName: string | null; method: string; recordedBy: string; givenAt: string; withdrawnAt: string | null; notes: string | null;
}
export interface ProviderRef { id: number; name: string; organisation: string | null; serviceType?: string; provincePcode?: string; demo?: boolean }
export interface Referral {
  id: number; casualtyId: number; providerId: number; serviceType: string; provincePcode: string | null; status: ReferralStatus;
  needs: string | null; outcome: string | null; closeReason: string | null; overrideReason: string | null; createdAt: string;
  acceptedAt: string | null; closedAt: string | null; provider: ProviderRef;
}
export interface ReferralEvent { id: number; fromStatus: string | null; toStatus: string; actor: string; actorType: string; note: string | null; at: string }
export interface FollowUp {
  id: number; referralId: number; casualtyId: number; kind: string; offsetDays: number; dueAt: string; attempt: number; status: string;
  lastSentAt: string | null; answer: string | null; answeredAt: string | null; skipReason: string | null;
}
export interface ReferralDetail extends Referral { events: ReferralEvent[]; followUps: FollowUp[] }
export interface CasualtyDetail extends Casualty { consents: Consent[]; referrals: Referral[] }
export interface Provider {
  id: number; name: string; organisation: string | null; provincePcode: string; serviceType: string; phone: string | null;
  webhookUrl: string | null; language: Locale; openingHours: string | null; demo: boolean; active: boolean; notes: string | null;
}
export interface VaTask {
  id: number; kind: string; status: 'open' | 'done'; casualtyId: number | null; referralId: number | null; followUpId: number | null;
  note: string | null; dueAt: string; createdAt: string; closedAt: string | null; closedBy: string | null;
}
export type Cell = number | '<5';
export const MEASURES = ['total', 'killed', 'injured', 'outcomeUnknown', 'civilians', 'military', 'deminers', 'female', 'male', 'sexUnknown', 'children', 'adults', 'ageUnknown', 'killedChildren', 'injuredChildren'] as const;
export type Measure = (typeof MEASURES)[number];
export interface StatsRow extends Record<Measure, Cell> { year: number | null; provincePcode: string | null; provinceName: string | null; deviceCategory: string }
export interface Stats { data: StatsRow[]; totals: Record<Measure, Cell>; suppressed: boolean; note: string }
export interface Outcome {
  serviceType: string; provincePcode: string | null; total: number; reachedCare: number; open: number; completed: number;
  declined: number; unableToContact: number; cancelled: number; medianDaysToCare: number | null;
}
export interface Need {
  id: number; status: string; outcome: string; sex: string; ageGroup: string; category: string; activity: string; deviceCategory: string;
  accidentYear: number | null; districtPcode: string | null; provincePcode: string | null; injuries: string[]; openNeeds: string[];
}
/** 422 consent_missing details: which consent a referral lacks. */
export interface MissingConsent { purpose: string; organisation?: string }
