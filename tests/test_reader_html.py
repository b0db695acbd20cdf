"""The HTML reader: web pages (news articles, official texts) into blocks and meta.

Every page here is written by the tests, in our own words."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import readers
from tracker.errors import InputError
from tracker.readers import Block, blocks_text, detect_format, sniff
from tracker.readers import html as html_reader

NEWS = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Draft agreement on river crossings | The Valley Courier</title>
<meta property="og:title" content="Negotiators agree draft on river crossings">
<meta property="og:type" content="article">
<link rel="canonical" href="https://courier.example/world/river-crossings-draft">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "The Valley Courier"},
  {"@type": "NewsArticle", "headline": "Negotiators agree draft on river crossings",
   "datePublished": "2026-03-02T09:15:00+01:00", "dateModified": "2026-03-02T17:40:00+01:00",
   "author": [{"@type": "Person", "name": "Mara Lindqvist"},
              {"@type": "Person", "name": "Tomas Ferreira"}]}
]}
</script>
<style>body { font-family: serif; }</style>
</head>
<body>
<div id="cookie-banner" class="consent-overlay">
  <p>We use cookies to measure our audience. <button>Accept all</button></p>
</div>
<header class="site-header">
  <a href="/">The Valley Courier</a>
  <nav><ul><li><a href="/world">World</a></li><li><a href="/business">Business</a></li></ul></nav>
</header>
<main>
<article>
  <header>
    <h1>Negotiators agree draft on river crossings</h1>
    <p class="byline">By Mara Lindqvist and Tomas Ferreira</p>
    <time datetime="2026-03-02">2 March 2026</time>
  </header>
  <div class="share-bar"><a href="#">Share on social media</a><a href="#">Email</a></div>
  <p>Delegations from both sides agreed on Tuesday to a
     twelve-point draft that would reopen three river crossings to <em>civilian</em>
     traffic, according to <a href="https://example.org/mediators">the mediators</a>.</p>
  <p>The draft sets a ceasefire line along the river&nbsp;bank and asks both parliaments
     to approve it within 60&nbsp;days.</p>
  <h2>What happens next</h2>
  <p>Observers would report every week.<br>Their reports would be published.</p>
  <script>trackReading();</script>
  <div hidden><p>Hidden paywall note.</p></div>
  <div style="display: none">Another hidden note.</div>
  <section class="related-stories"><h3>Related</h3><p>Earlier talks collapsed.</p></section>
</article>
</main>
<aside><p>Most read today</p></aside>
<div class="newsletter-signup"><p>Get our morning briefing.</p></div>
<footer><p>Copyright The Valley Courier. All rights reserved.</p></footer>
</body>
</html>
"""

OFFICIAL = """<!doctype html>
<html><head><meta charset="utf-8"><title>Framework on river crossings - consolidated text</title>
</head><body>
<nav aria-label="Breadcrumb"><a href="/">Home</a> / <a href="/texts">Texts</a></nav>
<main id="content">
<h1>Framework on river crossings</h1>
<h2>Part II. Crossings</h2>
<ol start="4">
  <li>The parties shall reopen the crossings listed in the annex.</li>
  <li>Each crossing shall be monitored:
    <ol type="a">
      <li>by a joint team;</li>
      <li>by observers, who shall
        <ol type="i"><li>report weekly, and</li><li>publish their reports.</li></ol>
      </li>
    </ol>
  </li>
  <li value="9"><p>Fees shall not exceed the agreed schedule.</p>
      <p>The schedule is reviewed every year.</p></li>
  <li>Disputes go to the joint commission.</li>
</ol>
<ol type="A" reversed><li>Third stage</li><li>Second stage</li><li>First stage</li></ol>
<ul><li>Bullet one</li><li>Bullet two<ul><li>Sub-bullet</li></ul></li></ul>
<table>
  <thead><tr><th>Crossing</th><th>Opens</th><th>Hours</th></tr></thead>
  <tbody>
    <tr><td>North&nbsp;bridge</td><td>Day <b>10</b></td><td>06:00&ndash;22:00</td></tr>
    <tr><td>Ferry landing</td><td>Day 30</td><td></td></tr>
  </tbody>
</table>
<blockquote><p>Nothing is agreed until everything is agreed.</p></blockquote>
<dl><dt>Crossing</dt><dd>A bridge, ford or ferry landing named in the annex.</dd></dl>
<div>Done at Riverside, on the second day of March.<p>Signed for the parties.</p>
Annex follows.</div>
<pre>
  Annex 1
    North bridge

  Annex 2
</pre>
</main>
<footer>Official journal of the commission</footer>
</body></html>
"""


