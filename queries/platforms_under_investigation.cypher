// name: platforms_under_investigation
// Platforms that agencies investigate, prosecute, seize or request data from, or that cases
// target: who acts against each, in which cases and jurisdictions, for which offences; the
// best-supported first (independent sources summed over the facts: copies of one story count
// once; then evidence sentences).
// param: iso string optional — only actions by agencies of, or cases in, this jurisdiction (ISO code, name or alias)
// returns: platform, investigated_by, cases, jurisdictions, offenses, sources, evidence_count
CALL () {
  OPTIONAL MATCH (j:Jurisdiction)
  WHERE $iso IS NOT NULL AND (j.iso = toUpper($iso) OR j.norm = $iso_norm
        OR any(s IN j.aliases WHERE toLower(s) IN [toLower($iso), $iso_norm]))
  RETURN collect(j.iso) AS isos
}
WITH isos WHERE $iso IS NULL OR size(isos) > 0
MATCH (p:Platform)
CALL (p) {
  MATCH (ag:Agency)-[r:INVESTIGATES|PROSECUTES|SEIZED|REQUESTS_DATA_FROM]->(p)
  OPTIONAL MATCH (ag)-[:BELONGS_TO]->(aj:Jurisdiction)
  RETURN ag.name AS actor, NULL AS case, aj.iso AS iso, NULL AS offense,
         r.key AS key, coalesce(r.evidence_count, size(r.articles)) AS evidence,
         coalesce(r.sources, size(r.articles)) AS sources
  UNION ALL
  MATCH (c:Case)-[r:TARGETS]->(p)
  OPTIONAL MATCH (c)-[:IN_JURISDICTION]->(cj:Jurisdiction)
  OPTIONAL MATCH (c)-[:ALLEGES]->(o:Offense)
  OPTIONAL MATCH (c)-[:LED_BY]->(lead:Agency)
  RETURN lead.name AS actor, c.title AS case, coalesce(cj.iso, c.jurisdiction) AS iso,
         o.name AS offense, r.key AS key, size(r.articles) AS evidence,
         coalesce(r.sources, size(r.articles)) AS sources
}
WITH p, isos, actor, case, iso, offense, key, evidence, sources
WHERE $iso IS NULL OR any(code IN isos WHERE iso = code OR iso STARTS WITH code + '-')
WITH p, collect(DISTINCT actor) AS actors, collect(DISTINCT case) AS cases,
     collect(DISTINCT iso) AS jurisdictions, collect(DISTINCT offense) AS offenses,
     collect(DISTINCT {key: key, evidence: evidence, sources: sources}) AS supported
WITH p, actors, cases, jurisdictions, offenses,
     reduce(total = 0, s IN supported | total + s.sources) AS sources,
     reduce(total = 0, s IN supported | total + s.evidence) AS evidence_count
RETURN p.name AS platform, actors AS investigated_by, cases, jurisdictions, offenses, sources,
       evidence_count
ORDER BY sources DESC, evidence_count DESC, platform
