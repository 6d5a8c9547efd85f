// A strict little XML reader for the TwiML our webhooks answer, so tests look at verbs and attributes rather
// than matching strings. Enough XML for TwiML: a declaration, elements, double-quoted attributes, text and the
// five predefined entities. Anything else (a stray '<', a closing tag that does not match) throws.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (entities decoded), concatenated. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    const v = ENTITIES[e];
    if (v === undefined) throw new Error(`unknown entity ${m}`);
    return v;
  });

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const s = xml.replace(/^\s*<\?xml[^>]*\?>/, '');
  const stack: XmlElement[] = [{ name: '#document', attrs: {}, children: [], text: '' }];
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const text = s.slice(i, lt < 0 ? s.length : lt);
    if (text.trim()) stack.at(-1)!.text += decode(text);
    if (lt < 0) break;
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw new Error(`unterminated tag at ${lt}`);
    const tag = s.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop()!;
      if (open.name !== tag.slice(1).trim()) throw new Error(`</${tag.slice(1)}> closes <${open.name}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const m = /^([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*\/?$/.exec(tag);
    if (!m) throw new Error(`malformed tag <${tag}>`);
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1]!] = decode(a[2]!);
    const el: XmlElement = { name: m[1]!, attrs, children: [], text: '' };
    stack.at(-1)!.children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is not closed`);
  const [root, ...rest] = stack[0]!.children;
  if (!root || rest.length) throw new Error('a document has exactly one root element');
  return root;
}

/** A TwiML answer: the <Response> root's verbs, with their names in order for quick checks. */
export function twimlOf(xml: string): { root: XmlElement; verbs: XmlElement[]; names: string[] } {
  const root = parseXml(xml);
  if (root.name !== 'Response') throw new Error(`TwiML root is <${root.name}>`);
  return { root, verbs: root.children, names: root.children.map((c) => c.name) };
}

/** Every element named `name` under `el`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
