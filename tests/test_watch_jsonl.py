"""match_jsonl (the `newsmon match --jsonl` filter): output shape, bad lines, exit codes,
and the labelled dev cases of the shared checks when they are present."""
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from watch import match_jsonl

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = str(ROOT / "watchlists" / "default.toml")
SHARED = ROOT.parent / "shared" / "data" / "entities"


def run(lines: list[str], watchlist: str = DEFAULT) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    code = match_jsonl(watchlist, io.StringIO("".join(l + "\n" for l in lines)), out, err)
    return code, [json.loads(l) for l in out.getvalue().splitlines()], err.getvalue()


def test_output_shape():
    code, rows, err = run([json.dumps({"id": "a1", "title": "Samsung’s chief",
                                       "text": "Lee Jae Yong met 메타 executives."}, ensure_ascii=False)])
    assert code == 0 and err == ""
    (row,) = rows
    assert row["id"] == "a1"
    assert row["entities"] == ["lee_jaeyong", "meta", "samsung"]
    first = row["mentions"][0]
    assert first == {"entity": "samsung", "alias": "Samsung", "text": "Samsung", "field": "title",
                     "start": 0, "end": 7, "kind": "alias", "snippet": "Samsung’s chief"}
    assert {m["entity"] for m in row["mentions"]} == {"samsung", "lee_jaeyong", "meta"}


def test_bad_lines_are_reported_and_skipped():
    lines = [
        json.dumps({"id": 1, "title": None, "text": "Meta rose."}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"title": "no id"}),
        json.dumps({"id": "x", "text": 5}),
        "",
        json.dumps({"id": "last", "text": "LG fell."}),
    ]
    code, rows, err = run(lines)
    assert code == 1  # some lines were rejected; all others were written
    assert [r["id"] for r in rows] == [1, "last"]
    assert [r["entities"] for r in rows] == [["meta"], ["lg"]]
    errs = err.splitlines()
    assert [e.split(":")[0] for e in errs] == ["line 2", "line 3", "line 4", "line 5"]
    assert "not JSON" in errs[0] and 'missing "id"' in errs[2] and '"text" must be' in errs[3]


def test_invalid_watchlist_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[entities]]\nid = "a"\nname = "A"\naliases = []\n', encoding="utf-8")
    code, rows, err = run([json.dumps({"id": 1, "text": "x"})], str(bad))
    assert code == 2 and rows == []
    assert err == f"newsmon: error: {bad}:4: entity \"a\": aliases is empty; give at least one alias\n"


def test_cli_match_command(tmp_path):
    """The wired `newsmon match` command runs the same filter (real subprocess)."""
    exe = Path(sys.executable).parent / "newsmon"
    if not exe.exists():
        pytest.skip("newsmon console script not installed")
    inp = json.dumps({"id": "c", "title": "", "text": "윤석열 대통령이 말했다."}, ensure_ascii=False) + "\n"
    out = subprocess.run([str(exe), "match", "--watchlist", DEFAULT, "--jsonl"], input=inp,
                         capture_output=True, text=True, timeout=60, env={**os.environ})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["entities"] == ["yoon"]


@pytest.mark.skipif(not (SHARED / "dev.jsonl").exists(), reason="shared dev cases not present")
def test_shared_dev_cases_all_right():
    cases = [json.loads(l) for l in (SHARED / "dev.jsonl").read_text(encoding="utf-8").splitlines() if l]
    lines = [json.dumps({k: c[k] for k in ("id", "title", "text")}, ensure_ascii=False) for c in cases]
    code, rows, err = run(lines, str(SHARED / "watchlist.toml"))
    assert code == 0 and err == ""
    got = {r["id"]: set(r["entities"]) for r in rows}
    wrong = {c["id"]: (sorted(c["gold"]), sorted(got[c["id"]])) for c in cases
             if set(c["gold"]) != got[c["id"]]}
    assert wrong == {}


def test_flags_carry_prominence_and_explain_lists_rejected_mentions():
    line = json.dumps({"id": "b", "title": "Box office",
                       "text": "Weekend grosses.\n\nThe Shack (LG), $10M -38%, 2,888 locations\n\n"
                               "Meta's results beat estimates."})
    code, rows, _ = run([line])
    (row,) = rows
    assert row["entities"] == ["meta"] and "rejected" not in row
    (flag,) = row["flags"]
    assert flag["entity"] == "meta" and 0 < flag["prominence"] <= 100
    assert sum(flag["prominence_parts"][k] for k in ("headline", "lede", "mentions", "sentences",
                                                     "position")) == flag["prominence"]
    assert row["mentions"][0]["note"].startswith("ambiguous alias (everyday word); corroborated by")
    # the real command line, with --explain
    out = subprocess.run([sys.executable, "-m", "newsmon.cli", "match", "--watchlist", DEFAULT, "--jsonl",
                          "--explain"], input=line + "\n", capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    (rej,) = json.loads(out.stdout)["rejected"]
    assert rej["entity"] == "lg" and rej["text"] == "LG" and "parentheses" in rej["reason"]
