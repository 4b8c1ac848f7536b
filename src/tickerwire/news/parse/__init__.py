"""Stage 2 of the news flow: fetched bytes -> entries. RSS and Atom (``feed``), JSON Feed
(``json_feed``), OPML subscription lists (``opml``); ``rules`` holds what every format's
entries obey, so the formats cannot drift apart."""
