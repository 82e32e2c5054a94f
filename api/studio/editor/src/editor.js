// Folio Studio's article editor: the body as a ProseMirror document (Tiptap), or as Markdown
// in a text area (the Markdown mode), the form's fields, autosave a moment after typing stops,
// Ctrl/Cmd+S, a conflict shown and never overwritten, and the preview beside the editor
// redrawn as the editor types. The form works without this script: it posts the same fields.
import { Editor } from "@tiptap/core";
import { finder } from "./finder.js";
import "./pickers.js";
import { extensions } from "./schema.js";

const AUTOSAVE_MS = 1200;
const PREVIEW_MS = 400;

// The body in the rich editor: the document kept in the form's field as it changes.
function richBody(form, changed) {
  const field = form.querySelector("input[name=body_doc]");
  const mount = form.querySelector("[data-editor]");
  const fallback = form.querySelector("[data-editor-fallback]");
  if (fallback) fallback.hidden = true;
  const editor = new Editor({
    element: mount,
    extensions,
    content: JSON.parse(field.value),
    injectCSS: false,
    editorProps: {
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": "Body",
        class: "body-editor",
      },
    },
  });
  mount.hidden = false;
  form.querySelector("[data-toolbar]").hidden = false;
  const sync = () => {
    field.value = JSON.stringify(editor.getJSON());
  };
  editor.on("update", () => {
    sync();
    changed();
  });
  toolbar(form, editor);
  return { sync, text: () => editor.getText() };
}

function start(form) {
  const status = document.getElementById("save-status");
  const etag = form.querySelector("input[name=etag]");
  const markdown = form.querySelector("textarea[name=body_markdown]");

  let timer = null;
  let saving = null;
  let dirty = false;
  const say = (text) => {
    status.textContent = text;
  };
  const redraw = preview(form);
  const changed = () => {
    dirty = true;
    say("Unsaved changes");
    clearTimeout(timer);
    timer = setTimeout(save, AUTOSAVE_MS);
    redraw();
  };
  const body = markdown
    ? { sync: () => {}, text: () => markdown.value }
    : richBody(form, changed);
  for (const input of form.querySelectorAll("[data-autosave]")) {
    input.addEventListener("input", changed);
  }

  async function save() {
    clearTimeout(timer);
    if (saving) return saving;
    if (!dirty) return null;
    dirty = false;
    body.sync();
    const data = new URLSearchParams(new FormData(form));
    data.set("action", "save");
    say("Saving…");
    saving = fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(async (response) => {
        const answer = await response.json().catch(() => ({}));
        if (response.ok) {
          etag.value = answer.etag;
          say("Saved");
          document.dispatchEvent(new CustomEvent("folio:saved", { detail: answer }));
        } else if (response.status === 412 || response.status === 409) {
          dirty = true;
          say("Not saved: someone else saved this article since you opened it.");
          showConflict(answer);
        } else {
          dirty = true;
          say(`Not saved: ${answer.detail || answer.title || response.statusText}`);
        }
      })
      .catch(() => {
        dirty = true;
        say("Not saved: the studio cannot be reached. Your text is still here.");
      })
      .finally(() => {
        saving = null;
        if (dirty && !form.dataset.conflict) timer = setTimeout(save, AUTOSAVE_MS * 4);
      });
    return saving;
  }

  function showConflict(answer) {
    form.dataset.conflict = "1";
    const box = document.getElementById("conflict");
    box.hidden = false;
    box.querySelector("[data-theirs]").textContent = answer.theirs || "";
    box.querySelector("[data-mine]").textContent = body.text();
  }

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      dirty = true;
      save();
    }
  });
  // A workflow button (Publish, Schedule…) posts the form: the body goes with it.
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    body.sync();
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
}

