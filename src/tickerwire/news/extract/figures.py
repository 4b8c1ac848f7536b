"""Images with their captions and credits, recovered from the page.

Body extractors keep an ``<img>`` but drop its ``<figcaption>`` and the photographer's credit,
which a news page must show. So figures are read from the page itself: ``<figure>`` and
WordPress ``.wp-caption`` blocks outside navigation, asides and "related stories" rails; the
credit is taken from a credit/copyright element, or split off the caption text ("Photo: ...",
"© ...", "REUTERS/...", "(AP Photo/...)"). Lazy-loaded images are followed to their real URL,
and the widths a page offers (``srcset``, ``<picture><source>``) are kept as the figure's
sources, its URL the one nearest what our pages show (news/srcset.py).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tickerwire.media.raster import MEDIA_TYPES
from tickerwire.news.extract.jsonld import LinkedData, text_value
from tickerwire.news.extract.page_text import MetaTags, clean_text, first_meta
from tickerwire.news.model import Figure, ImageSource
from tickerwire.news.srcset import MAX_CANDIDATES, Candidate, parse_srcset, preferred

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
_LABEL_WORDS = re.compile(
    r"^(?:\W*(?:credits?\b\s*:?|(?:photo(?:graph)?s?|images?|pictures?)\s*:))+\s*",
    re.IGNORECASE,
)
"""Label words before a credit ("Credit", "Photo:"), repeated where a page prints one for
screen readers and one for the eye ("Credit Credit Jeon Heon-Kyun/EPA")."""
_CREDIT_PROPS = "[itemprop=copyrightHolder], [itemprop=creator], [itemprop=author]"
"""schema.org marks of the credit element, found where class names are hashed (NYT)."""
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.IGNORECASE)
_BARE_AGENCY = re.compile(rf"^(?:{_AGENCY.pattern})(?:\s*/\s*(?:{_AGENCY.pattern}))*$")


def absolute(url: str | None, base: str | None) -> str | None:
    """An http(s) URL resolved against the page; anything else (data:, javascript:) is None."""
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    resolved = urljoin(base or "", url)
    return resolved if urlsplit(resolved).scheme in {"http", "https"} else None


_SOURCE_TYPES = frozenset({"", "image/jpg", *MEDIA_TYPES.values()})
"""The ``<source type>`` values of images we serve ("": a source that does not say)."""


def _size(candidate: Candidate) -> float:
    if candidate.width is not None:
        return candidate.width
    return float(candidate.descriptor[:-1]) * 1000 if candidate.descriptor else 0.0


def _largest_from_srcset(srcset: str) -> str | None:
    largest = max(parse_srcset(srcset), key=_size, default=None)
    return largest.url if largest else None


def _widths(srcset: str | None, base: str | None) -> tuple[ImageSource, ...]:
    """The width candidates of a ``srcset`` resolved against the page, placeholders and
    ``data:`` left out: narrowest first, one per width, at most ``MAX_CANDIDATES``."""
    by_width: dict[int, str] = {}
    for candidate in parse_srcset(srcset or ""):
        url = absolute(candidate.url, base)
        if candidate.width is not None and url and not _PLACEHOLDER.search(candidate.url):
            by_width.setdefault(candidate.width, url)
    return tuple(ImageSource(by_width[w], w) for w in sorted(by_width)[:MAX_CANDIDATES])


def _srcset_of(node: LexborNode) -> str | None:
    return node.attributes.get("data-srcset") or node.attributes.get("srcset")


def picture_sources(picture: LexborNode, base: str | None) -> tuple[ImageSource, ...]:
    """The widths of a ``<picture>``'s first ``<source>`` in a format we serve, one meant
    for every screen (no ``media``) where there is one rather than an art-directed crop."""
    sources = [
        node
        for node in picture.css("source")
        if (node.attributes.get("type") or "").split(";")[0].strip().lower() in _SOURCE_TYPES
    ]
    for node in sorted(sources, key=lambda node: "media" in node.attributes):
        widths = _widths(_srcset_of(node), base)
        if widths:
            return widths
    return ()


def image_sources(img: LexborNode, base: str | None) -> tuple[ImageSource, ...]:
    """The widths the page offers for an ``<img>``: its own (lazy-loaded) ``srcset``, else
    those of the ``<picture>`` it is in."""
    widths = _widths(_srcset_of(img), base)
    if widths or img.parent is None or img.parent.tag != "picture":
        return widths
    return picture_sources(img.parent, base)


def image_url(img: LexborNode, base: str | None) -> str | None:
    """The real image behind an ``<img>``, looking past lazy-loading placeholders: of the
    widths it offers, the one nearest what our pages show; else its ``src``, a lazy-loading
    attribute, or the largest of its density candidates."""
    chosen = preferred(image_sources(img, base))
    if chosen is not None:
        return chosen.url
    attrs = img.attributes
    src = (attrs.get("src") or "").strip()
    if src and not _PLACEHOLDER.search(src):
        return absolute(src, base)
    for name in _LAZY_ATTRS:
        if attrs.get(name):
            return absolute(attrs[name], base)
    srcset = _srcset_of(img)
    return absolute(_largest_from_srcset(srcset), base) if srcset else None


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


def without_label(credit: str | None) -> str | None:
    """The credit without the label words a page prints before it ("Credit", "Photo:"),
    which the page shows apart from the name and which would read twice beside our own
    credit styling; a credit that is only a label is None."""
    if not credit:
        return None
    return _LABEL_WORDS.sub("", credit, count=1).strip(" .;|") or None


def only_a_credit(text: str) -> bool:
    """Whether a whole figcaption is a credit with no caption: "Name/Agency", a bare agency
    ("Getty Images"), a photo site's domain ("topleftpixel.com"), "Photo by Name", "Credit
    Name", "Name for Publication" or "Image: Source". Short real captions ("2012", "Key",
    "From our 2011 research") match none of these forms, so they stay captions."""
    text = " ".join(text.split()).strip(" .")
    if not text or len(text.split()) > 12:
        return False
    if _NAME_SLASH_AGENCY.match(text) and not re.search(r"[.!?]\s", text):
        return True
    if _BARE_AGENCY.fullmatch(text) or _DOMAIN.fullmatch(text):
        return True
    return split_credit(text)[0] is None and split_credit(text)[1] is not None


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


def _credit_node(block: LexborNode) -> LexborNode | None:
    """The block's credit element: one marked as the picture's copyright holder, creator or
    author (schema.org), else one whose class says credit, copyright or photographer."""
    marked = block.css_first(_CREDIT_PROPS)
    if marked is not None and marked.tag not in {"img", "picture", "source", "figure"}:
        return marked
    return next(
        (
            n
            for n in block.css("[class]")
            if n.tag not in {"img", "picture", "source", "figure"}
            and _CREDIT_CLASS.search(n.attributes.get("class") or "")
        ),
        None,
    )


def _caption_and_credit(block: LexborNode) -> tuple[str | None, str | None]:
    caption_node = block.css_first("figcaption") or block.css_first(
        ".wp-caption-text, [class*='caption']"
    )
    if caption_node is not None and caption_node.tag == "figcaption":
        # A figcaption that holds a caption span and a credit span (CNET): read the span.
        inner = next(
            (
                n
                for n in caption_node.css("[class~='caption'], [class*='caption-text']")
                if n.mem_id != caption_node.mem_id  # lexbor matches the figcaption itself
            ),
            None,
        )
        caption_text = clean_text(inner) if inner is not None else None
    else:
        caption_text = None
    credit_node = _credit_node(block)
    credit = clean_text(credit_node)
    caption = caption_text or clean_text(caption_node)
    if caption and without_label(caption) is None:
        caption = None  # only a label ("Credit") whose credit the page left empty
    if credit and caption and credit in caption and not caption_text:
        caption = " ".join(caption.replace(credit, " ").split()) or None
    if credit:
        credit = _CREDIT_WORD.sub("", credit, count=1).strip() or credit
        return caption, without_label(credit)
    if caption and only_a_credit(caption):
        return None, without_label(split_credit(caption)[1] or caption) or caption
    if not caption:
        return None, None
    text, found = split_credit(caption)
    return text, without_label(found)


_TEXT_BLOCKS = frozenset({"p", "h2", "h3", "h4", "li", "blockquote", "pre"})
_FIGURE_BLOCKS = frozenset({"figure", "div"})
FOLLOWS_CHARS = 80
"""How much of the preceding text a figure remembers: enough to find that paragraph again
in the extracted body, short enough to survive the extractor's trimming of its start."""


