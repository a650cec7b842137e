from scrapers.urls import canonical_url, clean_url


def test_clean_removes_tracking_fragment_default_port_and_case():
    assert clean_url("HTTPS://News.Example.COM:443/a/b.html?utm_source=rss&id=5&fbclid=x#top") == \
        "https://news.example.com/a/b.html?id=5"
    assert clean_url("http://example.com") == "http://example.com/"
    assert clean_url("http://example.com:8080/x?gclid=1") == "http://example.com:8080/x"


def test_clean_keeps_meaningful_params_and_order():
    assert clean_url("https://www.yna.co.kr/view/AKR2024?section=economy&site=hot") == \
        "https://www.yna.co.kr/view/AKR2024?section=economy&site=hot"
    assert clean_url("https://www.hani.co.kr/arti/economy/123.html?idxno=9&utm_medium=x") == \
        "https://www.hani.co.kr/arti/economy/123.html?idxno=9"


def test_clean_normalises_percent_encoding():
    assert clean_url("http://a.com/%7Euser/a%20b") == clean_url("http://a.com/~user/a b")


def test_relative_resolution():
    assert clean_url("../b.html?utm_campaign=z", base="http://a.com/x/y/z.html") == "http://a.com/x/b.html"


def test_canonical_prefers_declared_on_same_site():
    assert canonical_url("https://m.koreaherald.com/view.php?ud=1&utm_source=x",
                         "https://www.koreaherald.com/view.php?ud=1") == "https://www.koreaherald.com/view.php?ud=1"


def test_canonical_ignores_other_site_home_page_and_junk():
    page = "https://news.example.co.kr/article/1"
    assert canonical_url(page, "https://partner.com/article/1") == page
    assert canonical_url(page, "https://news.example.co.kr/") == page
    assert canonical_url(page, "javascript:void(0)") == page
    assert canonical_url(page, None) == page


def test_canonical_relative():
    assert canonical_url("http://a.com/x/1?utm_source=a", "/x/1") == "http://a.com/x/1"
