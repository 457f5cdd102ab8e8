"""casegraph's graph side: the ontology, the Neo4j store and server, queries and analytics.

Importing this package imports nothing heavy; `graph.ontology`, `graph.errors` and
`graph.settings` are free of the Neo4j driver so that `ingest/` may use them.
"""
