import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../src/config.js';
import {
  checkContent,
  findBannedAdvice,
  formatContentReport,
  wavInfo,
  type ContentCheckResult,
} from '../../src/content/check-content.js';
import {
  ContentLibraryError,
  MESSAGES_DIR,
  loadContentLibrary,
  readContentLibrary,
} from '../../src/content/library.js';
import { LOCALES_DIR, createI18n, loadResources } from '../../src/lib/i18n.js';
import { smsSegments } from '../../src/messaging/sms-segments.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// ---------------------------------------------------------------------------------------------------------------
// A copy of the real library in a temp dir, to break one thing at a time.
// ---------------------------------------------------------------------------------------------------------------
const tempDirs: string[] = [];
afterEach(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Copy {
  messages: string;
  locales: string;
  editTexts(lng: string, edit: (texts: Record<string, Record<string, string>>) => void): void;
  editMessage(file: string, edit: (m: Record<string, unknown>) => void): void;
  check(maxSegments?: number): ContentCheckResult;
}

function copyLibrary(): Copy {
  const dir = mkdtempSync(join(tmpdir(), 'hazardline-content-'));
  tempDirs.push(dir);
  const messages = join(dir, 'messages');
  const locales = join(dir, 'locales');
  cpSync(MESSAGES_DIR, messages, { recursive: true });
  cpSync(LOCALES_DIR, locales, { recursive: true });
  const editJson = (file: string, edit: (v: never) => void) => {
    const value = JSON.parse(readFileSync(file, 'utf8'));
    edit(value as never);
    writeFileSync(file, JSON.stringify(value, null, 2));
  };
  return {
    messages,
    locales,
    editTexts: (lng, edit) => editJson(join(locales, lng, 'messages.json'), edit),
    editMessage: (file, edit) => editJson(join(messages, file), edit),
    check: (maxSegments = 3) => {
      const { library, problems } = readContentLibrary(messages);
      return checkContent({ library, resources: loadResources(locales), maxSegments, messagesDir: messages, localesDir: locales, libraryProblems: problems });
    },
  };
}

function checkShipped(): ContentCheckResult {
  const { library, problems } = readContentLibrary();
  return checkContent({ library, resources: loadResources(), maxSegments: 3, localesDir: LOCALES_DIR, libraryProblems: problems });
}

const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

/** A short real Khmer sentence, repeated until the text needs `parts` UCS-2 parts. */
function khmerOfParts(parts: number): string {
  const sentence = 'កុំប៉ះវត្ថុចម្លែក។ ';
  let text = '';
  while (smsSegments(text).segments < parts) text += sentence;
  return text.trim();
}

// ---------------------------------------------------------------------------------------------------------------

describe('content library', () => {
  it('when the shipped library is loaded, then every message parses and can be found by id', () => {
    const library = loadContentLibrary();

    expect(library.messages.length).toBeGreaterThanOrEqual(12);
    expect(library.get('mre-001')?.topic).toBe('recognise');
    expect(library.get('mre-999')).toBeUndefined();
    const topics = new Set(library.messages.map((m) => m.topic));
    for (const t of ['recognise', 'avoid', 'report', 'rainy-season', 'planting-season', 'scrap-metal', 'children', 'returning-land', 'after-accident']) {
      expect(topics, t).toContain(t);
    }
  });

  it('when a message file breaks the schema, then loading throws naming the file and the field', () => {
    const copy = copyLibrary();
    copy.editMessage('mre-002-avoid.json', (m) => {
      m.channels = ['fax'];
    });

    expect(() => loadContentLibrary(copy.messages)).toThrow(ContentLibraryError);
    expect(() => loadContentLibrary(copy.messages)).toThrow(/mre-002-avoid\.json: channels\.0/);
    const result = copy.check();
    expect(result.ok).toBe(false);
    expect(result.errors.find((e) => e.code === 'library')?.message).toMatch(/mre-002-avoid\.json/);
  });

  it('when a message is rendered through i18n, then every locale gets its own text with the variables filled in', () => {
    const { t } = createI18n();

    for (const lng of SUPPORTED_LOCALES) {
      const text = t(lng, 'messages:mre-007.sms', { district: 'Mongkol Borei', hotline: '1297' });
      expect(text, lng).toContain('Mongkol Borei');
      expect(text, lng).toContain('1297');
      expect(text, lng).not.toContain('{{');
    }
    expect(t('km', 'messages:mre-001.sms', { hotline: '1297' })).toMatch(/[\u1780-\u17FF]/);
    expect(t('lo', 'messages:mre-001.sms', { hotline: '1297' })).toMatch(/[\u0E80-\u0EFF]/);
  });
});

describe('content check on the shipped library', () => {
  it('when the shipped library is checked, then it passes and reports every SMS text of every locale', () => {
    const result = checkShipped();

    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.table).toHaveLength(result.summary.messages * SUPPORTED_LOCALES.length);
    for (const row of result.table) {
      expect(row.segments, `${row.id} ${row.locale}`).toBeLessThanOrEqual(3);
      if (row.locale === 'km' || row.locale === 'lo') expect(row.encoding).toBe('UCS-2');
      if (row.locale === 'en' || row.locale === 'es') expect(row.encoding, `${row.id} ${row.locale}`).toBe('GSM-7');
    }
  });

  it('when audio files are placeholders, then each is a warning, not an error, and is small', () => {
    const result = checkShipped();

    const placeholders = result.warnings.filter((w) => w.code === 'placeholder-audio');
    const voiceMessages = loadContentLibrary().messages.filter((m) => m.channels.includes('voice'));
    expect(placeholders).toHaveLength(voiceMessages.length * 2);
    expect(placeholders[0]!.message).toMatch(/PLACEHOLDER, not a recording/);
    for (const m of voiceMessages) {
      expect(m.review.notes).toMatch(/placeholder tone; record native voice before use/);
      for (const rel of Object.values(m.audio)) expect(readFileSync(join(MESSAGES_DIR, rel)).length).toBeLessThan(20_000);
    }
  });

  it('when the report is formatted, then it shows the table, the per-locale maximum and the verdict', () => {
    const report = formatContentReport(checkShipped());

    expect(report).toMatch(/^mre-001\s+recognise\s+GSM-7 \d \(\d+\)\s+UCS-2 \d/m);
    expect(report).toMatch(/most parts per locale: en \d, km \d, lo \d, es \d/);
    expect(report).toMatch(/ERRORS \(0\)/);
    expect(report).toMatch(/content check passed/);
  });
});

