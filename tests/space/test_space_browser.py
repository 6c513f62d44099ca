"""The metric Space in a real browser: headless Chromium renders app.py and computes a score.

Chromium (Debian's ``chromium`` package; CI installs it) is driven with the DevTools
protocol over ``--remote-debugging-pipe``: the test types into the text boxes, clicks
"Score" with real mouse events and reads the table, which must show qascore.compute's numbers.
"""

from __future__ import annotations

import json

import pytest

import qascore

from helpers_space import SHARED_DATA, ChromiumPage, chromium_binary, expected_cases, running_space_app

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


def choose_preset(page, name: str) -> None:
    """Open the preset dropdown and click the option ``name``, as a user would."""
    page.click("#preset input")
    page.wait_for("document.querySelectorAll('[role=option]').length > 0")
    # The selected option carries a check mark: compare the last line of each option's text.
    options = page.evaluate("[...document.querySelectorAll('[role=option]')].map(e => e.innerText.trim().split('\\n').pop())")
    page.click(f"[role=option]:nth-of-type({options.index(name) + 1})")
    page.wait_for(f"document.querySelector('#preset input').value === {name!r}")


def test_choosing_mlqa_shows_the_language_choice(page):
    page.wait_for("document.querySelector('#score') !== null")
    language_visible = "document.querySelector('#language') !== null && document.querySelector('#language').offsetParent !== null"
    choose_preset(page, "mlqa")
    page.wait_for(language_visible)
    choose_preset(page, "squad")
    page.wait_for(f"!({language_visible})")


def test_upload_official_squad_v2_files_shows_official_figures_and_pr_curves(page):
    # The XLNet run with its null odds at the official default threshold 1.0 (expected.json).
    case = next(c for c in expected_cases() if c.get("no_answer_threshold") == 1.0)
    page.wait_for("document.querySelector('#score') !== null")
    choose_preset(page, "squad_v2")
    page.evaluate("[...document.querySelectorAll('[role=tab]')].find(e => e.innerText.trim() === 'Upload files').id = 'upload-tab'")
    page.click("#upload-tab")
    page.wait_for("document.querySelector('#no-answer-file input[type=file]') !== null")
    root = page.send("DOM.getDocument")["root"]["nodeId"]
    for selector, name in (("#data-file", "data"), ("#predictions-file", "predictions"), ("#no-answer-file", "no_answer_probability")):
        node = page.send("DOM.querySelector", nodeId=root, selector=f"{selector} input[type=file]")["nodeId"]
        page.send("DOM.setFileInputFiles", nodeId=node, files=[str(SHARED_DATA / case[name])])
    # uploaded, not only chosen: the app offers each file back from its own file route once it has it
    page.wait_for("[...document.querySelectorAll('#data-file, #predictions-file, #no-answer-file')].every(e => "
                  "e.innerText.includes('.json') && e.querySelector('a[data-testid=download-link][href*=\"/gradio_api/file=\"]'))")
    page.click("#score-files")
    page.wait_for("document.querySelector('#curve img') !== null", timeout=60)

    rows = table_rows(page.evaluate(SCORES_TEXT))
    assert rows == {name: f"{round(value, 4):g}" for name, value in case["expected"].items()}
    assert page.evaluate("document.querySelector('#curve img').naturalWidth") >= 1000  # three curves side by side


def paste_and_score(page):
    """Type PREDICTIONS and GOLD into the paste tab, one answer per line as a user pastes them, under squad."""
    page.wait_for("document.querySelector('#score') !== null")
    choose_preset(page, "squad")  # the page is shared: undo what other tests chose
    page.evaluate("[...document.querySelectorAll('[role=tab]')].find(e => e.innerText.trim() === 'Paste').id = 'paste-tab'")
    page.click("#paste-tab")
    page.wait_for("document.querySelector('#predictions textarea') !== null")
    page.replace_text("#predictions textarea", "\n".join(PREDICTIONS) + "\n")
    page.replace_text("#references textarea", "\n".join(GOLD) + "\n")
    page.click("#score")


