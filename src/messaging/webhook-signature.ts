// Twilio signs each webhook with the auth token over the public URL and the POST parameters. The check is the
// SDK's; the Express middleware around it (webhooks/twilio-signature.ts) decides which URL and token count.
import twilio from 'twilio';

export function isValidTwilioSignature(s: { authToken: string; signature: string; url: string; params: Record<string, string> }): boolean {
  return twilio.validateRequest(s.authToken, s.signature, s.url, s.params);
}

/** The X-Twilio-Signature Twilio would send for this post (the phone simulator posts as Twilio does). */
export function signTwilioRequest(s: { authToken: string; url: string; params: Record<string, string> }): string {
  return twilio.getExpectedTwilioSignature(s.authToken, s.url, s.params);
}
