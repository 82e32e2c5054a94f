// Folio Studio's small behaviours, each also working without it: the editor's time zone sent
// with a schedule, a question before a delete, several files uploaded at once, a secret
// copied.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  for (const input of document.querySelectorAll("input[data-zone]")) input.value = zone;
  for (const button of document.querySelectorAll("[data-confirm]")) {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  }
  // A secret shown once (a token, a signing secret, an invitation link) copied in one press.
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Selected: press Ctrl+C";
      }
    });
  }
  const upload = document.querySelector("form[data-upload]");
  if (upload) dropUploads(upload);
  const watched = document.querySelector("[data-watch]");
  if (watched && window.EventSource) watchSaves(watched);
});

// The document open here, followed on the studio's change stream: a save made elsewhere (a
// newer version than this page's, or than this page's own last autosave) is said at once, and
// a preview in a tab of its own shows each new version as it is saved. A change that arrives
// while this page is saving waits for that save's answer, which says whether it is its own.
function watchSaves(notice) {
  let version = Number(notice.dataset.version);
  let newest = version;
  const status = document.getElementById("save-status");
  const reload = notice.dataset.reload !== undefined;  // a preview: it shows the new version
  const show = () => {
    if (newest <= version) return;
    if (reload) {
      window.location.reload();
      return;
    }
    notice.querySelector("[data-seen]").textContent = String(newest);
    notice.hidden = false;
  };
  document.addEventListener("folio:saved", (event) => {
    version = Math.max(version, Number(event.detail && event.detail.version) || 0);
    show();
  });
  // From the moment the page was drawn (``since``): nothing saved while it loaded is missed.
  const { watch, locale, since } = notice.dataset;
  const from = since ? `&since=${since}` : "";
  const stream = new EventSource(`/studio/changes/stream?type=${watch}&locale=${locale}${from}`);
  stream.addEventListener("change", (event) => {
    const change = JSON.parse(event.data);
    if (String(change.id) !== notice.dataset.id) return;
    newest = Math.max(newest, change.version);
    if (status && status.textContent.startsWith("Saving")) return;  // its answer decides
    show();
  });
  window.addEventListener("pagehide", () => stream.close());
}

// Files dropped on the upload box (or chosen, when the script runs) go one request each, so
// each shows its own progress; the library shows them once all are done.
function dropUploads(form) {
  const list = form.querySelector("[data-progress]");
  const field = form.querySelector("input[type=file]");
  const send = (files) => {
    const all = [...files].map((file) => new Promise((done) => {
      const item = document.createElement("li");
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", `Uploading ${file.name}`);
      item.textContent = file.name;
      item.append(bar);
      list.append(item);
      const data = new FormData();
      data.append("csrf", form.querySelector("input[name=csrf]").value);
      data.append("file", file, file.name);
      const request = new XMLHttpRequest();
      request.open("POST", form.getAttribute("action"));
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
      });
      request.addEventListener("loadend", () => {
        bar.value = 100;
        let answer = {};
        try { answer = JSON.parse(request.responseText); } catch { answer = {}; }
        item.append(request.status === 201 ? " uploaded" : ` not uploaded: ${answer.detail || request.statusText}`);
        done(request.status === 201);
      });
      request.send(data);
    }));
    Promise.all(all).then((results) => {
      if (results.every(Boolean)) window.location.assign("/studio/media?done=uploaded");
    });
  };
  form.addEventListener("dragover", (event) => {
    event.preventDefault();
    form.classList.add("over");
  });
  form.addEventListener("dragleave", () => form.classList.remove("over"));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    form.classList.remove("over");
    send(event.dataTransfer.files);
  });
  form.addEventListener("submit", (event) => {
    if (!field.files.length) return;
    event.preventDefault();
    send(field.files);
  });
}