def blocks(html: str | bytes, **options: str) -> list[Block]:
    data = html.encode("utf-8") if isinstance(html, str) else html
    return list(html_reader.read(data, "page.html", **options).blocks)


def test_news_article_blocks_drop_the_page_furniture() -> None:
    assert blocks(NEWS) == [
        Block("heading", "Negotiators agree draft on river crossings", 1),
        Block("paragraph", "By Mara Lindqvist and Tomas Ferreira"),
        Block("paragraph", "2 March 2026"),
        Block(
            "paragraph",
            "Delegations from both sides agreed on Tuesday to a twelve-point draft that "
            "would reopen three river crossings to civilian traffic, according to the "
            "mediators.",
        ),
        Block(
            "paragraph",
            "The draft sets a ceasefire line along the river bank and asks both "
            "parliaments to approve it within 60 days.",
        ),
        Block("heading", "What happens next", 2),
        Block("paragraph", "Observers would report every week.\nTheir reports would be published."),
    ]


def test_news_article_meta() -> None:
    reading = html_reader.read(NEWS.encode(), "page.html")
    assert reading.meta == {
        "title": "Negotiators agree draft on river crossings",
        "published": "2026-03-02T09:15:00+01:00",
        "modified": "2026-03-02T17:40:00+01:00",
        "url": "https://courier.example/world/river-crossings-draft",
        "author": "Mara Lindqvist, Tomas Ferreira",
    }
    assert reading.format == "html"
    assert reading.reader == html_reader.READER == "html/2"
    assert reading.name == "page.html"
    assert reading.text == blocks_text(reading.blocks)
    assert "cookies" not in reading.text and "https://" not in reading.text


def test_meta_fallbacks_title_then_h1_and_article_header_time() -> None:
    page = (
        "<html><head><meta property='article:published_time' content='2026-01-05'>"
        "<meta name='author' content='Desk staff'></head><body><article><header>"
        "<h1>Talks resume</h1><time datetime='2026-01-04T08:00Z'>Jan 4</time></header>"
        "<p>Talks resumed.</p></article></body></html>"
    )
    assert html_reader.read(page.encode()).meta == {
        "title": "Talks resume",
        "published": "2026-01-05",
        "author": "Desk staff",
    }
    no_meta = page.replace("<meta property='article:published_time' content='2026-01-05'>", "")
    meta = html_reader.read(no_meta.encode()).meta
    assert meta["published"] == "2026-01-04T08:00Z"
    titled = page.replace("<head>", "<head><title> Talks \n resume - Site </title>")
    assert html_reader.read(titled.encode()).meta["title"] == "Talks resume - Site"


