"""watch.matcher on labelled cases (English + Korean), offsets, snippets, flags, pickling."""
import pickle
from pathlib import Path

import pytest

from watch import Matcher, Mention, load_watchlist, parse_watchlist

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def default() -> Matcher:
    return Matcher(load_watchlist(ROOT / "watchlists" / "default.toml"))


# (title, text, expected entity ids) against watchlists/default.toml
CASES = [
    # --- whole words, case as written
    ("", "Meta and Samsung Electronics signed a memorandum.", {"meta", "samsung"}),
    ("", "Meta's Reality Labs posted another loss.", {"meta"}),
    ("", "Meta-owned WhatsApp and Meta-backed labs.", {"meta"}),
    ("", "A meta-review of the evidence was commissioned.", set()),
    ("", "The metaverse hype faded; metadata leaked.", set()),
    ("", "Metadata from the photos revealed the location.", set()),
    ("", "META shares rose.", set()),  # all capitals are not "as written"
    ("", "The LGBT film festival opens this week.", set()),
    ("", "Samsungs and Metas", set()),  # letters glued on: another word
    ("", "LG Display supplies OLED panels.", {"lg"}),
    ("", "SK Hynix shipped its first HBM4 samples.", {"sk_hynix", "topic_hbm"}),  # title case ok
    ("", "SK Group reshuffled its top management.", set()),
    ("", "Facebook users reported outages.", {"meta"}),
    # --- excludes
    ("", "Meta-analyses published this year point the same way.", set()),
    ("", "A Meta-Analysis of 40 trials.", set()),
    ("", "Meta Financial Group changed its name.", set()),
    ("", "Meta financial results beat estimates.", {"meta"}),  # exclude is not case-blind
    ("", "Randi Zuckerberg launched a new podcast.", set()),
    ("", "Randi Zuckerberg's brother Mark Zuckerberg spoke.", {"zuckerberg"}),
    ("", "LG&E customers will see a rate increase.", set()),
    ("", "NEC Corp. shares fell in Tokyo.", set()),
    ("", "Samsung Biologics shares rose.", set()),
    ("", "Samsung Biologics, a Samsung Electronics affiliate, rose.", {"samsung"}),
    # --- possessives, hyphen compounds, look-alikes
    ("", "Zuckerberg’s remarks drew criticism.", {"zuckerberg"}),
    ("", "Zuckerberg-backed startups raised money.", {"zuckerberg"}),
    ("", "Samsung-branded TVs led the market.", {"samsung"}),
    ("", "Ｓａｍｓｕｎｇ Ｅｌｅｃｔｒｏｎｉｃｓ posted results.", {"samsung"}),
    ("", "𝐌𝐞𝐭𝐚 shares rose.", {"meta"}),
    ("", "Ѕаmsung phones sold out.", {"samsung"}),  # Cyrillic Ѕ and а
    ("", "LG\u00a0Electronics and Sam\u00adsung", {"lg", "samsung"}),
    ("", "Мета — русское слово.", set()),
    # --- romanized Korean names
    ("", "Lee Jae Yong was reinstated to the board.", {"lee_jaeyong"}),
    ("", "Lee Jaeyong and Lee JaeYong and Lee Jae-Yong.", {"lee_jaeyong"}),
    ("", "Jae-yong Lee, Samsung's chairman, spoke.", {"lee_jaeyong", "samsung"}),
    ("", "Lee Jae-myung spoke to reporters.", set()),
    ("", "Lee Kun-hee, Samsung's late chairman. Lee died in 2020.", {"samsung"}),
    ("", "Lee said the party would block the bill.", set()),
    ("", "Yoon Suk-yeol's approval rating fell.", {"yoon"}),
    ("", "Yoon Sukyeol and Yoon Suk Yeol.", {"yoon"}),
    ("", "Yoon Jong-kyoo announced his retirement. Yoon led KB.", set()),
    ("", "Cho Joo-wan will lead the expansion.", {"cho_joowan"}),
    ("", "Cho Joowan spoke.", {"cho_joowan"}),
    ("", "Cho said the opposition would not back down.", set()),
    ("", "The National Election Commission will hand count. The NEC said so.", {"nec", "topic_election"}),
    # --- Korean
    ("", "삼성전자는 신제품을 공개했다.", {"samsung"}),
    ("", "삼성이 발표했다.", {"samsung"}),
    ("", "삼성바이오로직스가 상승했다.", set()),  # a different company
    ("", "삼성 바이오로직스가 상승했다.", set()),  # exclude
    ("", "윤석열 대통령이 기자회견을 열었다.", {"yoon"}),
    ("", "윤대통령이 말했다.", {"yoon"}),
    ("", "尹대통령 발언에 야당 반발", {"yoon"}),
    ("", "메타버스 플랫폼 이용자가 줄었다.", set()),
    ("", "메타데이터가 유출됐다.", set()),
    ("", "메타는 새 AI 모델을 공개했다.", {"meta"}),
    ("", "메타에서는 반발했다.", {"meta"}),
    ("", "美메타, 새 모델 공개", {"meta"}),
    ("", "비메타 진영", set()),
    ("", "메타 분석 결과가 나왔다.", set()),
    ("", "이재명 대표가 발언했다.", set()),
    ("", "이재용 회장은 유럽 출장길에 올랐다.", {"lee_jaeyong"}),
    ("", "이재용이라는 이름", {"lee_jaeyong"}),
    ("", "이재용씨가 말했다.", {"lee_jaeyong"}),
    ("", "선관위는 발표했다.", {"nec"}),
    ("", "중앙선거관리위원회에서는 개표를 시작했다.", {"nec"}),
    ("", "SK하이닉스가 HBM을 공급한다.", {"sk_hynix", "topic_hbm"}),
    ("", "LG전자와 삼성전자의 경쟁", {"lg", "samsung"}),
    ("", "LG디스플레이가 패널을 공급한다.", set()),  # LG + non-particle Hangul: another word
    ("", "Meta는 발표했다.", {"meta"}),  # Latin alias + particle
    ("", "저커버그가 방한했다.", {"zuckerberg"}),
    ("", "\u1106\u1166\u1110\u1161\u1102\u1173\u11ab 발표했다.", {"meta"}),  # NFD Hangul 메타는
    # --- title + body
    ("Samsung, LG lead OLED TV race", "The two companies hold most of the market.", {"lg", "samsung"}),
    ("Zuckerberg in Seoul", "The Meta chief arrived on Tuesday.", {"meta", "zuckerberg"}),
    (None, None, set()),
    # --- topics: any case, plurals, particles
    ("", "Demand for AI chips rose.", {"topic_ai_chips"}),
    ("", "An AI chip from Nvidia.", {"topic_ai_chips"}),
    ("", "Deepfakes spread; a DEEPFAKE video; deepfake's reach.", {"topic_deepfake"}),
    ("", "반도체 수출이 늘었다. AI 반도체 시장", {"topic_semiconductor", "topic_ai_chips"}),
    ("", "반도체산업", set()),  # a topic is a word too
    ("", "Semiconductors led exports.", {"topic_semiconductor"}),
    ("", "XR headsets from Samsung", {"topic_xr_headset", "samsung"}),
]


