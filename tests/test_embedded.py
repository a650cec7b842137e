"""The general script-data finder (scrapers/embedded.py): every JSON-bearing script is read
and the field that reads as the article is chosen; malformed or hostile data fails soft."""
from __future__ import annotations

import json

import lxml.html

from scrapers import embedded
from scrapers.embedded import embedded_body, flight_rows

TITLE = "삼성전자, 평택에 반도체 신규 라인 건설"
PARAS = [f"삼성전자는 {i}일 평택캠퍼스에 반도체 신규 라인을 건설한다고 밝혔다. 투자 규모는 수조원에 이를 전망이며 "
         f"회사는 인공지능 수요 증가에 대응하기 위한 결정이라고 설명했다. ({i})" for i in range(1, 7)]
BODY = "\n\n".join(PARAS)


def page(scripts: str, head: str = "") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f"<html><head><title>{TITLE} - 뉴스</title><meta property='og:title' content='{TITLE}'>{head}"
        f"</head><body><div id='__next'></div>{scripts}</body></html>")


def push(payload: str) -> str:
    return f"<script>self.__next_f.push([1,{json.dumps(payload, ensure_ascii=False)}])</script>"


def test_flight_text_row_referenced_from_props_split_across_chunks():
    html = "".join(f"<p>{p}</p>" for p in PARAS)
    nbytes = len(html.encode("utf-8"))
    blob = (f'1:I[123,["app/page"],"Article"]\n5:T{nbytes:x},{html}'
            f'6:["$","div",null,{{"article":{{"title":"{TITLE}","contentHtml":"$5"}}}}]\n')
    cut1, cut2 = len(blob) // 3, 2 * len(blob) // 3
    tree = page("<script>(self.__next_f=self.__next_f||[]).push([0])</script>"
                + push(blob[:cut1]) + push(blob[cut1:cut2]) + push(blob[cut2:]))
    assert embedded_body(tree, []) == (BODY, "embedded:flight")


def test_flight_rows_parser():
    # a text row's length counts UTF-8 bytes (é is two) and the next row follows without "\n"
    rows, texts = flight_rows('0:["a"]\n2:T6,héllo3:{"k":1}\nbad line\n4:I[1,"x"]\n')
    assert texts == {"2": "héllo"}
    assert rows == {"0": ["a"], "3": {"k": 1}, "4": [1, "x"]}


def test_arc_fusion_full_body_beats_truncated_json_ld():
    elements = [{"_id": "a", "type": "text", "content": PARAS[0]},
                {"type": "header", "level": 2, "content": "향후 계획"},
                {"type": "image", "url": "/p.jpg", "caption": "평택캠퍼스 전경"},
                {"type": "list", "list_type": "unordered",
                 "items": [{"type": "text", "content": "첫 번째 항목입니다"}, {"type": "text", "content": "두 번째 항목입니다"}]}]
    elements += [{"type": "text", "content": p} for p in PARAS[1:]]
    state = {"_id": "X", "headlines": {"basic": TITLE}, "content_elements": elements}
    ld = [{"@type": "NewsArticle", "headline": TITLE, "articleBody": PARAS[0][:150] + " " + PARAS[1][:140]}]
    tree = page(f"<script>Fusion.globalContent={json.dumps(state, ensure_ascii=False)};"
                "Fusion.globalContentConfig={\"source\":\"content-api\"};</script>")
    text, method = embedded_body(tree, ld)
    assert method == "embedded:script"
    assert text.split("\n\n") == [PARAS[0], "향후 계획", "첫 번째 항목입니다\n두 번째 항목입니다", *PARAS[1:]]


def test_nuxt_function_state_is_read_from_its_string_literals():
    html = "".join(f"<p>{p}</p>" for p in PARAS).replace("<", "\\u003C")
    script = ("<script>window.__NUXT__=(function(a,b,c){return {layout:\"default\",data:[{article:{id:b,"
              f"title:\"{TITLE}\",summary:\"요약입니다\",bodyHtml:\"{html}\",section:a}}}}],state:{{}}}}}}"
              "(\"economy\",12345,null));</script>")
    assert embedded_body(page(script), []) == (BODY, "embedded:script")


def test_apollo_and_initial_state_and_json_script():
    apollo = {"ROOT_QUERY": {"article": {"__ref": "Article:1"}},
              "Article:1": {"__typename": "Article", "headline": TITLE, "body": BODY,
                            "description": "다른 요약 " * 40}}
    for script in (f"<script>window.__APOLLO_STATE__ = {json.dumps(apollo, ensure_ascii=False)};</script>",
                   f"<script>window.__INITIAL_STATE__=JSON.parse({json.dumps(json.dumps(apollo, ensure_ascii=False), ensure_ascii=False)})</script>",
                   f"<script type='application/json' id='state'>{json.dumps(apollo, ensure_ascii=False)}</script>"):
        text, method = embedded_body(page(script), [])
        assert text == BODY and method in ("embedded:script", "embedded:json")


