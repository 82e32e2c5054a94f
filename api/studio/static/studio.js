// Folio Studio's small behaviours, each also working without it: the editor's time zone sent
// with a schedule, a question before a delete, the preview reloaded after a save.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  for (const input of document.querySelectorAll("input[data-zone]")) input.value = zone;
  for (const button of document.querySelectorAll("[data-confirm]")) {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  }
  const preview = document.querySelector("iframe[data-preview]");
  if (preview) {
    document.addEventListener("folio:saved", () => {
      preview.src = preview.src.split("#")[0];
    });
  }
});
