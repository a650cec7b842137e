"""watch.watchlist: loading, validation errors with file:line, digest."""
from pathlib import Path

import pytest

from newsmon.errors import ConfigError
from watch import Entity, Watchlist, WatchlistError, load_watchlist, parse_watchlist

ROOT = Path(__file__).resolve().parent.parent

GOOD = '''\
# comment
[[entities]]
id = "meta"
name = "Meta Platforms"
kind = "company"
aliases = ["Meta", "메타"]
exclude = ["Meta-analysis"]

[[entities]]
id = "lee"
name = "Lee Jae-yong"
kind = "person"
aliases = ["Lee Jae-yong"]
short_names = ["Lee"]
'''


def test_parse_good():
    wl = parse_watchlist(GOOD, "w.toml")
    assert wl.entities[0] == Entity("meta", "Meta Platforms", "company", ("Meta", "메타"), (),
                                    ("Meta-analysis",))
    assert wl.entities[1].short_names == ("Lee",)
    assert wl.get("lee").kind == "person"


def test_load_sets_path(tmp_path):
    p = tmp_path / "w.toml"
    p.write_text(GOOD, encoding="utf-8")
    wl = load_watchlist(p)
    assert wl.path == str(p) and len(wl.entities) == 2


def test_default_watchlist_is_valid():
    wl = load_watchlist(ROOT / "watchlists" / "default.toml")
    ids = {e.id for e in wl.entities}
    assert {"meta", "zuckerberg", "samsung", "lee_jaeyong", "lg", "cho_joowan", "sk_hynix",
            "yoon", "nec"} <= ids
    assert any(e.kind == "topic" for e in wl.entities)


def test_digest_stable_and_content_sensitive():
    a = parse_watchlist(GOOD)
    b = parse_watchlist("# other comment\n" + GOOD.replace('kind = "company"\n', 'kind = "company"\n\n'))
    assert a.digest() == b.digest()  # comments, blank lines, path do not count
    assert len(a.digest()) == 64
    c = parse_watchlist(GOOD.replace('"Meta", "메타"', '"Meta", "메타", "Facebook"'))
    assert c.digest() != a.digest()
    assert Watchlist(a.entities, "/x").digest() == a.digest()


def err(text: str) -> str:
    with pytest.raises(WatchlistError) as ei:
        parse_watchlist(text, "w.toml")
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


def test_error_is_a_config_error():
    with pytest.raises(ConfigError):
        parse_watchlist("[[entities]]\nid = 1\n", "w.toml")


def test_bad_toml_names_the_line():
    msg = err('[[entities]]\nid = "a"\nname = "A"\naliases = ["A"\n')
    assert msg.startswith("w.toml:") and "invalid TOML" in msg
    assert err('[[entities]]\nid = "a"\nname "A"\n').startswith("w.toml:3:")


def test_duplicate_id_points_at_second_entity():
    text = GOOD + '\n[[entities]]\nid = "meta"\nname = "Other"\naliases = ["Other"]\n'
    msg = err(text)
    assert msg.startswith("w.toml:17:") and 'duplicate id "meta"' in msg and "line 3" in msg


def test_empty_and_blank_aliases():
    assert err('[[entities]]\nid = "a"\nname = "A"\naliases = []\n') == \
        'w.toml:4: entity "a": aliases is empty; give at least one alias'
    msg = err('[[entities]]\nid = "a"\nname = "A"\naliases = ["A", "  "]\n')
    assert msg.startswith("w.toml:4:") and "aliases[1] is blank" in msg
    msg = err('[[entities]]\nid = "a"\nname = "A"\naliases = ["A",\n  ""]\n')
    assert msg.startswith("w.toml:") and "aliases[1] is empty" in msg
    assert "no letter or digit" in err('[[entities]]\nid = "a"\nname = "A"\naliases = ["--"]\n')


def test_exclude_identical_to_alias_any_case():
    text = '[[entities]]\nid = "a"\nname = "A"\naliases = ["Meta"]\nexclude = [\n  "x y",\n  "META",\n]\n'
    msg = err(text)
    assert msg.startswith("w.toml:7:") and 'exclude phrase "META" is identical to "Meta"' in msg


def test_short_name_equal_to_alias():
    msg = err('[[entities]]\nid = "a"\nname = "A"\naliases = ["Lee"]\nshort_names = ["Lee"]\n')
    assert msg.startswith("w.toml:5:") and "also an alias" in msg


def test_unknown_keys():
    msg = err('[[entities]]\nid = "a"\nname = "A"\nalias = ["A"]\naliases = ["A"]\n')
    assert msg.startswith("w.toml:4:") and 'unknown key "alias"' in msg
    msg = err('version = 2\n[[entities]]\nid = "a"\nname = "A"\naliases = ["A"]\n')
    assert msg.startswith("w.toml:1:") and 'unknown top-level key "version"' in msg
    msg = err('[[entity]]\nid = "a"\n')
    assert msg.startswith("w.toml:1:") and '"entity"' in msg


def test_wrong_types_and_missing_keys():
    assert err('[[entities]]\nid = "a"\nname = "A"\naliases = "A"\n') == \
        'w.toml:4: entity "a": aliases must be an array of strings, not a string'
    msg = err('[[entities]]\nid = "a"\nname = "A"\naliases = ["A", 3]\n')
    assert msg.startswith("w.toml:4:") and "aliases[1] must be a string, not an integer" in msg
    msg = err('[[entities]]\nname = "A"\naliases = ["A"]\n')
    assert msg.startswith("w.toml:1:") and 'missing required key "id"' in msg
    msg = err('[[entities]]\nid = "a"\naliases = ["A"]\n')
    assert msg.startswith("w.toml:1:") and 'missing required key "name"' in msg
    msg = err('[[entities]]\nid = "a"\nname = "A"\n')
    assert 'missing required key "aliases"' in msg
    msg = err('[[entities]]\nid = "a"\nname = "A"\nkind = "persn"\naliases = ["A"]\n')
    assert msg.startswith("w.toml:4:") and 'unknown kind "persn"' in msg
    msg = err('[[entities]]\nid = "a b"\nname = "A"\naliases = ["A"]\n')
    assert msg.startswith("w.toml:2:") and "letters, digits" in msg
    msg = err('[[entities]]\nid = 7\nname = "A"\naliases = ["A"]\n')
    assert msg.startswith("w.toml:2:") and '"id" must be a string, not an integer' in msg


def test_duplicate_phrase_in_a_list():
    msg = err('[[entities]]\nid = "a"\nname = "A"\naliases = ["Meta", "Meta"]\n')
    assert 'alias "Meta" is listed twice' in msg


def test_no_entities():
    assert "no [[entities]]" in err("# nothing\n")


def test_unreadable_and_non_utf8(tmp_path):
    with pytest.raises(WatchlistError, match="cannot read watchlist"):
        load_watchlist(tmp_path / "missing.toml")
    p = tmp_path / "latin1.toml"
    p.write_bytes(b'[[entities]]\nid = "a"\nname = "\xe9"\n')
    with pytest.raises(WatchlistError, match=r"latin1.toml:3: not UTF-8"):
        load_watchlist(p)
