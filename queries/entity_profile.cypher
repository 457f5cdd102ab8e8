// name: entity_profile
// Who or what an entity is: its kind, aliases, ISO code and jurisdictions, how many articles
// mention it, its degree, and each of its facts and case links with the evidence behind it
// (the 200 best-supported are listed).
// param: name string required — entity name, alias or ISO code (case-insensitive)
// returns: id, name, kind, aliases, iso, jurisdictions, articles, degree, facts
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
CALL (e) {
  OPTIONAL MATCH (e)-[:BELONGS_TO|BASED_IN|IN_JURISDICTION]->(j:Jurisdiction)
  RETURN collect(DISTINCT j.name) AS jurisdictions
}
CALL (e) {
  OPTIONAL MATCH (e)-[r:!MENTIONS&!REPORTED_IN]-(o:Entity)
  WITH r, o, coalesce(r.evidence_count, size(r.articles)) AS evidence
  ORDER BY evidence DESC, type(r), o.name
  RETURN count(r) AS degree, collect(CASE WHEN r IS NOT NULL THEN {
    direction: CASE WHEN startNode(r) = e THEN 'out' ELSE 'in' END,
    type: type(r), other: o.name, other_kind: o.kind, status: r.status,
    evidence_count: evidence
  } END)[..200] AS facts
}
RETURN e.id AS id, e.name AS name, e.kind AS kind, coalesce(e.aliases, []) AS aliases,
       e.iso AS iso, jurisdictions, COUNT { (e)<-[:MENTIONS]-(:Article) } AS articles,
       degree, facts
ORDER BY articles DESC, name
