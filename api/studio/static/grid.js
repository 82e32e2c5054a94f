// A comparison's grid in Folio Studio, as a spreadsheet: the arrow keys, Enter and Tab move
// between cells; rows and roles are dragged by their handles to another place; pasting several cells (a range copied from a spreadsheet, or CSV) shows what
// will change, then "Apply" fills the grid from the cell pasted in (adding rows as needed) or
// "Cancel" leaves it. Nothing is saved until Save. The grid works without this script.

const grid = document.querySelector("[data-grid]");
const form = document.getElementById("document-form");

function cellAt(row, column) {
  return grid.querySelector(`[data-cell="${row},${column}"]`);
}

function place(field) {
  const [row, column] = field.dataset.cell.split(",").map(Number);
  return { row, column };
}

function caretAtStart(field) {
  return field.selectionStart === 0 && field.selectionEnd === 0;
}

function caretAtEnd(field) {
  return field.selectionStart === field.value.length;
}

function onFirstLine(field) {
  return !field.value.slice(0, field.selectionStart).includes("\n");
}

function onLastLine(field) {
  return !field.value.slice(field.selectionEnd).includes("\n");
}

function move(field, rows, columns) {
  const { row, column } = place(field);
  const next = cellAt(row + rows, column + columns);
  if (!next) return false;
  next.focus();
  next.select();
  return true;
}

function keys(event) {
  const field = event.target;
  if (!field.dataset || !field.dataset.cell) return;
  const multiline = field.tagName === "TEXTAREA";
  let moved = false;
  if (event.key === "Enter" && !event.shiftKey && !event.altKey) {
    moved = move(field, 1, 0) || true; // never submits the form from a cell
  } else if (event.key === "ArrowUp" && (!multiline || onFirstLine(field))) {
    moved = move(field, -1, 0);
  } else if (event.key === "ArrowDown" && (!multiline || onLastLine(field))) {
    moved = move(field, 1, 0);
  } else if (event.key === "ArrowLeft" && caretAtStart(field)) {
    moved = move(field, 0, -1);
  } else if (event.key === "ArrowRight" && caretAtEnd(field)) {
    moved = move(field, 0, 1);
  }
  if (moved) event.preventDefault();
}

// Rows of cells from pasted text: tab-separated (what a spreadsheet copies) when it holds a
// tab, else CSV (RFC 4180: quoted fields may hold commas, quotes doubled, line breaks).
// Written here because this file has no build step and the parser is this small.
function parse(text) {
  const body = text.replace(/\r\n?/g, "\n").replace(/\n$/, "");
  if (body.includes("\t")) return body.split("\n").map((line) => line.split("\t"));
  const rows = [[]];
  let field = "";
  let quoted = false;
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      rows[rows.length - 1].push(field);
      field = "";
    } else if (c === "\n") {
      rows[rows.length - 1].push(field);
      rows.push([]);
      field = "";
    } else field += c;
  }
  rows[rows.length - 1].push(field);
  return rows;
}

function columns() {
  return [...form.querySelectorAll("input[name=subject]")].map((input) => input.value);
}

function rowCount() {
  return Number(form.querySelector("input[name=rows]").value);
}

// A new row at the end of the grid, as the server draws one (no id: made at the next save).
function addRow() {
  const index = rowCount();
  const row = document.createElement("tr");
  const head = document.createElement("th");
  head.scope = "row";
  const label = document.createElement("label");
  label.className = "visually-hidden";
  label.htmlFor = `row-${index}-dimension`;
  label.textContent = `Dimension of row ${index + 1}`;
  const dimension = document.createElement("input");
  dimension.id = `row-${index}-dimension`;
  dimension.name = dimension.id;
  dimension.maxLength = 200;
  dimension.dataset.cell = `${index},0`;
  head.append(label, dimension);
  row.append(head);
  const names = [...grid.querySelectorAll("thead th")].slice(1, -1);
  columns().forEach((slug, c) => {
    const cell = document.createElement("td");
    const name = document.createElement("label");
    name.className = "visually-hidden";
    name.dataset.role = names[c].firstChild.textContent.trim();
    name.htmlFor = `row-${index}-cell-${slug}`;
    name.textContent = `Row ${index + 1}, ${names[c].firstChild.textContent.trim()}`;
    const text = document.createElement("textarea");
    text.id = name.htmlFor;
    text.name = text.id;
    text.rows = 2;
    text.maxLength = 5000;
    text.dataset.cell = `${index},${c + 1}`;
    cell.append(name, text);
    row.append(cell);
  });
  row.append(document.createElement("td"));
  grid.querySelector("tbody").append(row);
  form.querySelector("input[name=rows]").value = String(index + 1);
}