@pytest.mark.parametrize("title, text, expected", CASES)
def test_labelled(default, title, text, expected):
    assert set(default.match(title, text).entities) == expected


def test_offsets_are_into_the_original_strings(default):
    title = "Ｓａｍｓｕｎｇ’s\u00a0 chief"
    text = "Sam\u00adsung and 𝐌𝐞𝐭𝐚 met.\n\nLee  Jae‑yong spoke."
    res = default.match(title, text)
    for m in res.mentions:
        src = title if m.field == "title" else text
        assert src[m.start:m.end] == m.text
    got = {(m.field, m.text) for m in res.mentions}
    assert ("title", "Ｓａｍｓｕｎｇ") in got
    assert ("text", "Sam\u00adsung") in got
    assert ("text", "𝐌𝐞𝐭𝐚") in got
    assert ("text", "Lee  Jae‑yong") in got


def test_mention_fields_snippet_and_flag_reason(default):
    text = ("Samsung Electronics Chairman Lee Jae-yong met Nvidia's chief executive. "
            "Lee later toured the campus.\nSamsung Electronics said it was pleased.")
    res = default.match("Samsung Electronics chief visits", text)
    sam = next(f for f in res.flags if f.entity_id == "samsung")
    assert sam.count == 3 and sam.in_title
    assert sam.reason == 'alias "Samsung Electronics" ×3 in title and body'
    lee = next(f for f in res.flags if f.entity_id == "lee_jaeyong")
    assert lee.count == 2 and not lee.in_title
    assert lee.reason == ('alias "Lee Jae-yong" ×1 in body; '
                          'short name "Lee" ×1 in body (allowed by full alias)')
    short = next(m for m in res.mentions if m.kind == "short_name")
    assert short == Mention("lee_jaeyong", "Lee", "Lee", "text", text.index("Lee later"),
                            text.index("Lee later") + 3, "short_name", "Lee later toured the campus.")
    full = next(m for m in res.mentions if m.alias == "Lee Jae-yong")
    assert full.snippet == ("Samsung Electronics Chairman Lee Jae-yong met Nvidia's chief executive.")
    assert lee.snippet == full.snippet
    assert res.entities == sorted(res.entities)


