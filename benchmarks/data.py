"""Deterministic SQuAD-like benchmark data built from the real SQuAD v1.1 dev set.

Each pair takes a real dev question's context and gold answers
(``../shared/data/squad/dev-v1.1.json``) and a synthetic prediction:

- gold answers: one to five per pair (uniform); the question's own annotations first
  (duplicates kept, as in SQuAD), then, when it has fewer, the first annotation
  widened by one neighbouring context word (annotators disagree exactly like that);
- predictions: 40% exact (a gold answer, sometimes re-cased, with an article or a
  full stop), 35% partial (a gold answer trimmed by a word or widened by context
  words), 25% wrong (a random 1-6 word window of the same context).

Strings that the SQuAD normaliser empties (e.g. "the", ".") are never used: the
official v1.1 scorer and torchmetrics disagree on those (0 vs 1 F1 for empty vs
empty), and the benchmark compares speed, not that documented quirk.

The same ``size`` and ``seed`` give the same pairs on every machine.

>>> pairs = build_pairs(5, seed=0)
>>> len(pairs.ids), len(pairs.predictions), len(pairs.references)
(5, 5, 5)
>>> all(1 <= len(golds) <= 5 for golds in pairs.references)
True
>>> build_pairs(5, seed=0) == pairs
True
"""

import dataclasses
import json
import pickle
import random
from pathlib import Path

from official_v11 import normalize_answer

SQUAD_DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "squad" / "dev-v1.1.json"
FORMAT_VERSION = 1  # bump when the generator changes, so cached files are rebuilt


@dataclasses.dataclass(frozen=True)
class Question:
    """One SQuAD dev question: id, context, and gold answers with their character offsets."""

    id: str
    context: str
    answers: tuple
    starts: tuple


@dataclasses.dataclass
class Pairs:
    """Aligned benchmark pairs: ``predictions[i]`` is scored against all of ``references[i]``."""

    ids: list
    predictions: list
    references: list
    answer_starts: list

    def squad_records(self):
        """Predictions and references as SQuAD records (evaluate/torchmetrics ``squad`` format).

        >>> predictions, references = build_pairs(1, seed=3).squad_records()
        >>> sorted(predictions[0]), sorted(references[0]), sorted(references[0]["answers"])
        (['id', 'prediction_text'], ['answers', 'id'], ['answer_start', 'text'])
        """
        predictions = [{"id": id_, "prediction_text": text} for id_, text in zip(self.ids, self.predictions)]
        references = [
            {"id": id_, "answers": {"text": golds, "answer_start": starts}}
            for id_, golds, starts in zip(self.ids, self.references, self.answer_starts)
        ]
        return predictions, references

    def official_inputs(self):
        """The official v1.1 script's inputs: the dataset's ``data`` list and an id -> text dict.

        >>> dataset, predictions = build_pairs(2, seed=3).official_inputs()
        >>> len(dataset[0]["paragraphs"][0]["qas"]), len(predictions)
        (2, 2)
        """
        qas = [
            {"id": id_, "answers": [{"text": text, "answer_start": start} for text, start in zip(golds, starts)]}
            for id_, golds, starts in zip(self.ids, self.references, self.answer_starts)
        ]
        return [{"title": "benchmark", "paragraphs": [{"qas": qas}]}], dict(zip(self.ids, self.predictions))


def load_questions(path=SQUAD_DEV):
    """Read the dev questions whose gold answers all survive normalisation.

    >>> questions = load_questions()
    >>> len(questions) > 10_000, questions[0].answers[0]
    (True, 'Denver Broncos')
    """
    with open(path, encoding="utf-8") as handle:
        articles = json.load(handle)["data"]
    questions = []
    for article in articles:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                texts = tuple(answer["text"] for answer in qa["answers"])
                if texts and all(normalize_answer(text) for text in texts):
                    starts = tuple(answer["answer_start"] for answer in qa["answers"])
                    questions.append(Question(qa["id"], paragraph["context"], texts, starts))
    return questions


