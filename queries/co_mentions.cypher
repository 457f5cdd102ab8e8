// name: co_mentions
// The entities most often mentioned in the same articles as an entity, with the facts that
// link them directly, if any.
// param: name string required — entity name, alias or ISO code (case-insensitive)
// param: limit int default=20 range=1..1000 — at most this many entities
// returns: entity, other, kind, articles, facts
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
MATCH (e)<-[:MENTIONS]-(a:Article)-[:MENTIONS]->(o:Entity)
WHERE o <> e
WITH e, o, count(DISTINCT a) AS articles
ORDER BY articles DESC, o.name
LIMIT $limit
RETURN e.name AS entity, o.name AS other, o.kind AS kind, articles,
       COLLECT { MATCH (e)-[r:!MENTIONS&!REPORTED_IN]-(o) RETURN DISTINCT type(r) } AS facts