def test_the_article_not_another_long_text_wins():
    """A longer unrelated text (terms of use) loses to the text about the page's title."""
    terms = " ".join(["이용약관 제1조 이 약관은 회사가 제공하는 서비스의 이용 조건을 규정한다."] * 30)
    data = {"props": {"site": {"terms": terms}, "article": {"content": BODY}}}
    tree = page(f"<script id='__NEXT_DATA__' type='application/json'>{json.dumps(data, ensure_ascii=False)}</script>")
    assert embedded_body(tree, []) == (BODY, "embedded:next_data")


def test_caption_only_photo_article():
    caption = ("25일 서울 중구 명동 거리에서 시민들이 우산을 쓰고 걸어가고 있다. 기상청은 이날 전국에 비가 내리고 "
               "오후부터 기온이 크게 떨어질 것으로 예보했다. 주말까지 쌀쌀한 날씨가 이어질 전망이다.")
    data = {"props": {"pageProps": {"article": {
        "title": "[포토] 비 내리는 명동", "content": f"<figure><img src='/a.jpg'><figcaption>{caption}</figcaption></figure>"}}}}
    tree = page(f"<script id='__NEXT_DATA__' type='application/json'>{json.dumps(data, ensure_ascii=False)}</script>")
    assert embedded_body(tree, []) == (caption, "embedded:next_data:caption")
    arc = {"content_elements": [{"type": "image", "url": "/a.jpg", "caption": caption}]}
    tree = page(f"<script>Fusion.globalContent={json.dumps(arc, ensure_ascii=False)};</script>")
    assert embedded_body(tree, []) == (caption, "embedded:script:caption")


def test_short_or_non_prose_data_is_not_a_body():
    data = {"urls": ["https://example.com/" + "a" * 300], "tags": ["삼성", "반도체"] * 50,
            "css": ".a{color:red}" * 50, "teaser": "짧은 글"}
    tree = page(f"<script type='application/json'>{json.dumps(data)}</script>")
    assert embedded_body(tree, []) is None


def test_hostile_and_malformed_scripts_fail_soft():
    deep = "[" * 100_000 + "]" * 100_000
    scripts = (f"<script type='application/json'>{deep}</script>"
               f"<script>window.__INITIAL_STATE__={deep};</script>"
               "<script type='application/json'>{\"body\": \"unterminated</script>"
               "<script>self.__next_f.push([1,\"5:Tzz,abc\\n6:[\\\"$\\\"\"])</script>"
               "<script>window.__NUXT__=(function(a){return {body:\"\\x3Cp\\x3Ebroken \\q</script>"
               f"<script>window.__APOLLO_STATE__={json.dumps({'a': {'body': BODY}}, ensure_ascii=False)};</script>")
    assert embedded_body(page(scripts), []) == (BODY, "embedded:script")


def test_caps_bound_the_work(monkeypatch):
    monkeypatch.setattr(embedded, "MAX_NODES", 50)
    data = {"filler": list(range(1000)), "article": {"content": BODY}}
    tree = page(f"<script type='application/json'>{json.dumps(data, ensure_ascii=False)}</script>")
    assert embedded_body(tree, []) is None  # the walk stopped before the body: nothing raised


def test_flight_server_component_tree_is_rendered():
    """App Router pages without a body string: the article is a tree of React elements
    (``["$", tag, key, props]``) across rows, reached through ``$L<id>`` references and
    client-component props."""
    p = [["$", "p", str(i), {"children": [para]}] for i, para in enumerate(PARAS)]
    blob = "\n".join([
        '0:{"b":"build1","f":[[["",{"children":["news",{}]}],["$","$L2",null,{"children":"$L4"}]]]}',
        '2:I[77,["app/layout.js"],"Shell"]',
        ('4:["$","main",null,{"children":[["$","nav",null,{"children":["$","a",null,{"href":"/","children":"Home"}]}],'
        '["$","$L2",null,{"className":"x","content":"$L5"}]]}]'),
        '5:["$","article",null,{"children":[["$","h1",null,{"children":' + json.dumps(TITLE, ensure_ascii=False) + '}],'
        + ",".join(json.dumps(x, ensure_ascii=False) for x in p[:3]) + ',"$L6"]}]',
        '6:["$","div",null,{"children":[' + ",".join(json.dumps(x, ensure_ascii=False) for x in p[3:]) + ']}]',
    ]) + "\n"
    text, method = embedded_body(page(push(blob[:300]) + push(blob[300:])), [])
    assert method == "embedded:flight"
    assert text.split("\n\n") == [TITLE, *PARAS]  # the <article>: no nav, rows joined in order
