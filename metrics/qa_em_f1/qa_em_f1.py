"""qa_em_f1: SQuAD-style exact match and F1 as an evaluate metric, exact to the official scorers.

A thin evaluate.Metric over the qascore package: all scoring lives in qascore, so this
module, qascore.compute, the Trainer adapter, the command line and the Space give the
same numbers. The evaluate config name is the preset (squad, squad_v2, korquad, mlqa).
"""

import datasets
import evaluate
import pyarrow as pa
import qascore
from qascore.families import compute_family
from qascore.families import get_family
from qascore.presets import get_preset
from qascore.records import padded, to_columns, unpadded


_CITATION = """\
@inproceedings{rajpurkar-etal-2016-squad,
    title = "{SQ}u{AD}: 100,000+ Questions for Machine Comprehension of Text",
    author = "Rajpurkar, Pranav and Zhang, Jian and Lopyrev, Konstantin and Liang, Percy",
    booktitle = "Proceedings of EMNLP",
    year = "2016",
    pages = "2383--2392",
}
@inproceedings{rajpurkar-etal-2018-know,
    title = "Know What You Don{'}t Know: Unanswerable Questions for {SQ}u{AD}",
    author = "Rajpurkar, Pranav and Jia, Robin and Liang, Percy",
    booktitle = "Proceedings of ACL",
    year = "2018",
    pages = "784--789",
}
@article{lim2019korquad1,
    title = "KorQuAD1.0: Korean QA Dataset for Machine Reading Comprehension",
    author = "Lim, Seungyoung and Kim, Myungji and Lee, Jooyoul",
    journal = "arXiv preprint arXiv:1909.07005",
    year = "2019",
}
@inproceedings{lewis-etal-2020-mlqa,
    title = "{MLQA}: Evaluating Cross-lingual Extractive Question Answering",
    author = "Lewis, Patrick and Oguz, Barlas and Rinott, Ruty and Riedel, Sebastian and Schwenk, Holger",
    booktitle = "Proceedings of ACL",
    year = "2020",
    pages = "7315--7330",
}
"""

_DESCRIPTION = f"""\
Exact match and F1 for extractive and generative question answering, computed with the
rules of the official scorers: SQuAD v1.1 (config "squad", the default), SQuAD v2.0 with
unanswerable questions ("squad_v2"), KorQuAD 1.0 with character F1 ("korquad") and MLQA
for en, es, hi, vi, de, ar and zh ("mlqa", with language=). Each preset reproduces its
official script's figures to the last digit. Predictions are scored against all gold
answers (the maximum over them). Optional inputs (the question or prompt) add a grounding
rate and scores by question type; opt-in bootstrap confidence intervals and per-example
scores. Scores are 0-100. Built on qascore {qascore.__version__}.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: list of predicted answers (strings), or SQuAD records
        {"id": str, "prediction_text": str[, "no_answer_probability": float]}.
    references: list of gold answer lists (all gold answers of each question; [] means
        unanswerable under squad_v2), list of single gold answers, or SQuAD records
        {"id": str, "answers": {"text": [str, ...], "answer_start": [int, ...]}}.
        Records are paired with predictions by id, plain lists by position.
    inputs: optional list of the question or prompt of each prediction.
    no_answer_probabilities: optional list of no-answer scores for plain predictions
        (squad_v2); a probability or a logit-like score, kept in float64.
    language: MLQA language (en, es, hi, vi, de, ar, zh); required by the mlqa preset.
    normalizer: use another normaliser ("squad", "korquad", "mlqa", "unicode").
    no_answer_threshold: squad_v2 only; abstain when the no-answer score is strictly
        greater (default 1.0, as evaluate-v2.0.py).
    missing: "error" (default) or "zero" (questions without a prediction score 0).
    extra: "error" (default) or "ignore" (predictions whose id no reference has are left out).
    return_per_example: add per-example scores (and ids) under "per_example".
    confidence_level, n_resamples, seed: seeded bootstrap interval for each score.
    map_abstentions, abstentions: squad_v2 only; count phrases such as "unanswerable" as
        the empty answer.
    lenient: True, or a list of contains, prefix_exact_match, suffix_exact_match,
        token_recall, loose_exact_match, lenient_match (the one recommended for generative
        QA): adds those lenient-match keys (0-100), off by default.
    extract_answers: score the answer stated in each output of a chat or reasoning model
        (<think> blocks dropped, "Answer:" / "The answer is" / \\boxed{} taken) and add
        extraction_rate and extraction_failures.
    answer_field, is_regex: nq_open, efficientqa, curated_trec, curated_trec_search only (ORQA's
        --answer_field and --is_regex); domain, verified_eval: triviaqa only (the dataset's).
Returns:
    squad, korquad, mlqa: exact_match and f1 (0-100).
    squad_v2: exact, f1, total, HasAns_exact, HasAns_f1, HasAns_total, NoAns_exact,
        NoAns_f1, NoAns_total and, with no-answer scores, best_exact, best_exact_thresh,
        best_f1, best_f1_thresh.
    nq_open, efficientqa, curated_trec, curated_trec_search: accuracy (a fraction, 0-1),
        num_correct, num_total, missing_predictions (ORQA's evaluate_predictions.py keys).
    triviaqa: exact_match, f1 (0-100), common, denominator, pred_len, gold_len.
    With inputs: grounding_rate and <score>_<type>/count_<type> for every question type,
        NaN where there is nothing to average (count 0), so the keys never change.
    With lenient=: each lenient metric asked for; with extract_answers=True:
        extraction_rate (0-100) and extraction_failures (a count); after the keys above.
Examples:
    >>> import evaluate
    >>> squad = evaluate.load("./metrics/qa_em_f1")
    >>> squad.compute(predictions=["Denver Broncos", "the 1990s"],
    ...               references=[["Denver Broncos", "The Broncos"], ["1990"]])
    {'exact_match': 50.0, 'f1': 50.0}

    >>> v2 = evaluate.load("./metrics/qa_em_f1", "squad_v2")
    >>> v2.compute(predictions=[{"id": "q1", "prediction_text": "", "no_answer_probability": 0.9}],
    ...            references=[{"id": "q1", "answers": {"text": [], "answer_start": []}}],
    ...            no_answer_threshold=0.5)["exact"]
    100.0

    >>> mlqa = evaluate.load("./metrics/qa_em_f1", "mlqa")
    >>> mlqa.compute(predictions=["der Rhein"], references=[["Rhein"]], language="de")
    {'exact_match': 100.0, 'f1': 100.0}
"""