describe('content check failures', () => {
  it('when a Khmer key is missing, then the check fails naming the key and the locale file', () => {
    const copy = copyLibrary();
    copy.editTexts('km', (texts) => {
      delete texts['mre-003']!.sms;
    });

    const result = copy.check();

    expect(result.ok).toBe(false);
    const finding = result.errors.find((e) => e.code === 'missing-key');
    expect(finding).toMatchObject({ id: 'mre-003', locale: 'km', key: 'messages:mre-003.sms' });
    expect(finding!.message).toBe('messages:mre-003.sms is missing in km (locales/km/messages.json)');
  });

  it('when a key exists only in one locale, then the other locales are reported missing it and it is an orphan', () => {
    const copy = copyLibrary();
    copy.editTexts('lo', (texts) => {
      texts['mre-099'] = { sms: 'ຢ່າແຕະ.' };
    });

    const result = copy.check();

    expect(result.ok).toBe(false);
    expect(result.errors.filter((e) => e.key === 'messages:mre-099.sms').map((e) => e.locale).sort()).toEqual(['en', 'es', 'km']);
    expect(codes(result.warnings)).toContain('orphan-key');
  });

  it('when a variable is misspelt in one locale, then the check fails showing both spellings', () => {
    const copy = copyLibrary();
    copy.editTexts('es', (texts) => {
      texts['mre-007']!.sms = texts['mre-007']!.sms!.replace('{{district}}', '{{distrcit}}');
    });

    const result = copy.check();

    expect(result.ok).toBe(false);
    const finding = result.errors.find((e) => e.code === 'variables');
    expect(finding).toMatchObject({ id: 'mre-007', locale: 'es' });
    expect(finding!.message).toMatch(/lacks \{\{district\}\}/);
    expect(finding!.message).toMatch(/has \{\{distrcit\}\} that en does not/);
  });

  it('when every locale uses a variable nobody supplies, then the check fails', () => {
    const copy = copyLibrary();
    for (const lng of SUPPORTED_LOCALES) {
      copy.editTexts(lng, (texts) => {
        texts['mre-001']!.sms += ' {{village}}';
      });
    }

    const result = copy.check();

    expect(result.errors.find((e) => e.code === 'unknown-variable')?.message).toMatch(/uses \{\{village\}\}/);
  });

  it('when a Khmer text needs 4 parts, then the check fails with its parts and the limit', () => {
    const copy = copyLibrary();
    const long = khmerOfParts(4);
    copy.editTexts('km', (texts) => {
      texts['mre-005']!.sms = `${long} {{hotline}}`;
    });

    const result = copy.check();

    expect(result.ok).toBe(false);
    const finding = result.errors.find((e) => e.code === 'too-long');
    expect(finding).toMatchObject({ id: 'mre-005', locale: 'km' });
    expect(finding!.message).toMatch(/is [45] UCS-2 parts .* over the limit of 3/);
    expect(result.table.find((r) => r.id === 'mre-005' && r.locale === 'km')?.tooLong).toBe(true);
  });

  it('when the part limit is lowered to 1, then the two-part texts fail', () => {
    const result = copyLibrary().check(1);

    expect(result.ok).toBe(false);
    expect(result.errors.filter((e) => e.code === 'too-long').length).toBeGreaterThan(10);
  });

  it('when a Khmer audio file is missing, then the check fails naming the file', () => {
    const copy = copyLibrary();
    unlinkSync(join(copy.messages, 'audio/km/mre-004.wav'));

    const result = copy.check();

    expect(result.ok).toBe(false);
    expect(result.errors.find((e) => e.code === 'missing-audio')).toMatchObject({
      id: 'mre-004',
      locale: 'km',
      message: 'mre-004 km audio file messages/audio/km/mre-004.wav does not exist',
    });
  });

  it('when a voice message names no Lao audio, then the check fails: the call would be silent', () => {
    const copy = copyLibrary();
    copy.editMessage('mre-006-stop-go-back.json', (m) => {
      delete (m.audio as Record<string, string>).lo;
    });

    const result = copy.check();

    expect(result.errors.find((e) => e.code === 'missing-audio')?.message).toMatch(/mre-006 is a voice message but names no lo audio file/);
  });

  it('when an audio file is not a WAV, then the check fails', () => {
    const copy = copyLibrary();
    writeFileSync(join(copy.messages, 'audio/lo/mre-001.wav'), 'not audio');

    expect(copy.check().errors.find((e) => e.code === 'bad-audio')?.message).toMatch(/not a RIFF\/WAVE file/);
  });

  it('when a long recording replaces a placeholder and its PLACEHOLDERS line is removed, then it is not warned about', () => {
    const copy = copyLibrary();
    writeFileSync(join(copy.messages, 'audio/km/mre-001.wav'), pcmWav(8000, 3));
    const list = join(copy.messages, 'audio/PLACEHOLDERS');
    writeFileSync(list, readFileSync(list, 'utf8').replace('audio/km/mre-001.wav\n', ''));

    const result = copy.check();

    expect(result.ok).toBe(true);
    expect(result.warnings.some((w) => w.id === 'mre-001' && w.locale === 'km')).toBe(false);
    expect(result.warnings.some((w) => w.id === 'mre-001' && w.locale === 'lo')).toBe(true);
  });

  it('when an English text gives banned advice, then the check fails quoting the sentence', () => {
    const copy = copyLibrary();
    copy.editTexts('en', (texts) => {
      texts['mre-009']!.voice = 'Found an old bomb? Pick it up and bring it to the village chief. Call {{hotline}}.';
    });

    const result = copy.check();

    expect(result.ok).toBe(false);
    const finding = result.errors.find((e) => e.code === 'banned-advice');
    expect(finding).toMatchObject({ id: 'mre-009', locale: 'en', key: 'messages:mre-009.voice' });
    expect(finding!.message).toMatch(/"pick it up" without a negation in: "Pick it up and bring it to the village chief\."/);
  });
});