def test_official_page_lists_tables_quotes() -> None:
    assert blocks(OFFICIAL) == [
        Block("heading", "Framework on river crossings", 1),
        Block("heading", "Part II. Crossings", 2),
        Block("item", "The parties shall reopen the crossings listed in the annex.", 0, "4.", True),
        Block("item", "Each crossing shall be monitored:", 0, "5.", True),
        Block("item", "by a joint team;", 1, "a.", True),
        Block("item", "by observers, who shall", 1, "b.", True),
        Block("item", "report weekly, and", 2, "i.", True),
        Block("item", "publish their reports.", 2, "ii.", True),
        Block("item", "Fees shall not exceed the agreed schedule.", 0, "9.", True),
        Block("item", "The schedule is reviewed every year.", 0, "", True),
        Block("item", "Disputes go to the joint commission.", 0, "10.", True),
        Block("item", "Third stage", 0, "C.", True),
        Block("item", "Second stage", 0, "B.", True),
        Block("item", "First stage", 0, "A.", True),
        Block("item", "Bullet one", 0),
        Block("item", "Bullet two", 0),
        Block("item", "Sub-bullet", 1),
        Block("row", "Crossing | Opens | Hours"),
        Block("row", "North bridge | Day 10 | 06:00\u201322:00"),
        Block("row", "Ferry landing | Day 30 |"),
        Block("quote", "Nothing is agreed until everything is agreed."),
        Block("paragraph", "Crossing"),
        Block("paragraph", "A bridge, ford or ferry landing named in the annex."),
        Block("paragraph", "Done at Riverside, on the second day of March."),
        Block("paragraph", "Signed for the parties."),
        Block("paragraph", "Annex follows."),
        Block("paragraph", "Annex 1\n  North bridge"),
        Block("paragraph", "Annex 2"),
    ]
    reading = html_reader.read(OFFICIAL.encode())
    assert reading.meta == {"title": "Framework on river crossings - consolidated text"}
    assert "4. The parties shall reopen" in reading.text
    assert "\n\n      i. report weekly, and" in reading.text


@pytest.mark.parametrize(
    ("n", "kind", "printed"),
    [
        (1, "a", "a."),
        (26, "a", "z."),
        (27, "a", "aa."),
        (28, "A", "AB."),
        (4, "i", "iv."),
        (1994, "I", "MCMXCIV."),
        (0, "a", "0."),
        (-2, "i", "-2."),
        (7, "1", "7."),
        (7, "", ""),
    ],
)
def test_list_markers_as_browsers_print_them(n: int, kind: str, printed: str) -> None:
    assert html_reader._marker(n, kind) == printed


def test_css_list_style_wins_and_none_prints_no_number() -> None:
    page = (
        "<ol style='list-style-type: lower-roman'><li>one</li><li>two</li></ol>"
        "<ol style='list-style: none'><li>(a) lettered in the text</li>"
        "<li>Unmarked, a provision of its own.</li></ol>"
    )
    # A list that prints no number is unmarked: its items are not one item's paragraphs.
    assert blocks(page) == [
        Block("item", "one", 0, "i.", True),
        Block("item", "two", 0, "ii.", True),
        Block("item", "(a) lettered in the text", 0, "", False),
        Block("item", "Unmarked, a provision of its own.", 0, "", False),
    ]


def test_windows_1252_declared_by_meta() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "</head><body><p>\u201cCaf\u00e9 talks\u201d cost \u20ac5\u00a0m</p></body></html>"
    )
    data = page.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert blocks(data) == [Block("paragraph", "\u201cCaf\u00e9 talks\u201d cost \u20ac5 m")]
    # A page that says latin-1 is read as windows-1252, as browsers do.
    latin = data.replace(b"windows-1252", b"ISO-8859-1")
    assert blocks(latin) == [Block("paragraph", "\u201cCaf\u00e9 talks\u201d cost \u20ac5 m")]
    # The bytes windows-1252 leaves undefined show as nothing.
    assert blocks(data.replace(b"talks", b"ta\x81lks")) == blocks(data)


def test_charset_from_the_caller_outranks_the_page_and_bom_outranks_both() -> None:
    page = "<meta charset='utf-8'><p>Stra\u00dfe</p>"
    assert blocks(page.encode("cp1252"), charset="cp1252") == [Block("paragraph", "Stra\u00dfe")]
    assert blocks(b"\xef\xbb\xbf" + page.encode("utf-8"), charset="cp1252") == [
        Block("paragraph", "Stra\u00dfe")
    ]
    utf16 = "<html><body><p>\u0417\u0430\u043a\u043e\u043d</p></body></html>".encode("utf-16")
    assert blocks(utf16) == [Block("paragraph", "\u0417\u0430\u043a\u043e\u043d")]


