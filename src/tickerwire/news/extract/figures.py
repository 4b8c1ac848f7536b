"""Images with their captions and credits, recovered from the page.

Body extractors keep an ``<img>`` but drop its ``<figcaption>`` and the photographer's credit,
which a news page must show. So figures are read from the page itself: ``<figure>`` and
WordPress ``.wp-caption`` blocks outside navigation, asides and "related stories" rails; the
credit is taken from a credit/copyright element, or split off the caption text ("Photo: ...",
"© ...", "REUTERS/...", "(AP Photo/...)"). Lazy-loaded images are followed to their real URL.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tickerwire.news.extract.jsonld import LinkedData, text_value
from tickerwire.news.extract.page_text import MetaTags, clean_text, first_meta
from tickerwire.news.model import Figure

_LAZY_ATTRS = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-hi-res-src",
    "data-full-src",
    "data-url",
    "data-lazy",
)
_PLACEHOLDER = re.compile(
    r"^data:|placeholder|blank\.|spacer|pixel\.|1x1|transparent|lazy[-_.]|loading|loader\.|"
    r"missing-image|grey\.gif|gray\.gif",
    re.IGNORECASE,
)
_OFF_ARTICLE = re.compile(
    r"related|recommend|promo|sidebar|newsletter|comment|teaser|outbrain|taboola|"
    r"more-stories|most-popular|trending|advert|sponsor|footer|\bnav\b|navigation|menu|share",
    re.IGNORECASE,
)
_CREDIT_CLASS = re.compile(
    r"credit|copyright|photographer|attribution|source|byline|courtesy", re.IGNORECASE
)
_CREDIT_LABEL = re.compile(
    r"\s*(?:\b(?:photo|photograph|photographer|image|picture|foto|bild|credit|credits|source|"
    r"quelle|fotos?)s?(?:\s+by)?\s*:|\bphotos?\s+by\b|\bphotograph\s+by\b)\s*",
    re.IGNORECASE,
)
_CREDIT_WORD = re.compile(
    r"^(?:\s*(?:image\s+)?(?:credits?|photo(?:graph)?s?|fotos?|bild|copyright|©|chart|graphic|"
    r"map|illustration|source|quelle)(?:\s+by)?\b\W*)+",
    re.IGNORECASE,
)
_LEADING_CREDIT = re.compile(r"^(?:(?:image\s+)?credits?\s*:?\s+)+", re.IGNORECASE)
"""A caption that is only a credit, in the form "Credit Kim Raff for The New York Times"."""
_NAME = r"[A-ZÀ-Þ][\w.'’-]*"
_FOR_PUBLICATION = re.compile(
    rf"(?:^|(?<=[.!?])\s+)((?:Photo(?:graph)?s?(?:\s+Illustration)?\s+by\s+|"
    rf"Fotoilustraci\w+\s+de\s+)?{_NAME}(?:\s+(?:{_NAME}|\+|de|van|von|da))"
    rf"{{1,5}}\s+(?:for|para|pour|für|per)\s+(?:The\s+|the\s+|El\s+|La\s+|Le\s+|Die\s+)?"
    rf"{_NAME}(?:\s+{_NAME}){{0,4}})\s*$"
)
"""A credit to a photographer working for a publication: "Kim Raff for The New York Times"."""
_NAME_SLASH_AGENCY = re.compile(rf"^{_NAME}(?:\s+{_NAME}){{0,3}}\s*/\s*\S")
"""A credit in the wire form "Kirill Kudryavtsev/Pool/Reuters"."""
_EMBEDDED_URL = re.compile(r"https?://", re.IGNORECASE)
_MIN_SHARED_STEM = 16
_MIN_SIDE = 60
"""Images drawn smaller than this (rules, icons, tracking pixels) are decoration."""
_COPYRIGHT = re.compile(r"\s*(?:©|\(c\)|copyright\b)\s*", re.IGNORECASE)
_AGENCY = re.compile(
    r"\b(?:REUTERS|Reuters|AP Photo|AP|AFP|Getty Images|Getty|EPA|Bloomberg|Shutterstock|"
    r"Xinhua|dpa|Alamy|iStock|PA|Pool|NurPhoto|SOPA|Sipa|ANP|Anadolu)\b"
)
_TRAILING_PAREN = re.compile(r"\s*\(([^()]{2,80})\)\s*$")


def absolute(url: str | None, base: str | None) -> str | None:
    """An http(s) URL resolved against the page; anything else (data:, javascript:) is None."""
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    resolved = urljoin(base or "", url)
    return resolved if urlsplit(resolved).scheme in {"http", "https"} else None


def _largest_from_srcset(srcset: str) -> str | None:
    best: tuple[float, str] | None = None
    for candidate in srcset.split(","):
        bits = candidate.strip().split()
        if not bits:
            continue
        size = 0.0
        if len(bits) > 1 and bits[1][:-1].replace(".", "", 1).isdigit():
            size = float(bits[1][:-1]) * (1 if bits[1].endswith("w") else 1000)
        if best is None or size > best[0]:
            best = (size, bits[0])
    return best[1] if best else None


def image_url(img: LexborNode, base: str | None) -> str | None:
    """The real image behind an ``<img>``, looking past lazy-loading placeholders."""
    attrs = img.attributes
    src = (attrs.get("src") or "").strip()
    if src and not _PLACEHOLDER.search(src):
        return absolute(src, base)
    for name in _LAZY_ATTRS:
        if attrs.get(name):
            return absolute(attrs[name], base)
    srcset = attrs.get("data-srcset") or attrs.get("srcset")
    if not srcset and img.parent is not None and img.parent.tag == "picture":
        source = img.parent.css_first("source[srcset]")
        srcset = source.attributes.get("srcset") if source else None
    if srcset:
        return absolute(_largest_from_srcset(srcset), base)
    return None


def off_article(node: LexborNode) -> bool:
    """True when the node sits in navigation, an aside, a footer or a rail of other stories."""
    parent = node.parent
    while parent is not None and parent.tag not in {"body", "html"}:
        if parent.tag in {"nav", "aside", "footer", "form"}:
            return True
        marks = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}"
        if marks.strip() and _OFF_ARTICLE.search(marks):
            return True
        parent = parent.parent
    return False


def split_credit(caption: str) -> tuple[str | None, str | None]:
    """Split "Traders on the floor. REUTERS/Brendan McDermid" into caption and credit."""
    caption = " ".join(caption.split())
    leading = _LEADING_CREDIT.match(caption)
    if leading and _looks_like_a_credit(caption[leading.end() :]):
        return None, caption[leading.end() :].strip(" .;|")
    label = _CREDIT_LABEL.search(caption) or _COPYRIGHT.search(caption)
    if label:
        credit = caption[label.end() :].strip(" .;|")
        if credit:
            return caption[: label.start()].strip(" .;|-–—") or None, credit
    paren = _TRAILING_PAREN.search(caption)
    if paren and _AGENCY.search(paren.group(1)):
        return caption[: paren.start()].strip() or None, paren.group(1).strip()
    for_publication = _FOR_PUBLICATION.search(caption)
    if for_publication:
        head = caption[: for_publication.start(1)].strip(" |–—")
        return head or None, for_publication.group(1)
    pieces = re.split(r"(?<=[.!?|])\s+|\s+[|–—]\s+", caption)
    tail = pieces[-1] if pieces else ""
    if len(pieces) > 1 and _AGENCY.search(tail) and len(tail.split()) <= 8:
        head = caption[: len(caption) - len(tail)].strip(" |–—")
        return head or None, tail.strip(" .")
    return caption or None, None


def _looks_like_a_credit(text: str) -> bool:
    """Whether what follows a leading "Credit" names who made the picture, rather than
    being a caption that happens to start with the word ("Credit Suisse shares fell")."""
    words = text.split()
    return bool(words) and (
        bool(_NAME_SLASH_AGENCY.match(text))
        or bool(_FOR_PUBLICATION.search(text))
        or bool(_AGENCY.search(text))
        or (len(words) <= 4 and all(w[0].isupper() for w in words if w[0].isalpha()))
    )


def _caption_and_credit(block: LexborNode) -> tuple[str | None, str | None]:
    caption_node = block.css_first("figcaption") or block.css_first(
        ".wp-caption-text, [class*='caption']"
    )
    credit_node = next(
        (
            n
            for n in block.css("[class]")
            if n.tag not in {"img", "picture", "source", "figure"}
            and _CREDIT_CLASS.search(n.attributes.get("class") or "")
        ),
        None,
    )
    credit = clean_text(credit_node)
    caption = clean_text(caption_node)
    if credit and caption and credit in caption:
        caption = " ".join(caption.replace(credit, " ").split()) or None
    if credit:
        credit = _CREDIT_WORD.sub("", credit, count=1).strip() or credit
        return caption, credit
    return split_credit(caption) if caption else (None, None)


_TEXT_BLOCKS = frozenset({"p", "h2", "h3", "h4", "li", "blockquote", "pre"})
_FIGURE_BLOCKS = frozenset({"figure", "div"})
FOLLOWS_CHARS = 80
"""How much of the preceding text a figure remembers: enough to find that paragraph again
in the extracted body, short enough to survive the extractor's trimming of its start."""


