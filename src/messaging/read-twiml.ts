// Reads back the TwiML our voice webhooks answer, as a phone would play it: what is said or played, then
// whether the call waits for a key, records, moves on or hangs up. It understands only the verbs we emit
// (voice-twiml.ts, twiml.ts): Say, Play, Pause, Gather, Record, Redirect, Hangup inside one Response. Enough
// XML for that: elements, double-quoted attributes, text and the predefined and numeric entities; anything
// else throws, so a change in what we emit is noticed rather than misread.

export type Prompt = { say: string; language: string } | { play: string };

export interface CallScreen {
  prompts: Prompt[];
  gather: { numDigits: number; timeout: number; action: string } | null;
  record: { action: string; maxLength: number } | null;
  redirect: string | null;
  hangup: boolean;
}

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    const v = ENTITIES[e];
    if (v === undefined) throw new Error(`unknown entity ${m}`);
    return v;
  });
}

function parseXml(xml: string): XmlElement {
  const s = xml.replace(/^\s*<\?xml[^>]*\?>/, '');
  const stack: XmlElement[] = [{ name: '#document', attrs: {}, children: [], text: '' }];
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const text = s.slice(i, lt < 0 ? s.length : lt);
    if (text.trim()) stack.at(-1)!.text += decode(text);
    if (lt < 0) break;
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = s.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim()) throw new Error(`unexpected </${tag.slice(1)}>`);
      continue;
    }
    const m = /^([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*\/?$/.exec(tag);
    if (!m) throw new Error(`malformed tag <${tag.slice(0, 40)}>`);
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1]!] = decode(a[2]!);
    const el: XmlElement = { name: m[1]!, attrs, children: [], text: '' };
    stack.at(-1)!.children.push(el);
    if (!tag.endsWith('/')) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is not closed`);
  const root = stack[0]!.children[0];
  if (!root || stack[0]!.children.length !== 1) throw new Error('not one root element');
  return root;
}

function promptsOf(elements: XmlElement[], out: Prompt[]) {
  for (const el of elements) {
    if (el.name === 'Say') out.push({ say: el.text.trim(), language: el.attrs.language ?? 'en-US' });
    else if (el.name === 'Play') {
      const loops = Math.min(Math.max(Number(el.attrs.loop ?? 1) || 1, 1), 3);
      for (let n = 0; n < loops; n++) out.push({ play: el.text.trim() });
    }
  }
}

/** What a caller hears and what happens next. Throws on TwiML that is not a Response of our verbs. */
export function readCallTwiml(xml: string): CallScreen {
  const root = parseXml(xml);
  if (root.name !== 'Response') throw new Error(`TwiML root is <${root.name}>`);
  const screen: CallScreen = { prompts: [], gather: null, record: null, redirect: null, hangup: false };
  for (const verb of root.children) {
    switch (verb.name) {
      case 'Say':
      case 'Play':
      case 'Pause':
        promptsOf([verb], screen.prompts);
        break;
      case 'Gather':
        promptsOf(verb.children, screen.prompts);
        screen.gather = { numDigits: Number(verb.attrs.numDigits ?? 1), timeout: Number(verb.attrs.timeout ?? 5), action: verb.attrs.action ?? '' };
        break;
      case 'Record':
        screen.record = { action: verb.attrs.action ?? '', maxLength: Number(verb.attrs.maxLength ?? 3600) };
        break;
      case 'Redirect':
        screen.redirect = verb.text.trim();
        break;
      case 'Hangup':
        screen.hangup = true;
        break;
      default:
        throw new Error(`unexpected TwiML verb <${verb.name}>`);
    }
  }
  return screen;
}

/** The words of a call's TwiML for a transcript (an outbox row of a call holds TwiML); null if unreadable. */
export function callTranscript(xml: string): string | null {
  try {
    const { prompts } = readCallTwiml(xml);
    return prompts.map((p) => ('say' in p ? p.say : `[audio ${p.play}]`)).join(' ') || null;
  } catch {
    return null;
  }
}
