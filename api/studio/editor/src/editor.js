// Folio Studio's article editor: the body as a ProseMirror document (Tiptap), the form's
// fields, autosave a moment after typing stops, Ctrl/Cmd+S, and a conflict shown, never
// overwritten. The form works without this script: it posts the same fields.
import { Editor } from "@tiptap/core";
import { extensions } from "./schema.js";

const AUTOSAVE_MS = 1200;

function start(form) {
  const field = form.querySelector("input[name=body_doc]");
  const mount = form.querySelector("[data-editor]");
  const status = document.getElementById("save-status");
  const etag = form.querySelector("input[name=etag]");
  const choices = JSON.parse(document.getElementById("editor-choices").textContent);
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

  let timer = null;
  let saving = null;
  let dirty = false;
  const say = (text) => {
    status.textContent = text;
  };
  const changed = () => {
    dirty = true;
    field.value = JSON.stringify(editor.getJSON());
    say("Unsaved changes");
    clearTimeout(timer);
    timer = setTimeout(save, AUTOSAVE_MS);
  };
  editor.on("update", changed);
  for (const input of form.querySelectorAll("[data-autosave]")) {
    input.addEventListener("input", changed);
  }

  async function save() {
    clearTimeout(timer);
    if (saving) return saving;
    if (!dirty) return null;
    dirty = false;
    field.value = JSON.stringify(editor.getJSON());
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
    box.querySelector("[data-mine]").textContent = editor.getText();
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
    field.value = JSON.stringify(editor.getJSON());
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });

  toolbar(form, editor, choices);
}

function toolbar(form, editor, choices) {
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
  const dialog = document.getElementById("link-dialog");
  form.querySelector("[data-open=link]").addEventListener("click", () => dialog.showModal());
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
  form.querySelector("[data-open=image]").addEventListener("click", () => images.showModal());
  images.addEventListener("close", () => {
    const id = Number(images.returnValue);
    const asset = choices.assets.find((a) => a.id === id);
    if (!asset) return;
    chain()
      .setImage({ src: asset.src, alt: asset.alt, assetId: asset.id, caption: "", credit: "" })
      .run();
  });
  const comparisons = document.getElementById("comparison-dialog");
  form
    .querySelector("[data-open=comparison]")
    .addEventListener("click", () => comparisons.showModal());
  comparisons.addEventListener("close", () => {
    const id = Number(comparisons.returnValue);
    if (!choices.comparisons.some((c) => c.id === id)) return;
    const block = { _type: "comparison", _key: key(), comparison_id: id };
    chain().insertContent({ type: "folioBlock", attrs: { key: block._key, block } }).run();
  });
}

const form = document.getElementById("article-form");
if (form) start(form);
