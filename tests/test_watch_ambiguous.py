"""Ambiguous aliases (watch.ambiguity) count only when corroborated (watch.corroborate):
every class of the rules, on the shipped default watchlist and on small watchlists."""
from __future__ import annotations

import pytest

from watch import Matcher, load_watchlist, parse_watchlist
from watch.ambiguity import EVERYDAY_WORD, KOREAN_SHORT_FORM, SHORT_ACRONYM, why_ambiguous
from watch.watchlist import WatchlistError

from tests.test_watch_matcher import ROOT

DEFAULT = ROOT / "watchlists" / "default.toml"


@pytest.fixture(scope="module")
def default():
    return Matcher(load_watchlist(DEFAULT))


@pytest.fixture(scope="module")
def brands():
    """Companies whose names are everyday words or short acronyms, with context terms."""
    return Matcher(parse_watchlist('''
[[entities]]
id = "apple"
name = "Apple Inc."
kind = "company"
aliases = ["Apple", "애플"]
context = ["iPhone", "Tim Cook"]

[[entities]]
id = "amazon"
name = "Amazon.com"
kind = "company"
aliases = ["Amazon", "Amazon.com", "아마존"]

[[entities]]
id = "ford"
name = "Ford Motor"
kind = "company"
aliases = ["Ford Motor", "Ford"]

[[entities]]
id = "google"
name = "Google"
kind = "company"
aliases = ["Google"]

[[entities]]
id = "x"
name = "X (Twitter)"
kind = "company"
aliases = ["X"]

[[entities]]
id = "kt"
name = "KT Corp."
kind = "company"
aliases = ["KT"]

[[entities]]
id = "woori"
name = "Woori Financial"
kind = "company"
aliases = ["Woori Financial", "우리금융", "우리"]

[[entities]]
id = "hyundai"
name = "Hyundai Motor"
kind = "company"
aliases = ["Hyundai Motor", "현대차", "현대"]

[[entities]]
id = "trump"
name = "Donald Trump"
kind = "person"
aliases = ["Donald Trump", "Trump"]

[[entities]]
id = "topic_ev"
name = "Electric vehicles"
kind = "topic"
aliases = ["electric vehicle"]
'''))


def flagged(m: Matcher, text: str, title: str = "") -> list[str]:
    return m.match(title, text).entities


def rejected(m: Matcher, text: str, title: str = "") -> list[str]:
    return [r.reason for r in m.match(title, text).rejected]


# --------------------------------------------------------------------- recognition

@pytest.mark.parametrize("alias,kind,why", [
    ("LG", "company", SHORT_ACRONYM), ("SK", "company", SHORT_ACRONYM), ("KT", "company", SHORT_ACRONYM),
    ("X", "company", SHORT_ACRONYM), ("3M", "company", SHORT_ACRONYM), ("NEC", "organization", SHORT_ACRONYM),
    ("Meta", "company", EVERYDAY_WORD), ("Apple", "company", EVERYDAY_WORD), ("Amazon", "company", EVERYDAY_WORD),
    ("Shell", "company", EVERYDAY_WORD), ("Target", "company", EVERYDAY_WORD), ("Trump", "person", EVERYDAY_WORD),
    ("삼성", "company", KOREAN_SHORT_FORM), ("현대", "company", KOREAN_SHORT_FORM),
    ("메타", "company", KOREAN_SHORT_FORM), ("우리", "company", KOREAN_SHORT_FORM),
    # not ambiguous: longer acronyms, names that are no word, longer Korean names, topics
    ("HBM4", "company", None), ("Samsung", "company", None), ("Facebook", "company", None),
    ("Google", "company", None), ("Meta Platforms", "company", None), ("삼성전자", "company", None),
    ("하이닉스", "company", None), ("LG Electronics", "company", None), ("HBM", "topic", None),
])
def test_which_aliases_are_ambiguous(alias, kind, why):
    assert why_ambiguous(alias, kind) == why


def test_watchlist_override_per_alias():
    wl = parse_watchlist('''
[[entities]]
id = "trump"
name = "Donald Trump"
kind = "person"
aliases = ["Donald Trump", "Trump"]
ambiguous = { "Trump" = false }

[[entities]]
id = "samsung"
name = "Samsung Electronics"
kind = "company"
aliases = ["Samsung"]
ambiguous = { "Samsung" = true }
''')
    m = Matcher(wl)
    # "Trump" no longer needs corroboration; "Samsung" now does
    assert flagged(m, "Protesters rallied, and Trump stayed home.") == ["trump"]
    assert flagged(m, "Samsung\n\nThe weather was mild.") == []
    assert "marked ambiguous in the watchlist" in rejected(m, "Samsung\n\nThe weather was mild.")[0]
    assert flagged(m, "Samsung said it would raise prices.") == ["samsung"]


