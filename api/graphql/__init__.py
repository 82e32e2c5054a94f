"""GraphQL at ``/graphql``: a read-only schema made from the registry of kinds and the public
shapes REST answers with, resolved by the same services (``api.graphql.schema``), limited in
size, depth, aliases and cost (``api.graphql.limits``), with persisted queries over GET
(``api.graphql.persisted``) cached like any REST answer (``api.graphql.router``)."""