function paste(event) {
  const field = event.target;
  if (!field.dataset || !field.dataset.cell) return;
  if (field.readOnly) return;
  const text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
  const rows = parse(text);
  if (rows.length < 2 && rows[0].length < 2) return; // one value: an ordinary paste
  event.preventDefault();
  const start = place(field);
  const width = columns().length + 1;
  const changes = [];
  rows.forEach((values, r) => {
    values.forEach((value, c) => {
      if (start.column + c < width) changes.push([start.row + r, start.column + c, value]);
    });
  });
  offer(changes, field);
}

// What a paste will change, shown before it is applied.
function offer(changes, field) {
  const dialog = document.getElementById("paste-dialog");
  const list = dialog.querySelector("tbody");
  const added = Math.max(0, ...changes.map(([row]) => row + 1)) - rowCount();
  dialog.querySelector("[data-summary]").textContent =
    `${changes.length} cell${changes.length === 1 ? "" : "s"}` +
    (added > 0 ? `, ${added} new row${added === 1 ? "" : "s"}` : "") + ".";
  list.replaceChildren(
    ...changes.slice(0, 50).map(([row, column, value]) => {
      const line = document.createElement("tr");
      const where = document.createElement("td");
      where.textContent = `Row ${row + 1}, column ${column + 1}`;
      const before = document.createElement("td");
      const current = cellAt(row, column);
      before.textContent = current ? current.value : "";
      const after = document.createElement("td");
      after.textContent = value;
      line.append(where, before, after);
      return line;
    }),
  );
  dialog.onclose = () => {
    if (dialog.returnValue === "apply") {
      for (let i = 0; i < added; i += 1) addRow();
      for (const [row, column, value] of changes) {
        const cell = cellAt(row, column);
        if (cell) {
          cell.value = value;
          cell.dispatchEvent(new Event("input", { bubbles: true })); // a dimension renames
        }
      }
      const status = document.getElementById("grid-status");
      status.textContent = "Pasted: Save to keep it.";
    }
    field.focus();
  };
  dialog.showModal();
}

// A cell's name says its row's dimension: typed, it renames the row's cells.
function renamed(event) {
  const field = event.target;
  if (!field.dataset || !field.dataset.cell || !field.dataset.cell.endsWith(",0")) return;
  const row = place(field).row;
  const dimension = field.value || `Row ${row + 1}`;
  for (const label of field.closest("tr").querySelectorAll("label[data-role]")) {
    const { prefix, role } = label.dataset;
    // A cell is "Dimension, Role"; its note and source say the role first, so that a search
    // by the cell's name finds the cell alone.
    label.textContent = prefix ? `${prefix}${role} on ${dimension}` : `${dimension}, ${role}`;
  }
}

// A row or a role dragged by its handle onto another row or column: the form is sent with
// "row-to:FROM:TO" (or "role-to"), and the server draws the grid with it moved, unsaved, as
// its arrow buttons do (those are the way by keyboard).
function draggable() {
  let dragged = null;
  grid.addEventListener("dragstart", (event) => {
    const handle = event.target.closest && event.target.closest("[data-drag]");
    if (!handle) return;
    dragged = handle.dataset.drag;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged);
  });
  const target = (event) => {
    if (!dragged) return null;
    const row = dragged.startsWith("row-to:");
    const place = event.target.closest(row ? "[data-drop-row]" : "[data-drop-role]");
    return place ? place.dataset[row ? "dropRow" : "dropRole"] : null;
  };
  grid.addEventListener("dragover", (event) => {
    if (target(event) !== null) event.preventDefault();
  });
  grid.addEventListener("drop", (event) => {
    const to = target(event);
    if (to === null) return;
    event.preventDefault();
    const action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = `${dragged}:${to}`;
    form.append(action);
    dragged = null;
    form.submit();
  });
  grid.addEventListener("dragend", () => {
    dragged = null;
  });
}

if (grid && form) {
  draggable();
  grid.addEventListener("keydown", keys);
  grid.addEventListener("input", renamed);
  grid.addEventListener("paste", paste);
}
