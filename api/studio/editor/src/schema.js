// The editor's schema: Tiptap's nodes and marks, with the attributes that carry what Portable
// Text keeps and the page does not show (api/articles/prosemirror.py reads and writes them).
import { Extension, Mark, Node, mergeAttributes } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import Link from "@tiptap/extension-link";
import Image from "@tiptap/extension-image";
import { Table, TableRow, TableCell, TableHeader } from "@tiptap/extension-table";

// Attributes kept in the document only (never rendered, never copied to a split block).
const hidden = (names) =>
  Object.fromEntries(
    names.map((name) => [name, { default: null, rendered: false, keepOnSplit: false }]),
  );

const Kept = Extension.create({
  name: "folioKept",
  addGlobalAttributes() {
    return [
      {
        types: ["paragraph", "heading", "blockquote", "codeBlock", "horizontalRule", "listItem",
                "table", "tableRow", "tableCell", "tableHeader"],
        attributes: hidden(["key"]),
      },
      {
        types: ["paragraph", "heading", "tableCell", "tableHeader"],
        attributes: hidden(["defs", "unused", "empty"]),
      },
      { types: ["listItem"], attributes: hidden(["style", "checked", "level", "filler"]) },
      { types: ["table"], attributes: hidden(["align"]) },
    ];
  },
});

// A Portable Text span: its key, the order of its marks, its place (see prosemirror.py).
const Span = Mark.create({
  name: "span",
  inclusive: true,
  addAttributes() {
    return hidden(["key", "marks", "n"]);
  },
  parseHTML: () => [],
  renderHTML: () => ["span", 0],
});

// A link to a URL, a role or an article.
const FolioLink = Link.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      ...hidden(["key", "roleId", "articleId"]),
      title: { default: null },
    };
  },
}).configure({
  openOnClick: false,
  autolink: false,
  HTMLAttributes: { rel: "noopener noreferrer nofollow", target: null },
  isAllowedUri: (url, ctx) => !url || ctx.defaultValidate(url),
});

// An image: an uploaded asset (assetId, shown at src) or one on the web (url).
const FolioImage = Image.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      ...hidden(["key", "assetId", "url", "caption", "credit"]),
    };
  },
});

// A table without the inline widths Tiptap writes (the studio's CSP allows no style
// attribute); the first row is its header, as in Folio's tables.
const FolioTable = Table.extend({
  renderHTML({ HTMLAttributes }) {
    return ["table", mergeAttributes(this.options.HTMLAttributes, HTMLAttributes), ["tbody", 0]];
  },
}).configure({ resizable: false });

const LABELS = {
  callout: "Callout",
  role_definitions: "Role definitions",
  comparison: "Comparison",
  related: "Related articles",
};

// The comparisons' titles the page lists (for the cards that embed one).
let comparisonTitles = null;
const comparisonTitle = (id) => {
  if (comparisonTitles === null) {
    const choices = document.getElementById("editor-choices");
    const listed = choices ? JSON.parse(choices.textContent).comparisons : [];
    comparisonTitles = new Map(listed.map((c) => [c.id, c.title]));
  }
  return comparisonTitles.get(id) || `#${id}`;
};

// A block of Folio's own the editor shows as a card and keeps as it is.
const FolioBlock = Node.create({
  name: "folioBlock",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,
  addAttributes() {
    return { key: { default: null, rendered: false }, block: { default: null, rendered: false } };
  },
  parseHTML: () => [],
  renderHTML({ node }) {
    const block = node.attrs.block || {};
    const label = LABELS[block._type] || "Block";
    const detail = block._type === "comparison" ? `: ${comparisonTitle(block.comparison_id)}` : "";
    return ["figure", { class: "folio-block", "data-type": block._type }, `${label}${detail}`];
  },
});

export const extensions = [
  StarterKit.configure({ link: false, underline: false, trailingNode: false }),
  Kept,
  Span,
  FolioLink,
  FolioImage,
  FolioTable,
  TableRow,
  TableHeader,
  TableCell,
  FolioBlock,
];
