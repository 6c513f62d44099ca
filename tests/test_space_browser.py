"""The metric Space in a real browser: headless Chromium renders app.py and computes a score.

Chromium (Debian's ``chromium`` package; CI installs it) is driven with the DevTools
protocol over ``--remote-debugging-pipe``: the test types into the text boxes, clicks
"Score" with real mouse events and reads the table, which must show qascore.compute's numbers.
"""

from __future__ import annotations

import pytest

import qascore
from helpers_space import ChromiumPage, chromium_binary, running_space_app

BINARY = chromium_binary()
pytestmark = pytest.mark.skipif(
    BINARY is None, reason="headless Chromium is not installed (apt-get install -y chromium)"
)

PREDICTIONS = ["Denver Broncos", "Santa Clara", "the 1990s"]
GOLD = ["Denver Broncos", "Santa Clara, California", "1990"]
SCORES_TEXT = "document.querySelector('#scores') ? document.querySelector('#scores').innerText : ''"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with running_space_app() as url:
        browser = ChromiumPage(BINARY, str(tmp_path_factory.mktemp("chromium-profile")))
        try:
            browser.send("Page.navigate", url=url)
            yield browser
        finally:
            browser.close()


def table_rows(text: str) -> dict:
    """The scores table's innerText ("metric value" header, then name/value lines) as a dict."""
    cells = [cell.strip() for cell in text.splitlines() if cell.strip()]
    start = cells.index("value") + 1
    return dict(zip(cells[start::2], cells[start + 1 :: 2]))


def test_page_renders_the_widget(page, tmp_path):
    page.wait_for("document.querySelector('#score') !== null")
    assert page.evaluate("document.title") == "qa_em_f1"
    text = page.evaluate("document.body.innerText")
    for label in ("exact match and F1 for question answering", "Preset", "Paste", "Upload files", "Score"):
        assert label in text
    assert page.evaluate("document.querySelector('#language') === null || document.querySelector('#language').offsetParent === null")
    screenshot = page.screenshot(tmp_path / "space.png")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_typing_answers_and_clicking_score_shows_qascore_numbers(page):
    page.wait_for("document.querySelector('#score') !== null")
    # One answer per line, as a user would paste them.
    page.replace_text("#predictions textarea", "\n".join(PREDICTIONS) + "\n")
    page.replace_text("#references textarea", "\n".join(GOLD) + "\n")
    page.click("#score")
    rows = table_rows(page.wait_for(f"(() => {{ const t = {SCORES_TEXT}; return t.includes('f1') ? t : null; }})()"))
    expected = qascore.compute(PREDICTIONS, [[gold] for gold in GOLD])
    assert rows == {name: f"{round(value, 4):g}" for name, value in expected.items()}
    assert "preset:squad|" in page.evaluate("document.body.innerText")
