// name: linked_cases
// The cases that involve an entity — directly (they are led by it, target it, are in it or
// allege it) or through one fact of a case's target (the case against Pavel Durov involves
// Telegram because Durov FOUNDED Telegram) — and, for each, the other cases it is linked to
// through a shared target, lead agency or offence, or a fact between their targets.
// Top N by evidence, so that a hub never explodes: the `cases` cases most directly involved
// (direct before through a fact, then most reporting articles, then title; cases through a
// fact are looked for only when fewer than `cases` are involved directly, and only through
// targets of at most 50 cases), and per case
// the 10 strongest links: a shared target before a shared lead agency or offence before a
// fact between targets, rarer shared entities first. An entity shared by more than 50 cases
// (a busy agency, "fraud", "United States") is a weak link and links nothing; facts are
// followed only from targets with at most 50 relationships to targets of at most 20 cases.
// param: name string required — entity name, alias or ISO code (case-insensitive)
// param: cases int default=25 range=1..200 — at most this many cases (most involved first)
// returns: case, title, case_kind, status, jurisdiction, involvement, linked_cases
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
  MATCH (c:Case)-[:LED_BY|TARGETS|IN_JURISDICTION|ALLEGES]->(e)
  RETURN count(DISTINCT c) AS direct
}
CALL (e, direct) {
  MATCH (c:Case)-[role:LED_BY|TARGETS|IN_JURISDICTION|ALLEGES]->(e)
  RETURN c, type(role) + ' ' + e.name AS how, 0 AS indirect
  UNION
  // Through a fact of a case's target only while the direct cases leave room, and only
  // targets of at most 50 cases (the facts of a hub reach most of the graph's cases).
  UNWIND CASE WHEN direct < $cases THEN [e] ELSE [] END AS anchor
  MATCH (anchor)-[f:INVESTIGATES|PROSECUTES|ARRESTED|CHARGED_WITH|CONVICTED_OF|COOPERATES_WITH|REQUESTS_DATA_FROM|REFUSES_DATA_TO|FOUNDED|LEADS|MEMBER_OF|BELONGS_TO|BASED_IN|EXTRADITED_TO|SEIZED]-(t:Entity)
  WHERE t <> anchor AND 0 < COUNT { (t)<-[:TARGETS]-() } <= 50
  MATCH (t)<-[:TARGETS]-(c:Case)
  RETURN c, 'TARGETS ' + t.name + ' (' + startNode(f).name + ' ' + type(f) + ' ' + endNode(f).name + ')' AS how, 1 AS indirect
}
WITH c, how, indirect ORDER BY how
WITH c, collect(DISTINCT how) AS involvement, min(indirect) AS indirect
ORDER BY indirect, COUNT { (c)-[:REPORTED_IN]->() } DESC, c.title
LIMIT $cases
// Links, strongest first. `sharing` is how many cases hold the shared entity in that role
// (a relationship count kept per node, read without expanding); hubs are skipped before
// their cases are expanded.
OPTIONAL CALL (c) {
  MATCH (c)-[:TARGETS]->(shared:Entity)
  WITH shared, COUNT { (shared)<-[:TARGETS]-() } AS sharing WHERE sharing <= 50
  MATCH (shared)<-[:TARGETS]-(o:Case) WHERE o <> c
  RETURN o, 'both TARGETS ' + shared.name AS via, 0 AS strength, sharing
  UNION
  MATCH (c)-[:LED_BY]->(shared:Entity)
  WITH shared, COUNT { (shared)<-[:LED_BY]-() } AS sharing WHERE sharing <= 50
  MATCH (shared)<-[:LED_BY]-(o:Case) WHERE o <> c
  RETURN o, 'both LED_BY ' + shared.name AS via, 1 AS strength, sharing
  UNION
  MATCH (c)-[:ALLEGES]->(shared:Entity)
  WITH shared, COUNT { (shared)<-[:ALLEGES]-() } AS sharing WHERE sharing <= 50
  MATCH (shared)<-[:ALLEGES]-(o:Case) WHERE o <> c
  RETURN o, 'both ALLEGES ' + shared.name AS via, 1 AS strength, sharing
  UNION
  MATCH (c)-[:TARGETS]->(t1:Entity) WHERE COUNT { (t1)--() } <= 50
  MATCH (t1)-[f:!MENTIONS&!REPORTED_IN&!LED_BY&!TARGETS&!IN_JURISDICTION&!ALLEGES]-(t2:Entity)
  WITH f, t2, COUNT { (t2)<-[:TARGETS]-() } AS sharing WHERE 0 < sharing <= 20
  MATCH (t2)<-[:TARGETS]-(o:Case) WHERE o <> c
  RETURN o, startNode(f).name + ' ' + type(f) + ' ' + endNode(f).name AS via, 2 AS strength, sharing
}
WITH c, involvement, indirect, o, collect(DISTINCT via) AS vias, min(strength) AS strength,
     min(sharing) AS sharing
ORDER BY strength, sharing, o.title
WITH c, involvement, collect({case: o.id, title: o.title, via: vias})[..10] AS linked
RETURN c.id AS case, c.title AS title, c.case_kind AS case_kind, c.status AS status,
       c.jurisdiction AS jurisdiction, involvement,
       [l IN linked WHERE l.case IS NOT NULL] AS linked_cases
ORDER BY title