def _widen(context, text, start, before, after):
    """``text`` widened by ``before`` words to the left and ``after`` words to the right."""
    left = context[:start].split()[-before:] if before else []
    right = context[start + len(text):].split()[:after] if after else []
    return " ".join(left + [text] + right)


def _gold_answers(question, count):
    """``count`` gold answers: the question's own, then widened variants of its first answer."""
    texts, starts = list(question.answers[:count]), list(question.starts[:count])
    width = 1
    while len(texts) < count:
        texts.append(_widen(question.context, question.answers[0], question.starts[0], 0, width))
        starts.append(question.starts[0])
        width += 1
    return texts, starts


def _exact(rng, gold):
    style = rng.randrange(4)
    if style == 0:
        return gold
    if style == 1:
        return gold.upper() if rng.random() < 0.5 else gold.lower()
    if style == 2:
        return "the " + gold
    return gold + "."


def _partial(rng, question, gold, start):
    words = gold.split()
    if len(words) > 1 and rng.random() < 0.5:
        return " ".join(words[1:] if rng.random() < 0.5 else words[:-1])
    return _widen(question.context, gold, start, rng.randint(0, 2), rng.randint(1, 3))


def _wrong(rng, context_words):
    width = rng.randint(1, 6)
    first = rng.randrange(max(1, len(context_words) - width))
    return " ".join(context_words[first:first + width])


def build_pairs(size, *, seed=0, questions=None):
    """``size`` deterministic pairs drawn from SQuAD dev with ``random.Random(seed)``."""
    questions = questions if questions is not None else load_questions()
    rng = random.Random(seed)
    context_words = {}
    ids, predictions, references, answer_starts = [], [], [], []
    for index in range(size):
        question = questions[rng.randrange(len(questions))]
        golds, starts = _gold_answers(question, rng.randint(1, 5))
        chosen = rng.randrange(len(golds))
        kind = rng.random()
        if kind < 0.40:
            prediction = _exact(rng, golds[chosen])
        elif kind < 0.75:
            prediction = _partial(rng, question, golds[chosen], starts[chosen])
        else:
            words = context_words.setdefault(question.context, question.context.split())
            prediction = _wrong(rng, words)
        while not normalize_answer(prediction):
            prediction = _wrong(rng, context_words.setdefault(question.context, question.context.split()))
        ids.append(f"{question.id}-{index}")
        predictions.append(prediction)
        references.append(golds)
        answer_starts.append(starts)
    return Pairs(ids, predictions, references, answer_starts)


def cached_pairs(size, *, seed=0, cache_dir):
    """``build_pairs(size, seed=seed)``, pickled under ``cache_dir`` so child processes load it quickly."""
    cache_dir = Path(cache_dir)
    path = cache_dir / f"pairs-v{FORMAT_VERSION}-seed{seed}-{size}.pickle"
    if path.exists():
        with open(path, "rb") as handle:
            return pickle.load(handle)
    pairs = build_pairs(size, seed=seed)
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with open(temporary, "wb") as handle:
        pickle.dump(pairs, handle, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(path)
    return pairs


def cached_files(size, *, seed=0, cache_dir):
    """The pairs as the official script's two files (SQuAD-format data, ``{id: text}`` predictions).

    Written once under ``cache_dir`` from :func:`cached_pairs`; returns ``(data_path, predictions_path)``.
    """
    cache_dir = Path(cache_dir)
    stem = f"v{FORMAT_VERSION}-seed{seed}-{size}"
    data_path, predictions_path = cache_dir / f"data-{stem}.json", cache_dir / f"predictions-{stem}.json"
    if not (data_path.exists() and predictions_path.exists()):
        dataset, predictions = cached_pairs(size, seed=seed, cache_dir=cache_dir).official_inputs()
        for path, document in ((data_path, {"version": "1.1", "data": dataset}), (predictions_path, predictions)):
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(document), encoding="utf-8")
            temporary.replace(path)
    return data_path, predictions_path

