// Who did something to a report, as stamped in its history. Ids, not phone numbers, so the history can be
// shown and exported without exposing anyone's number. In lib because reports and alerts both write history.
export interface Actor {
  id: string;
  type: 'team_contact' | 'api_key' | 'user' | 'reporter' | 'system';
}

export const SYSTEM: Actor = { id: 'system', type: 'system' };
export const teamContactActor = (teamId: number, contactId: number): Actor => ({ id: `team:${teamId}/contact:${contactId}`, type: 'team_contact' });
export const apiActor = (keyName: string): Actor => ({ id: `api:${keyName}`, type: 'api_key' });
/** A console user, by email: the person who signed in, not a shared key. */
export const userActor = (email: string): Actor => ({ id: `user:${email}`, type: 'user' });
export const reporterActor = (subscriberId: number | null): Actor => ({ id: subscriberId ? `subscriber:${subscriberId}` : 'reporter', type: 'reporter' });
