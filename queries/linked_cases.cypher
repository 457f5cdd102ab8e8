// name: linked_cases
// The cases that involve an entity — directly (they are led by it, target it, are in it or
// allege it) or through one fact of a case's target (the case against Pavel Durov involves
// Telegram because Durov FOUNDED Telegram) — and, for each, the other cases it is linked to
// through a shared target, lead agency or offence, or a fact between their targets.
// param: name string required — entity name, alias or ISO code (case-insensitive)
// returns: case, title, case_kind, status, jurisdiction, involvement, linked_cases
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
  MATCH (c:Case)-[role:LED_BY|TARGETS|IN_JURISDICTION|ALLEGES]->(e)
  RETURN c, type(role) + ' ' + e.name AS how
  UNION
  MATCH (c:Case)-[:TARGETS]->(t:Entity)-[f:!MENTIONS&!REPORTED_IN&!LED_BY&!TARGETS&!IN_JURISDICTION&!ALLEGES]-(e)
  WHERE t <> e
  RETURN c, 'TARGETS ' + t.name + ' (' + startNode(f).name + ' ' + type(f) + ' ' + endNode(f).name + ')' AS how
}
WITH c, how ORDER BY how
WITH c, collect(DISTINCT how) AS involvement
OPTIONAL CALL (c) {
  MATCH (c)-[r1:TARGETS|LED_BY|ALLEGES]->(shared:Entity)<-[r2:TARGETS|LED_BY|ALLEGES]-(o:Case)
  WHERE o <> c AND type(r1) = type(r2)
  RETURN o, 'both ' + type(r1) + ' ' + shared.name AS via
  UNION
  MATCH (c)-[:TARGETS]->(t1:Entity)-[f:!MENTIONS&!REPORTED_IN&!LED_BY&!TARGETS&!IN_JURISDICTION&!ALLEGES]-(t2:Entity)<-[:TARGETS]-(o:Case)
  WHERE o <> c
  RETURN o, startNode(f).name + ' ' + type(f) + ' ' + endNode(f).name AS via
}
WITH c, involvement, o, collect(DISTINCT via) AS vias
ORDER BY o.title
WITH c, involvement, collect({case: o.id, title: o.title, via: vias})[..50] AS linked
RETURN c.id AS case, c.title AS title, c.case_kind AS case_kind, c.status AS status,
       c.jurisdiction AS jurisdiction, involvement,
       [l IN linked WHERE l.case IS NOT NULL] AS linked_cases
ORDER BY title
