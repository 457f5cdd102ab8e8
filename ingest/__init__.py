"""casegraph's ingest side: from bytes to typed records. It never talks to Neo4j."""