@pytest.mark.parametrize("toml,message", [
    ('ambiguous = { "Lotte" = true }', 'ambiguous: "Lotte" is not one of the entity\'s aliases'),
    ('ambiguous = { "LG" = "yes" }', '"LG" must be true or false, not a string'),
    ('ambiguous = ["LG"]', "ambiguous must be a table of alias = true/false"),
    ('context = ["lg"]', 'context term "lg" is also an alias ("LG")'),
    ('context = ["OLED", "OLED"]', 'context term "OLED" is listed twice'),
    ('context = "OLED"', "context must be an array of strings"),
])
def test_watchlist_errors_for_the_new_keys(toml, message):
    text = f'[[entities]]\nid = "lg"\nname = "LG"\nkind = "company"\naliases = ["LG"]\n{toml}\n'
    with pytest.raises(WatchlistError) as e:
        parse_watchlist(text, "w.toml")
    assert str(e.value).startswith("w.toml:6: ") and message in str(e.value)


def test_topics_take_no_context():
    with pytest.raises(WatchlistError, match="topics take no"):
        parse_watchlist('[[entities]]\nid = "t"\nname = "T"\nkind = "topic"\naliases = ["chips"]\n'
                        'context = ["wafer"]\n')


# ----------------------------------------------------------------- corroboration

def test_unambiguous_alias_of_the_same_entity(default):
    res = default.match("", "Meta\n\nFacebook users reported outages.")
    assert res.entities == ["meta"]
    heading = res.mentions[0]
    assert heading.text == "Meta" and 'corroborated by alias "Facebook"' in heading.note


def test_context_term(brands):
    assert flagged(brands, "Apple\n\nThe new iPhone sold out in a day.") == ["apple"]
    assert flagged(brands, "Apple\n\nThe orchard sold out in a day.") == []


@pytest.mark.parametrize("text", [
    "LG's new lineup arrives in March.",
    "LG said it would cut prices.",
    "LG has also announced a buyback.",
    "Meta-owned Giphy grew.",
    "The Meta CEO spoke on Tuesday.",
    "Meta shares rose 3 percent.",
    "Shares of Meta rose 3 percent.",
    "A stint at Meta taught her a lot.",
    "He spent years as an engineer at Meta before founding it.",
    "Meta (NASDAQ: META) reported earnings.",
    "Meta, the parent of Giphy, reported earnings.",
    "The tech giant Meta reported earnings.",
    "The deal was announced by Meta on Friday.",
    "According to Meta, usage grew.",
    "LG Display supplies OLED panels to carmakers.",
])
def test_company_syntax(default, text):
    res = default.match("", text)
    assert res.entities in (["lg"], ["meta"]), (text, res.rejected)
    assert "company syntax" in res.mentions[0].note


@pytest.mark.parametrize("text,entity", [
    ("삼성 측은 사실이 아니라고 반박했다.", "samsung"),
    ("메타 주가가 5% 올랐다.", "meta"),
    ("메타는 새 AI 모델을 공개했다.", "meta"),
    ("메타에 따르면 이용자가 늘었다.", "meta"),
    ("김 대표는 \"우리는 최선을 다했다\"고 밝혔다.", None),  # quoted: no syntax
    ("우리는 이미 인구 감소 시대에 들어섰다.", None),
])
def test_korean_company_syntax(brands, default, text, entity):
    got = flagged(default, text) + flagged(brands, text)
    assert got == ([entity] if entity else []), text


def test_another_watchlist_name_nearby(default, brands):
    assert flagged(default, "", "Samsung, LG lead OLED TV race") == ["lg", "samsung"]
    assert flagged(brands, "Tech at MIT doesn't just mean Google and Amazon.") == ["amazon", "google"]
    # a topic nearby counts too
    assert flagged(brands, "Ford is betting on the electric vehicle market.") in (["ford", "topic_ev"],)
    # ...but not in another paragraph
    assert flagged(brands, "Google\u2019s results are in.\n\nAmazon basin rivers flooded.") == ["google"]


def test_two_ambiguous_names_do_not_corroborate_each_other(default):
    # a baseball score: the Samsung Lions and the LG Twins
    assert flagged(default, "삼성, 연장 11회 끝에 LG 꺾고 2연승") == []


def test_everything_rejected_is_explained(default):
    res = default.match("", "LG\n\nMarch 3, 2021")
    (r,) = res.rejected
    assert (r.entity_id, r.alias, r.text, r.field, r.start, r.end) == ("lg", "LG", "LG", "text", 0, 2)
    assert "alone on its line" in r.reason
    assert r.to_dict()["reason"] == r.reason


# ---------------------------------------------------------------- positions

