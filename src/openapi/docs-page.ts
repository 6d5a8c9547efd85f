// GET /api/docs: the OpenAPI document as one plain HTML page (no scripts, no CDN, nothing fetched), for people
// reading the API in a browser without internet. Built from the same document /api/openapi.json serves.
import { roleText, type Access } from './registry.js';
type Json = Record<string, unknown>;

const esc = (v: unknown) =>
  String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function typeOf(schema: Json | undefined): string {
  if (!schema) return '';
  if (Array.isArray(schema.enum)) return schema.enum.map(String).join(' | ');
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(typeOf).join(' or ');
  if (schema.type === 'array') return `${typeOf(schema.items as Json)}[]`;
  const bits = [schema.type ?? 'any'];
  if (schema.pattern) bits.push(`/${String(schema.pattern)}/`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) bits.push(`${schema.minimum ?? ''}…${schema.maximum ?? ''}`);
  if (schema.default !== undefined) bits.push(`default ${JSON.stringify(schema.default)}`);
  return bits.join(' ');
}

function fieldsTable(rows: [string, boolean, string][]): string {
  if (rows.length === 0) return '';
  return `<table><tr><th>Name</th><th>Required</th><th>Type</th></tr>${rows
    .map(([n, r, t]) => `<tr><td><code>${esc(n)}</code></td><td>${r ? 'yes' : ''}</td><td><code>${esc(t)}</code></td></tr>`)
    .join('')}</table>`;
}

export function renderDocsPage(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const sections: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = ((op.parameters ?? []) as Json[]).map((p): [string, boolean, string] => [`${p.in}: ${p.name}`, Boolean(p.required), typeOf(p.schema as Json) + (p.description ? ` — ${String(p.description)}` : "")]);
      const content = ((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
      const [bodyType, body] = Object.entries(content)[0] ?? [];
      const bodySchema = body?.schema as Json | undefined;
      const required = new Set((bodySchema?.required ?? []) as string[]);
      const bodyRows = Object.entries((bodySchema?.properties ?? {}) as Record<string, Json>).map(([n, s]): [string, boolean, string] => [n, required.has(n), typeOf(s)]);
      const responses = Object.entries(op.responses as Record<string, Json>)
        .map(([status, r]) => `<li><code>${esc(status)}</code> ${esc(r.description)}</li>`)
        .join('');
      const roles = op['x-roles'];
      sections.push(`<section id="${esc(op.operationId)}">
<h3><span class="m">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}</p>
<p><strong>Roles:</strong> ${esc(roles === 'twilio' ? 'Twilio signature (X-Twilio-Signature)' : roleText(roles as Access))}</p>
${params.length ? `<h4>Parameters</h4>${fieldsTable(params)}` : ''}
${bodyType ? `<h4>Body <code>${esc(Object.keys(content).join(', '))}</code></h4>${bodyRows.length ? fieldsTable(bodyRows) : `<p><code>${esc(typeOf(bodySchema))}</code></p>`}` : ''}
<h4>Responses</h4><ul>${responses}</ul>
</section>`);
    }
  }
  const errorSchema = ((doc.components as Json).schemas as Json).Error as Json;
  const codes = (((errorSchema.properties as Json).error as Json).properties as Json).code as Json;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} API ${esc(info.version)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#111}code{background:#f2f2f2;padding:0 .2em}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:left}section{border-top:1px solid #ccc;margin-top:1.5rem}
.m{display:inline-block;min-width:4.5em;color:#fff;background:#1a4d80;padding:0 .3em;border-radius:3px}</style></head>
<body><main>
<h1>${esc(info.title)} API <small>${esc(info.version)}</small></h1>
<p>${esc(info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). <code>/api</code> routes need <code>Authorization: Bearer &lt;key&gt;</code>;
Twilio webhooks need a valid <code>X-Twilio-Signature</code>.</p>
<h2>Errors</h2>
<pre>${esc(JSON.stringify({ error: { code: '…', message: '…', details: '… (optional)', requestId: '…' } }, null, 2))}</pre>
<p>Codes: ${(codes.enum as string[]).map((c) => `<code>${esc(c)}</code>`).join(', ')}</p>
<h2>Operations</h2>
${sections.join('\n')}
</main></body></html>
`;
}
