"""What in a feed's HTML exists only to tell a tracker that someone read it.

Two kinds, both removed by the sanitizer on the way in (so a reader's browser never calls
a tracker): images served by known feed-tracking hosts, and click-tracking parameters on
links and image URLs. The lists follow Miniflux, which keeps them from AdGuard's
TrackParamFilter, Firefox's query-stripping list and Neat URL:
``internal/reader/urlcleaner/urlcleaner.go`` (parameters) and
``internal/reader/sanitizer/sanitizer.go`` (``blockedResourceURLSubstrings``), plus the
pixel hosts of the big feed analytics services. Size and visibility (1x1 and hidden
images) are judged in :mod:`tickerwire.news.sanitize`, which sees the markup.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# (host, path prefix): images from here are counters, not pictures.
TRACKER_IMAGES = (
    ("feeds.feedburner.com", "/~r/"),
    ("feeds.feedburner.com", "/~ff/"),
    ("feedproxy.google.com", "/~r/"),
    ("pixel.wp.com", "/"),
    ("stats.wordpress.com", "/"),
    ("www.google-analytics.com", "/"),
    ("google-analytics.com", "/"),
    ("pixel.quantserve.com", "/"),
    ("mf.feeds.reuters.com", "/"),
    ("feeds.feedblitz.com", "/~/i/"),
    ("feedsportal.com", "/"),
    ("api.flattr.com", "/"),
    ("pixel.monitor1.returnpath.net", "/"),
    ("www.facebook.com", "/tr"),
)
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "_openstat", "fb_action_ids", "fb_action_types", "fb_ref", "fb_source",
        "fb_comment_id", "gclid", "dclid", "gbraid", "wbraid", "gclsrc", "campaign_id",
        "campaign_medium", "campaign_name", "campaign_source", "campaign_term",
        "campaign_content", "yclid", "ysclid", "twclid", "msclkid", "mc_cid", "mc_eid",
        "wickedid", "hsa_cam", "_hsenc", "__hssc", "__hstc", "__hsfp", "_hsmi",
        "hsctatracking", "rb_clickid", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv",
        "mkt_tok", "sc_cid", "_bhlid", "_branch_match_id", "_branch_referrer",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_",)


def is_tracker_image(url: str) -> bool:
    """Whether an image URL is a known feed-tracking pixel (by host, or a subdomain)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return any(
        (host == known or host.endswith("." + known)) and parts.path.startswith(prefix)
        for known, prefix in TRACKER_IMAGES
    )


def _is_tracking(pair: str) -> bool:
    name = pair.partition("=")[0].lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def without_tracking(url: str) -> str:
    """``url`` without click-tracking query parameters; every other byte left as it was."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [pair for pair in parts.query.split("&") if pair and not _is_tracking(pair)]
    query = "&".join(kept)
    return url if query == parts.query else parts._replace(query=query).geturl()
