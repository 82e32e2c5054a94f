// Builds the studio's scripts into a folder (api/studio/static unless one is given): the editor
// and the pickers of other pages each bundled by esbuild into one ES module, and htmx as its
// package ships it. The output is
// committed; tests/studio/test_assets.py builds again and compares.
import { build } from "esbuild";
import { copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, "..", "static"));
const require = createRequire(import.meta.url);

await build({
  entryPoints: [join(here, "src", "editor.js"), join(here, "src", "pickers.js")],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "none",
  outdir: out,
  logLevel: "warning",
});
copyFileSync(require.resolve("htmx.org/dist/htmx.min.js"), join(out, "htmx.min.js"));
