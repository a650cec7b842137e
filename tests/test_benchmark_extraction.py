"""benchmarks/extraction.py: repeated rounds take each page's least time, systems taking turns."""
import importlib.util
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]


def _module():
    spec = importlib.util.spec_from_file_location("bench_extraction", ROOT / "benchmarks" / "extraction.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_repeat_keeps_each_pages_least_time_and_alternates_the_order(monkeypatch):
    mod = _module()
    now = [0.0]
    monkeypatch.setattr(mod, "time", SimpleNamespace(process_time=lambda: now[0], perf_counter=lambda: now[0]))
    # seconds per call, in call order per (system, page); each round warms up on p1 first:
    # p1 is called warm-up, measured, warm-up, measured; p2 measured twice
    costs = {("a", "p1"): [9, 0.010, 9, 0.030], ("a", "p2"): [0.020, 0.005],
             ("b", "p1"): [9, 0.002, 9, 0.001], ("b", "p2"): [0.004, 0.008]}
    calls: list[str] = []

    def system(name):
        def run(html: str) -> str:
            calls.append(name)
            now[0] += costs[name, html].pop(0)
            return html.upper()
        return run

    monkeypatch.setattr(mod, "SYSTEMS", {"a": system("a"), "b": system("b")})
    res = mod.run_systems(["a", "b"], {"p1": "p1", "p2": "p2"}, repeat=2)
    assert calls == ["a"] * 3 + ["b"] * 3 + ["b"] * 3 + ["a"] * 3  # round 2 in reverse order
    assert res["a"][0] == {"p1": "P1", "p2": "P2"}
    # each page's least time over the rounds, then the median over the pages (milliseconds)
    assert abs(res["a"][2] - (10 + 5) / 2) < 1e-9 and abs(res["b"][2] - (1 + 4) / 2) < 1e-9
    assert abs(res["a"][1] - res["a"][2]) < 1e-9  # wall: the same fake clock


def test_one_round_is_one_pass_per_system_in_the_given_order(monkeypatch):
    mod = _module()
    calls: list[str] = []
    def system(name):
        def run(html: str) -> str:
            calls.append(name)
            return html
        return run

    monkeypatch.setattr(mod, "SYSTEMS", {"a": system("a"), "b": system("b")})
    res = mod.run_systems(["b", "a"], {"x": "x"}, repeat=1)
    assert calls == ["b", "b", "a", "a"] and list(res) == ["b", "a"]