// The preview beside the editor, redrawn a moment after each change from what the editor
// holds now (saved or not): the server renders it as the public API would, and only the
// article inside the frame is replaced, so the frame keeps its place and its history.
function preview(form) {
  const frame = document.querySelector("iframe[data-preview]");
  let timer = null;
  let asked = 0;
  const draw = async () => {
    const mine = ++asked;
    const data = new URLSearchParams(new FormData(form));
    const response = await fetch(`${form.getAttribute("action")}/preview`, {
      method: "POST",
      body: data,
      credentials: "same-origin",
    }).catch(() => null);
    if (!response || !response.ok || mine !== asked) return;
    const drawn = new DOMParser().parseFromString(await response.text(), "text/html");
    const shown = frame && frame.contentDocument && frame.contentDocument.body;
    if (!shown || mine !== asked) return;
    shown.replaceChildren(...[...drawn.body.childNodes].map((n) => frame.contentDocument.importNode(n, true)));
  };
  return () => {
    clearTimeout(timer);
    timer = setTimeout(draw, PREVIEW_MS);
  };
}

function toolbar(form, editor) {
  const chain = () => editor.chain().focus();
  const actions = {
    bold: () => chain().toggleBold().run(),
    italic: () => chain().toggleItalic().run(),
    code: () => chain().toggleCode().run(),
    strike: () => chain().toggleStrike().run(),
    h2: () => chain().toggleHeading({ level: 2 }).run(),
    h3: () => chain().toggleHeading({ level: 3 }).run(),
    bullets: () => chain().toggleBulletList().run(),
    numbers: () => chain().toggleOrderedList().run(),
    quote: () => chain().toggleBlockquote().run(),
    codeblock: () => chain().toggleCodeBlock().run(),
    rule: () => chain().setHorizontalRule().run(),
    table: () => chain().insertTable({ rows: 3, cols: 2, withHeaderRow: true }).run(),
    rowAfter: () => chain().addRowAfter().run(),
    columnAfter: () => chain().addColumnAfter().run(),
    deleteRow: () => chain().deleteRow().run(),
    deleteColumn: () => chain().deleteColumn().run(),
    unlink: () => chain().unsetLink().run(),
  };
  for (const button of form.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => actions[button.dataset.action]());
  }
  // The table's buttons are shown while the cursor is in a table.
  const tableTools = form.querySelector("[data-table-tools]");
  editor.on("selectionUpdate", () => {
    tableTools.hidden = !editor.isActive("table");
  });
  const key = () => "l" + Math.random().toString(36).slice(2, 10);
  const opener = (name, dialog) => {
    const found = finder(dialog);
    form.querySelector(`[data-open=${name}]`).addEventListener("click", () => {
      dialog.showModal();
      found.search();
    });
    return found;
  };
  const dialog = document.getElementById("link-dialog");
  opener("link", dialog);
  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "add") return;
    const data = new FormData(dialog.querySelector("form"));
    const target = String(data.get("target") || "");
    const attrs = { key: key(), href: null, roleId: null, articleId: null };
    if (target.startsWith("role:")) attrs.roleId = Number(target.slice(5));
    else if (target.startsWith("article:")) attrs.articleId = Number(target.slice(8));
    else if (data.get("url")) attrs.href = String(data.get("url"));
    else return;
    chain().extendMarkRange("link").setLink(attrs).run();
  });
  const images = document.getElementById("image-dialog");
  const imageFound = opener("image", images);
  images.addEventListener("close", () => {
    const asset = imageFound.chosen(images.returnValue);
    if (!asset) return;
    const attrs = { src: asset.src, alt: asset.label, assetId: Number(asset.value) };
    chain().setImage({ ...attrs, caption: "", credit: "" }).run();
  });
  const comparisons = document.getElementById("comparison-dialog");
  const comparisonFound = opener("comparison", comparisons);
  comparisons.addEventListener("close", () => {
    const table = comparisonFound.chosen(comparisons.returnValue);
    if (!table) return;
    const block = { _type: "comparison", _key: key(), comparison_id: Number(table.value) };
    chain().insertContent({ type: "folioBlock", attrs: { key: block._key, block } }).run();
  });
}

const form = document.getElementById("article-form");
if (form) start(form);
// A translation's body: the rich editor alone (saved with the translation's form).
const translation = document.getElementById("translation-form");
if (translation) richBody(translation, () => {});