@pytest.mark.parametrize("text,why", [
    ("Meta\n\nSearch engines read the description of a page.", "alone on its line"),
    ("Comments\n\nLG\n\nMarch 3, 2021\n\nGreat post, thanks.", "alone on its line"),
    ("Weekend box office.\n\nThe Shack (LG), $10M -38%, 2,888 locations", "alone in parentheses"),
    ("Studio results:\n\nBeauty | Dis | $45M\n\nThe Shack | LG | $10M", "in a table row"),
    ("Cooler specs\n\n- LG Volume: 4150 IN3\n\n- Weight: 20 lb", "fixed phrase"),
    ("Cooler specs\n\n- Size: LG\n\n- Weight: 20 lb", "in a spec list"),
    ("Summary, 12, 14, LG, 2,888 locations", "in a table row"),
])
def test_positions_that_never_count_on_their_own(default, text, why):
    res = default.match("", text)
    assert res.entities == [] and any(why in r.reason for r in res.rejected), res.rejected


def test_a_weak_position_rides_along_when_the_entity_is_named(default):
    res = default.match("", "LG Electronics unveiled its TVs.\n\nBeauty | Dis | $45M\n\nThe Shack | LG | $10M")
    assert res.entities == ["lg"] and [m.text for m in res.mentions] == ["LG Electronics", "LG"]


def test_a_short_heading_may_use_syntax_but_not_a_name_nearby(brands):
    assert flagged(brands, "Fellow Clara French Press at Amazon") == ["amazon"]


# ------------------------------------------------------------------- vetoes

@pytest.mark.parametrize("text,why", [
    ("Craft compelling Meta Descriptions: a concise meta description encourages clicks.", "fixed phrase"),
    ("Optimize every meta tag and the Meta Tags of each page.", "fixed phrase"),
    ("메타 분석 결과가 나왔다.", "fixed phrase"),
])
def test_fixed_phrases(default, text, why):
    res = default.match("", text)
    assert res.entities == [] and all(why in r.reason for r in res.rejected)


def test_fixed_phrase_wins_even_when_the_entity_is_named(default):
    res = default.match("", "Facebook ads and a good meta description help.")
    assert res.entities == ["meta"] and [m.text for m in res.mentions] == ["Facebook"]


@pytest.mark.parametrize("text,why", [
    ("The book was written by the late author John M. Ford. Ford's fans are devoted.", "person"),
    ("Designers such as Leanne Ford and Sarah Brown took part.", "person"),
    ("Get from Third Ward to Shell Energy Stadium for a game.", "venue"),
    ("KT&G raised cigarette prices.", "&"),
    ("The Xbox Series X and the Ledger Nano X sold out.", "model letter"),
    ("The Fujifilm X-H2S is fast.", "model"),
    ("You might have heard of Key Transparency. KT is deployed widely.", "initials"),
])
def test_vetoes(brands, text, why):
    extra = parse_watchlist('[[entities]]\nid = "shell"\nname = "Shell"\nkind = "company"\naliases = ["Shell"]\n')
    res = brands.match("", text)
    res2 = Matcher(extra).match("", text)
    assert res.entities == [] and res2.entities == []
    assert any(why in r.reason for r in res.rejected + res2.rejected), (res.rejected, res2.rejected)


def test_a_restaurant_named_like_the_company(default):
    text = ("No.77 Meta opened in March. Meta seamlessly blends Eastern and Western cuisines, "
            "and Meta's chef serves a tasting menu.")
    assert flagged(default, text) == []


def test_a_stack_exchange_site_named_meta(default):
    assert flagged(default, "You should post this in Meta instead of the main site.") == []


def test_another_company_of_the_same_korean_group(brands):
    text = "현대백화점, 더현대 서울 매출 1조원 돌파\n\n현대 측은 팝업스토어 전략이 주효했다고 분석했다."
    res = brands.match("", text)
    assert res.entities == [] and "현대백화점" in res.rejected[-1].reason
    # once the group's listed company is named, the short form counts
    assert flagged(brands, "현대차는 전기차 판매를 늘렸다. 현대 측은 신차를 공개했다.") == ["hyundai"]


def test_person_aliases(brands):
    assert flagged(brands, "The bill passed after President Trump signed it.") == ["trump"]
    assert flagged(brands, "He told police he supported Trump and hated the law.") == ["trump"]
    assert flagged(brands, "Trump Tower\n\nThe lobby was closed.") == []


# --------------------------------------------------------- lower case names

def test_lower_case_spelling_of_a_name_that_is_no_word(default, brands):
    assert flagged(default, "Check the local facebook marketplace first.") == ["meta"]
    assert flagged(brands, "a quick google search should turn up results") == ["google"]
    assert flagged(brands, "see it at amazon.com today") == ["amazon"]  # a domain, any case
    # never an everyday word in lower case, never inside a web address
    assert flagged(default, "the meta description and the apple pie") == []
    assert flagged(brands, "Photo: pic.google.com/abc") == []


def test_short_names_need_an_accepted_full_alias():
    m = Matcher(parse_watchlist('''
[[entities]]
id = "lg"
name = "LG Electronics"
kind = "company"
aliases = ["LG"]
short_names = ["Koo"]
'''))
    res = m.match("", "LG\n\nKoo said the plan was on track.")
    assert res.entities == []
    assert any("short name without an accepted full alias" in r.reason for r in res.rejected)
