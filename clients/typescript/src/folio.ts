// A thin layer over openapi-fetch for Folio: a typed client whose answers are JSON and whose
// errors are problems, a key sent on every request, and helpers for ETags and problems.
// Everything else is openapi-fetch as documented: folio.GET("/v1/articles/{ref}", …).
import createClient, { type Client } from "openapi-fetch";
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