def _inside_figure(node: LexborNode) -> bool:
    parent, depth = node.parent, 0
    while parent is not None and depth < 6:
        if parent.tag == "figure" or "wp-caption" in (parent.attributes.get("class") or ""):
            return True
        parent, depth = parent.parent, depth + 1
    return False


def _preceding_texts(tree: LexborHTMLParser, blocks: list[LexborNode]) -> dict[int, str]:
    """For each figure block, the end of the last paragraph before it in the page."""
    wanted = {block.mem_id for block in blocks}
    found: dict[int, str] = {}
    last = ""
    root = tree.body or tree.root
    for node in root.traverse() if root is not None else ():
        if node.tag in _FIGURE_BLOCKS and node.mem_id in wanted:
            if last:
                found[node.mem_id] = last
        elif node.tag in _TEXT_BLOCKS and not _inside_figure(node):
            text = " ".join((node.text(deep=True, separator=" ") or "").split())
            if len(text) >= 20:
                last = text[-FOLLOWS_CHARS:]
    return found


def read_figures(tree: LexborHTMLParser, base: str | None) -> list[Figure]:
    """Every captioned image block of the article, in page order, one per image URL, each
    with the text it followed."""
    figures: dict[str, Figure] = {}
    blocks = tree.css("figure, div.wp-caption")
    follows = _preceding_texts(tree, blocks)
    for block in blocks:
        if (block.parent is not None and block.parent.tag == "figure") or off_article(block):
            continue
        img = block.css_first("img")
        if img is not None and _is_tiny(img):
            continue
        url = image_url(img, base) if img is not None else None
        if url is None:
            source = block.css_first("picture source[srcset]")
            srcset = source.attributes.get("srcset") if source else None
            url = absolute(_largest_from_srcset(srcset), base) if srcset else None
        if url is None or url in figures:
            continue
        caption, credit = _caption_and_credit(block)
        alt = (" ".join((img.attributes.get("alt") or "").split()) or None) if img else None
        figures[url] = Figure(
            url=url, caption=caption, credit=credit, alt=alt, follows=follows.get(block.mem_id)
        )
    return list(figures.values())


