// Triage: how urgent a report is, and why. Casualties are critical (someone may be dying and the referral
// must go now); children or a device near where people live, walk, farm or fetch water is high.
import type { ReportPriority } from '../generated/prisma/enums.js';

export interface TriageInput {
  casualties: boolean;
  children: boolean;
  contextFlags: string[];
}

const HIGH_FLAGS = ['school', 'house', 'road', 'water'];

export function triage(input: TriageInput): { priority: ReportPriority; reasons: string[] } {
  const reasons: string[] = [];
  if (input.casualties) reasons.push('casualties');
  if (input.children) reasons.push('children');
  for (const flag of input.contextFlags) if (HIGH_FLAGS.includes(flag)) reasons.push(`near_${flag}`);
  const priority: ReportPriority = input.casualties ? 'critical' : reasons.length > 0 ? 'high' : 'normal';
  return { priority, reasons };
}
