// A tiny XML reader for TwiML in tests: elements with attributes, text and children. Enough for what the
// twilio SDK writes (no CDATA, comments or namespaces); tests assert on the tree, never on the string.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const decode = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });

export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const re = /<\?[^>]*\?>|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(xml))) {
    if (m.index !== pos) throw new Error(`unparsable XML at ${pos}: ${xml.slice(pos, pos + 40)}`);
    pos = re.lastIndex;
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      top.text += decode(m[5]);
      continue;
    }
    if (!m[2]) continue; // <?xml …?>
    if (m[1]) {
      if (top.name !== m[2]) throw new Error(`</${m[2]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]!] = decode(a[2] ?? a[3] ?? '');
    const el: XmlElement = { name: m[2], attrs, children: [], text: '' };
    top.children.push(el);
    if (!m[4]) stack.push(el);
  }
  if (pos !== xml.length || stack.length !== 1) throw new Error('unbalanced or truncated XML');
  if (root.children.length !== 1) throw new Error('XML must have one root element');
  return root.children[0]!;
}

/** Every element in document order (the element itself first). */
export function walk(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(walk)];
}

export function find(el: XmlElement, name: string): XmlElement | undefined {
  return walk(el).find((e) => e.name === name);
}

export function findAll(el: XmlElement, name: string): XmlElement[] {
  return walk(el).filter((e) => e.name === name);
}
