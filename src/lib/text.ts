// Text from phones is untrusted: any script, emoji, control bytes, broken surrogates. These helpers make it
// safe to store, log and echo in TwiML (XML 1.0 forbids most control characters) without losing meaning.

// C0 controls except tab/newline/CR, DEL, C1 controls, and lone surrogates.
const UNSAFE_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Zero-width and bidi controls that phones insert and that break keyword matching.
const INVISIBLE_RE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

/** For storage and display: NFC, unsafe controls removed, nothing else changed. */
export function cleanText(raw: string): string {
  return raw.normalize('NFC').replace(UNSAFE_RE, '');
}

/** For matching keywords and names: also strips invisible marks and folds whitespace. */
export function matchableText(raw: string): string {
  return cleanText(raw).replace(INVISIBLE_RE, '').replace(/\s+/g, ' ').trim();
}

/** Removes Latin diacritics (á → a) for tolerant comparison; other scripts are left as they are. */
export function foldLatin(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
}

/** Shortens text for echoing back to a person, on a code point boundary. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
