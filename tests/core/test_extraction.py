"""Answer extraction (qascore.extraction): real-looking chat and reasoning outputs, bare answers left
alone, and extract_answers=True through every interface (compute, QAScorer, evaluate, the command line,
the Trainer adapter)."""

from __future__ import annotations

import json
import string
from types import SimpleNamespace

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

import qascore
from qascore.cli import main
from qascore.extraction import extract_answer, extract_answers
from qascore.trainer.generative import QAComputeMetrics

# (output, answer, found): outputs in the shapes chat, reasoning and base models write them
OUTPUTS = [
    # DeepSeek-R1 style: a closed reasoning block, then the answer
    ("<think>\nThe question asks who won Super Bowl 50. Carolina lost... so Denver.\n</think>\n\n"
     "The Denver Broncos won Super Bowl 50.\n\n**Answer:** Denver Broncos", "Denver Broncos", True),
    # Qwen3 / R1 templates open the block in the prompt: only the closing tag is generated
    ("Okay, the user asks for the capital of France. That is Paris.\n</think>\n\nParis", "Paris", True),
    # cut inside its reasoning (max_new_tokens reached): no answer
    ("<think>\nLet me think about when the treaty was signed. It was in 18", "", False),
    ("<THINK>hmm</THINK>\nThe answer is 1815.", "1815", True),
    # math style
    ("We add 40 and 2.\n\nFinal Answer: The final answer is $\\boxed{42}$. I hope it is correct.", "42", True),
    ("So the city is \\boxed{\\text{Santa Clara}}.", "Santa Clara", True),
    ("\\boxed{\\{1, 2\\}}", "\\{1, 2\\}", True),
    # answer statements: the last one counts
    ("I first thought the answer is Lyon, but checking again...\nThe answer is Paris.", "Paris", True),
    ("Answer: 'Hey Jude'", "Hey Jude", True),
    ("**Final Answer**\n\n**Levi's Stadium**", "Levi's Stadium", True),
    ("## Answer\nWashington, D.C.", "Washington, D.C.", True),
    ("The correct answer is: \u201cThe Beatles\u201d.", "The Beatles", True),
    ("answer：巴黎", "巴黎", True),
    # a base model continuing the few-shot prompt (what the Trainer's extract_answer=True handled before)
    ("Answer: Denver Broncos\nQuestion: who won Super Bowl 51?\nAnswer: New England Patriots", "Denver Broncos",
     True),
    ("ANSWER :  Paris", "Paris", True),
    ("\n  the 1990s  \nmore text", "the 1990s", False),  # several lines, no statement: first line, not found
    ("Paris.", "Paris", True),
    ("*Paris*", "Paris", True),
    ("The answer isn't in the passage.", "The answer isn't in the passage", True),  # "isn't" is no cue
    ("", "", False),
    ("   \n ", "", False),
]


@pytest.mark.parametrize("output, answer, found", OUTPUTS, ids=[repr(output[:30]) for output, *_ in OUTPUTS])
def test_real_looking_outputs(output, answer, found):
    assert extract_answer(output) == (answer, found)


def is_bare(text: str) -> bool:
    """The docs' bare answer: one line, no surrounding white space, no tag, cue or box, not wrapped, no final period."""
    wrapped = any(text.startswith(opening) and text.endswith(closing) and len(text) > len(opening) + len(closing)
                  for opening, closing in (("*", "*"), ("_", "_"), ("`", "`"), ('"', '"'), ("'", "'"), ("$", "$"),
                                           ("\u201c", "\u201d"), ("\u2018", "\u2019"), ("\u00ab", "\u00bb")))
    return (bool(text) and text == text.strip() and text.splitlines() == [text] and "answer" not in text.lower()
            and "<" not in text and "\\" not in text and not wrapped and not text.endswith("."))


bare_texts = st.text(alphabet=st.sampled_from(string.ascii_letters + string.digits + string.punctuation
                                              + " éß北京\u00a0\u2019\u201c\u201d"), min_size=1, max_size=30)


@settings(max_examples=500, deadline=None)
@given(text=bare_texts.filter(is_bare))
def test_a_bare_answer_is_never_changed(text):
    assert extract_answer(text) == (text, True)


