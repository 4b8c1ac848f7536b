"""dedupe: one page, however linked; one story, however syndicated; one entry, however fed."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickerwire.news.dedupe import (
    MIN_FINGERPRINT_WORDS,
    NEAR_DUPLICATE_BITS,
    STORY_WINDOW,
    Candidate,
    canonical_url,
    entry_identity,
    hamming,
    match_story,
    story_fingerprint,
    text_fingerprint,
    title_key,
)

NOON = datetime(2026, 5, 5, 12, 0, tzinfo=UTC)

STRIKE_TEXT = (
    "Copper prices rose for a third straight session on Tuesday as a strike at the port of "
    "Antofagasta entered its second week, holding up shipments from two of the largest mines "
    "in northern Chile. Dock workers are asking for a bonus tied to record export volumes, and "
    "the port operator said talks would resume on Thursday. Traders in London said the "
    "stoppage had already removed around forty thousand tonnes from the market this month. "
    "Benchmark three-month copper on the London Metal Exchange gained one point two percent "
    "to close at its highest level since March, while inventories in exchange warehouses fell "
    "for a sixth day. Analysts at a Santiago brokerage warned that smelters in China could "
    "face shortages of concentrate by the end of the quarter if the dispute drags on, and "
    "that buyers were already paying higher premiums for prompt delivery."
)
# The same article after the desk corrected three words.
STRIKE_TEXT_CORRECTED = (
    STRIKE_TEXT.replace("on Tuesday", "on Wednesday")
    .replace("forty thousand", "fifty thousand")
    .replace("a sixth day", "a seventh day")
)
DEMAND_TEXT = (
    "Copper slipped in London on Tuesday after fresh data showed factory activity in China "
    "contracting for a second month, reviving worries about demand from the world's biggest "
    "consumer of industrial metals. The metal had rallied earlier in the week on supply "
    "concerns, but fund managers trimmed long positions as the dollar strengthened against "
    "most currencies. Aluminium and zinc also fell, while nickel was little changed. Chinese "
    "purchasing managers reported weaker new orders and rising stocks of finished goods, and "
    "several economists cut their growth forecasts for the rest of the year. Some traders "
    "still expect a rebound later in the summer, pointing to low inventories and delays at "
    "new mine projects in Peru and the Congo, but said prices would struggle until demand "
    "from builders and carmakers picks up."
)
STRIKE_TITLE = "Copper climbs as Chilean port strike drags on"
STRIKE_URL = "https://harbour.example/markets/2026/05/copper-port-strike"
STRIKE = Candidate(
    story_id=7,
    title_key=title_key(STRIKE_TITLE),
    fingerprint=story_fingerprint(STRIKE_TEXT),
    url=STRIKE_URL,
    published=NOON,
)


# canonical_url ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://News.Example/Markets/Story", "https://news.example/Markets/Story"),
        ("https://news.example:443/a", "https://news.example/a"),
        ("http://news.example:80/a", "http://news.example/a"),
        ("https://news.example:8443/a", "https://news.example:8443/a"),
        ("https://news.example/a#comments", "https://news.example/a"),
        ("https://news.example/a?utm_source=rss&utm_medium=feed", "https://news.example/a"),
        ("https://news.example/a?id=3&fbclid=Iw4r&gclid=x1", "https://news.example/a?id=3"),
        (
            "https://news.example/a?mc_cid=1&mc_eid=2&ocid=3&cmpid=4&ncid=5",
            "https://news.example/a",
        ),
        (
            "https://news.example/a?guccounter=1&guce_referrer=aHR0&guce_referrer_sig=AQ&.tsrc=rss",
            "https://news.example/a",
        ),
        ("https://news.example/a?src=rss&ref=feed", "https://news.example/a"),
        ("https://news.example/a?src=homepage", "https://news.example/a?src=homepage"),
        ("https://news.example/a?b=2&a=1&c=3", "https://news.example/a?a=1&b=2&c=3"),
        ("https://news.example/a?tag=x&id=2&tag=w", "https://news.example/a?id=2&tag=x&tag=w"),
        ("https://news.example//markets///story", "https://news.example/markets/story"),
        ("https://news.example/markets/story/", "https://news.example/markets/story"),
        ("https://news.example", "https://news.example/"),
        ("https://news.example/", "https://news.example/"),
        ("https://news.example/2026/05/story/amp/", "https://news.example/2026/05/story"),
        ("https://news.example/2026/05/story/amp", "https://news.example/2026/05/story"),
        ("https://news.example/story?amp=1", "https://news.example/story"),
        ("https://news.example/story?amp", "https://news.example/story"),
        ("https://news.example/story?outputType=amp", "https://news.example/story"),
        ("https://news.example/amp", "https://news.example/amp"),
        ("https://news.example/%7ejane/a%2fb%c3%a9", "https://news.example/~jane/a%2Fb%C3%A9"),
        ("https://News.Example./a", "https://news.example/a"),
        ("https://user:pw@news.example/a", "https://news.example/a"),
        ("  https://news.example/a \n", "https://news.example/a"),
        ("mailto:desk@news.example", "mailto:desk@news.example"),
        ("/relative/path?utm_source=x", "/relative/path?utm_source=x"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://News.Example:443//a/amp/amp/?utm_campaign=x&z=1&a=2#top",
        "https://news.example/%4%41",
        "https://news.example/a/%61mp",
        "http://[2001:DB8::1]:80/x/",
        "https://news.example/?amp=1",
    ],
)
def test_canonical_url_is_idempotent_on_awkward_urls(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


_SEGMENT = st.text(alphabet="abcAMPp019%-._~!$'()*+,;=:@/", max_size=8)
_PARAM_NAME = st.one_of(
    st.sampled_from(["utm_source", "fbclid", "amp", "src", "outputType", "id", "page", "a"]),
    st.text(alphabet="abcXYZ_.%0", min_size=0, max_size=5),
)
_PARAM_VALUE = st.one_of(
    st.sampled_from(["", "1", "rss", "amp", "feed"]), st.text(alphabet="aZ9%+=-", max_size=5)
)
_URLS = st.builds(
    lambda scheme, host, port, segments, params, fragment: (
        f"{scheme}://{host}{port}/{'/'.join(segments)}"
        + ("?" + "&".join(f"{k}={v}" for k, v in params) if params else "")
        + fragment
    ),
    st.sampled_from(["http", "https", "HTTP", "hTTpS"]),
    st.from_regex(r"[a-zA-Z0-9]{1,8}(\.[a-zA-Z]{2,4}){1,2}", fullmatch=True),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.lists(st.one_of(_SEGMENT, st.just("amp"), st.just("")), max_size=5),
    st.lists(st.tuples(_PARAM_NAME, _PARAM_VALUE), max_size=4),
    st.sampled_from(["", "#", "#frag", "#!/x"]),
)


@given(_URLS)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


# title_key --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Fed holds rates steady - Reuters", "fed holds rates steady"),
        ("Fed holds rates steady | CNBC", "fed holds rates steady"),
        ("Fed holds rates steady — The Wall Street Journal", "fed holds rates steady"),
        ("Fed holds rates steady – Financial Times", "fed holds rates steady"),
        ("Fed holds rates steady - finance.yahoo.com", "fed holds rates steady"),
        ("FED HOLDS RATES STEADY", "fed holds rates steady"),
        ("  Fed   holds\trates,  steady!! ", "fed holds rates steady"),
        ("Fed’s Powell says ‘no rush’", "feds powell says no rush"),
        ("Fed's Powell says 'no rush'", "feds powell says no rush"),
        ("“Transitory” is back", "transitory is back"),
        ("«Transitory» is back", "transitory is back"),
        ("ＦＥＤ holds", "fed holds"),
        ("Straße closes higher", "strasse closes higher"),
        ("Rates rise - and why it matters", "rates rise and why it matters"),
        ("S&P 500 ends at a record", "s p 500 ends at a record"),
    ],
)
def test_title_key(title: str, key: str) -> None:
    assert title_key(title) == key


def test_title_key_keeps_a_long_tail_that_is_part_of_the_headline() -> None:
    title = "Markets Rally - What The Fed Decision Means For Your Mortgage Payments"
    assert title_key(title).endswith("mortgage payments")


# text_fingerprint and hamming -------------------------------------------------------------


def test_hamming_counts_differing_bits() -> None:
    assert (hamming(0b1011, 0b0001), hamming(5, 5), hamming(0, 2**64 - 1)) == (2, 0, 64)


def test_fingerprint_fits_in_64_bits() -> None:
    assert 0 <= text_fingerprint(STRIKE_TEXT) < 2**64


def test_fingerprint_ignores_case_and_punctuation() -> None:
    assert text_fingerprint(STRIKE_TEXT.upper().replace(",", " ;")) == text_fingerprint(STRIKE_TEXT)


def test_fingerprint_of_a_lightly_edited_text_is_near() -> None:
    distance = hamming(text_fingerprint(STRIKE_TEXT), text_fingerprint(STRIKE_TEXT_CORRECTED))
    assert distance <= NEAR_DUPLICATE_BITS


def test_fingerprint_of_another_article_on_the_topic_is_far() -> None:
    distance = hamming(text_fingerprint(STRIKE_TEXT), text_fingerprint(DEMAND_TEXT))
    assert distance > NEAR_DUPLICATE_BITS


def test_fingerprint_is_the_same_in_another_process() -> None:
    code = (
        "import sys; from tickerwire.news.dedupe import text_fingerprint;"
        "print(text_fingerprint(sys.stdin.read()))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        input=STRIKE_TEXT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert int(other.stdout) == text_fingerprint(STRIKE_TEXT)


def test_short_texts_get_no_story_fingerprint() -> None:
    teaser = " ".join(STRIKE_TEXT.split()[: MIN_FINGERPRINT_WORDS - 1])
    assert story_fingerprint(teaser) is None


# match_story ------------------------------------------------------------------------------


def test_same_page_behind_another_link_joins_the_story() -> None:
    url = "HTTPS://Harbour.Example/markets/2026/05/copper-port-strike/?utm_source=mail#top"
    assert match_story("Anything", "", url, None, [STRIKE]) == STRIKE.story_id


def test_same_page_joins_even_outside_the_window() -> None:
    later = NOON + 10 * STORY_WINDOW
    assert match_story("Anything", "", STRIKE_URL, later, [STRIKE]) == STRIKE.story_id


def test_syndicated_copy_from_an_aggregator_joins_the_story() -> None:
    story = match_story(
        title=f"{STRIKE_TITLE} - Harbour Wire",
        text="Copper rose as a strike at a Chilean port held up shipments.",
        url="https://aggregator.example/read/98765?ocid=feed",
        published=NOON + timedelta(hours=2),
        candidates=[STRIKE],
    )
    assert story == STRIKE.story_id


def test_another_article_on_the_same_topic_starts_a_new_story() -> None:
    story = match_story(
        title="Copper slips as China factory data disappoints",
        text=DEMAND_TEXT,
        url="https://other.example/metals/copper-china-demand",
        published=NOON + timedelta(hours=1),
        candidates=[STRIKE],
    )
    assert story is None


def test_near_duplicate_text_under_another_title_joins_the_story() -> None:
    story = match_story(
        title="Chile dock strike lifts copper to highest since March",
        text=STRIKE_TEXT_CORRECTED,
        url="https://mirror.example/2026/05/05/chile-dock-strike",
        published=NOON + timedelta(hours=5),
        candidates=[STRIKE],
    )
    assert story == STRIKE.story_id


def test_the_stored_fingerprint_is_what_is_compared() -> None:
    slim = Candidate(7, "unrelated heading for this test", STRIKE.fingerprint, "", NOON)
    story = match_story("Chile dock strike lifts copper", STRIKE_TEXT_CORRECTED, "", NOON, [slim])
    assert story == slim.story_id


def test_same_title_outside_the_window_starts_a_new_story() -> None:
    later = NOON + STORY_WINDOW + timedelta(hours=1)
    assert match_story(STRIKE_TITLE, "", "https://x.example/a", later, [STRIKE]) is None


def test_near_duplicate_text_outside_the_window_starts_a_new_story() -> None:
    earlier = NOON - STORY_WINDOW - timedelta(hours=1)
    story = match_story("Other", STRIKE_TEXT_CORRECTED, "https://x.example/a", earlier, [STRIKE])
    assert story is None


def test_window_can_be_narrowed_by_the_caller() -> None:
    later = NOON + timedelta(hours=3)
    story = match_story(
        STRIKE_TITLE, "", "https://x.example/a", later, [STRIKE], window=timedelta(hours=1)
    )
    assert story is None


def test_short_title_alone_does_not_join_a_story() -> None:
    column = Candidate(3, "markets wrap", None, "https://a.example/wrap-monday", NOON)
    story = match_story("Markets wrap", "", "https://a.example/wrap-tuesday", NOON, [column])
    assert story is None


def test_short_texts_rely_on_the_title_only() -> None:
    teaser = "Copper rose on Tuesday as a strike held up shipments from Chile."
    known = Candidate(4, "copper rises on supply worries", None, "https://a.example/1", NOON)
    story = match_story("Port strike lifts metal", teaser, "https://b.example/2", NOON, [known])
    assert story is None


def test_undated_articles_count_as_within_the_window() -> None:
    undated = Candidate(9, title_key(STRIKE_TITLE), None, "https://a.example/1", None)
    assert match_story(STRIKE_TITLE, "", "https://b.example/2", NOON, [undated]) == 9


def test_closest_fingerprint_wins() -> None:
    far = Candidate(1, "one heading here", STRIKE.fingerprint, "", NOON)
    exact_fingerprint = story_fingerprint(STRIKE_TEXT_CORRECTED)
    near = Candidate(2, "another heading here", exact_fingerprint, "", NOON)
    story = match_story("Third heading here", STRIKE_TEXT_CORRECTED, "", NOON, [far, near])
    assert story == near.story_id


def test_no_candidates_means_a_new_story() -> None:
    assert match_story(STRIKE_TITLE, STRIKE_TEXT, STRIKE_URL, NOON, []) is None


# entry_identity ---------------------------------------------------------------------------


def test_identity_survives_guid_churn() -> None:
    first = entry_identity("urn:fetch-1:42", STRIKE_URL, STRIKE_TITLE, NOON)
    second = entry_identity("urn:fetch-2:17", STRIKE_URL, STRIKE_TITLE, NOON)
    assert first == second


def test_identity_survives_tracking_parameter_churn() -> None:
    first = entry_identity("g-42", STRIKE_URL + "?utm_source=rss&utm_campaign=mon", "T", NOON)
    second = entry_identity("g-42", STRIKE_URL + "?utm_source=rss&utm_campaign=tue", "T", NOON)
    assert first == second


def test_identities_differ_when_every_item_has_the_same_guid() -> None:
    links = [f"https://harbour.example/markets/story-{n}" for n in range(3)]
    identities = {
        entry_identity("same-guid", link, f"Story {n}", NOON) for n, link in enumerate(links)
    }
    assert len(identities) == len(links)


def test_front_page_links_fall_back_to_the_guid() -> None:
    identities = {
        entry_identity(f"post-{n}", "https://harbour.example/", "T", NOON) for n in range(3)
    }
    assert len(identities) == 3


def test_entries_without_link_or_guid_keep_their_identity_through_the_day() -> None:
    morning = entry_identity(None, None, "Copper climbs - Harbour Wire", NOON)
    evening = entry_identity("", None, "Copper Climbs", NOON + timedelta(hours=8))
    assert morning == evening


def test_entries_without_link_or_guid_differ_from_day_to_day() -> None:
    today = entry_identity(None, None, "Morning briefing", NOON)
    tomorrow = entry_identity(None, None, "Morning briefing", NOON + timedelta(days=1))
    assert today != tomorrow
