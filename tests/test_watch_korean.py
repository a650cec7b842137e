"""watch.korean (particles), watch.romanize (name spellings), watch.inflect, watch.variants."""
import pytest

from watch.inflect import topic_variants
from watch.korean import PARTICLES, particle_follows
from watch.romanize import is_syllable, name_variants, parse_korean_name
from watch.variants import case_forms, spellings


@pytest.mark.parametrize("p", [
    "이", "가", "은", "는", "을", "를", "의", "에", "에서", "에게", "와", "과", "도", "로", "으로",
    "께서", "만", "까지", "부터", "처럼", "보다", "이나", "나", "랑", "이랑", "하고",
    # stacked particles
    "에서는", "으로는", "와의", "과의", "에게는", "에서도", "까지도", "부터는", "만을",
    # copula forms
    "이다", "였다", "입니다", "이라는", "라는", "이라고", "인",
    # noun suffixes, alone and with particles
    "측", "측은", "씨가", "들의", "등",
])
def test_documented_particles(p):
    assert p in PARTICLES


@pytest.mark.parametrize("not_p", ["버스", "데이터", "전자", "바이오로직스", "명", "분석", "학", "고"])
def test_word_continuations_are_not_particles(not_p):
    assert not_p not in PARTICLES


def test_particle_follows_takes_the_whole_hangul_run():
    assert particle_follows("메타는 말했다", 2)
    assert particle_follows("메타에서는.", 2)
    assert not particle_follows("메타버스", 2)
    assert not particle_follows("삼성전자는", 2)  # 전자는 is not a particle
    assert particle_follows("삼성전자는", 4)


@pytest.mark.parametrize("syl", ["jae", "yong", "suk", "yeol", "joo", "wan", "myung", "kyoo",
                                 "hee", "young", "seok", "kwang", "hwan", "chul", "in", "eun"])
def test_syllables(syl):
    assert is_syllable(syl)


@pytest.mark.parametrize("bad", ["zuck", "william", "mark", "election", "platforms", "x", "str"])
def test_not_syllables(bad):
    assert not is_syllable(bad)


def test_name_variants_of_hyphenated_name():
    v = set(name_variants("Lee Jae-yong", "person"))
    for form in ("Lee Jae-yong", "Lee Jae Yong", "Lee Jaeyong", "Lee JaeYong", "Lee Jae-Yong",
                 "Jae-yong Lee", "Jae Yong Lee"):
        assert form in v
    assert not any("myung" in f.lower() for f in v)


def test_name_variants_from_spaced_and_joined_forms():
    assert "Yoon Suk-yeol" in name_variants("Yoon Suk Yeol", "person")
    assert "Yoon Sukyeol" in name_variants("Yoon Suk Yeol", "person")
    # a joined given name with two readings gets both (suk+yeol, su+kyeol)
    v = name_variants("Yoon Sukyeol", "person")
    assert "Yoon Suk Yeol" in v and "Yoon Su-kyeol" in v
    assert "Lee Jae-yong" in name_variants("Jae-yong Lee", "person")
    assert "LEE Jae-yong" in name_variants("Lee Jae-yong", "person")  # family name in capitals


@pytest.mark.parametrize("alias, kind", [
    ("Mark Zuckerberg", "person"), ("William Cho", "person"), ("President Yoon", "person"),
    ("Jay Y. Lee", "person"), ("National Election Commission", "organization"),
    ("Samsung Electronics", "company"), ("Meta Platforms", "company"), ("SK hynix", "company"),
])
def test_non_korean_names_get_no_variants(alias, kind):
    assert name_variants(alias, kind) == [alias]


def test_unknown_family_name_only_for_persons():
    assert parse_korean_name("Chey Tae-won", "person") is not None  # SK's chairman
    assert parse_korean_name("Chey Tae-won", "company") is not None  # Chey is a listed surname
    assert parse_korean_name("Suk Yeol Yoon", "person")[0] == "Yoon"  # listed surname wins
    assert parse_korean_name("Ban Jae-yong", "company") is not None
    assert parse_korean_name("Bo Jae-yong", "company") is None  # "Bo" not a surname; not a person


def test_topic_inflections():
    assert "AI chip" in topic_variants("AI chips")
    assert "AI chips" in topic_variants("AI chip")
    assert "XR headsets" in topic_variants("XR headset")
    assert "batteries" in topic_variants("battery")
    assert "switches" in topic_variants("switch")
    assert topic_variants("HBM") == ["HBM"]  # acronyms stay
    assert topic_variants("news") == ["news"]
    assert "AI-chip" in topic_variants("AI chip")
    assert topic_variants("반도체") == ["반도체"]


def test_case_forms():
    assert case_forms("Meta", False) == ["Meta"]  # never meta / META
    assert set(case_forms("SK hynix", False)) == {"SK hynix", "SK Hynix"}
    assert "Meta-Analysis" in case_forms("meta-analysis", False)
    topic = case_forms("deepfake", True)
    assert {"deepfake", "Deepfake", "DEEPFAKE"} <= set(topic)


def test_spellings():
    assert spellings("윤 대통령", "person", 0) == ("윤 대통령", "윤대통령")
    assert spellings("Meta", "company", 0) == ("Meta",)
    lee = spellings("Lee Jae-yong", "person", 0)
    assert {"Lee Jae-yong", "Lee Jae Yong", "LEE Jae-yong", "Jae-yong Lee"} <= set(lee)
    assert {"AI chips", "ai chip", "AI CHIPS", "AI-chips"} <= set(spellings("AI chips", "topic", 0))
    assert spellings("meta-analysis", "company", 2)[:2] == ("meta-analysis", "Meta-analysis")