# What a user passes to add()/add_batch()/compute(), and what evaluate.combine forwards.
_USER_INPUTS = ("predictions", "references")

# qascore.records.COLUMNS, made equal in length for Arrow (qascore.records.padded).
# Optional text columns are large_string because evaluate rejects None in "string" columns.
_FEATURES = datasets.Features(
    {
        "predictions": datasets.Value("large_string"),
        "references": datasets.Sequence(datasets.Value("large_string")),
        "prediction_ids": datasets.Value("large_string"),
        "reference_ids": datasets.Value("large_string"),
        "no_answer_probabilities": datasets.Value("float64"),
        "inputs": datasets.Value("large_string"),
    }
)


# What this module uses of evaluate.Metric beyond its public API: add_batch writes Arrow
# tables through evaluate's own writer, and _compute reads the gathered table back.
_EVALUATE_INTERNALS = ("_init_writer", "_infer_feature_from_batch", "_feature_names")
_EVALUATE_INSTANCE_STATE = ("writer", "selected_feature_format", "data", "num_process")
_EVALUATE_VERSIONS = "evaluate 0.4.x (tested with 0.4.6)"


def _check_evaluate_internals(metric):
    """A clear error, instead of an AttributeError deep in add_batch, if evaluate changed its internals."""
    missing = [name for name in _EVALUATE_INTERNALS if not callable(getattr(evaluate.Metric, name, None))]
    missing += [name for name in _EVALUATE_INSTANCE_STATE if not hasattr(metric, name)]
    if missing:
        raise RuntimeError(
            f"qa_em_f1 relies on evaluate.Metric's {', '.join(missing)}, which evaluate {evaluate.__version__} "
            f"does not have; it works with {_EVALUATE_VERSIONS}: pip install 'evaluate>=0.4.6,<0.5', "
            "or use qascore.compute / qascore.QAScorer, which need no evaluate."
        )


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class QaEmF1(evaluate.Metric):
    """SQuAD-style exact match and F1; the config name is the qascore preset."""

    def _info(self):
        family = get_preset(self._preset_name()).family
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=_FEATURES if family is None else get_family(family).features(self._preset_name()),
            codebase_urls=["https://rajpurkar.github.io/SQuAD-explorer/", "https://korquad.github.io/"],
            reference_urls=["https://github.com/facebookresearch/MLQA"],
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _check_evaluate_internals(self)

    def _feature_names(self):
        """The inputs a user passes, which ``evaluate.combine`` forwards; the other stored
        columns (ids, no-answer scores, inputs) are read back in :meth:`_compute`."""
        return list(_USER_INPUTS)

    def _preset_name(self):
        return "squad" if self.config_name == "default" else self.config_name

    def _family(self):
        """The preset's family (None for the SQuAD-style presets), whose rows evaluate stores as they are."""
        return get_preset(self._preset_name()).family

    def add_batch(self, *, predictions=None, references=None, inputs=None, no_answer_probabilities=None):
        """Check a batch (any accepted layout) and store it as qascore's columns, padded to equal length.

        The checked columns go to evaluate's writer as one Arrow table, instead of through
        ``Metric.add_batch``, which would encode every value again in Python (seven times
        slower at 1M rows). evaluate's writer, cache files, locks and ``num_process``
        gathering are used as they are. A family preset's rows (DROP's span lists, ...) go
        through ``Metric.add_batch`` with the family's features.

        An empty batch writes no rows but still opens this process's cache file: in
        evaluate's ``num_process`` mode process 0 waits for every process's file, and a
        process whose shard is empty (fewer examples than processes) must write one too.
        """
        if self._family() is not None:
            if inputs is not None or no_answer_probabilities is not None:
                raise ValueError(f"The {self._preset_name()} preset takes predictions= and references= only.")
            return super().add_batch(predictions=predictions, references=references)
        columns = padded(
            to_columns(predictions, references, inputs=inputs, no_answer_probabilities=no_answer_probabilities)
        )
        try:
            if self.writer is None:
                self.selected_feature_format = self._infer_feature_from_batch(columns)
                self._init_writer()
            self.writer.write_table(pa.table(columns, schema=self.selected_feature_format.arrow_schema))
        except UnicodeEncodeError as error:
            raise ValueError(
                f"A text holds a lone surrogate ({error.object[error.start:error.end]!r}), which evaluate's Arrow "
                "storage cannot keep. Pass everything to compute() in one call (scored without Arrow), use "
                "qascore.compute, or clean the text with text.encode('utf-8', 'replace').decode()."
            ) from None

    def add(self, *, prediction=None, reference=None, input=None, no_answer_probability=None, predictions=None,
            references=None):
        """Add one example. ``evaluate.combine`` passes it as ``predictions=``/``references=``, as
        ``evaluate.Metric.add`` accepts it."""
        if predictions is not None or references is not None:
            if prediction is not None or reference is not None:
                raise TypeError("Pass one example as prediction=/reference= (or predictions=/references=), not both.")
            prediction, reference = predictions, references
        self.add_batch(
            predictions=[prediction],
            references=[reference],
            inputs=None if input is None else [input],
            no_answer_probabilities=None if no_answer_probability is None else [no_answer_probability],
        )

    def compute(self, *, predictions=None, references=None, inputs=None, no_answer_probabilities=None, **options):
        """Score the stored batches plus any passed here.

        When everything is passed here in a single process, the rows are scored directly
        instead of being written to and read back from Arrow (same numbers, less time).
        """
        batch = {"predictions": predictions, "references": references, "inputs": inputs,
                 "no_answer_probabilities": no_answer_probabilities}
        return self._score(batch, **qascore.check_option_names(options))

    def signature(self, **options):
        """The reproducibility signature for these compute() options (quote it with the scores)."""
        return qascore.signature(preset=self._preset_name(), **options)

    def _compute(self, predictions, references, options):
        """Score the rows evaluate gathered with the checked ``options``: ``predictions`` and
        ``references`` as it passes them, the other stored columns read from the gathered table."""
        if self._family() is not None:
            return compute_family(predictions, references, None, options)
        stored = {name: self.data[name][:] for name in _FEATURES if name not in _USER_INPUTS}
        return qascore.score_columns(unpadded({"predictions": predictions, "references": references, **stored}), options)

    def _score(
        self,
        batch,
        *,
        language=None,
        normalizer=None,
        no_answer_threshold=None,
        missing="error",
        extra="error",
        return_per_example=False,
        confidence_level=None,
        n_resamples=1000,
        seed=0,
        map_abstentions=False,
        abstentions=None,
        skip_no_answer=False,
        lenient=None,
        extract_answers=False,
        answer_field=None,
        is_regex=None,
        domain=None,
        verified_eval=None,
    ):
        """:meth:`compute` with its options checked once, before anything is stored: the one
        Options of the call scores the rows here or goes through evaluate's compute to
        :meth:`_compute`."""
        options = qascore.make_options(
            self._preset_name(),
            language=language,
            normalizer=normalizer,
            no_answer_threshold=no_answer_threshold,
            missing=missing,
            extra=extra,
            return_per_example=return_per_example,
            confidence_level=confidence_level,
            n_resamples=n_resamples,
            seed=seed,
            map_abstentions=map_abstentions,
            abstentions=abstentions,
            skip_no_answer=skip_no_answer,
            lenient=lenient,
            extract_answers=extract_answers,
            answer_field=answer_field,
            is_regex=is_regex,
            domain=domain,
            verified_eval=verified_eval,
        )
        if batch["predictions"] is None and batch["references"] is None:
            if batch["inputs"] is not None or batch["no_answer_probabilities"] is not None:
                raise ValueError("inputs= and no_answer_probabilities= need predictions= and references= with them.")
            if self.writer is None and self.num_process == 1:
                raise ValueError("Nothing to score: pass predictions= and references=, or call add_batch() first.")
            return super().compute(options=options)
        if self.writer is None and self.num_process == 1:
            if self._family() is not None:
                if batch["inputs"] is not None or batch["no_answer_probabilities"] is not None:
                    raise ValueError(f"The {self._preset_name()} preset takes predictions= and references= only.")
                return compute_family(batch["predictions"], batch["references"], None, options)
            return qascore.score_columns(to_columns(**batch), options)
        self.add_batch(**batch)
        return super().compute(options=options)
