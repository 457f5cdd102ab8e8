// name: entity_profile
// Who or what an entity is: its kind, aliases, ISO code and jurisdictions, how many articles
// mention it, its degree, and its facts and case links with the evidence behind them — the
// 200 best-supported only (most independent sources first: copies of one story count once;
// then sentences, type and other name): a hub has thousands, and the cap is applied in the
// server.
// param: name string required — entity name, alias or ISO code (case-insensitive)
// returns: id, name, kind, aliases, iso, jurisdictions, articles, degree, facts
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
  OPTIONAL MATCH (e)-[:BELONGS_TO|BASED_IN|IN_JURISDICTION]->(j:Jurisdiction)
  RETURN collect(DISTINCT j.name) AS jurisdictions
}
CALL (e) {
  MATCH (e)-[r:INVESTIGATES|PROSECUTES|ARRESTED|CHARGED_WITH|CONVICTED_OF|COOPERATES_WITH|REQUESTS_DATA_FROM|REFUSES_DATA_TO|FOUNDED|LEADS|MEMBER_OF|BELONGS_TO|BASED_IN|EXTRADITED_TO|SEIZED|LED_BY|TARGETS|IN_JURISDICTION|ALLEGES]-(o)
  WITH r, o, coalesce(r.evidence_count, size(r.articles)) AS evidence,
       coalesce(r.sources, size(r.articles)) AS sources
  ORDER BY sources DESC, evidence DESC, type(r), o.name
  LIMIT 200
  RETURN collect({
    direction: CASE WHEN startNode(r) = e THEN 'out' ELSE 'in' END,
    type: type(r), other: o.name, other_kind: o.kind, status: r.status,
    sources: sources, evidence_count: evidence
  }) AS facts
}
// Degrees from the relationship counts the store keeps per node (no expansion): only
// articles have MENTIONS and only cases REPORTED_IN, the rest are facts and case links.
WITH e, jurisdictions, facts, COUNT { (e)<-[:MENTIONS]-() } AS articles
RETURN e.id AS id, e.name AS name, e.kind AS kind, coalesce(e.aliases, []) AS aliases,
       e.iso AS iso, jurisdictions, articles,
       COUNT { (e)--() } - articles - COUNT { (e)-[:REPORTED_IN]-() } AS degree, facts
ORDER BY articles DESC, name
