// The outbound call prompts (locales/<lng>/voice.json): every key in every locale with the same variables,
// no unsafe advice, and Khmer/Lao never read as text by an English voice.
import { describe, expect, it } from 'vitest';
import { loadResources, createI18n } from '../../src/lib/i18n.js';
import { SUPPORTED_LOCALES, testConfig } from '../../src/config.js';
import { findBannedAdvice, textVariables } from '../../src/content/check-content.js';
import { voicePrompt } from '../../src/campaigns/voice-prompts.js';

const resources = loadResources();
const voice = (lng: string) => resources[lng]!.voice as Record<string, string>;

describe('voice prompts', () => {
  it('when a locale is loaded, then it has every English prompt, non-empty, with the same variables', () => {
    const keys = Object.keys(voice('en')).sort();
    expect(keys.length).toBeGreaterThan(5);
    for (const lng of SUPPORTED_LOCALES) {
      expect(Object.keys(voice(lng)).sort(), lng).toEqual(keys);
      for (const key of keys) {
        expect(voice(lng)[key]!.trim(), `${lng} ${key}`).not.toBe('');
        expect(textVariables(voice(lng)[key]!), `${lng} ${key}`).toEqual(textVariables(voice('en')[key]!));
      }
    }
  });

  it('when the English prompts are checked for advice, then none tells anyone to touch, move or burn anything', () => {
    for (const [key, text] of Object.entries(voice('en'))) expect(findBannedAdvice(text), key).toEqual([]);
  });

  it('when a prompt is for a Khmer or Lao listener without a recording, then it is the English text in an English voice', () => {
    const ctx = { i18n: createI18n(resources), config: testConfig() };
    expect(voicePrompt(ctx, 'km', 'goodbye')).toEqual({ text: voice('en').goodbye, locale: 'en' });
    expect(voicePrompt(ctx, 'es', 'goodbye')).toEqual({ text: voice('es').goodbye, locale: 'es' });
  });
});