def _is_tiny(img: LexborNode) -> bool:
    sides = (img.attributes.get("width") or "", img.attributes.get("height") or "")
    return any(side.strip().isdigit() and int(side) < _MIN_SIDE for side in sides)


def _image_key(url: str) -> tuple[str, str]:
    """Directory and file name of the image itself, looking inside resizing-proxy URLs
    (``...?url=https%3A//origin/a.jpg``, ``/thumbor/800x0/https://origin/a.jpg``)."""
    text = unquote(unquote(url))
    inner = [m.start() for m in _EMBEDDED_URL.finditer(text) if m.start() > 0]
    path = urlsplit(text[inner[-1] :] if inner else text).path
    directory, _, name = path.rpartition("/")
    return directory, name


_RENDITION = re.compile(
    r"(?:[-_.,x]|\d+|w|h|q|jumbo|super|large|medium|small|thumb(?:nail|standard|large)?|"
    r"square|wide|master|popup|article|inline|facebook|twitter|og|social|video|sixteen|by|"
    r"nine|three|two|four|mobile|hd|sd|crop(?:ped)?|scaled|full|original|big|lg|md|sm|xl|"
    r"xs|hero|main|feature|blog|card|horizontal|vertical|default|image|img|rendition)*",
    re.IGNORECASE,
)


