// Prompt audio (placeholders, the content check) and the step machine's paging, without HTTP or database.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResources } from '../../src/lib/i18n.js';
import { generatePromptPlaceholders } from '../../src/content/prompt-audio.js';
import { checkPrompts } from '../../src/content/check-prompts.js';
import { PROMPTS } from '../../src/content/prompts.js';
import { advance, startCall } from '../../src/ivr/machine.js';
import { memoryPlaces } from '../../src/ivr/places.js';
import type { MachineEnv, PlaceOption } from '../../src/ivr/types.js';

const resources = loadResources();
const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prompt audio', () => {
  it('when no audio exists, then the content check names every missing km and lo prompt', () => {
    const r = checkPrompts({ resources, messagesDir: dir });
    expect(r.errors.filter((e) => e.code === 'missing-audio')).toHaveLength(PROMPTS.length * 2);
    expect(r.errors.filter((e) => e.code !== 'missing-audio')).toEqual([]);
  });

  it('when placeholders are generated (tones), then they are listed as such, measured, and a second run writes nothing', () => {
    const promptsDir = join(dir, 'audio', 'prompts');
    const first = generatePromptPlaceholders({ resources, dir: promptsDir, useEspeak: false });
    expect(first.written).toHaveLength(PROMPTS.length * 2);
    const manifest = JSON.parse(readFileSync(join(promptsDir, 'manifest.json'), 'utf8'));
    expect(manifest.files['km/menu.main.wav']).toMatchObject({ placeholder: true, generator: 'tone' });
    expect(generatePromptPlaceholders({ resources, dir: promptsDir, useEspeak: false }).written).toEqual([]);

    const r = checkPrompts({ resources, messagesDir: dir });
    expect(r.errors).toEqual([]);
    expect(r.audio.find((a) => a.locale === 'lo' && a.prompt === 'goodbye')).toMatchObject({ seconds: 1, placeholder: true });
    expect(r.warnings.map((w) => w.locale)).toEqual(['km', 'lo']);
  });

  it('when a recording replaces a placeholder, then it is never overwritten and no longer counted as a placeholder', () => {
    const promptsDir = join(dir, 'audio', 'prompts');
    const manifestFile = join(promptsDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    delete manifest.files['km/goodbye.wav'];
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const r = generatePromptPlaceholders({ resources, dir: promptsDir, useEspeak: false });
    expect(r).toMatchObject({ written: [], recordings: 1 });
    const row = checkPrompts({ resources, messagesDir: dir }).audio.find((a) => a.locale === 'km' && a.prompt === 'goodbye');
    expect(row?.placeholder).toBe(false);
  });
});

describe('step machine: place lists', () => {
  const districts: (PlaceOption & { parentPcode: string | null; country: string })[] = Array.from({ length: 20 }, (_, i) => ({
    pcode: `01${String(i + 1).padStart(2, '0')}`, nameEn: `District ${i + 1}`, nameLocal: null, level: 'district', parentPcode: '01', country: 'KH',
  }));
  const env: MachineEnv = {
    places: memoryPlaces([{ pcode: '01', nameEn: 'Province', nameLocal: null, level: 'province', parentPcode: null, country: 'KH' }, ...districts]),
    emergencyNumber: '119',
    voiceMessages: ['mre-001'],
    country: 'KH',
  };
  const names = (say: unknown[]) => say.flatMap((s) => (typeof s === 'object' && s && 'place' in s ? [(s as { place: PlaceOption }).place.nameEn] : []));

  it('when a list has more than 9 units, then pages of 8 with 9 = more, wrapping to the first page; 0 = I don\'t know', async () => {
    let turn = await startCall(env, { knownLocale: 'en', guessedLocale: 'en' });
    turn = await advance(env, turn.state, '1'); // report
    turn = await advance(env, turn.state, '1'); // the one province
    expect(names(turn.say)).toEqual(districts.slice(0, 8).map((d) => d.nameEn));
    expect(turn.say).toContainEqual({ prompt: 'choice.more' });
    turn = await advance(env, turn.state, '9');
    expect(names(turn.say)).toEqual(districts.slice(8, 16).map((d) => d.nameEn));
    turn = await advance(env, turn.state, '9');
    expect(names(turn.say)).toEqual(districts.slice(16).map((d) => d.nameEn));
    turn = await advance(env, turn.state, '9');
    expect(names(turn.say)[0]).toBe('District 1');
    turn = await advance(env, turn.state, '9');
    turn = await advance(env, turn.state, '3'); // District 11
    expect(turn.state.report.district?.pcode).toBe('0111');
    expect(turn.state.step).toBe('report.device');
    expect(turn.effects).toContainEqual({ kind: 'saveReport' });
  });

  it('when the caller never answers the device question, then it is unknown after two repeats and the emergency number is still said', async () => {
    let turn = await startCall(env, { knownLocale: 'en', guessedLocale: 'en' });
    turn = await advance(env, turn.state, '1');
    turn = await advance(env, turn.state, '0'); // province unknown → straight to the device
    expect(turn.state.step).toBe('report.device');
    for (let i = 0; i < 3; i++) turn = await advance(env, turn.state, null);
    expect(turn.state).toMatchObject({ step: 'report.casualties', report: { device: 'unknown', province: null } });
    for (let i = 0; i < 3; i++) turn = await advance(env, turn.state, '5');
    expect(turn.state.step).toBe('report.record');
    expect(turn.say.slice(0, 2)).toEqual([{ prompt: 'report.emergency' }, { digits: '119' }]);
    expect(turn.effects).toContainEqual({ kind: 'settleReport' });
  });
});
