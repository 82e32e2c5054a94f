// Renders an article's `body` (Portable Text, read from standard input as JSON) to HTML with
// @portabletext/to-html, the way a frontend would: text, marks, links and lists need nothing;
// Folio's own block types get a component each. A missing component is an error here, so a
// test sees every type it renders.
import { escapeHTML, toHTML } from "@portabletext/to-html";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const attribute = (value) => escapeHTML(String(value ?? ""));

const components = {
  types: {
    image: ({ value }) => {
      const size = value.asset?.width
        ? ` width="${value.asset.width}" height="${value.asset.height}"`
        : "";
      const srcset = value.asset?.srcset ? ` srcset="${attribute(value.asset.srcset)}"` : "";
      const caption = value.caption ? `<figcaption>${escapeHTML(value.caption)}</figcaption>` : "";
      return `<figure><img src="${attribute(value.url)}" alt="${attribute(value.alt)}"${size}${srcset}>${caption}</figure>`;
    },
    code: ({ value }) =>
      `<pre><code class="language-${attribute(value.language ?? "text")}">${escapeHTML(value.code)}</code></pre>`,
    break: () => "<hr>",
    callout: ({ value }) =>
      `<aside>${value.title ? `<strong>${escapeHTML(value.title)}</strong>` : ""}${toHTML(value.content, { components })}</aside>`,
    table: ({ value }) =>
      `<table>${value.rows
        .map((row) => `<tr>${row.cells.map((cell) => `<td>${toHTML({ _type: "block", _key: cell._key, style: "normal", children: cell.children, markDefs: cell.markDefs }, { components })}</td>`).join("")}</tr>`)
        .join("")}</table>`,
    role_definitions: ({ value }) =>
      `<dl>${value.items.map((item) => `<dt>${escapeHTML(item.term)}</dt><dd>${escapeHTML(item.definition)}</dd>`).join("")}</dl>`,
    comparison: ({ value }) => {
      const table = value.comparison;
      const head = [table.dimension_label, ...table.subjects.map((s) => s.name)];
      const rows = table.rows.map((row) => [
        row.dimension,
        ...table.subjects.map((s) => row.cells[s.slug]?.text ?? ""),
      ]);
      const cells = (tag, values) => values.map((v) => `<${tag}>${escapeHTML(v)}</${tag}>`).join("");
      return `<table><tr>${cells("th", head)}</tr>${rows.map((r) => `<tr>${cells("td", r)}</tr>`).join("")}</table>`;
    },
    related: ({ value }) =>
      `<ul>${value.articles.map((a) => `<li>${escapeHTML(a.title)}</li>`).join("")}</ul>`,
  },
};

process.stdout.write(
  toHTML(body, {
    components,
    onMissingComponent: (message) => {
      throw new Error(message);
    },
  }),
);
