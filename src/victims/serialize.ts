// Two views of a casualty: the full record for the victim-assistance role, and the de-identified one for
// everyone else (no name, contact, notes, exact point, exact date or age; place down to the district).
import type { Casualty } from '../generated/prisma/client.js';

export function identifyingCasualty(c: Casualty) {
  return {
    id: c.id,
    status: c.status,
    reportId: c.reportId,
    outcome: c.outcome,
    sex: c.sex,
    age: c.age,
    ageGroup: c.ageGroup,
    category: c.category,
    activity: c.activity,
    deviceCategory: c.deviceCategory,
    accidentDate: c.accidentDate ? c.accidentDate.toISOString().slice(0, 10) : null,
    accidentYear: c.accidentYear,
    adminPcode: c.adminPcode,
    districtPcode: c.districtPcode,
    provincePcode: c.provincePcode,
    lat: c.lat,
    lon: c.lon,
    injuries: c.injuries,
    name: c.name,
    contactName: c.contactName,
    contactPhone: c.contactPhone,
    contactRelation: c.contactRelation,
    language: c.language,
    notes: c.notes,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    erasedAt: c.erasedAt,
  };
}

/** What a coordinator may see: counts and needs, never who. */
export function deidentifiedCasualty(c: Casualty, openNeeds: string[] = []) {
  return {
    id: c.id,
    status: c.status,
    outcome: c.outcome,
    sex: c.sex,
    ageGroup: c.ageGroup,
    category: c.category,
    activity: c.activity,
    deviceCategory: c.deviceCategory,
    accidentYear: c.accidentYear,
    districtPcode: c.districtPcode,
    provincePcode: c.provincePcode,
    injuries: c.injuries,
    /** Service types of the referrals not yet closed. */
    openNeeds,
  };
}
