// name: cooperation_paths
// How two agencies or jurisdictions are connected through cooperation: paths over
// COOPERATES_WITH, MEMBER_OF and BELONGS_TO facts whose every node is an agency or a
// jurisdiction, shortest first, then best-supported (the weakest hop, then the total
// evidence), each hop with its status and up to three evidence sentences and their articles.
// Paths can be restricted to some of the three relationship types, to jurisdictions allowed
// on the way (a jurisdiction in between must be one of them or inside one; an agency in
// between must belong only to such, or to none known; the two ends are exempt), and to a date
// window: a hop counts when one of its sentences is dated inside it (the event's date when the
// text gives one, else the article's), or has no date and include_undated is true. A
// restricted search is a breadth-first one from the first end, slower around hubs.
// param: from string required — agency or jurisdiction: ISO code (KR), name or alias
// param: to string required — agency or jurisdiction: ISO code (FR), name or alias
// param: max_hops int default=4 range=1..6 — longest path considered
// param: types list[string] optional choices=COOPERATES_WITH|MEMBER_OF|BELONGS_TO — follow only these relationship types
// param: via list[string] optional — jurisdictions allowed on the way: ISO codes, names or aliases
// param: date_from date optional — only hops with a sentence dated on or after this day
// param: date_to date optional — only hops with a sentence dated on or before this day
// param: include_undated bool default=true — with a date window, keep hops whose sentences have no date
// returns: source, target, hops, path, steps, evidence_count, weakest_evidence
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
WITH a, b, via WHERE a <> b AND (a:Agency OR a:Jurisdiction) AND (b:Agency OR b:Jurisdiction)
// Paths are matched by length from both ends at once, shortest first, until ten are found:
// a breadth-first search from one end (SHORTEST) would visit most of a hub's neighbourhood.
// Three hops join the two ends' neighbours by a relationship, four hops by a middle node.
CALL (a, b, via) {
  WITH a, b WHERE $types IS NULL AND $via IS NULL AND $date_from IS NULL AND $date_to IS NULL
  OPTIONAL MATCH one = (a)-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(b)
  WITH a, b, collect(one) AS found
  CALL (a, b, found) {
    MATCH two = (a)-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(m:Agency|Jurisdiction)-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(b)
    WHERE {{max_hops}} >= 2 AND size(found) < 10 AND m <> a AND m <> b
    WITH two LIMIT 10
    RETURN collect(two) AS two
  }
  WITH a, b, found + two AS found
  CALL (a, b, found) {
    MATCH three = (a)-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(m1:Agency|Jurisdiction)-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(m2:Agency|Jurisdiction)-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(b)
    WHERE {{max_hops}} >= 3 AND size(found) < 10
      AND NOT m1 IN [a, b] AND NOT m2 IN [a, b, m1]
    WITH three LIMIT 10
    RETURN collect(three) AS three
  }
  WITH a, b, found + three AS found
  CALL (a, b, found) {
    MATCH four = (a)-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(m1:Agency|Jurisdiction)-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(mid:Agency|Jurisdiction)-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(m2:Agency|Jurisdiction)-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(b)
    USING JOIN ON mid
    WHERE {{max_hops}} >= 4 AND size(found) < 10
      AND NOT m1 IN [a, b] AND NOT mid IN [a, b, m1] AND NOT m2 IN [a, b, m1, mid]
    WITH four LIMIT 10
    RETURN collect(four) AS four
  }
  WITH a, b, found + four AS found
  // Longer bounds than four hops: the breadth-first search for the ten shortest, only when
  // the matches above found fewer than ten (its bound is a validated int, see graph/queries.py).
  CALL (a, b, found) {
    WITH found WHERE size(found) >= 10 OR {{max_hops}} <= 4
    UNWIND found[..10] AS p
    RETURN p
    UNION
    WITH a, b, found WHERE size(found) < 10 AND {{max_hops}} > 4
    MATCH p = SHORTEST 10 (a) (()-[:COOPERATES_WITH|MEMBER_OF|BELONGS_TO]-(:Agency|Jurisdiction)){1,{{max_hops}}} (b)
    WHERE size(nodes(p)) = size(reduce(seen = [], n IN nodes(p) | CASE WHEN n IN seen THEN seen ELSE seen + n END))
    RETURN p
  }
  RETURN p
  UNION
  // Restricted: each hop and each node in between checked as the search walks.
  WITH a, b, via WHERE $types IS NOT NULL OR $via IS NOT NULL OR $date_from IS NOT NULL OR $date_to IS NOT NULL
  MATCH p = SHORTEST 10 (a) (()-[r:COOPERATES_WITH|MEMBER_OF|BELONGS_TO
      WHERE ($types IS NULL OR type(r) IN $types)
        AND ($date_from IS NULL AND $date_to IS NULL OR EXISTS {
          MATCH (ev:Evidence {fact_key: r.key})
          WHERE CASE WHEN coalesce(ev.event_date, ev.reported_date) IS NULL THEN $include_undated
                ELSE ($date_from IS NULL OR coalesce(ev.event_date, ev.reported_date) >= left($date_from, size(coalesce(ev.event_date, ev.reported_date))))
                 AND ($date_to IS NULL OR coalesce(ev.event_date, ev.reported_date) <= $date_to) END })
    ]-(n:Agency|Jurisdiction
      WHERE n = b OR $via IS NULL
         OR (n:Jurisdiction AND n IN via)
         OR (n:Agency AND all(j IN COLLECT { MATCH (n)-[:BELONGS_TO|BASED_IN]->(j:Jurisdiction) RETURN j } WHERE j IN via))
    )){1,{{max_hops}}} (b)
  WHERE size(nodes(p)) = size(reduce(seen = [], n IN nodes(p) | CASE WHEN n IN seen THEN seen ELSE seen + n END))
  RETURN p
}
CALL (p) {
  UNWIND range(0, length(p) - 1) AS i
  WITH i, relationships(p)[i] AS r
  OPTIONAL MATCH (ev:Evidence {fact_key: r.key})
  OPTIONAL MATCH (art:Article {id: ev.article_id})
  WITH i, r, ev, art ORDER BY art.date DESC, ev.sentence
  WITH i, r, collect(CASE WHEN ev IS NOT NULL THEN {
    sentence: ev.sentence, article_id: ev.article_id, title: art.title, date: art.date, url: coalesce(art.url, ev.cite)
  } END)[..3] AS evidence
  ORDER BY i
  RETURN collect({
    source: startNode(r).name, type: type(r), target: endNode(r).name, status: r.status,
    evidence_count: coalesce(r.evidence_count, size(evidence)), evidence: evidence
  }) AS steps
}
WITH a, b, p, steps, [s IN steps | s.evidence_count] AS counts
RETURN a.name AS source, b.name AS target, length(p) AS hops, p AS path, steps,
       reduce(t = 0, c IN counts | t + c) AS evidence_count,
       reduce(m = counts[0], c IN counts | CASE WHEN c < m THEN c ELSE m END) AS weakest_evidence
ORDER BY hops, weakest_evidence DESC, evidence_count DESC
