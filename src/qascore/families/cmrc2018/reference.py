"""The official rules of ``cmrc2018_evaluate.py``, transcribed plainly: one question at a time.

This twin of :mod:`qascore.families.cmrc2018.rules` follows the script's steps literally
(segment the gold and the prediction for every pair, fill the longest-common-substring
table, keep the best gold, add the scores up in order); the tests check the fast rules
against it, and the benchmark times it as the official algorithm. Segmentation is
:mod:`qascore.families.cmrc2018.treebank`'s ``word_tokenize`` in place of nltk's.

>>> evaluate([["北京大学"], ["北京大学", "清华"], ["上海"]], ["北京大学", "北京", None])
{'AVERAGE': 44.44444444444444, 'F1': 55.55555555555555, 'EM': 33.333333333333336, 'TOTAL': 3, 'SKIP': 1}
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence

from qascore.families.cmrc2018.treebank import sentences, treebank_words

__all__ = ["word_tokenize", "mixed_segmentation", "remove_punctuation", "longest_common_substring", "f1_score",
           "em_score", "evaluate"]

_SP_CHAR = ["-", ":", "_", "*", "^", "/", "\\", "~", "`", "+", "=", "，", "。", "：", "？", "！", "“", "”",
            "；", "’", "《", "》", "……", "·", "、", "「", "」", "（", "）", "－", "～", "『", "』"]


def word_tokenize(run: str) -> List[str]:
    """``nltk.word_tokenize`` as :mod:`qascore.families.cmrc2018.treebank` reproduces it: sentences, then words."""
    return [word for sentence in sentences(run) for word in treebank_words(sentence)]


def mixed_segmentation(text: str, remove_punctuation: bool = False) -> List[str]:
    """Chinese characters and the punctuation list one segment each, other runs word-tokenised."""
    text = text.lower().strip()
    segments: List[str] = []
    pending = ""
    for char in text:
        if remove_punctuation and char in _SP_CHAR:
            continue
        if re.search(r"[\u4e00-\u9fa5]", char) or char in _SP_CHAR:
            if pending != "":
                segments.extend(word_tokenize(pending))
                pending = ""
            segments.append(char)
        else:
            pending += char
    if pending != "":
        segments.extend(word_tokenize(pending))
    return segments


def remove_punctuation(text: str) -> str:
    """Lower-cased, stripped, without the punctuation list."""
    return "".join(char for char in text.lower().strip() if char not in _SP_CHAR)


def longest_common_substring(first: list, second: list) -> int:
    """Length of the longest common contiguous run of ``first`` and ``second`` (dynamic programming)."""
    table = [[0] * (len(second) + 1) for _ in range(len(first) + 1)]
    longest = 0
    for i in range(len(first)):
        for j in range(len(second)):
            if first[i] == second[j]:
                table[i + 1][j + 1] = table[i][j] + 1
                longest = max(longest, table[i + 1][j + 1])
    return longest


def f1_score(answers: Sequence[str], prediction: str) -> float:
    """The best longest-common-substring F1 of ``prediction`` over the gold ``answers``."""
    scores = []
    for answer in answers:
        answer_segments = mixed_segmentation(answer, remove_punctuation=True)
        prediction_segments = mixed_segmentation(prediction, remove_punctuation=True)
        common = longest_common_substring(answer_segments, prediction_segments)
        if common == 0:
            scores.append(0)
            continue
        precision = 1.0 * common / len(prediction_segments)
        recall = 1.0 * common / len(answer_segments)
        scores.append((2 * precision * recall) / (precision + recall))
    return max(scores)


def em_score(answers: Sequence[str], prediction: str) -> int:
    """1 if the prediction equals a gold answer once both lose case, outer space and punctuation."""
    return int(any(remove_punctuation(answer) == remove_punctuation(prediction) for answer in answers))


def evaluate(references: Sequence[Sequence[str]], predictions: Sequence[Optional[str]]) -> dict:
    """The script's figures for paired questions (a None prediction is an unanswered question)."""
    f1 = em = total = skip = 0
    for answers, prediction in zip(references, predictions):
        total += 1
        if prediction is None:
            skip += 1
            continue
        f1 += f1_score(answers, prediction)
        em += em_score(answers, prediction)
    f1_percent, em_percent = 100.0 * f1 / total, 100.0 * em / total
    return {"AVERAGE": (em_percent + f1_percent) * 0.5, "F1": f1_percent, "EM": em_percent, "TOTAL": total,
            "SKIP": skip}
