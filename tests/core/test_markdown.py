from commonplace.core.markdown import render_markdown, sanitize_html


def test_render_markdown_renders_common_syntax():
    html = render_markdown("# Title\n\n**bold** and `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h1>Title</h1>" in html and "<strong>bold</strong>" in html
    assert "<table>" in html


def test_render_markdown_escapes_raw_html_and_scripts():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(2)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # shown as text, not run


def test_sanitize_html_drops_dangerous_links_and_attributes():
    html = sanitize_html(
        '<a href="javascript:alert(1)" onclick="x()">x</a><p style="color:red">p</p>'
        '<a href="https://example.org">ok</a>'
    )
    assert "javascript:" not in html and "onclick" not in html and "style" not in html
    assert 'href="https://example.org"' in html and "noopener" in html
