"""Decoding order: BOM, HTTP charset, <meta>, detection; EUC-KR as CP949; mis-labelled pages."""
from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest

from scrapers.decode import META_SCAN_BYTES, decode_html, normalize_charset

KO = "이재용 삼성전자 회장은 29일 마크 저커버그 메타 CEO와 만나 AI 반도체 협력을 논의했다. 똠방각하 햏"
# "똠" and "햏" are outside strict EUC-KR (KS X 1001) but in CP949: the superset must be used.


def page(charset_meta: str | None = None, text: str = KO) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<!DOCTYPE html><html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def test_bom_wins_over_everything():
    body = codecs.BOM_UTF8 + page("euc-kr").encode("utf-8")
    d = decode_html(body, "iso-8859-1")
    assert (d.source, d.encoding) == ("bom", "utf-8")
    assert KO in d.text and not d.text.startswith("\ufeff")


@pytest.mark.parametrize("bom_codec", ["utf-16-le", "utf-16-be"])
def test_utf16_bom(bom_codec):
    bom = codecs.BOM_UTF16_LE if bom_codec.endswith("le") else codecs.BOM_UTF16_BE
    d = decode_html(bom + page().encode(bom_codec))
    assert d.source == "bom" and KO in d.text


def test_http_charset_before_meta():
    # Bytes valid in both: the HTTP header is trusted first.
    d = decode_html(page("euc-kr", "plain ascii text").encode("ascii"), "utf-8")
    assert (d.source, d.encoding) == ("http", "utf-8")


def test_meta_charset_when_no_header():
    d = decode_html(page("euc-kr").encode("cp949"))
    assert (d.source, d.encoding) == ("meta", "cp949")
    assert KO in d.text


def test_http_equiv_meta():
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=ks_c_5601-1987">'
            f"</head><body>{KO}</body></html>")
    d = decode_html(html.encode("cp949"))
    assert (d.source, d.encoding) == ("meta", "cp949") and KO in d.text


@pytest.mark.parametrize("label", ["euc-kr", "EUC-KR", "ks_c_5601-1987", "x-windows-949", "windows-949", "cp949"])
def test_euc_kr_labels_map_to_cp949(label):
    assert normalize_charset(label) == "cp949"


def test_latin1_label_is_cp1252_and_unknown_is_none():
    assert normalize_charset("ISO-8859-1") == "cp1252"
    assert normalize_charset("no-such-charset") is None


def test_meta_beyond_scan_window_is_not_used():
    filler = "<!--" + "x" * META_SCAN_BYTES + "-->"
    html = f"<html><head>{filler}<meta charset='euc-kr'></head><body>{KO}</body></html>"
    d = decode_html(html.encode("cp949"))
    assert d.source == "detected" and d.encoding == "cp949" and KO in d.text


def test_utf8_bytes_labelled_euc_kr_in_header():
    d = decode_html(page().encode("utf-8"), "euc-kr")
    assert (d.encoding, d.source) == ("utf-8", "detected")
    assert KO in d.text
    assert any("declared euc-kr in HTTP header but bytes are UTF-8; decoded as utf-8" in n for n in d.notes)


def test_cp949_bytes_labelled_utf8_in_meta():
    d = decode_html(page("utf-8").encode("cp949"))
    assert d.encoding == "cp949" and KO in d.text
    assert any("declared utf-8 in <meta> tag" in n and "cp949" in n for n in d.notes)


def test_utf8_bytes_labelled_latin1_are_not_mojibake():
    # Latin-1 decodes any byte sequence, so "it decoded" proves nothing: UTF-8 must win.
    d = decode_html(page(text="Café naïve – “quotes” 삼성").encode("utf-8"), "iso-8859-1")
    assert d.encoding == "utf-8" and "Café naïve – “quotes” 삼성" in d.text
    assert "Ã" not in d.text
    assert d.notes


def test_wrong_header_right_meta_uses_meta_and_notes_header():
    d = decode_html(page("euc-kr").encode("cp949"), "utf-8")
    assert (d.source, d.encoding) == ("meta", "cp949") and KO in d.text
    assert any("declared utf-8 in HTTP header" in n for n in d.notes)


def test_detection_without_any_declaration():
    d = decode_html(page().encode("cp949"))
    assert d.source == "detected" and d.encoding == "cp949" and KO in d.text


def test_a_few_bad_bytes_keep_the_declared_codec():
    body = page("utf-8").encode("utf-8")[:-40] + b"\xff" + page().encode("utf-8")[-40:]
    d = decode_html(body, "utf-8")
    assert (d.source, d.encoding) == ("http", "utf-8")
    assert any("undecodable byte" in n for n in d.notes)


def test_unknown_declared_charset_is_noted_and_skipped():
    d = decode_html(page().encode("utf-8"), "x-no-such")
    assert d.encoding == "utf-8" and KO in d.text
    assert any("unknown charset 'x-no-such'" in n for n in d.notes)


def test_empty_and_ascii_bodies():
    assert decode_html(b"").text == ""
    d = decode_html(b"<p>hello</p>")
    assert d.text == "<p>hello</p>" and d.encoding == "utf-8"


def test_rejects_text_input():
    with pytest.raises(TypeError, match="needs bytes"):
        decode_html("<p>already text</p>")  # type: ignore[arg-type]


def test_golden_euc_kr_page_decodes_without_mojibake():
    raw = gzip.decompress((Path(__file__).parent / "fixtures/golden/hankyung_euckr.html.gz").read_bytes())
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is EUC-KR bytes
    d = decode_html(raw)
    assert (d.source, d.encoding) == ("meta", "cp949")
    assert "SK하이닉스가 차세대 고대역폭메모리(HBM)" in d.text and "\ufffd" not in d.text