def test_utf8_bytes_are_utf8_whatever_the_page_declares() -> None:
    for declared in ("shift_jis", "windows-1252", "iso-8859-1"):
        page = f"<meta charset='{declared}'><p>Caf\u00e9 \u2014 day \u00bd</p>".encode()
        assert blocks(page) == [Block("paragraph", "Caf\u00e9 \u2014 day \u00bd")]
        assert blocks(page, charset=declared) == blocks(page)
    # 7-bit charsets are ASCII bytes: those still read as declared.
    jis = "<meta charset='iso-2022-jp'><p>\u5354\u5b9a</p>".encode("iso-2022-jp")
    assert blocks(jis) == [Block("paragraph", "\u5354\u5b9a")]


def test_selector_reads_only_the_matched_elements() -> None:
    got = blocks(OFFICIAL, selector="tbody tr:first-child, blockquote")
    assert got == [
        Block("row", "North bridge | Day 10 | 06:00\u201322:00"),
        Block("quote", "Nothing is agreed until everything is agreed."),
    ]
    # Matches nested in another match are read once, as part of it.
    assert blocks(OFFICIAL, selector="main, main h1")[0] == Block(
        "heading", "Framework on river crossings", 1
    )
    assert len(blocks(OFFICIAL, selector="main, main h1")) == len(blocks(OFFICIAL))


def test_main_all_reads_the_whole_body_without_furniture() -> None:
    got = blocks(NEWS, main="all")
    texts = [b.text for b in got]
    assert "Negotiators agree draft on river crossings" in texts
    assert not any("cookies" in t or "Most read" in t or "briefing" in t for t in texts)
    assert not any("Copyright" in t or "Share" in t or "Earlier talks" in t for t in texts)


def test_unmarked_news_page_uses_trafilatura_for_the_main_text() -> None:
    teasers = "".join(
        f"<div class='teaser'><a href='/s/{i}'>Short teaser number {i}</a></div>" for i in range(30)
    )
    story = "".join(
        f"<p>Paragraph {i} of the report says that the negotiators met again on day {i} "
        "and discussed the crossings, the observers and the fees in some detail.</p>"
        for i in range(1, 7)
    )
    page = (
        "<html><head><meta property='og:type' content='article'><title>Report</title></head>"
        f"<body><div class='top'>{teasers}</div><div class='story'><h1>Talks go on</h1>"
        f"<ol start='3'><li>First point of the long report is stated here in full.</li></ol>"
        f"{story}</div><div class='bottom'>{teasers}</div></body></html>"
    )
    got = blocks(page)
    assert not any("teaser" in b.text for b in got)
    assert [b.text for b in got if b.kind == "paragraph"][0].startswith("Paragraph 1 of")
    assert len([b for b in got if b.kind == "paragraph"]) == 6
    # The number printed by the page survives (it is our walk, filtered).
    assert (
        Block("item", "First point of the long report is stated here in full.", 0, "3.", True)
        in got
    )
    # The whole body keeps the teasers; the same page without og:type is not a news page.
    assert any("teaser" in b.text for b in blocks(page, main="all"))
    assert any("teaser" in b.text for b in blocks(page.replace("og:type", "og:kind")))
    forced = blocks(page.replace("og:type", "og:kind"), main="trafilatura")
    assert not any("teaser" in b.text for b in forced)


def test_whitespace_entities_and_inline_markup() -> None:
    page = (
        "<p>  One\n\t<b>bold</b><i>word</i> &amp; a&nbsp;&nbsp;space,\u00ad soft"
        "\u200bhyphen &lt;tag&gt; <a href='https://x.example/'>link text</a>. </p>"
        "<p>&nbsp;</p><p>Line one<br/>  line two<br><br>New paragraph</p>"
        "<p><img src='x.png' alt='a picture'><span>  </span></p>"
        "<p>Cafe\u0301 &eacute;</p>"
    )
    assert blocks(page) == [
        Block("paragraph", "One boldword & a space, softhyphen <tag> link text."),
        Block("paragraph", "Line one\nline two"),
        Block("paragraph", "New paragraph"),
        Block("paragraph", "Caf\u00e9 \u00e9"),
    ]


