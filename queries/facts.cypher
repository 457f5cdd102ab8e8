// name: facts
// Facts and case links, filtered by source entity, type and target entity (each optional),
// best-supported first (independent sources: copies of one story count once, then sentences),
// each with its evidence: the sentences that state it and their
// articles' title, date and URL (and the page, for a PDF).
// param: source string optional — source entity: name, alias or ISO code
// param: type string optional choices=@relationship_types — relationship type, e.g. INVESTIGATES
// param: target string optional — target entity: name, alias or ISO code
// param: min_confidence float optional range=0..1 — only facts the fact classifier scored at least this (facts it did not score, such as case links, always pass)
// param: date_from date optional — only facts with a sentence dated on or after this day (the event's date when the text gives one, else the article's)
// param: date_to date optional — only facts with a sentence dated on or before this day
// param: include_undated bool default=true — with a date window, keep facts whose sentences have no date
// param: limit int default=100 range=1..10000 — at most this many facts
// returns: source, source_kind, type, target, target_kind, status, confidence, sources, evidence_count, evidence
CALL () {
  OPTIONAL MATCH (x:Entity {norm: $source_norm})
  OPTIONAL MATCH (y:Jurisdiction {iso: toUpper($source)})
  WITH collect(DISTINCT x) + collect(DISTINCT y) AS exact
  // The alias scan reads every entity, so it runs only when the indexed lookups found
  // nothing: the UNWIND is empty otherwise and the scan below it never starts.
  CALL (exact) {
    UNWIND CASE WHEN size(exact) = 0 AND $source IS NOT NULL THEN [toLower($source)] ELSE [] END AS wanted
    MATCH (a:Entity) WHERE any(s IN a.aliases WHERE toLower(s) IN [wanted, $source_norm])
    RETURN collect(a) AS by_alias
  }
  RETURN exact + by_alias AS sources
}
CALL () {
  OPTIONAL MATCH (x:Entity {norm: $target_norm})
  OPTIONAL MATCH (y:Jurisdiction {iso: toUpper($target)})
  WITH collect(DISTINCT x) + collect(DISTINCT y) AS exact
  // The alias scan reads every entity, so it runs only when the indexed lookups found
  // nothing: the UNWIND is empty otherwise and the scan below it never starts.
  CALL (exact) {
    UNWIND CASE WHEN size(exact) = 0 AND $target IS NOT NULL THEN [toLower($target)] ELSE [] END AS wanted
    MATCH (a:Entity) WHERE any(s IN a.aliases WHERE toLower(s) IN [wanted, $target_norm])
    RETURN collect(a) AS by_alias
  }
  RETURN exact + by_alias AS targets
}
// Anchor on whichever end is given; scan facts only when neither is. COOPERATES_WITH is
// symmetric, so it matches in either direction.
CALL (sources, targets) {
  UNWIND sources AS s
  MATCH (s)-[r:!MENTIONS&!REPORTED_IN]-(t:Entity)
  WHERE (startNode(r) = s OR type(r) = 'COOPERATES_WITH') AND ($target IS NULL OR t IN targets)
  RETURN s, r, t
  UNION
  UNWIND CASE WHEN $source IS NULL THEN targets ELSE [] END AS t
  MATCH (s:Entity)-[r:!MENTIONS&!REPORTED_IN]-(t)
  WHERE endNode(r) = t OR type(r) = 'COOPERATES_WITH'
  RETURN s, r, t
  UNION
  WITH sources WHERE $source IS NULL AND $target IS NULL
  MATCH (s:Entity)-[r:!MENTIONS&!REPORTED_IN]->(t:Entity)
  RETURN s, r, t
}
WITH s, r, t WHERE ($type IS NULL OR type(r) = $type)
  AND ($min_confidence IS NULL OR r.confidence IS NULL OR r.confidence >= $min_confidence)
  AND ($date_from IS NULL AND $date_to IS NULL OR EXISTS {
    MATCH (ev:Evidence {fact_key: r.key})
    WITH coalesce(ev.event_date, ev.reported_date) AS d
    WHERE CASE WHEN d IS NULL THEN $include_undated
          ELSE ($date_from IS NULL OR d >= left($date_from, size(d))) AND ($date_to IS NULL OR d <= $date_to) END })
WITH s, r, t, coalesce(r.evidence_count, size(r.articles)) AS evidence_count,
     coalesce(r.sources, size(r.articles)) AS sources
ORDER BY sources DESC, evidence_count DESC, s.name, type(r), t.name
LIMIT $limit
CALL (r) {
  OPTIONAL MATCH (ev:Evidence {fact_key: r.key})
  OPTIONAL MATCH (a:Article {id: ev.article_id})
  WITH ev, a ORDER BY a.date, ev.start
  RETURN collect(CASE WHEN ev IS NOT NULL THEN {
    sentence: ev.sentence, article_id: ev.article_id, title: a.title, date: a.date, url: coalesce(a.url, ev.cite),
    rule: ev.rule, confidence: ev.confidence, page: ev.page
  } END) AS evidence
}
RETURN s.name AS source, s.kind AS source_kind, type(r) AS type, t.name AS target,
       t.kind AS target_kind, r.status AS status, r.confidence AS confidence, sources,
       evidence_count, evidence
