// A search among the studio's documents and images, in a dialog or a field set: its field asks
// the studio (a moment after typing stops) for what its names hold, and shows the answers as
// choices: radio buttons (a link's target, a cover: named by the list's data-name) or buttons
// that close the dialog with their value (an image, a comparison). A choice already made stays
// made, and shown, when the answers are drawn again.
const FIND_MS = 200;

function thumbnail(item) {
  const thumb = document.createElement("img");
  thumb.src = item.src;
  thumb.alt = "";
  thumb.width = 120;
  return thumb;
}

export function finder(box) {
  const field = box.querySelector("[data-find]");
  const list = box.querySelector("[data-found]");
  const style = list.dataset.found;
  const name = list.dataset.name || "target";
  let shown = [];
  let timer = null;
  let asked = 0;
  const choice = (item) => {
    if (style === "radio") {
      const label = document.createElement("label");
      label.className = "choice";
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = name;
      radio.value = item.value;
      label.append(radio);
      if (item.src) label.append(" ", thumbnail(item));
      label.append(item.kind ? ` ${item.label} (${item.kind})` : ` ${item.label}`);
      return label;
    }
    const entry = document.createElement("li");
    const button = document.createElement("button");
    button.value = item.value;
    if (style === "image") {
      button.setAttribute("aria-label", `Insert ${item.label}`);
      button.append(thumbnail(item), ` ${item.label}`);
    } else {
      button.textContent = item.label;
    }
    entry.append(button);
    return entry;
  };
  const search = async () => {
    const mine = ++asked;
    const address = `/studio/find/${field.dataset.find}?q=${encodeURIComponent(field.value)}`;
    const response = await fetch(address, { credentials: "same-origin" }).catch(() => null);
    if (!response || !response.ok || mine !== asked) return;
    shown = (await response.json()).found;
    const legend = list.querySelector("legend");
    const checked = list.querySelector("input:checked");
    const items = shown.map(choice);
    const kept = checked && items.find((item) => item.querySelector("input")?.value === checked.value);
    if (kept) kept.querySelector("input").checked = true;
    else if (checked) items.unshift(checked.closest("label"));
    if (!items.length) {
      const none = document.createElement(style === "radio" ? "p" : "li");
      none.textContent = "Nothing found.";
      items.push(none);
    }
    list.replaceChildren(...(legend ? [legend] : []), ...items);
  };
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, FIND_MS);
  });
  // Enter in the search field searches at once, and never closes the dialog or sends the form.
  field.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  return { search, chosen: (value) => shown.find((item) => item.value === value) };
}