def test_list_item_with_blocks_and_layout_tables() -> None:
    page = (
        "<ol><li><div>Lead-in</div><blockquote>quoted in the item</blockquote>"
        "<table><tr><td>a</td><td>b</td></tr></table>after</li></ol>"
        "<table role='presentation'><tr><td><h2>Title in a layout table</h2>"
        "<p>Body text.</p></td></tr></table>"
        "<table><tr><td><p>(a)</p></td><td><p>first</p><p>second</p></td></tr></table>"
    )
    assert blocks(page) == [
        Block("item", "Lead-in", 0, "1.", True),
        Block("item", "quoted in the item", 0, "", True),
        Block("row", "a | b"),
        Block("item", "after", 0, "", True),
        Block("heading", "Title in a layout table", 2),
        Block("paragraph", "Body text."),
        Block("item", "first", 0, "(a)", True),
        Block("item", "second", 0, "", True),
    ]


def test_furniture_words_are_whole_words_and_never_most_of_the_page() -> None:
    page = (
        "<body><div class='shareholders-report'><p>Shareholders met.</p></div>"
        "<div class='comment-box-wrapper articleShareBar'><p>Share this</p></div>"
        "<div id='relatedLinks'><p>Other links</p></div></body>"
    )
    assert blocks(page) == [Block("paragraph", "Shareholders met.")]
    # A form (ASP.NET WebForms) or a cookie-banner class around the whole page stays.
    wrapped = (
        "<body class='cookie-banner-open'><form id='aspnetForm'><h1>Regulation</h1>"
        "<p>Article 1. This regulation applies to all crossings.</p>"
        "<form class='search'><input name='q'><p>Search the site</p></form></form></body>"
    )
    assert blocks(wrapped) == [
        Block("heading", "Regulation", 1),
        Block("paragraph", "Article 1. This regulation applies to all crossings."),
    ]


def test_roles_and_hidden_attributes() -> None:
    page = (
        "<div role='banner'>Site name</div><div role='navigation'>Menu</div>"
        "<div role='main'><p>Main text.</p><p aria-hidden='true'>icon</p>"
        "<div role='heading' aria-level='3'>Sub title</div>"
        "<p style='visibility:hidden'>x</p><dialog><p>Modal</p></dialog></div>"
        "<div role='contentinfo'>Footer</div><div role='complementary'>Side</div>"
        "<p>Outside main.</p>"
    )
    assert blocks(page) == [
        Block("paragraph", "Main text."),
        Block("heading", "Sub title", 3),
    ]


