// name: top_entities
// The most reported entities (by the number of articles that mention them, or report them
// for cases), with how many facts and cases they are part of.
// param: kind string optional choices=@node_kinds — only entities of this kind
// param: limit int default=20 range=1..1000 — at most this many entities
// returns: name, kind, articles, facts, cases
MATCH (e:Entity)
WHERE $kind IS NULL OR e.kind = $kind
WITH e, COUNT { (e)<-[:MENTIONS]-(:Article) } + COUNT { (e)-[:REPORTED_IN]->(:Article) } AS articles
ORDER BY articles DESC, e.name
LIMIT $limit
RETURN e.name AS name, e.kind AS kind, articles,
       COUNT { (e)-[:!MENTIONS&!REPORTED_IN&!LED_BY&!TARGETS&!IN_JURISDICTION&!ALLEGES]-(:Entity) } AS facts,
       COUNT { (e)-[:LED_BY|TARGETS|IN_JURISDICTION|ALLEGES]-(:Case) } AS cases
