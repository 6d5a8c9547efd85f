// npm run audio:placeholders [-- --tones]: placeholder audio for hotline prompts without a recording (km, lo).
// Run by postinstall after prisma generate; it never fails the install: a problem is printed and the hotline
// falls back to <Say> in English for any prompt without a file.
import { generatePromptPlaceholders } from '../src/content/prompt-audio.js';
import { loadResources } from '../src/lib/i18n.js';

try {
  const started = Date.now();
  const r = generatePromptPlaceholders({ resources: loadResources(), useEspeak: !process.argv.includes('--tones') });
  console.log(
    `audio:placeholders: ${r.written.length} written (${r.generator}), ${r.kept} up to date, ${r.recordings} recordings kept, ${Date.now() - started} ms` +
      (r.written.length ? ' — these are PLACEHOLDERS (messages/audio/prompts/manifest.json), not recordings' : ''),
  );
} catch (err) {
  console.warn(`audio:placeholders: skipped (${(err as Error).message}); prompts without audio are read in English`);
}
