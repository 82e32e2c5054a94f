// Folio from TypeScript: the five steps a frontend or a script takes, typed end to end.
//
//   npm ci && npm run check
//   FOLIO_URL=http://127.0.0.1:8000 FOLIO_KEY=<a write key> npm run example
//
// The types come from Folio's openapi.json (`npm run generate`, openapi-typescript); the
// requests go through openapi-fetch. Nothing below is cast: every body, parameter, header and
// error is the type the contract gives it. openapi-fetch infers a request's options, which
// turns off TypeScript's check for unknown fields in an object written inline: `satisfies`
// (or a typed constant) puts it back, so strict tsc refuses a misspelt field.
//
// 1. the seed article by slug, and its comparison's rows;
// 2. every article, page after page, following `meta.next_cursor`;
// 3. a draft, then published with If-Match (the ETag read);
// 4. one role against another;
// 5. a 404 as a problem (application/problem+json).
//
// Every answer is checked: the program fails loudly if Folio does not do what it documents.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.d.ts";

type Problem = components["schemas"]["Problem"];
type ArticleInput = components["schemas"]["ArticleInput"];
type ArticlePatch = components["schemas"]["ArticlePatch"];

const SEED = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need";
const COMPARISON = "ai-operating-partner-vs-fractional-caio";

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

// The media types to type: JSON is the answer where an operation also offers Markdown, HTML,
// plain text or CSV, and every error is a `Problem`.
const folio = createClient<paths, "application/json" | "application/problem+json">({
  baseUrl: process.env.FOLIO_URL ?? "http://127.0.0.1:8000",
});
const key = process.env.FOLIO_KEY;
check(key !== undefined, "set FOLIO_KEY to a write key");
const write = { Authorization: `Bearer ${key}` };

// 1. The seed by slug, and its comparison's rows.
const article = await folio.GET("/v1/articles/{ref}", { params: { path: { ref: SEED } } });
check(article.data !== undefined, `the seed: ${article.response.status}`);
const rows = await folio.GET("/v1/comparisons/{ref}/rows", {
  params: { path: { ref: COMPARISON } },
});
check(rows.data !== undefined, `the rows: ${rows.response.status}`);
const first = rows.data.data[0];
check(first !== undefined, "the comparison has rows");
console.log(`1. ${article.data.title}: ${rows.data.data.length} rows, first '${first.dimension}'`);

// 2. Every article, two a page, following the cursor.
const titles: string[] = [];
let cursor: string | null | undefined;
for (let page = 0; page < 1_000; page++) {
  // bounded: a page per step
  const listed = await folio.GET("/v1/articles", {
    params: { query: cursor ? { limit: 2, cursor } : { limit: 2 } },
  });
  check(listed.data !== undefined, `a page: ${listed.response.status}`);
  titles.push(...listed.data.data.map((item) => item.title));
  cursor = listed.data.meta.next_cursor;
  if (!cursor) break;
}
console.log(`2. ${titles.length} articles, newest first`);

// 3. A draft, then published with If-Match.
const created = await folio.POST("/v1/articles", {
  body: {
    // A title of its own on each run: a slug, once used, stays taken.
    title: `Which AI leader first? ${crypto.randomUUID().slice(0, 6)}`,
    body_markdown: "A short note.",
  } satisfies ArticleInput,
  headers: write,
});
check(created.data !== undefined, `create: ${created.response.status}`);
const ref = String(created.data.id);
const etag = created.response.headers.get("etag");
check(etag !== null, "a created article has an ETag");
const hidden = await folio.GET("/v1/articles/{ref}", { params: { path: { ref } } });
check(hidden.response.status === 404, "a draft is not public");
const published = await folio.PATCH("/v1/articles/{ref}", {
  params: { path: { ref }, header: { "if-match": etag } },
  body: { status: "published" } satisfies ArticlePatch,
  headers: { ...write, "Content-Type": "application/merge-patch+json" },
});
check(published.data?.status === "published", `publish: ${published.response.status}`);
const stale = await folio.PATCH("/v1/articles/{ref}", {
  params: { path: { ref }, header: { "if-match": etag } },
  body: { title: "Too late" } satisfies ArticlePatch,
  headers: write,
});
check(stale.error !== undefined, "a stale If-Match is refused");
console.log(`3. published ${created.data.url}; a stale If-Match is ${stale.response.status}`);

// 4. One role against another.
const sideBySide = await folio.GET("/v1/roles/{a}/compare/{b}", {
  params: { path: { a: "ai-operating-partner", b: "fractional-caio" } },
});
check(sideBySide.data !== undefined, `compare: ${sideBySide.response.status}`);
console.log(`4. ${sideBySide.data.dimensions.length} dimensions side by side`);

// 5. A typed 404: `error` is a Problem, no cast.
const missing = await folio.GET("/v1/articles/{ref}", {
  params: { path: { ref: "no-such-article" } },
});
const problem: Problem | undefined = missing.error;
check(problem !== undefined && problem.status === 404, "a missing article is a 404");
check(
  missing.response.headers.get("content-type") === "application/problem+json",
  "errors are problem+json",
);
console.log(`5. ${problem.title}: ${problem.detail}`);