describe('banned advice word list', () => {
  it.each([
    'Never touch it.',
    'Do not touch, kick, hit or move it.',
    "Don't pick it up.",
    'Never collect or sell bombs as scrap metal, even if they look empty.',
    'Do not burn bushes or grass where mines may be.',
    'Mark the place without touching it.',
    'Avoid moving the object.',
    'Children must not touch them, throw stones at them or take them home.',
    'Nobody should carry it home.',
    'Move away from the bomb slowly.',
    'If you saw it, tell us where.',
    'Fire can make them explode.',
    'Stand still and call for help.',
  ])('when the text is safe ("%s"), then nothing is flagged', (text) => {
    expect(findBannedAdvice(text)).toEqual([]);
  });

  it.each([
    ['Pick it up and bring it to the village chief', 'pick it up'],
    ['Burn the field to clear it', 'burn'],
    ['Move the bomb off the path.', 'move the bomb'],
    ['You can sell old shells for scrap.', 'sell old shells'],
    ['Kick it away from the path.', 'kick it'],
    ['Set fire to the grass before planting.', 'set fire'],
    ['Take the bomblets home so children are safe.', 'take the bomblets home'],
    ['Dig up the rusty mine carefully.', 'dig up the rusty mine'],
    ['Do not panic, then pick it up.', 'pick it up'],
    ['Do not run. Carry it to the road.', 'carry it'],
  ])('when the text is unsafe ("%s"), then "%s" is flagged', (text, phrase) => {
    expect(findBannedAdvice(text).map((h) => h.phrase)).toContain(phrase);
  });
});

