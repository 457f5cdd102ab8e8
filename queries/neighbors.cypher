// name: neighbors
// The entities and cases around an entity, up to `depth` hops over facts and case links
// (never through articles), each with the shortest path that reaches it.
// param: name string required — entity name, alias or ISO code (case-insensitive)
// param: depth int default=1 range=1..3 — how many hops to expand
// param: kinds list[string] optional choices=@node_kinds — keep only neighbours of these kinds (comma-separated)
// param: types list[string] optional choices=@relationship_types — follow only these relationship types (comma-separated)
// returns: entity, neighbor, kind, hops, path
CALL () {
  OPTIONAL MATCH (x:Entity {norm: $name_norm})
  OPTIONAL MATCH (y:Jurisdiction {iso: toUpper($name)})
  WITH collect(DISTINCT x) + collect(DISTINCT y) AS exact
  CALL (exact) {
    WITH exact WHERE size(exact) = 0 AND $name IS NOT NULL
    MATCH (a:Entity) WHERE any(s IN a.aliases WHERE toLower(s) IN [toLower($name), $name_norm])
    RETURN collect(a) AS by_alias
  }
  RETURN exact + by_alias AS named
}
UNWIND named AS e
// One breadth-first search per entity; the bound is a validated int (see graph/queries.py).
MATCH p = ANY SHORTEST (e)-[r:!MENTIONS&!REPORTED_IN WHERE $types IS NULL OR type(r) IN $types]-{1,{{depth}}}(n:Entity)
WHERE n <> e AND ($kinds IS NULL OR n.kind IN $kinds)
RETURN e.name AS entity, n.name AS neighbor, n.kind AS kind, length(p) AS hops, p AS path
ORDER BY entity, hops, neighbor
