// The closed lists victim assistance records, named as GICHD's minimum data requirements and the Landmine
// Monitor count them, so a record exports to IMSMA and a statistic compares with the Monitor's tables.
import type { DeviceClass } from '../generated/prisma/enums.js';

export const OUTCOMES = ['killed', 'injured', 'unknown'] as const;
export const SEXES = ['female', 'male', 'unknown'] as const;
export const AGE_GROUPS = ['child', 'adult', 'unknown'] as const;
/** Landmine Monitor: civilians, deminers, security forces (military/police). */
export const CATEGORIES = ['civilian', 'deminer', 'security', 'unknown'] as const;
export const ACTIVITIES = [
  'farming', 'collecting_wood_or_food', 'herding', 'travelling', 'playing', 'handling_tampering', 'scrap_collection', 'other', 'unknown',
] as const;
/** Landmine Monitor device categories. */
export const DEVICE_CATEGORIES = ['improvised_mine', 'ap_mine', 'av_mine', 'cluster_submunition', 'other_erw', 'unknown'] as const;
export const INJURIES = ['lower_limb_amputation', 'upper_limb_amputation', 'eyes', 'hearing', 'other'] as const;
export const RELATIONS = ['self', 'parent', 'spouse', 'child', 'sibling', 'other_family', 'other'] as const;

export const CONSENT_PURPOSES = ['services', 'sharing', 'statistics'] as const;
export const LEGAL_BASES = ['consent', 'vital_interests'] as const;
export const CONSENT_GIVERS = ['survivor', 'family', 'guardian', 'not_applicable'] as const;
export const CONSENT_METHODS = ['in_person', 'phone', 'sms'] as const;

/** The Mine Ban Treaty's components of victim assistance, as a service directory lists them. */
export const SERVICE_TYPES = [
  'emergency_medical', 'physical_rehabilitation', 'psychosocial', 'education', 'livelihood', 'social_protection', 'legal',
] as const;

export const REFERRAL_STATUSES = ['pending', 'accepted', 'in_progress', 'completed', 'declined', 'unable_to_contact', 'cancelled'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export const CLOSED_STATUSES: readonly ReferralStatus[] = ['completed', 'declined', 'unable_to_contact', 'cancelled'];

/** Primero-like: forward only; a closed referral stays closed (a new referral is made instead). */
export const REFERRAL_TRANSITIONS: Record<ReferralStatus, readonly ReferralStatus[]> = {
  pending: ['accepted', 'in_progress', 'completed', 'declined', 'unable_to_contact', 'cancelled'],
  accepted: ['in_progress', 'completed', 'declined', 'unable_to_contact', 'cancelled'],
  in_progress: ['completed', 'unable_to_contact', 'cancelled'],
  completed: [],
  declined: [],
  unable_to_contact: [],
  cancelled: [],
};

export const DEVICE_OF_REPORT: Record<DeviceClass, (typeof DEVICE_CATEGORIES)[number]> = {
  ap_mine: 'ap_mine',
  at_mine: 'av_mine',
  cluster_submunition: 'cluster_submunition',
  uxo: 'other_erw',
  axo: 'other_erw',
  ied: 'improvised_mine',
  unknown: 'unknown',
};

export const CHILD_AGE_LIMIT = 18;
export const ageGroupOf = (age: number | null | undefined) => (age == null ? null : age < CHILD_AGE_LIMIT ? 'child' : 'adult');