def test_garbage_bytes_are_refused_with_the_offset() -> None:
    with pytest.raises(InputError, match=r"page\.html: .*not UTF-8 \(byte 0xff at offset 6\)"):
        blocks(b"<p>ok \xff\xfe\x80 broken</p>")
    with pytest.raises(InputError, match=r"binary file, not HTML"):
        blocks(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(
        InputError, match=r"declares its charset as 'utf-8' but is not UTF-8 \(byte 0xe9 at"
    ):
        blocks(b"<meta charset='utf-8'><p>caf\xe9 \xff</p>")
    with pytest.raises(InputError, match=r"'x-nope', which is not a known charset"):
        blocks(b"<meta charset='x-nope'><p>caf\xe9</p>")
    with pytest.raises(
        InputError, match=r"UTF-8 byte-order mark but is not UTF-8 \(byte 0xff at offset 6\)"
    ):
        blocks(b"\xef\xbb\xbf<p>\xff</p>")


def test_empty_pages_and_pages_without_text_are_refused() -> None:
    with pytest.raises(InputError, match=r"page\.html: is empty"):
        blocks(b"")
    with pytest.raises(InputError, match=r"page\.html: is empty"):
        blocks(b" \n\t ")
    for page in (
        "<!doctype html><html><head><title>Only a title</title></head><body></body></html>",
        "<html><body><nav>Menu</nav><script>var x = 'text';</script></body></html>",
        "<html><body>&nbsp;<p> </p><!-- a comment --></body></html>",
        "</p></div>",
    ):
        with pytest.raises(InputError, match=r"page\.html: HTML page has no text"):
            blocks(page)


def test_bad_options_are_refused() -> None:
    with pytest.raises(InputError, match=r"bad CSS selector '\[\['"):
        blocks(NEWS, selector="[[")
    with pytest.raises(InputError, match=r"selector '#nowhere' matches nothing"):
        blocks(NEWS, selector="#nowhere")
    with pytest.raises(InputError, match=r"main='best' is not one of auto, all, trafilatura"):
        blocks(NEWS, main="best")
    with pytest.raises(InputError, match=r"the HTML reader has no option 'tracked'"):
        readers.read(NEWS.encode(), "html", "page.html", tracked="original")


def test_dispatch_and_sniffing() -> None:
    data = OFFICIAL.encode()
    reading = readers.read(data, name="x.html")
    assert (reading.format, reading.reader) == ("html", "html/2")
    assert reading.blocks == html_reader.read(data, "x.html").blocks
    assert readers.read(NEWS.encode(), name="x.html", selector="h1").blocks == (
        Block("heading", "Negotiators agree draft on river crossings", 1),
    )
    assert sniff(data) == "html"
    assert sniff(NEWS.encode()) == "html"
    assert sniff(b"\xef\xbb\xbf<html><body><p>x</p></body></html>") == "html"
    long_head = "<link rel='stylesheet' href='/style.css'>" * 150
    stamped = f"<!-- made by a CMS -->\n<html><head>{long_head}</head><body><p>x</p></body>"
    assert sniff(stamped.encode()) == "html"
    assert sniff(b"<!-- a note -->\n# A Markdown title\n\n## Part\n") != "html"
    assert detect_format(data) == "html"
    assert detect_format(b"<p>x</p>", media_type="text/html; charset=utf-8") == "html"
    assert readers.read(data, name="upload").format == "html"


def test_xml_declaration_and_xhtml() -> None:
    page = (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Sch\u00e9ma</p></body></html>'
    ).encode("latin-1")
    assert blocks(page) == [Block("paragraph", "Sch\u00e9ma")]


def test_article_holding_only_the_headline_gets_its_body_from_trafilatura() -> None:
    story = "".join(
        f"<p>Paragraph {i} of the story says that the mediators met the two delegations "
        f"again on day {i} and went through the crossings, the observers and the fees.</p>"
        for i in range(1, 6)
    )
    links = "".join(f"<li><a href='/s/{i}'>Other story {i}</a></li>" for i in range(25))
    page = (
        "<html><head><meta property='og:type' content='article'></head><body>"
        "<article><h1>Mediators meet again</h1><p>By a staff writer</p></article>"
        f"<div class='copy'>{story}</div><div class='more'><ul>{links}</ul></div></body></html>"
    )
    got = blocks(page)
    assert got[0] == Block("heading", "Mediators meet again", 1)
    assert [b.text[:11] for b in got if b.text.startswith("Paragraph")] == [
        f"Paragraph {i}" for i in range(1, 6)
    ]
    assert not any("Other story" in b.text for b in got)


def test_marked_main_text_is_kept_whole_even_on_a_page_typed_article() -> None:
    # Many sites type every page og:type=article; an official text made of short numbered
    # points must not lose points to trafilatura.
    typed = OFFICIAL.replace("<title>", "<meta property='og:type' content='article'><title>")
    assert blocks(typed) == blocks(OFFICIAL)


def test_tag_soup_loses_no_text() -> None:
    soup = (
        "<p>unclosed <b>bold <table><td>cell one<p>para in cell</table>"
        "<table><tr><td>a</td></tr><div>loose div</div><tbody><td>b<td>c</tbody>"
        "text in table</table><tr><td>row outside</td><td>any table</td></tr>"
        "<li>item without a list</li><dd>definition alone"
    )
    assert blocks(soup) == [
        Block("paragraph", "unclosed bold"),
        Block("row", "cell one para in cell"),
        Block("row", "a"),
        Block("paragraph", "loose div"),
        Block("row", "b | c"),
        Block("paragraph", "text in table"),
        Block("row", "row outside | any table"),
        Block("item", "item without a list", 0),
        Block("paragraph", "definition alone"),
    ]


def test_pages_nested_past_the_parser_limit_are_refused_not_cut() -> None:
    deep = "<div>" * 300 + "deep text" + "</div>" * 300 + "<p>after</p>"
    with pytest.raises(InputError, match=r"page\.html: cannot be read as HTML: .*nested too deep"):
        blocks(deep)
    assert blocks("<div>" * 200 + "not so deep") == [Block("paragraph", "not so deep")]


def test_trafilatura_xml_into_blocks_when_its_text_cannot_be_matched() -> None:
    # The fallback when trafilatura's text cannot be found among our blocks: its XML
    # read directly (numbers counted from 1: its XML keeps no start or type).
    xml = lxml.etree.fromstring(
        "<main><head rend='h3'>Title</head><p>Para<lb/>line <hi>two</hi></p>"
        "<list rend='ol'><item>one<list rend='ul'><item>sub</item></list></item>"
        "<item>two</item></list><quote><p>quoted</p></quote>"
        "<table><row><cell role='head'>A</cell><cell>B</cell></row></table></main>"
    )
    assert html_reader._blocks_from_xml(xml) == [
        Block("heading", "Title", 3),
        Block("paragraph", "Para\nline two"),
        Block("item", "one", 0, "1.", True),
        Block("item", "sub", 1),
        Block("item", "two", 0, "2.", True),
        Block("quote", "quoted"),
        Block("row", "A | B"),
    ]


_SOUP_TAGS = (
    "p div span b i a ol ul li table tr td th tbody thead caption blockquote pre h2 dl dt "
    "dd section center font br"
).split()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([f"<{t}>" for t in _SOUP_TAGS] + [f"</{t}>" for t in _SOUP_TAGS]),
            st.integers(0, 999).map(lambda n: f" w{n} "),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_every_word_of_tag_soup_is_read_once_in_order(parts: list[str]) -> None:
    """Whatever the nesting, every word the parser puts in the body comes out once, in
    document order (main="all" and no furniture, so nothing is meant to be dropped)."""
    src = "".join(parts)
    try:
        expected = re.findall(r"w\d+", lxml.html.document_fromstring(src).text_content())
    except lxml.etree.ParserError:  # only end tags: no document at all
        expected = []
    try:
        got = re.findall(r"w\d+", html_reader.read(src.encode(), main="all").text)
    except InputError:
        got = []
    assert got == expected


def test_sections_named_like_furniture_are_text_banners_are_not() -> None:
    # A privacy policy names its own sections "cookies", "sharing", "consent": those are
    # the text. The banners around it name widgets, are dialogs, or are mostly links.
    page = (
        "<body><div class='cookie-consent' role='dialog'><h2>Your choices</h2>"
        "<p>We and our partners store data.</p></div>"
        "<main><h1>Privacy policy</h1>"
        "<section id='cookies'><h2>Cookies</h2><p>We set two cookies.</p></section>"
        "<div id='sharing'><h2>How we share data</h2><p>We share it with nobody.</p></div>"
        "<p id='consent'>You may withdraw consent at any time.</p>"
        "<div class='social-security'><p>Benefits are not affected.</p></div>"
        "<table class='share-prices'><tr><td>Shares</td><td>12</td></tr></table>"
        "<ul class='article-share'><li><a href='#'>Post it</a></li><li><a href='#'>Mail it"
        "</a></li></ul><div class='newsletter'>Sign up for our letters.</div>"
        "<div class='comments'><p>First reader comment.</p></div></main></body>"
    )
    assert blocks(page) == [
        Block("heading", "Privacy policy", 1),
        Block("heading", "Cookies", 2),
        Block("paragraph", "We set two cookies."),
        Block("heading", "How we share data", 2),
        Block("paragraph", "We share it with nobody."),
        Block("paragraph", "You may withdraw consent at any time."),
        Block("paragraph", "Benefits are not affected."),
        Block("row", "Shares | 12"),
    ]


def test_lists_printed_as_tables_are_items() -> None:
    # Official journals print points as two-cell tables (marker | text), sub-points as
    # such tables inside the text cell.
    page = (
        "<p>1. Providers shall:</p>"
        "<table width='100%'><col width='4%'><col width='96%'><tbody><tr>"
        "<td valign='top'><p>(a)</p></td><td valign='top'><p>keep records;</p></td>"
        "</tr></tbody></table>"
        "<table><tr><td><p>(b)</p></td><td><p>report to the authority, where:</p>"
        "<table><tr><td>(i)</td><td>the risk is high; or</td></tr></table>"
        "<table><tr><td>(ii)</td><td>the authority asks.</td></tr></table>"
        "<p>Reports are kept for a year.</p></td></tr></tbody></table>"
        "<table><tr><td>&#8212;</td><td>a dashed point</td></tr></table>"
        "<table><tr><td>EU</td><td>agreed</td></tr><tr><td>UK</td><td>agreed</td></tr></table>"
        "<table><tr><td>(c)</td><td>two</td><td>cells too many</td></tr></table>"
    )
    assert blocks(page) == [
        Block("paragraph", "1. Providers shall:"),
        Block("item", "keep records;", 0, "(a)", True),
        Block("item", "report to the authority, where:", 0, "(b)", True),
        Block("item", "the risk is high; or", 1, "(i)", True),
        Block("item", "the authority asks.", 1, "(ii)", True),
        Block("item", "Reports are kept for a year.", 0, "", True),
        Block("item", "a dashed point", 0),
        Block("row", "EU | agreed"),
        Block("row", "UK | agreed"),
        Block("row", "(c) | two | cells too many"),
    ]
    assert "(b) report to the authority, where:\n\n   (i) the risk is high; or" in (
        html_reader.read(page.encode()).text
    )


def test_meta_from_json_ld_lists_broken_json_and_microdata() -> None:
    page = (
        "<html><head><script type='application/ld+json'>{broken</script>"
        '<script type=\'application/ld+json\'>[{"@type": "Organization", "name": "Org"},'
        ' {"@type": ["NewsArticle"], "datePublished": "2026-02-01", "author": "Desk"}]'
        "</script><meta property='og:url' content='https://x.example/a'></head><body>"
        "<span itemprop='dateModified' content='2026-02-03'></span><p>Text.</p></body></html>"
    )
    assert html_reader.read(page.encode()).meta == {
        "published": "2026-02-01",
        "modified": "2026-02-03",
        "url": "https://x.example/a",
        "author": "Desk",
    }


def test_a_page_header_keeps_the_headline_it_holds() -> None:
    page = (
        "<body><header><a href='/'>Ministry</a><nav><h1>Menu</h1></nav>"
        "<h1>Order on <em>river</em> crossings</h1><p>Skip to content</p></header>"
        "<div id='content'><p>Article 1. Crossings open daily.</p></div>"
        "<footer><h1>Footer title</h1></footer></body>"
    )
    assert blocks(page) == [
        Block("heading", "Order on river crossings", 1),
        Block("paragraph", "Article 1. Crossings open daily."),
    ]


def test_the_article_holding_most_of_the_text_is_the_main_one() -> None:
    story = "<p>The commission met again and agreed the fee schedule for every crossing.</p>"
    teaser = "<article><h3>Another story</h3><p>A short teaser.</p></article>"
    page = f"<body>{teaser}<article><h1>Fees agreed</h1>{story * 4}</article>{teaser * 2}</body>"
    got = blocks(page)
    assert got[0] == Block("heading", "Fees agreed", 1)
    assert len(got) == 5 and not any("teaser" in b.text for b in got)
    # No article holds most of the text: the whole body is read.
    even = f"<body>{teaser * 3}</body>"
    assert len(blocks(even)) == 6