PRECEDES_MIN_CHARS = 60
"""The shortest paragraph a figure remembers standing before: shorter ones under a photo
are bylines and datelines ("By Nelson D. Schwartz") that the body does not keep."""


def _inside_figure(node: LexborNode) -> bool:
    parent, depth = node.parent, 0
    while parent is not None and depth < 6:
        if parent.tag == "figure" or "wp-caption" in (parent.attributes.get("class") or ""):
            return True
        parent, depth = parent.parent, depth + 1
    return False


def _neighbour_texts(
    tree: LexborHTMLParser, blocks: list[LexborNode]
) -> tuple[dict[int, str], dict[int, str]]:
    """For each figure block, the end of the last paragraph before it in the page and the
    start of the first paragraph after it: the body may drop the one (a summary) and keep
    the other."""
    wanted = {block.mem_id for block in blocks}
    before: dict[int, str] = {}
    after: dict[int, str] = {}
    if not wanted:
        return before, after  # most pages: no figure, no walk through the whole page
    waiting: list[int] = []
    last = ""
    root = tree.body or tree.root
    for node in root.traverse() if root is not None else ():
        if node.tag in _FIGURE_BLOCKS and node.mem_id in wanted:
            if last:
                before[node.mem_id] = last
            waiting.append(node.mem_id)
        elif node.tag in _TEXT_BLOCKS and not _inside_figure(node):
            text = " ".join((node.text(deep=True, separator=" ") or "").split())
            if len(text) >= 20:
                last = text[-FOLLOWS_CHARS:]
                if len(text) >= PRECEDES_MIN_CHARS:
                    after.update((mem_id, text[:FOLLOWS_CHARS]) for mem_id in waiting)
                    waiting = []
    return before, after


