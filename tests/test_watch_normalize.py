"""watch.normalize: NFKC + character map, with offsets mapped back to the original."""
import pytest

from watch.normalize import CHAR_MAP, fold, normalize, normalize_phrase


def orig(s: str, needle: str) -> str:
    """The original text of the first occurrence of ``needle`` in the normalized s."""
    n = normalize(s)
    i = n.text.index(needle)
    a, b = n.span(i, i + len(needle))
    return s[a:b]


@pytest.mark.parametrize("s, norm", [
    ("Samsung shares", "Samsung shares"),  # ASCII: unchanged
    ("Ｓａｍｓｕｎｇ", "Samsung"),  # full-width
    ("𝐌𝐞𝐭𝐚", "Meta"),  # mathematical bold
    ("Samsung’s", "Samsung's"),  # curly apostrophe
    ("Samsung‘s ʼs", "Samsung's 's"),
    ("Lee Jae‑yong", "Lee Jae-yong"),  # non-breaking hyphen
    ("Meta—owned", "Meta-owned"),  # em dash
    ("LG\u00a0Electronics", "LG Electronics"),  # NBSP
    ("LG\u3000Electronics", "LG Electronics"),  # ideographic space
    ("Sam\u00adsung", "Samsung"),  # soft hyphen deleted
    ("Sam\u200bsung", "Samsung"),  # zero-width space deleted
    ("ﬁnance", "finance"),  # ligature
    ("Samsung™ TV", "Samsung™ TV"),  # ™ stays a symbol, not "TM"
    ("wait… Meta", "wait... Meta"),
    ("Lee  Jae-yong", "Lee Jae-yong"),  # runs of spaces collapse
    ("Lee\nJae-yong", "Lee Jae-yong"),  # a line break is a space
    ("Lee\r\nJae-yong", "Lee Jae-yong"),
    ("Lee\tJae-yong", "Lee Jae-yong"),
    ("\u1106\u1166\u1110\u1161는", "메타는"),  # decomposed (NFD) Hangul is composed
    ("㈜LG", "(주)LG"),
    ("“Meta”", '"Meta"'),
])
def test_normalized_text(s, norm):
    assert normalize(s).text == norm


def test_blank_line_is_a_paragraph_boundary_not_a_space():
    t = normalize("Lee\n\nJae-yong").text
    assert "Lee Jae-yong" not in t
    assert t == "Lee\u2029\u2029Jae-yong"


@pytest.mark.parametrize("s, needle, expected", [
    ("x Ｓａｍｓｕｎｇ y", "Samsung", "Ｓａｍｓｕｎｇ"),
    ("a Sam\u00adsung b", "Samsung", "Sam\u00adsung"),
    ("ﬁ Samsung ﬁ", "Samsung", "Samsung"),
    ("a\u2026 Meta\u2026 b", "Meta", "Meta"),
    ("x  y   Lee   Jae-yong z", "Lee Jae-yong", "Lee   Jae-yong"),
    ("𝐌𝐞𝐭𝐚 and Ｍｅｔａ", "Meta and Meta", "𝐌𝐞𝐭𝐚 and Ｍｅｔａ"),
    ("\u1106\u1166\u1110\u1161는 x", "메타", "\u1106\u1166\u1110\u1161"),
    ("\u200b\u200bMeta\u200b", "Meta", "Meta"),
    ("ﬁ  Meta", "Meta", "Meta"),  # a ligature and a space run before it (both maps compose)
])
def test_offsets_map_back_to_the_original(s, needle, expected):
    assert orig(s, needle) == expected


def test_offsets_identity_for_plain_text():
    n = normalize("Samsung and LG")
    assert n.offsets is None
    assert n.span(12, 14) == (12, 14)


def test_lookalikes_only_in_mixed_script_words():
    # Cyrillic Ѕ and а inside a word with ASCII letters: a spoof of "Samsung"
    assert normalize("Ѕаmsung").text == "Samsung"
    # an all-Cyrillic word is Russian, not a spoof: left alone
    assert normalize("Мета").text == "Мета"
    assert normalize("Лос Мета").text == "Лос Мета"


def test_korean_text_unchanged():
    s = "삼성전자는 신제품을 공개했다. 이재용 회장은 말했다."
    n = normalize(s)
    assert n.text == s and n.offsets is None


def test_phrase_helpers():
    assert normalize_phrase("  Samsung’s  ") == "Samsung's"
    assert fold("ＳＫ Hynix") == "sk hynix"


def test_char_map_documented_targets():
    # every mapped character becomes an apostrophe, hyphen, quote, space, "...", nothing or itself
    for c, r in CHAR_MAP.items():
        assert r in ("'", "-", '"', " ", "", c, "..."), (hex(ord(c)), r)
