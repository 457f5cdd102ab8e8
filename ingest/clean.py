"""Page furniture removal: menus, share and newsletter prompts, footers and teaser blocks.

Scraped pages keep their navigation, "Related Articles" lists and cookie notices around the
article. Left in, they produce entities that the article never mentions (a crypto teaser
under a police story). The rules here are general and line based, never written for one
text:

1. furniture lines (navigation words, copyright and cookie lines, social and newsletter
   prompts, bare URLs) are dropped wherever they are;
2. a furniture heading ("Related Articles", "BREAKING NEWS", "Latest Posts", "Share") met
   after the article has started opens a trailing block that is cut to the end of the text,
   unless more prose follows it than precedes it (then it was a heading inside the article);
3. runs of short lines without sentence punctuation are menus when they contain navigation
   words, or when they come after the last sentence of the text (footers, sitemaps).

Lines that a page split inside one sentence (a name, then ", 47, of Brooklyn") are judged
together, so a list of defendants is not mistaken for a menu. Every kept line is kept
verbatim, so sentences and their offsets survive unchanged.

Measured once on 617 county prosecutor releases (every 14th file, sorted, of
../shared/data/county-prosecutor-releases/text): 58% of non-blank lines cut; of 4,865 lines
that read as sentences 20 were cut, and on inspection all were teasers, newsletter prompts or
form text inside "Latest Posts"/"Related Posts" blocks. The gold texts keep every evidence
sentence of ../shared/data/gold (tests/test_clean.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_NAV_WORDS = r"""
home|homepage|menu|main menu|navigation|search|search for|search this site|go|submit|skip
|skip to (?:the )?(?:main )?(?:content|navigation|menu)|skip navigation|scroll to top
|back to top|top|follow us|follow|share|share this|share this (?:article|story|post|page)
|share on (?:facebook|twitter|x|linkedin|whatsapp|email)|tweet|pin it|print|print this page
|email|e-mail|facebook|twitter|x|instagram|youtube|linkedin|pinterest|whatsapp|tiktok|reddit
|flickr|vimeo|feedburner|rss|rss feed|login|log in|log out|sign in|sign up|sign out|register
|subscribe|subscribe now|unsubscribe|contact|contact us|about|about us|site ?map|sitemap
|accessibility|privacy|privacy policy|privacy notice|terms|terms of use|terms of service
|terms and conditions|disclaimer|cookie policy|cookie settings|cookies|accept|accept all
|reject all|manage preferences|read more|read more »|continue reading|load more|view all
|see all|show more|more|previous|next|previous post|next post|previous article|next article
|close|open|toggle navigation|×|advertisement|sponsored|careers|jobs|newsroom|news
|press releases|media|podcasts|resources|leadership|help|faq|faqs|donate|events|blog
|you are here|breadcrumb|select|select language|translate|english|español|print friendly
|text size|a\+|a-|listen|related|tags|categories|archives|comments|no comments|author
|published|updated|posted in|filed under|press|press release|news release|media advisory
""".replace("\n", "")

_NAV_LINE = re.compile(rf"(?:{_NAV_WORDS})[\s:.»›>|/•·–—-]*", re.IGNORECASE)

# A heading that opens a trailing block of teasers, lists or prompts.
_TRAIL_HEADING = re.compile(
    r"(?:related(?: articles?| posts?| news| stories| content| links| coverage)?"
    r"|breaking news|popular(?: categories| posts| articles| stories| news| now)?"
    r"|(?:latest|recent|more|top|other|trending)(?: posts| news| articles| stories| updates"
    r"| headlines| releases| press releases)|trending(?: now)?|read more|read next|more from .{1,40}"
    r"|you (?:may|might) (?:also )?like|recommended(?: for you| articles| stories)?"
    r"|see also|also read|more on (?:this )?\w+(?: \w+)?|(?:previous and )?related coverage|(?:subscribe|sign up) (?:to|for) "
    r"(?:our|the) newsletter|newsletter(?: sign-?up)?|stay connected|share(?: this)?"
    r"(?: article| story| post| page)?|leave a (?:reply|comment)|about the author"
    r"|(?:post )?navigation|tags?|filed under|comments?)[\s:.!»›>|/•·–—-]*",
    re.IGNORECASE,
)

_FURNITURE_PATTERNS = [
    r"(?:©|\(c\)|copyright\b).{0,200}",
    r".{0,200}\ball rights reserved\b.{0,40}",
    r".{0,160}\b(?:this (?:web)?site|we) uses? cookies\b.*",
    r".{0,160}\bby (?:continuing to (?:use|browse)|using) this (?:web)?site\b.*",
    r"(?:accept|allow|manage) (?:all )?cookies.*",
    # Calls to action aimed at the reader: follow, subscribe, enable notifications.
    r".{0,120}\b(?:follow|subscribe|sign up|join|like)\b.{0,60}\b(?:us|our)\b.{0,60}"
    r"\b(?:newsletter|channel|account|page|feed|twitter|facebook|instagram|telegram|x)\b.{0,80}",
    r".{0,80}\benable notifications\b.*",
    r"(?:sign up|subscribe) (?:to|for) .{0,80}",
    r"click here\b.{0,80}",
    r"(?:https?://|www\.)\S+",  # a bare URL on its own line (image source, share link)
    r"link to:.*",
    r"\d+\s*(?:min|mins|minute|minutes)(?: read)?",
    r"(?:\w+_\w+){2,}",  # template junk such as spot_imgspot_img
    r"please (?:leave|keep) this field (?:empty|blank)\.?",
    r"are you a (?:human|robot)\?.*",
    r"(?:name|email|e-mail|website|comment)\s*\*?\s*(?:\(required\))?",
    r"(?:page|slide) \d+ of \d+",
    # News-page furniture: image credits, promos, tip lines, comment prompts, placeholders.
    r"(?:image|photo|picture|illustration|source|credit)s?(?: credit)?:\s*.{0,60}",
    r"see:\s*.{0,160}",
    # A teaser for another article: "Read more: <headline>", "Related: <headline>".
    r"(?:read more|read next|also read|see also|related(?: articles?| stories| coverage)?"
    r"|more on this(?: story)?)\s*:\s*.{0,200}",
    r"(?:have|got) a (?:news )?tip\b.*",
    r".{0,40}\blet us know (?:your thoughts|what you think)\b.{0,60}",
    r"unknown",
    # Promotions of the publisher's events: an event word and a call to register or join.
    r"(?=.*\b(?:webinars?|on-demand (?:events?|webinars?)|town halls?|live events?|virtual events?)\b)"
    r"(?=.*\b(?:register|join|sign up|check out|save your (?:seat|spot)|reserve)\b).{0,2000}",
    r"[\W_]{1,6}",  # separators: "–", "|", "# # #", "* * *"
]
_FURNITURE_LINE = re.compile("|".join(f"(?:{p})" for p in _FURNITURE_PATTERNS), re.IGNORECASE)
# Every furniture pattern longer than 6 characters contains one of these (lower case): a line
# without any is not furniture, and substring tests are much cheaper than the full match.
_FURNITURE_HINTS = (
    "©", "(c)", "copyright", "all rights reserved", "cookies", "this site", "this website",
    "follow", "subscribe", "sign up", "join", "like", "enable notifications", "click here",
    "http://", "https://", "www.", "link to:", "min", "_", "please", "are you a", "name",
    "email", "e-mail", "website", "comment", "page", "slide", "image", "photo", "picture",
    "illustration", "source", "credit", "see", "tip", "let us know", "unknown", "webinar",
    "read", "related", "more on",
    "on-demand", "town hall", "live event", "virtual event",
)  # fmt: skip
_FURNITURE_SHORT = 6  # the separator pattern: up to 6 non-word characters, no hint needed

# A sentence ends with . ! ? or a closing quote after one; ":" introduces what follows.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$|[:;]$")
_CONTINUES = re.compile(r"^[,.;:)\]”’%]|^[a-z]")  # a fragment of the previous line's sentence
_TEASER_END = re.compile(r"(?:\.\.\.|…)[\"'”’)]*$")
_WORD = re.compile(r"\w+")

_SHORT_WORDS = 7  # menu items, headings and bylines are rarely longer
_PROSE_WORDS = 8  # fewer words than this is rarely a sentence of the article


@dataclass
class _Block:
    """One logical line: physical lines that the page split inside one sentence."""

    lines: list[str]
    text: str = ""
    nav: bool = False
    prose: bool = False
    short: bool = False

    def classify(self) -> None:
        # Computed once: a 20 MB text has hundreds of thousands of blocks.
        self.text = text = " ".join(s.strip() for s in self.lines).strip()
        if not text:
            return  # a blank line: not navigation, prose or a short line
        self.nav = _is_nav(text)
        words = len(_WORD.findall(text))
        ends = _SENTENCE_END.search(text) is not None
        self.prose = words >= _PROSE_WORDS and ends and not _TEASER_END.search(text)
        self.short = words <= _SHORT_WORDS and not ends


def clean_text(text: str) -> str:
    """The article text with page furniture removed; article lines are kept verbatim."""
    blocks = _blocks(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for b in blocks:
        b.classify()
    blocks = [b for b in blocks if b.nav or not _is_furniture(b.text)]
    blocks = _cut_trailing_block(blocks)
    blocks = _drop_menu_runs(blocks)
    return _join(blocks)


def _blocks(lines: Iterable[str]) -> list[_Block]:
    blocks: list[_Block] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            blocks.append(_Block([""]))
            continue
        prev = blocks[-1] if blocks and blocks[-1].lines[-1].strip() else None
        if prev is not None and _CONTINUES.match(stripped) and not _is_nav(prev.lines[-1]):
            prev.lines.append(line)
        else:
            blocks.append(_Block([line]))
    return blocks


def _is_nav(s: str) -> bool:
    return bool(_NAV_LINE.fullmatch(s.strip()))


def _is_furniture(s: str) -> bool:
    s = s.strip()
    if len(s) > _FURNITURE_SHORT:
        low = s.lower()
        if not any(hint in low for hint in _FURNITURE_HINTS):
            return False
    return bool(s) and bool(_FURNITURE_LINE.fullmatch(s))


def _cut_trailing_block(blocks: list[_Block]) -> list[_Block]:
    """Cut from the first furniture heading after the article's first sentence to the end."""
    prose = [len(b.text) if b.prose else 0 for b in blocks]
    total, before = sum(prose), 0
    for i, b in enumerate(blocks):
        # A heading inside the article is followed by more article than came before it.
        if before and _TRAIL_HEADING.fullmatch(b.text) and total - before <= before:
            return blocks[:i]
        before += prose[i]
    return blocks


def _drop_menu_runs(blocks: list[_Block]) -> list[_Block]:
    """Drop runs of short lines that are menus: with navigation words, or after the text."""
    last_prose = max((i for i, b in enumerate(blocks) if b.prose), default=-1)
    keep = [True] * len(blocks)
    # The first line of a page is its title: short, unpunctuated and never a menu item.
    title = next((i for i, b in enumerate(blocks) if b.text and not b.nav), -1)
    i = 0
    while i < len(blocks):
        if not (blocks[i].short or blocks[i].nav):
            i += 1
            continue
        run, j = [i], i + 1
        while j < len(blocks) and (not blocks[j].text or blocks[j].short or blocks[j].nav):
            if blocks[j].text:
                run.append(j)
            j += 1
        nav = sum(blocks[k].nav for k in run)
        if len(run) >= 3 and (nav * 4 >= len(run) or run[0] > last_prose):
            for k in run:
                keep[k] = k == title
        i = j
    return [b for b, k in zip(blocks, keep, strict=True) if k and not b.nav]


def _join(blocks: list[_Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.text or (out and out[-1].strip()):
            out.extend(line.rstrip() for line in b.lines)
    return "\n".join(out).strip()