def read_figures(tree: LexborHTMLParser, base: str | None) -> list[Figure]:
    """Every captioned image block of the article, in page order, one per image URL, each
    with the text it followed."""
    figures: dict[str, Figure] = {}
    blocks = tree.css("figure, div.wp-caption")
    follows, precedes = _neighbour_texts(tree, blocks)
    for block in blocks:
        if (block.parent is not None and block.parent.tag == "figure") or off_article(block):
            continue
        img = block.css_first("img")
        if img is not None and _is_tiny(img):
            continue
        url = image_url(img, base) if img is not None else None
        sources = image_sources(img, base) if img is not None else ()
        if url is None and (picture := block.css_first("picture")) is not None:
            sources = picture_sources(picture, base)
            url = chosen.url if (chosen := preferred(sources)) else None
        if url is None or url in figures:
            continue
        caption, credit = _caption_and_credit(block)
        alt = (" ".join((img.attributes.get("alt") or "").split()) or None) if img else None
        figures[url] = Figure(
            url=url,
            caption=caption,
            credit=credit,
            alt=alt,
            follows=follows.get(block.mem_id),
            precedes=precedes.get(block.mem_id),
            sources=sources,
        )
    return list(figures.values())


def _is_tiny(img: LexborNode) -> bool:
    sides = (img.attributes.get("width") or "", img.attributes.get("height") or "")
    # A side of 0 is a page leaving the height to the image's ratio (CNET), not a pixel.
    return any(side.strip().isdigit() and 0 < int(side) < _MIN_SIDE for side in sides)


def _image_key(url: str) -> tuple[str, str]:
    """Directory and file name of the image itself, looking inside resizing-proxy URLs
    (``...?url=https%3A//origin/a.jpg``, ``/thumbor/800x0/https://origin/a.jpg``)."""
    text = unquote(unquote(url))
    inner = [m.start() for m in _EMBEDDED_URL.finditer(text) if m.start() > 0]
    path = urlsplit(text[inner[-1] :] if inner else text).path
    directory, _, name = path.rpartition("/")
    return directory, name


_ASSET_ID = re.compile(r"/([0-9a-f]{32}|[0-9a-f]{40})(?:/|$)", re.IGNORECASE)
"""An MD5 or SHA-1 folder name: image services store each upload under its content hash
and serve its crops and sizes below it."""
_RENDITION = re.compile(
    r"(?:[-_.,x]|\d+|w|h|q|jumbo|super|large|medium|small|thumb(?:nail|standard|large)?|"
    r"square|wide|master|popup|article|inline|facebook|twitter|og|social|video|sixteen|by|"
    r"nine|three|two|four|mobile|hd|sd|crop(?:ped)?|scaled|full|original|big|lg|md|sm|xl|"
    r"xs|hero|main|feature|blog|card|horizontal|vertical|default|image|img|rendition)*",
    re.IGNORECASE,
)


def same_image(a: str, b: str) -> bool:
    """Two renditions of one picture: same file, or same folder and names that differ only
    by rendition words (``merlin_164275284_...-facebookJumbo.jpg`` and ``...-articleLarge.jpg``;
    ``PICT0001-xlarge_trans_X.jpeg`` and ``PICT0001_trans_X.jpeg``), where what they share
    is long or is the folder's own name (``13SUDAN-1/13SUDAN-1-master768.jpg``), or one name
    is a bare picture number the other contains (``77/2585177.jpg``, ``77/port-2585177w280.jpg``);
    or crops of one stored asset, named by the hash of its content in the path
    (``media/df84…eea985934e/0_507_4039_2693/master/4039.jpg`` and ``…/0_320_4800_2880/…``).
    """
    if a == b:
        return True
    (dir_a, name_a), (dir_b, name_b) = _image_key(a), _image_key(b)
    asset_a, asset_b = _ASSET_ID.search(dir_a), _ASSET_ID.search(dir_b)
    if asset_a and asset_b and asset_a.group(1).lower() == asset_b.group(1).lower():
        return True
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
    match = next((f for f in figures if _same_picture(f, lead.url)), None)
    if match is None:
        return lead
    return Figure(
        url=match.url,
        caption=lead.caption or match.caption,
        credit=lead.credit or match.credit,
        alt=lead.alt or match.alt,
        sources=match.sources,
    )


def _same_picture(figure: Figure, url: str) -> bool:
    """Whether ``url`` is the figure's picture, in the rendition it shows or another it offers."""
    return any(same_image(u, url) for u in (figure.url, *(s.url for s in figure.sources)))


def without_lead(figures: list[Figure], lead: Figure | None) -> list[Figure]:
    return [f for f in figures if lead is None or not _same_picture(f, lead.url)]
