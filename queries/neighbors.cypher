// name: neighbors
// The entities and cases around an entity, up to `depth` hops over facts and case links
// (never through articles), each with the shortest path that reaches it. At most `limit`
// neighbours: the nearest first, then the best-connected (most relationships), then by
// name. Around a hub the two-hop neighbourhood is a large part of the graph, so the
// breadth-first search stops after 2 x `limit` candidates (nearest first) and only those are
// ranked, in the server: past `limit` the list is a sample of the nearest, not all of them.
// param: name string required — entity name, alias or ISO code (case-insensitive)
// param: depth int default=1 range=1..3 — how many hops to expand
// param: kinds list[string] optional choices=@node_kinds — keep only neighbours of these kinds (comma-separated)
// param: types list[string] optional choices=@relationship_types — follow only these relationship types (comma-separated)
// param: limit int default=200 range=1..1000 — at most this many neighbours
// returns: entity, neighbor, kind, hops, path
CALL () {
  OPTIONAL MATCH (x:Entity {norm: $name_norm})
  OPTIONAL MATCH (y:Jurisdiction {iso: toUpper($name)})
  WITH collect(DISTINCT x) + collect(DISTINCT y) AS exact
  // The alias scan reads every entity, so it runs only when the indexed lookups found
  // nothing: the UNWIND is empty otherwise and the scan below it never starts.
  CALL (exact) {
    UNWIND CASE WHEN size(exact) = 0 AND $name IS NOT NULL THEN [toLower($name)] ELSE [] END AS wanted
    MATCH (a:Entity) WHERE any(s IN a.aliases WHERE toLower(s) IN [wanted, $name_norm])
    RETURN collect(a) AS by_alias
  }
  RETURN exact + by_alias AS named
}
UNWIND named AS e
CALL (e) {
  // One breadth-first search per entity; the bound is a validated int (see graph/queries.py).
  MATCH p = ANY SHORTEST (e)-[r:INVESTIGATES|PROSECUTES|ARRESTED|CHARGED_WITH|CONVICTED_OF|COOPERATES_WITH|REQUESTS_DATA_FROM|REFUSES_DATA_TO|FOUNDED|LEADS|MEMBER_OF|BELONGS_TO|BASED_IN|EXTRADITED_TO|SEIZED|LED_BY|TARGETS|IN_JURISDICTION|ALLEGES WHERE $types IS NULL OR type(r) IN $types]-{1,{{depth}}}(n:Entity)
  WHERE n <> e AND ($kinds IS NULL OR n.kind IN $kinds)
  WITH n, p LIMIT 2 * $limit
  // The relationship count is kept per node: ranking by it reads no relationships.
  WITH n, p ORDER BY length(p), COUNT { (n)--() } DESC, n.name LIMIT $limit
  RETURN n, p
}
RETURN e.name AS entity, n.name AS neighbor, n.kind AS kind, length(p) AS hops, p AS path
ORDER BY entity, hops, neighbor
