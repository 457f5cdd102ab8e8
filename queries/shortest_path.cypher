// name: shortest_path
// The shortest connections between two entities over facts and case links (never through
// articles), best-supported first.
// param: from string required — first entity: name, alias or ISO code
// param: to string required — second entity: name, alias or ISO code
// param: types list[string] optional choices=@relationship_types — follow only these relationship types (comma-separated)
// param: max_hops int default=6 range=1..10 — longest path considered
// returns: source, target, hops, path, types, evidence_count
CALL () {
  OPTIONAL MATCH (x:Entity {norm: $from_norm})
  OPTIONAL MATCH (y:Jurisdiction {iso: toUpper($from)})
  WITH collect(DISTINCT x) + collect(DISTINCT y) AS exact
  // The alias scan reads every entity, so it runs only when the indexed lookups found
  // nothing: the UNWIND is empty otherwise and the scan below it never starts.
  CALL (exact) {
    UNWIND CASE WHEN size(exact) = 0 AND $from IS NOT NULL THEN [toLower($from)] ELSE [] END AS wanted
    MATCH (a:Entity) WHERE any(s IN a.aliases WHERE toLower(s) IN [wanted, $from_norm])
    RETURN collect(a) AS by_alias
  }
  RETURN exact + by_alias AS sources
}
CALL () {
  OPTIONAL MATCH (x:Entity {norm: $to_norm})
  OPTIONAL MATCH (y:Jurisdiction {iso: toUpper($to)})
  WITH collect(DISTINCT x) + collect(DISTINCT y) AS exact
  // The alias scan reads every entity, so it runs only when the indexed lookups found
  // nothing: the UNWIND is empty otherwise and the scan below it never starts.
  CALL (exact) {
    UNWIND CASE WHEN size(exact) = 0 AND $to IS NOT NULL THEN [toLower($to)] ELSE [] END AS wanted
    MATCH (a:Entity) WHERE any(s IN a.aliases WHERE toLower(s) IN [wanted, $to_norm])
    RETURN collect(a) AS by_alias
  }
  RETURN exact + by_alias AS targets
}
UNWIND sources AS a
UNWIND targets AS b
WITH a, b WHERE a <> b
MATCH p = ALL SHORTEST (a)-[r:!MENTIONS&!REPORTED_IN WHERE $types IS NULL OR type(r) IN $types]-{1,{{max_hops}}}(b)
WITH a, b, p, reduce(s = 0, r IN relationships(p) | s + coalesce(r.evidence_count, size(r.articles), 1)) AS evidence
RETURN a.name AS source, b.name AS target, length(p) AS hops, p AS path,
       [r IN relationships(p) | type(r)] AS types, evidence AS evidence_count
ORDER BY hops, evidence_count DESC