def _same_image(a: str, b: str) -> bool:
    """Two renditions of one picture: same file, or same folder and names that differ only
    by rendition words (``merlin_164275284_...-facebookJumbo.jpg`` and ``...-articleLarge.jpg``;
    ``PICT0001-xlarge_trans_X.jpeg`` and ``PICT0001_trans_X.jpeg``), where what they share
    is long or is the folder's own name (``13SUDAN-1/13SUDAN-1-master768.jpg``), or one name
    is a bare picture number the other contains (``77/2585177.jpg``, ``77/port-2585177w280.jpg``).
    """
    if a == b:
        return True
    (dir_a, name_a), (dir_b, name_b) = _image_key(a), _image_key(b)
    if dir_a != dir_b or not name_a or not name_b:
        return False
    if name_a == name_b:
        return True
    stem_a, _, ext_a = name_a.rpartition(".")
    stem_b, _, ext_b = name_b.rpartition(".")
    if ext_a.lower() != ext_b.lower():
        return False
    if any(
        _PICTURE_NUMBER.fullmatch(x) and x in y for x, y in ((stem_a, stem_b), (stem_b, stem_a))
    ):
        return True
    prefix = _shared_length(stem_a, stem_b)
    suffix = _shared_length(stem_a[prefix:][::-1], stem_b[prefix:][::-1])
    middles = (stem_a[prefix : len(stem_a) - suffix], stem_b[prefix : len(stem_b) - suffix])
    # A long shared stem alone is not enough: slug-named files ("fed-rates-lead.jpg",
    # "fed-rates-chart.png") share one too. The parts that differ must read as rendition
    # names (sizes, crops), as CMSs make them.
    if not all(_RENDITION.fullmatch(middle) for middle in middles):
        return False
    folder = dir_a.rpartition("/")[2]
    return prefix + suffix >= _MIN_SHARED_STEM or (
        bool(folder) and stem_a[:prefix].strip("-_.") == folder
    )


_PICTURE_NUMBER = re.compile(r"\d{6,}")


def _shared_length(a: str, b: str) -> int:
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def _jsonld_image(linked: LinkedData, base: str | None) -> Figure | None:
    raw = (linked.article or {}).get("image") or (linked.webpage or {}).get("primaryImageOfPage")
    raw = linked.resolve(raw[0] if isinstance(raw, list) and raw else raw)
    if isinstance(raw, str):
        url = absolute(raw, base)
        return Figure(url=url, caption=None, credit=None, alt=None) if url else None
    if not isinstance(raw, dict):
        return None
    url = absolute(text_value(raw.get("url") or raw.get("contentUrl")), base)
    if url is None:
        return None
    credit = text_value(raw.get("creditText")) or _name_of(linked, raw.get("copyrightHolder"))
    credit = credit or _name_of(linked, raw.get("author") or raw.get("creator"))
    caption = text_value(raw.get("caption")) or text_value(raw.get("description"))
    return Figure(url=url, caption=caption, credit=credit, alt=text_value(raw.get("name")))


def _name_of(linked: LinkedData, value: Any) -> str | None:
    value = linked.resolve(value[0] if isinstance(value, list) and value else value)
    return text_value(value.get("name")) if isinstance(value, dict) else text_value(value)


def lead_image(
    tags: MetaTags, linked: LinkedData, figures: list[Figure], base: str | None
) -> Figure | None:
    """The picture that heads the story: JSON-LD image, then og:image, then the first figure;
    a caption or credit missing from the metadata is taken from the matching page figure."""
    lead = _jsonld_image(linked, base)
    og_url = absolute(first_meta(tags, "og:image:secure_url", "og:image", "twitter:image"), base)
    if lead is None and og_url:
        alt = first_meta(tags, "og:image:alt", "twitter:image:alt")
        lead = Figure(url=og_url, caption=None, credit=None, alt=alt)
    if lead is None:
        return figures[0] if figures else None
    match = next((f for f in figures if _same_image(f.url, lead.url)), None)
    if match is None:
        return lead
    return Figure(
        url=match.url,
        caption=lead.caption or match.caption,
        credit=lead.credit or match.credit,
        alt=lead.alt or match.alt,
    )


def without_lead(figures: list[Figure], lead: Figure | None) -> list[Figure]:
    return [f for f in figures if lead is None or not _same_image(f.url, lead.url)]
