/* eslint-disable */
import * as types from './graphql.ts';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ArticlePage($slug: String!) {\n    article(slug: $slug) {\n      id\n      title\n      published_at\n      body_html\n      author { name }\n      roles { slug name definition }\n      comparisons {\n        title\n        subjects { slug name }\n        rows { dimension cells { role text } }\n      }\n    }\n  }\n": typeof types.ArticlePageDocument,
};
const documents: Documents = {
    "\n  query ArticlePage($slug: String!) {\n    article(slug: $slug) {\n      id\n      title\n      published_at\n      body_html\n      author { name }\n      roles { slug name definition }\n      comparisons {\n        title\n        subjects { slug name }\n        rows { dimension cells { role text } }\n      }\n    }\n  }\n": types.ArticlePageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ArticlePage($slug: String!) {\n    article(slug: $slug) {\n      id\n      title\n      published_at\n      body_html\n      author { name }\n      roles { slug name definition }\n      comparisons {\n        title\n        subjects { slug name }\n        rows { dimension cells { role text } }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').ArticlePageDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
