// name: cases_by_jurisdiction
// The cases in a jurisdiction and in its subdivisions (US also lists US-NY), with who leads
// them, whom they target and what they allege, most reported first.
// param: iso string required — ISO 3166 code (FR, US-NY, EU), or the jurisdiction's name or alias
// returns: case, title, case_kind, status, jurisdiction, led_by, targets, offenses, articles
CALL () {
  OPTIONAL MATCH (y:Jurisdiction {iso: toUpper($iso)})
  OPTIONAL MATCH (x:Jurisdiction {norm: $iso_norm})
  WITH collect(DISTINCT x) + collect(DISTINCT y) AS exact
  // The alias scan reads every jurisdiction, so it runs only when the indexed lookups found
  // nothing: the UNWIND is empty otherwise and the scan below it never starts.
  CALL (exact) {
    UNWIND CASE WHEN size(exact) = 0 THEN [toLower($iso)] ELSE [] END AS wanted
    MATCH (a:Jurisdiction) WHERE any(s IN a.aliases WHERE toLower(s) IN [wanted, $iso_norm])
    RETURN collect(a) AS by_alias
  }
  RETURN exact + by_alias AS named
}
UNWIND named AS j
CALL (j) {
  MATCH (c:Case)-[:IN_JURISDICTION]->(j)
  RETURN c
  UNION
  MATCH (s:Jurisdiction) WHERE j.iso IS NOT NULL AND s.iso STARTS WITH j.iso + '-'
  MATCH (c:Case)-[:IN_JURISDICTION]->(s)
  RETURN c
}
WITH DISTINCT c
RETURN c.id AS case, c.title AS title, c.case_kind AS case_kind, c.status AS status,
       c.jurisdiction AS jurisdiction,
       COLLECT { MATCH (c)-[:LED_BY]->(x) RETURN x.name ORDER BY x.name } AS led_by,
       COLLECT { MATCH (c)-[:TARGETS]->(x) RETURN x.name ORDER BY x.name } AS targets,
       COLLECT { MATCH (c)-[:ALLEGES]->(x) RETURN x.name ORDER BY x.name } AS offenses,
       COUNT { (c)-[:REPORTED_IN]->(:Article) } AS articles
ORDER BY articles DESC, title