def test_reason_shows_variant_spellings(default):
    res = default.match(None, "Lee Jae Yong and Yoon Suk-yeol met.")
    reasons = {f.entity_id: f.reason for f in res.flags}
    assert reasons["lee_jaeyong"] == 'alias "Lee Jae-yong" ×1 in body (as "Lee Jae Yong")'
    assert reasons["yoon"] == 'alias "Yoon Suk Yeol" ×1 in body (as "Yoon Suk-yeol")'


def test_overlapping_aliases_of_one_entity_make_one_mention(default):
    res = default.match(None, "President Yoon Suk Yeol departed. Samsung Electronics rose.")
    assert [(m.text, m.alias) for m in res.mentions] == [
        ("President Yoon Suk Yeol", "President Yoon"), ("Samsung Electronics", "Samsung Electronics")]


def test_longest_alias_wins_across_entities():
    wl = parse_watchlist('''
[[entities]]
id = "samsung"
name = "Samsung Electronics"
aliases = ["Samsung"]
[[entities]]
id = "biologics"
name = "Samsung Biologics"
aliases = ["Samsung Biologics"]
''')
    res = Matcher(wl).match(None, "Samsung Biologics rose while Samsung fell.")
    assert [(m.entity_id, m.text) for m in res.mentions] == [
        ("biologics", "Samsung Biologics"), ("samsung", "Samsung")]


def test_short_name_needs_full_alias_anywhere_in_article(default):
    assert default.match("Lee Jae-yong returns", "Lee said he was glad.").entities == ["lee_jaeyong"]
    assert default.match(None, "Lee said he was glad.").entities == []
    res = default.match(None, "The NEC said so. The National Election Commission agreed.")
    assert [m.kind for m in res.mentions if m.entity_id == "nec"] == ["short_name", "alias"]


def test_short_name_inside_exclude_is_suppressed(default):
    res = default.match(None, "The National Election Commission met. NEC Corp. shares fell.")
    assert [m.text for m in res.mentions if m.entity_id == "nec"] == ["National Election Commission"]


def test_short_name_before_another_korean_given_name_is_not_counted(default):
    res = default.match(None, "Lee Jae-yong spoke. Lee Kun-hee founded it. Lee smiled.")
    assert [m.text for m in res.mentions] == ["Lee Jae-yong", "Lee"]
    assert res.mentions[1].start == len("Lee Jae-yong spoke. Lee Kun-hee founded it. ")


def test_topic_and_entity_do_not_hide_each_other(default):
    res = default.match(None, "The National Election Commission said.")
    assert res.entities == ["nec", "topic_election"]
    assert {m.kind for m in res.mentions} == {"alias", "topic"}


def test_determinism_and_pickle(default):
    text = "Meta and 메타 and Samsung; Lee Jae-yong. Lee spoke. AI chips."
    a = default.match("LG", text)
    b = default.match("LG", text)
    assert a == b
    clone = pickle.loads(pickle.dumps(default))
    assert clone.match("LG", text) == a
    assert clone.watchlist.digest() == default.watchlist.digest()


def test_long_sentence_snippet_is_trimmed_around_the_mention(default):
    text = "word " * 200 + "Samsung rose " + "word " * 200 + "."
    m = default.match(None, text).mentions[0]
    assert len(m.snippet) <= 300 and "Samsung" in m.snippet
    assert m.snippet.startswith("…") and m.snippet.endswith("…")


def test_empty_watchlist_like_match_on_empty_text(default):
    res = default.match("", "")
    assert res.entities == [] and res.flags == [] and res.mentions == []


def test_exclude_case_rule_and_hangul_exclude_prefix():
    wl = parse_watchlist('''
[[entities]]
id = "meta"
name = "Meta"
aliases = ["Meta", "메타"]
exclude = ["meta-analysis", "메타 분석"]
''')
    m = Matcher(wl)
    assert m.match(None, "Meta-analysis shows it.").entities == []
    assert m.match(None, "A Meta-Analysis shows it.").entities == []
    assert m.match(None, "메타 분석법이 발전했다.").entities == []  # Hangul exclude: a prefix is enough
    assert m.match(None, "메타 분석가들은 말했다, 메타가 발표했다.").entities == ["meta"]


def test_flag_details_for_storage(default):
    res = default.match("Meta in Seoul", "메타는 말했다.")
    (flag,) = res.flags
    assert flag.in_title and flag.count == 2
    # both aliases are ambiguous: each mention says what corroborated the entity
    note = 'ambiguous alias (everyday word); corroborated by company syntax "메타는 말했…"'
    assert flag.details() == [
        {"alias": "Meta", "text": "Meta", "field": "title", "start": 0, "end": 4, "kind": "alias",
         "note": note},
        {"alias": "메타", "text": "메타", "field": "text", "start": 0, "end": 2, "kind": "alias",
         "note": note.replace("everyday word", "Korean group name or common noun")}]
    assert flag.snippet == "메타는 말했다."  # the body sentence explains more than the title
