// Follows a change stream of Folio with the runtime's own EventSource (Node's, the WHATWG
// one browsers have: it reconnects by itself and sends Last-Event-ID), printing each event as
// a line of JSON for the test that runs it.
const [url] = process.argv.slice(2);
const source = new EventSource(url);
for (const kind of ["ready", "change"]) {
  source.addEventListener(kind, (event) => {
    const data = JSON.parse(event.data);
    console.log(JSON.stringify({ event: kind, id: event.lastEventId, data }));
  });
}
source.addEventListener("error", () => {
  console.log(JSON.stringify({ event: "error", state: source.readyState }));
});
// Node's EventSource waits to reconnect on a timer that does not keep the process alive.
setInterval(() => {}, 60_000);