@pytest.mark.parametrize("text", ["Denver Broncos", "6 geese a-laying", "U.S.", "Washington, D.C.", "42", "1,000",
                                  "Levi's Stadium", "Guns N' Roses", "AC/DC", "3.14", "北京大学", "Question: what?"])
def test_common_bare_answers_are_never_changed(text):
    assert extract_answer(text) == (text, True)


def test_non_strings_are_refused():
    with pytest.raises(TypeError, match="extract_answer expects a string, got int"):
        extract_answer(3)


CHAT = ["<think>Broncos or Panthers? Denver won.</think>\nThe answer is Denver Broncos.",
        "**Answer:** Santa Clara", "<think>I need to recall the year", "February 7, 2016"]
GOLD = [["Denver Broncos"], ["Santa Clara, California", "Santa Clara"], ["2016"], ["February 7, 2016"]]


def test_extraction_keys_and_scores():
    results = qascore.compute(CHAT, GOLD, extract_answers=True)
    assert results == {"exact_match": 75.0, "f1": 75.0, "extraction_rate": 75.0, "extraction_failures": 1}
    assert qascore.compute(extract_answers(CHAT)[0], GOLD) == {"exact_match": 75.0, "f1": 75.0}
    assert qascore.compute(CHAT, GOLD)["exact_match"] == 25.0  # off by default


def test_every_interface_extracts_alike(metric_dir, tmp_path, capsys):
    import evaluate

    expected = qascore.compute(CHAT, GOLD, extract_answers=True, lenient=True)
    scorer = qascore.QAScorer(extract_answers=True, lenient=True)
    scorer.add_batch(predictions=CHAT[:3], references=GOLD[:3])
    scorer.add(prediction=CHAT[3], reference=GOLD[3])
    assert scorer.compute() == expected
    module = evaluate.load(metric_dir)
    module.add_batch(predictions=CHAT[:2], references=GOLD[:2])
    module.add_batch(predictions=CHAT[2:], references=GOLD[2:])
    assert module.compute(extract_answers=True, lenient=True) == expected
    ids = [f"q{index}" for index in range(len(CHAT))]
    data, predictions = tmp_path / "gold.jsonl", tmp_path / "predictions.json"
    data.write_text("".join(json.dumps({"id": i, "answers": gold}) + "\n" for i, gold in zip(ids, GOLD)))
    predictions.write_text(json.dumps(dict(zip(ids, CHAT))))
    assert main(["score", str(data), str(predictions), "--json", "--extract-answers", "--lenient"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["results"] == expected and "|extract:v1|" in printed["signature"]


def test_records_are_extracted_after_pairing_by_id():
    predictions = [{"id": "b", "prediction_text": CHAT[1]}, {"id": "a", "prediction_text": CHAT[0]}]
    references = [{"id": "a", "answers": {"text": GOLD[0], "answer_start": [0]}},
                  {"id": "b", "answers": {"text": GOLD[1], "answer_start": [0]}}]
    assert qascore.compute(predictions, references, extract_answers=True) == qascore.compute(
        CHAT[:2], GOLD[:2], extract_answers=True)


def test_trainer_adapter_extract_answer_uses_the_shared_rules(metric_dir):
    """The Trainer adapter's extract_answer=True is the scorer's extract_answers=True (a fake tokenizer
    decodes ids to the chat outputs)."""
    tokenizer = SimpleNamespace(pad_token_id=0, eos_token_id=None,
                                batch_decode=lambda rows, **options: [CHAT[row[0] - 1] for row in rows])
    labels = [[1, 0], [1, 0], [1, 0], [1, 0]]
    for metric in (None, metric_dir):
        compute_metrics = QAComputeMetrics(tokenizer, references=GOLD, extract_answer=True, metric=metric)
        metrics = compute_metrics(([[1, 0], [2, 0], [3, 0], [4, 0]], labels))
        assert metrics == {key: float(value) for key, value in qascore.compute(CHAT, GOLD, extract_answers=True).items()}
    with pytest.raises(ValueError, match="extract_answer=True asks for extract_answers=True"):
        QAComputeMetrics(tokenizer, references=GOLD, extract_answer=True, extract_answers=False)
