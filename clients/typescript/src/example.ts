// Folio from TypeScript: the five steps a frontend or a script takes, typed end to end.
//
//   npm ci && npm run check
//   FOLIO_URL=http://127.0.0.1:8000 FOLIO_KEY=<a write key> npm run example
//
// The types come from Folio's openapi.json (`npm run generate`, openapi-typescript); the
// requests go through openapi-fetch, by way of ./folio.ts. Nothing below is cast: every body,
// parameter, header and error is the type the contract gives it. openapi-fetch infers a
// request's options, which turns off TypeScript's check for unknown fields in an object
// written inline: `satisfies` puts it back, so strict tsc refuses a misspelt field.
//
// 1. the seed article by slug, and its comparison's rows;
// 2. every article, page after page, following `links.next`;
// 3. a draft, then published with If-Match (the ETag read), then deleted (to the trash), so
//    that the example leaves nothing in the feeds or the sitemap;
// 4. one role against another;
// 5. a 404 as a problem (application/problem+json).
//
// Every answer is checked: the program fails loudly if Folio does not do what it documents.
import { createFolio, csv, FolioProblem, ifMatch, items, ok, type Schemas } from "./folio.ts";

const SEED = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need";
const COMPARISON = "ai-operating-partner-vs-fractional-caio";

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const baseUrl = process.env.FOLIO_URL ?? "http://127.0.0.1:8000";
const key = process.env.FOLIO_KEY;
check(key !== undefined, "set FOLIO_KEY to a write key");
const reader = createFolio({ baseUrl }); // sees what is published
const editor = createFolio({ baseUrl, key }); // writes, and sees drafts

// 1. The seed by slug, and its comparison's rows.
const article = ok(await reader.GET("/v1/articles/{ref}", { params: { path: { ref: SEED } } }));
const rows = ok(
  await reader.GET("/v1/comparisons/{ref}/rows", { params: { path: { ref: COMPARISON } } }),
);
const first = rows.data[0];
check(first !== undefined, "the comparison has rows");
// The same article as Markdown: another format, another type (a string, with parseAs "text").
const markdown = ok(
  await reader.GET("/v1/articles/{ref}", {
    params: { path: { ref: SEED }, query: { format: "md" } },
    parseAs: "text",
  }),
);
check(markdown.includes(`# ${article.title}`), "the Markdown has the title");
let refusedMarkdown = false;
try {
  await reader.GET("/v1/articles/{ref}", { params: { path: { ref: SEED }, query: { format: "md" } } });
} catch (error) {
  refusedMarkdown = error instanceof TypeError && error.message.includes('parseAs: "text"');
}
check(refusedMarkdown, "Markdown without parseAs says how to ask for it");
console.log(`1. ${article.title}: ${rows.data.length} rows, first '${first.dimension}'`);

// 2. Every article, two a page: `items` follows each page's `links.next`.
const titles: string[] = [];
const pages = items(async (cursor) =>
  ok(await reader.GET("/v1/articles", { params: { query: cursor ? { limit: 2, cursor } : { limit: 2 } } })),
);
for await (const item of pages) titles.push(item.title);
const table = await csv(reader, COMPARISON); // a format of its own: a string
check(table.split(/\r?\n/)[0] === "Dimension,AI operating partner,Fractional CAIO", "CSV");
console.log(`2. ${titles.length} articles, newest first`);

// 3. A draft, then published with If-Match.
const created = await editor.POST("/v1/articles", {
  body: {
    // A title of its own on each run: a slug, once used, stays taken.
    title: `Which AI leader first? ${crypto.randomUUID().slice(0, 6)}`,
    body_markdown: "A short note.",
  } satisfies Schemas["ArticleInput"],
});
const draft = ok(created);
const ref = String(draft.id);
const hidden = await reader.GET("/v1/articles/{ref}", { params: { path: { ref } } });
check(hidden.error?.status === 404, "a draft is not public");
const published = ok(
  await editor.PATCH("/v1/articles/{ref}", {
    params: { path: { ref }, header: ifMatch(created.response) },
    body: { status: "published" } satisfies Schemas["ArticlePatch"],
    headers: { "Content-Type": "application/merge-patch+json" },
  }),
);
check(published.status === "published", "published");
let refused: FolioProblem | undefined;
try {
  ok(
    await editor.PATCH("/v1/articles/{ref}", {
      params: { path: { ref }, header: ifMatch(created.response) }, // stale: read before
      body: { title: "Too late" } satisfies Schemas["ArticlePatch"],
    }),
  );
} catch (error) {
  if (!(error instanceof FolioProblem)) throw error;
  refused = error;
}
check(refused !== undefined, "a stale If-Match is refused");
const deleted = await editor.DELETE("/v1/articles/{ref}", { params: { path: { ref } } });
check(deleted.response.status === 204, "deleted");
const gone = await reader.GET("/v1/articles/{ref}", { params: { path: { ref } } });
check(gone.error?.status === 404, "a deleted article is not public");
console.log(`3. published ${draft.url}; a stale If-Match is ${refused.status}; deleted`);

// 4. One role against another.
const sideBySide = ok(
  await reader.GET("/v1/roles/{a}/compare/{b}", {
    params: { path: { a: "ai-operating-partner", b: "fractional-caio" } },
  }),
);
console.log(`4. ${sideBySide.dimensions.length} dimensions side by side`);

// 5. A typed 404: `error` is a Problem, no cast.
const missing = await reader.GET("/v1/articles/{ref}", {
  params: { path: { ref: "no-such-article" } },
});
check(missing.error?.status === 404, "a missing article is a 404");
check(
  missing.response.headers.get("content-type") === "application/problem+json",
  "errors are problem+json",
);
console.log(`5. ${missing.error.title}: ${missing.error.detail}`);