def test_typing_answers_and_clicking_score_shows_qascore_numbers(page):
    paste_and_score(page)
    rows = table_rows(page.wait_for(f"(() => {{ const t = {SCORES_TEXT}; return t.includes('exact_match') ? t : null; }})()"))
    expected = qascore.compute(PREDICTIONS, [[gold] for gold in GOLD])
    assert rows == {name: f"{round(value, 4):g}" for name, value in expected.items()}
    assert "preset:squad|" in page.evaluate("document.body.innerText")


# The per-question table's cells as rows, in the order shown (aria-rowindex 1 is the header;
# data-row keeps each row's place in the data, so it does not change when the table is sorted).
PER_EXAMPLE_CELLS = """(() => {
    const cells = [...document.querySelectorAll('#per-example [role=gridcell]')];
    const rows = [];
    for (const cell of cells) {
        const row = Number(cell.getAttribute('aria-rowindex')) - 2, column = Number(cell.dataset.col);
        (rows[row] = rows[row] || [])[column] = cell.innerText.trim();
    }
    return rows;
})()"""


def test_scoring_shows_each_question_sortable_with_downloads(page, tmp_path):
    """After "Score": the per-question table (normalised forms, EM, F1), sortable, and both downloads."""
    paste_and_score(page)
    page.wait_for(f"document.querySelectorAll('#per-example [role=gridcell]').length === {6 * len(PREDICTIONS)}")
    assert page.evaluate("document.querySelector('#per-example').offsetParent !== null")

    headers = page.evaluate("[...document.querySelectorAll('#per-example th[role=columnheader]')].map(e => e.title)")
    assert headers == ["prediction", "gold answers", "normalised prediction", "normalised gold answers", "EM (0-1)", "F1 (0-1)"]
    expected = qascore.compute(PREDICTIONS, [[gold] for gold in GOLD], return_per_example=True)
    normalize = qascore.make_options("squad").normalizer.normalize
    wanted = [
        [prediction, f'["{gold}"]', normalize(prediction), f'["{normalize(gold)}"]', f"{exact:g}", f"{f1:g}"]
        for prediction, gold, exact, f1 in zip(PREDICTIONS, GOLD, expected["per_example"]["exact_match"], expected["per_example"]["f1"])
    ]
    assert page.evaluate(PER_EXAMPLE_CELLS) == wanted
    assert wanted[1][2:] == ["santa clara", '["santa clara california"]', "0", "0.8"]  # why it missed: one word short

    # The downloads are links to the files; the page can fetch them and they parse.
    links = page.evaluate("[...document.querySelectorAll('#results-file a, #per-example-file a')].map(a => [a.download, a.href])")
    assert [name for name, _ in links] == ["results.json", "per_example.jsonl"]
    fetch = "fetch({!r}).then(response => response.text())"
    summary = json.loads(page.evaluate(fetch.format(links[0][1])))
    assert summary["results"] == {name: value for name, value in expected.items() if name != "per_example"}
    rows = [json.loads(line) for line in page.evaluate(fetch.format(links[1][1])).splitlines()]
    assert [(row["exact_match"], row["f1"]) for row in rows] == list(zip(expected["per_example"]["exact_match"], expected["per_example"]["f1"]))

    page.evaluate("document.querySelector('#per-example').scrollIntoView()")
    screenshot = page.screenshot(tmp_path / "per-example.png")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Sorting by F1, as a user would: the header's menu, then "Sort ascending".
    page.click("#per-example th[title='F1 (0-1)']")
    page.wait_for("document.querySelector(\"#per-example th[title='F1 (0-1)'] .cell-menu-button\").offsetParent !== null")
    page.click("#per-example th[title='F1 (0-1)'] .cell-menu-button")
    page.wait_for("[...document.querySelectorAll('button')].some(b => b.innerText.trim() === 'Sort ascending')")
    page.evaluate("[...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'Sort ascending').id = 'sort-ascending'")
    page.click("#sort-ascending")
    by_f1 = sorted(wanted, key=lambda row: float(row[5]))
    page.wait_for(f"JSON.stringify({PER_EXAMPLE_CELLS}) === {json.dumps(json.dumps(by_f1, separators=(',', ':')))}")
