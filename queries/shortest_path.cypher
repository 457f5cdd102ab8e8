// name: shortest_path
// The shortest connections between two entities over facts and case links (never through
// articles), best-supported first. Paths can be restricted to relationship types, to
// jurisdictions allowed on the way (a jurisdiction in between must be one of them or inside
// one; any other entity or case in between must belong, be based or sit only in such, or have
// no known place; the two ends are exempt), and to a date window: a hop counts when one of its
// sentences is dated inside it (the event's date when the text gives one, else the
// article's), or has no date and include_undated is true (case links have sentences too).
// param: from string required — first entity: name, alias or ISO code
// param: to string required — second entity: name, alias or ISO code
// param: types list[string] optional choices=@relationship_types — follow only these relationship types (comma-separated)
// param: max_hops int default=6 range=1..10 — longest path considered
// param: via list[string] optional — jurisdictions allowed on the way: ISO codes, names or aliases
// param: date_from date optional — only hops with a sentence dated on or after this day
// param: date_to date optional — only hops with a sentence dated on or before this day
// param: include_undated bool default=true — with a date window, keep hops whose sentences have no date
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
// The allowed jurisdictions, with the subdivisions of each (US allows US-CA).
CALL () {
  UNWIND coalesce($via, []) AS wanted
  MATCH (j:Jurisdiction)
  WHERE j.iso = toUpper(wanted) OR j.norm IN $via_norm
     OR any(s IN j.aliases WHERE toLower(s) = toLower(wanted))
  OPTIONAL MATCH (part:Jurisdiction) WHERE part.iso STARTS WITH j.iso + '-'
  RETURN collect(DISTINCT j) + collect(DISTINCT part) AS via
}
UNWIND sources AS a
UNWIND targets AS b
WITH a, b, via WHERE a <> b
MATCH p = ALL SHORTEST (a) (()-[r:!MENTIONS&!REPORTED_IN
    WHERE ($types IS NULL OR type(r) IN $types)
      AND ($date_from IS NULL AND $date_to IS NULL OR EXISTS {
        MATCH (ev:Evidence {fact_key: r.key})
        WHERE CASE WHEN coalesce(ev.event_date, ev.reported_date) IS NULL THEN $include_undated
              ELSE ($date_from IS NULL OR coalesce(ev.event_date, ev.reported_date) >= left($date_from, size(coalesce(ev.event_date, ev.reported_date))))
               AND ($date_to IS NULL OR coalesce(ev.event_date, ev.reported_date) <= $date_to) END })
  ]-(n WHERE n = b OR $via IS NULL
       OR (n:Jurisdiction AND n IN via)
       OR (NOT n:Jurisdiction AND all(j IN COLLECT {
             MATCH (n)-[:BELONGS_TO|BASED_IN|IN_JURISDICTION]->(j:Jurisdiction) RETURN j } WHERE j IN via))
  )){1,{{max_hops}}} (b)
WITH a, b, p, reduce(s = 0, r IN relationships(p) | s + coalesce(r.evidence_count, size(r.articles), 1)) AS evidence
RETURN a.name AS source, b.name AS target, length(p) AS hops, p AS path,
       [r IN relationships(p) | type(r)] AS types, evidence AS evidence_count
ORDER BY hops, evidence_count DESC
