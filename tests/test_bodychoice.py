"""Body selection (scrapers.bodychoice): features of small synthetic candidates -> choice."""
from scrapers.bodychoice import Candidate, candidate_score, choose, is_prose, trigrams

SENT = "The committee met on Tuesday to review the budget and agreed on a plan for the coming year."


def para(i: int, topic: str = "budget") -> str:
    return f"Paragraph {i} explains how the {topic} was set, who decided it and why it changed this year."


ARTICLE = [para(i) for i in range(8)]
TAIL = ["Who runs the OBR?", *(para(i, "office") for i in range(20, 24))]


def test_prose_feature():
    assert is_prose(SENT)
    assert not is_prose("Share on Facebook")                 # short
    assert not is_prose("Related stories and more coverage from our newsroom across the region")  # no sentence end
    assert is_prose("정부는 내년 예산안을 확정하고 국회에 제출했으며 여야는 심사 일정을 놓고 협의를 이어가고 있으며 최종 표결은 다음 달 본회의에서 이뤄질 예정이라고 관계자가 밝혔다.")


def test_longer_candidate_with_confirmed_prose_wins():
    # An explainer whose last section (a question heading and its paragraphs) one extractor lost:
    # two others have it, so the complete text wins.
    short = Candidate("a", "\n".join(ARTICLE))
    full = "\n".join(ARTICLE + TAIL)
    c = choose([short, Candidate("b", full), Candidate("c", full)])
    assert c.name == "b" and "Who runs the OBR?" in c.text and c.scores["b"] > c.scores["a"]


def test_shorter_candidate_wins_over_unconfirmed_link_lines():
    menu = [f"Top story number {i}" for i in range(30)]
    body = "\n".join(ARTICLE)
    with_menu = "\n".join(ARTICLE + menu)
    c = choose([Candidate("noisy", with_menu), Candidate("clean", body), Candidate("clean2", body)])
    assert c.name == "clean"


def test_repeated_short_lines_count_against_a_listing():
    listing = "\n".join(f"{para(i, 'teaser')}\nRead more\nShare" for i in range(6))
    body = "\n".join(ARTICLE)
    others = [trigrams(body), trigrams(listing)]
    assert candidate_score(listing, others) < candidate_score(body, others)


def test_disagreeing_candidates_prose_beats_navigation():
    nav = "\n".join(f"Section {i}" for i in range(40))
    body = "\n".join(ARTICLE)
    assert choose([Candidate("nav", nav), Candidate("body", body), Candidate("body2", body)]).name == "body"


def test_empty_candidates_never_win():
    assert choose([]).name == "none" and choose([]).text == ""
    c = choose([Candidate("empty", ""), Candidate("some", SENT)])
    assert c.name == "some" and c.text == SENT
    assert "empty" not in c.scores and "body choice: some" in c.note()
    # bytes decoded as replacement characters hold no word: no body
    assert choose([Candidate("garbage", "\ufffd" * 500)]).text == ""
    assert choose([Candidate("symbols", "\ufffd" * 200 + "abc def ghi")]).name == "none"


def test_a_fragment_never_beats_a_body():
    # one extractor found a long text no other confirms, another a teaser: the body wins
    body = "\n".join(f"Line {i} of a long report without sentence ends" for i in range(40))
    c = choose([Candidate("body", body), Candidate("teaser", "Read the full story")], min_chars=100)
    assert c.name == "body"
    # when nothing reaches the minimum, fragments still compete
    assert choose([Candidate("teaser", "Read the full story")], min_chars=100).name == "teaser"


def test_shared_lines_and_identical_candidates_score_as_computed_alone():
    # choose() computes a line's 3-grams and an identical text's score once; every score
    # must still be the candidate's own score against all the other candidates.
    body = "\n".join(ARTICLE)
    cands = [Candidate("a", body), Candidate("b", "\n".join(ARTICLE + TAIL)), Candidate("c", body),
             Candidate("d", "\n".join(ARTICLE[:3] + ["Share", "Share"]))]
    c = choose(cands)
    for i, cand in enumerate(cands):
        others = [set().union(*(trigrams(line) for line in o.text.split("\n")))
                  for j, o in enumerate(cands) if j != i]
        assert c.scores[cand.name] == candidate_score(cand.text, others)
    assert c.scores["a"] == c.scores["c"] and c.name == "b"


def test_lines_the_other_candidates_have_count_as_their_intersections():
    # candidate_score(others_lines=...) skips the intersection for a line another candidate
    # has (its 3-grams are all in that candidate's set): the same score to the last bit
    from scrapers.bodychoice import _line_grams, line_trigrams

    texts = ["\n".join(ARTICLE + TAIL), "\n".join(ARTICLE[1:]), "\n".join(TAIL + ["Share", "Share"])]
    for i, text in enumerate(texts):
        others = [set().union(*(trigrams(line) for line in o.split("\n"))) for j, o in enumerate(texts) if j != i]
        lines = [set(o.split("\n")) for j, o in enumerate(texts) if j != i]
        assert candidate_score(text, others, _line_grams(text), lines) == candidate_score(text, others)
    assert all(line_trigrams(line) == trigrams(line) for line in ARTICLE + TAIL + ["", "a b"])
