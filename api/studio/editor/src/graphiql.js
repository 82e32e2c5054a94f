// GraphiQL at /graphql: the in-browser IDE for Folio's GraphQL, drawn into #graphiql. Queries go
// to the endpoint the page names (data-endpoint) by POST, with the headers typed in GraphiQL's
// header editor (an API key's `Authorization: Bearer …` shows drafts).
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";

const root = document.getElementById("graphiql");
const endpoint = root.dataset.endpoint;

async function fetcher(params, options) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      ...(options && options.headers),
    },
    body: JSON.stringify(params),
  });
  return response.json();
}

createRoot(root).render(
  createElement(GraphiQL, { fetcher, defaultQuery: root.dataset.query, isHeadersEditorEnabled: true }),
);
