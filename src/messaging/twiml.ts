// TwiML, the XML Twilio reads to answer an SMS or run a call, built with the SDK so text is always escaped.
// Callers pass plain strings and get XML back: no other folder needs to know the SDK or Twilio's voice names.
import twilio from 'twilio';

// Twilio <Say> voices exist for English and Spanish, none for Khmer or Lao: those listeners hear English.
const VOICES = {
  en: { language: 'en-US', voice: 'Polly.Joanna' },
  es: { language: 'es-MX', voice: 'Polly.Mia' },
} as const;

/** The locale a call is read in: the listener's own where Twilio has a voice for it, else English. */
export function voiceFor(language: string): { locale: keyof typeof VOICES } & (typeof VOICES)[keyof typeof VOICES] {
  const locale = language in VOICES ? (language as keyof typeof VOICES) : 'en';
  return { locale, ...VOICES[locale] };
}

/** The answer to an inbound SMS: one reply message, or an empty response when there is nothing to say. */
export function messagingTwiml(reply: string | null): string {
  const response = new twilio.twiml.MessagingResponse();
  if (reply) response.message(reply);
  return response.toString();
}

/** A call reading the text twice with a pause between: people pick up mid-sentence. */
export function sayTwiml(text: string, language: string): string {
  const v = voiceFor(language);
  const response = new twilio.twiml.VoiceResponse();
  response.say({ language: v.language, voice: v.voice }, text);
  response.pause({ length: 1 });
  response.say({ language: v.language, voice: v.voice }, text);
  return response.toString();
}

/** A call playing a recording twice (Khmer and Lao, which no <Say> voice reads). */
export function playTwiml(url: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.play({ loop: 2 }, url);
  return response.toString();
}
