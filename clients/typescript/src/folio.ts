// A thin layer over openapi-fetch for Folio: a typed client whose answers are JSON and whose
// errors are problems, a key sent on every request, and helpers for ETags and problems.
// Everything else is openapi-fetch as documented: folio.GET("/v1/articles/{ref}", …).
import createClient, { type Client } from "openapi-fetch";
import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import type { components, paths } from "./schema.d.ts";

export type { components, paths };
export type Schemas = components["schemas"];
/** Every error Folio answers: RFC 9457 problem details. */
export type Problem = Schemas["Problem"];
/** JSON is the typed answer where an operation also offers Markdown, HTML, text or CSV; those
 * come with `parseAs: "text"`, and their type is string. */
export type Media = "application/json" | "application/problem+json";
export type Folio = Client<paths, Media>;

export interface FolioOptions {
  /** Where Folio answers; default http://127.0.0.1:8000. */
  baseUrl?: string;
  /** An API key, sent as `Authorization: Bearer …` on every request (drafts become visible). */
  key?: string;
}

export function createFolio(options: FolioOptions = {}): Folio {
  const folio = createClient<paths, Media>({
    baseUrl: options.baseUrl ?? "http://127.0.0.1:8000",
  });
  // An operation that also answers Markdown, HTML, text or CSV (`?format=md`) types its JSON
  // answer; the others are strings, read with `parseAs: "text"` (then `data` is a string).
  // Asked for without it, say so here rather than fail parsing Markdown as JSON.
  folio.use({
    onRequest({ request, options: merged }) {
      const format = new URL(request.url).searchParams.get("format");
      if (format !== null && format !== "json" && merged.parseAs === "json") {
        throw new TypeError(
          `format=${format} answers text, not JSON: pass parseAs: "text" (data is then a string)`,
        );
      }
      return request;
    },
  });
  const key = options.key;
  if (key !== undefined) {
    folio.use({
      onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${key}`);
        return request;
      },
    });
  }
  return folio;
}

/** A problem answered where data was expected, thrown by `ok`. */
export class FolioProblem extends Error {
  readonly problem: Problem;
  readonly status: number;

  constructor(problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.name = "FolioProblem";
    this.problem = problem;
    this.status = problem.status;
  }
}

type Result<T> =
  | { data: T; error?: never; response: Response }
  | { data?: never; error: Problem; response: Response };

/** The answer's data, or a `FolioProblem` thrown with the problem Folio sent. */
export function ok<T>(result: Result<T>): T {
  if (result.error !== undefined) throw new FolioProblem(result.error);
  return result.data;
}

/** The ETag of an answer (every GET and write has one), for `ifMatch` or `If-None-Match`. */
export function etagOf(response: Response): string {
  const etag = response.headers.get("etag");
  if (etag === null) throw new Error(`no ETag on ${response.url}`);
  return etag;
}

/** The header parameter that makes a write fail (412) if the resource changed since. */
export function ifMatch(response: Response): { "if-match": string } {
  return { "if-match": etagOf(response) };
}

/** A page of a list as Folio answers it: its items and the link to the next page. */
export interface ListPage<Item> {
  data: Item[];
  links: { next?: string | null };
}

/** Every item of a list, page after page, as `for await (const item of items(…))`:
 * `page(cursor)` fetches one page (the first with `cursor` undefined), and the cursor of the
 * next is read from its `links.next`, up to `maxPages` pages. */
export async function* items<Item>(
  page: (cursor: string | undefined) => Promise<ListPage<Item>>,
  maxPages = 100_000,
): AsyncGenerator<Item, void, undefined> {
  let cursor: string | undefined;
  for (let n = 0; n < maxPages; n += 1) {
    const answer = await page(cursor);
    yield* answer.data;
    const next = answer.links.next;
    if (next === null || next === undefined) return;
    const found = new URL(next, "http://127.0.0.1").searchParams.get("cursor");
    if (found === null) return;
    cursor = found;
  }
}

/** An article as Markdown (GFM, its tables kept). */
export async function markdown(folio: Folio, ref: string): Promise<string> {
  const query = { format: "md" } as const;
  return ok(await folio.GET("/v1/articles/{ref}", { params: { path: { ref }, query }, parseAs: "text" }));
}

/** An article as sanitized HTML. */
export async function html(folio: Folio, ref: string): Promise<string> {
  const query = { format: "html" } as const;
  return ok(await folio.GET("/v1/articles/{ref}", { params: { path: { ref }, query }, parseAs: "text" }));
}

/** A comparison's table as CSV: a header (the dimension, then each role), a line a row. */
export async function csv(folio: Folio, ref: string): Promise<string> {
  const query = { format: "csv" } as const;
  return ok(
    await folio.GET("/v1/comparisons/{ref}", { params: { path: { ref }, query }, parseAs: "text" }),
  );
}

// --- GraphQL ------------------------------------------------------------------------------

/** A query typed by graphql-codegen (`graphql(...)` of ./gql/index.ts): its text, with the
 * types of its result and its variables. */
export interface GraphQLQuery<TResult, TVariables>
  extends DocumentTypeDecoration<TResult, TVariables> {
  toString(): string;
}

/** An error of a GraphQL answer, with the problem Folio names in its extensions. */
export interface GraphQLErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; status?: number; [name: string]: unknown };
}

/** A GraphQL answer with errors, thrown by `query`. */
export class FolioGraphQLError extends Error {
  readonly errors: GraphQLErrorEntry[];

  constructor(errors: GraphQLErrorEntry[]) {
    super(errors.map((e) => e.message).join("; "));
    this.name = "FolioGraphQLError";
    this.errors = errors;
  }
}

interface GraphQLAnswer<TResult> {
  data?: TResult | null;
  errors?: GraphQLErrorEntry[];
}

/** Runs a typed query at `/graphql` and gives its data, typed as the query selects it. The
 * query goes by GET as a persisted query, named by the SHA-256 of its text alone (a short URL
 * that browsers and CDNs cache); the first time Folio does not know it, it is sent whole once,
 * by POST, and kept. */
export async function query<TResult, TVariables>(
  options: FolioOptions,
  document: GraphQLQuery<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const endpoint = `${options.baseUrl ?? "http://127.0.0.1:8000"}/graphql`;
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.key !== undefined) headers.Authorization = `Bearer ${options.key}`;
  const text = document.toString();
  const persisted = { persistedQuery: { version: 1, sha256Hash: await sha256(text) } };
  const url = new URL(endpoint);
  url.searchParams.set("variables", JSON.stringify(variables));
  url.searchParams.set("extensions", JSON.stringify(persisted));
  let answer = await answerOf<TResult>(await fetch(url, { headers }));
  if (answer.errors?.some((e) => e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") === true) {
    const body = { query: text, variables, extensions: persisted };
    answer = await answerOf<TResult>(
      await fetch(endpoint, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
  }
  if (answer.errors !== undefined && answer.errors.length > 0) {
    throw new FolioGraphQLError(answer.errors);
  }
  if (answer.data === undefined || answer.data === null) {
    throw new FolioGraphQLError([{ message: `${endpoint} answered no data` }]);
  }
  return answer.data;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function answerOf<TResult>(response: Response): Promise<GraphQLAnswer<TResult>> {
  const answer: unknown = await response.json();
  if (typeof answer !== "object" || answer === null) {
    throw new FolioGraphQLError([{ message: `${response.status}: not a GraphQL answer` }]);
  }
  return answer;
}