describe('wav reader', () => {
  it('when a PCM WAV is read, then its duration comes from the header', () => {
    expect(wavInfo(pcmWav(8000, 3))).toEqual({ seconds: 3, sampleRate: 8000, channels: 1 });
    expect(wavInfo(Buffer.from('RIFF....WAVE'))).toEqual({ error: 'WAV has no valid "fmt " chunk' });
  });
});

describe('content:check CLI', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync('npx', ['tsx', 'scripts/content-check.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 60_000,
    });

  it('when the shipped content is checked, then it exits 0 and prints the table and the placeholder warnings', () => {
    const res = run([]);

    expect(res.status, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/mre-001\s+recognise/);
    expect(res.stdout).toMatch(/WARNING \[placeholder-audio\]/);
    expect(res.stdout).toMatch(/content check passed/);
  });

  it('when a copy with a missing Khmer key is checked, then it exits 1 and prints the finding', () => {
    const copy = copyLibrary();
    copy.editTexts('km', (texts) => {
      delete texts['mre-010']!.voice;
    });

    const res = run(['--messages', copy.messages, '--locales', copy.locales]);

    expect(res.status).toBe(1);
    expect(res.stdout).toContain('[missing-key] messages:mre-010.voice is missing in km');
    expect(res.stdout).toMatch(/content check FAILED: 1 errors/);
  });

  it('when CONTENT_MAX_SEGMENTS is 1, then the two-part texts fail and it exits 1', () => {
    const copy = copyLibrary();

    const res = run(['--messages', copy.messages, '--locales', copy.locales], { CONTENT_MAX_SEGMENTS: '1' });

    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/\[too-long\] messages:mre-001\.sms in en is 2 GSM-7 parts/);
  });

  it('when CONTENT_MAX_SEGMENTS is not a number, then it exits 2 with usage', () => {
    const res = run([], { CONTENT_MAX_SEGMENTS: 'three' });

    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/CONTENT_MAX_SEGMENTS must be a whole number/);
  });
});

/** A silent 16-bit mono PCM WAV of the given length. */
function pcmWav(rate: number, seconds: number): Buffer {
  const bytes = rate * seconds * 2;
  const buf = Buffer.alloc(44 + bytes);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + bytes, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(bytes, 40);
  return buf;
}
