// name: timeline
// An entity through time: the articles that mention it, oldest first (undated last), with the
// facts about it and the cases involving it that each article reports. `date` is the article's
// publication date (`date_source` says where it was read); `events` gives each of those facts
// with the date the text gives for the event (`event_date`, null when it gives none).
// param: name string required — entity name, alias or ISO code (case-insensitive)
// param: date_from date optional — only articles published on or after this day
// param: date_to date optional — only articles published on or before this day
// param: include_undated bool default=true — with a date window, keep the undated articles (listed last)
// returns: entity, date, article_id, title, url, facts, cases, date_source, events
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
// The entity's facts once, so each article only looks up its own (indexed) evidence.
CALL (e) {
  OPTIONAL MATCH (e)-[r:!MENTIONS&!REPORTED_IN]-(:Entity)
  RETURN collect(DISTINCT r.key) AS keys,
         collect({key: r.key, text: startNode(r).name + ' ' + type(r) + ' ' + endNode(r).name}) AS described
}
MATCH (a:Article)-[:MENTIONS]->(e)
WHERE $date_from IS NULL AND $date_to IS NULL
   OR CASE WHEN a.date IS NULL THEN $include_undated
      ELSE ($date_from IS NULL OR a.date >= $date_from) AND ($date_to IS NULL OR a.date <= $date_to) END
CALL (a, keys, described) {
  OPTIONAL MATCH (ev:Evidence {article_id: a.id}) WHERE ev.fact_key IN keys
  WITH collect(DISTINCT ev.fact_key) AS supported, collect(ev) AS evs
  RETURN [d IN described WHERE d.key IN supported | d.text] AS facts,
         [d IN described WHERE d.key IN supported |
          {fact: d.text, event_date: reduce(m = null, x IN evs |
             CASE WHEN x.fact_key = d.key AND x.event_date IS NOT NULL
                       AND (m IS NULL OR x.event_date < m) THEN x.event_date ELSE m END)}] AS events
}
RETURN e.name AS entity, a.date AS date, a.id AS article_id, a.title AS title, a.url AS url,
       facts,
       COLLECT { MATCH (c:Case)-[:REPORTED_IN]->(a) WHERE (c)--(e) RETURN c.title ORDER BY c.title } AS cases,
       a.date_source AS date_source, events
ORDER BY entity, date IS NULL, date, title
