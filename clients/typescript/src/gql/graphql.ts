/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ArticlePageQueryVariables = Exact<{
  slug: string;
}>;


export type ArticlePageQuery = { article: { id: number, title: string, published_at: string | null, body_html: string, author: { name: string } | null, roles: Array<{ slug: string, name: string, definition: string }>, comparisons: Array<{ title: string, subjects: Array<{ slug: string, name: string }>, rows: Array<{ dimension: string, cells: Array<{ role: string, text: string }> }> }> } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ArticlePageDocument = new TypedDocumentString(`
    query ArticlePage($slug: String!) {
  article(slug: $slug) {
    id
    title
    published_at
    body_html
    author {
      name
    }
    roles {
      slug
      name
      definition
    }
    comparisons {
      title
      subjects {
        slug
        name
      }
      rows {
        dimension
        cells {
          role
          text
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ArticlePageQuery, ArticlePageQueryVariables>;