"""``compute_metrics`` for extractive QA models (start/end logits) under ``transformers.Trainer``.

Build the evaluation features with :func:`qascore.trainer.features.prepare_features` (or any
features with ``example_id``, ``offset_mapping`` and ``start_positions``/``end_positions``), give the
same features to the adapter and to Trainer::

    features = datasets.Dataset.from_dict(prepare_features(tokenizer, eval_examples))
    compute_metrics = QAComputeMetrics.for_extractive(examples=eval_examples, features=features)
    trainer = Trainer(model=model, args=args, eval_dataset=features, compute_metrics=compute_metrics)

Trainer drops ``offset_mapping``/``example_id`` from what it feeds the model (``remove_unused_columns``);
the adapter keeps its own copy. Spans are chosen by :class:`qascore.trainer.spans.SpanPicker`, the
answers scored by qascore (or the evaluate module given as ``metric``) against all gold answers.
"""

from qascore.trainer.backend import MetricBackend, flat_floats, write_per_example_file
from qascore.trainer.distributed import world_size
from qascore.trainer.features import LABEL_COLUMNS
from qascore.trainer.outputs import split_batches, to_numpy, unpack_eval_prediction
from qascore.trainer.references import gold_answers
from qascore.trainer.spans import SpanPicker, logit_rows

__all__ = ["ExtractiveQAComputeMetrics"]

LOGIT_NAMES = ("the start logits in predictions", "the end logits in predictions")
"""What errors call the two logit arrays: the user passed them to ``compute_metrics`` as ``predictions``."""


def _columns(table, names):
    """Columns ``names`` of a ``datasets.Dataset`` or a list of dicts, as lists."""
    if hasattr(table, "column_names"):
        missing = [name for name in names if name not in table.column_names]
        columns = {name: list(table[name]) for name in names if name in table.column_names}
    elif isinstance(table, dict):
        missing = [name for name in names if name not in table]
        columns = {name: list(table[name]) for name in names if name in table}
    else:
        rows = list(table)
        missing = sorted({name for name in names for row in rows if name not in row})
        columns = {name: [row[name] for row in rows] for name in names if name not in missing}
    return columns, missing


class ExtractiveQAComputeMetrics:
    """SQuAD EM/F1 ``compute_metrics`` for start/end-logit models, in normal and ``batch_eval_metrics`` mode.

    Args:
        examples: SQuAD records (``id``, ``context``, ``answers``), a list or ``datasets.Dataset``.
        features: the evaluation features, in the order Trainer evaluates them (``example_id``,
            ``offset_mapping`` with ``None`` outside the context, and the label columns).
        metric, preset, per_example_file, **metric_options: as for :class:`qascore.trainer.QAComputeMetrics`.
            ``preset="squad_v2"`` allows empty answers and passes no-answer probabilities.
        n_best, max_answer_length, null_threshold, cls_index: see :class:`qascore.trainer.spans.SpanPicker`.
        label_columns: columns the features must have so Trainer calls ``compute_metrics`` (the QA
            model's ``label_names``); pass ``()`` if your Trainer uses other labels.
    """

    def __init__(
        self,
        *,
        examples,
        features,
        metric=None,
        preset=None,
        n_best=20,
        max_answer_length=30,
        null_threshold=0.0,
        cls_index=0,
        label_columns=LABEL_COLUMNS,
        per_example_file=None,
        **metric_options,
    ):
        example_columns, missing = _columns(examples, ("id", "context", "answers"))
        if missing:
            raise ValueError(f"examples= lack {missing}; pass SQuAD records with id, context and answers")
        feature_columns, missing = _columns(features, ("example_id", "offset_mapping", *label_columns))
        if missing:
            raise ValueError(
                f"features= lack the columns {missing}. Trainer only calls compute_metrics when evaluation "
                "features carry the model's labels (start_positions/end_positions for QA models), and the "
                "adapter needs example_id and offset_mapping; build them with "
                "qascore.trainer.features.prepare_features"
            )
        self.ids = [str(value) for value in example_columns["id"]]
        position_of = {}
        for position, example_id in enumerate(self.ids):
            if example_id in position_of:
                raise ValueError(
                    f"examples= repeat the id {example_id!r} (positions {position_of[example_id]} and {position}); "
                    "give each example a unique id"
                )
            position_of[example_id] = position
        feature_ids = {str(value) for value in feature_columns["example_id"]}
        unknown = sorted(feature_ids - set(position_of))
        if unknown:
            raise ValueError(f"features= name example ids that examples= lack: {unknown[:5]}")
        featureless = [example_id for example_id in self.ids if example_id not in feature_ids]
        if featureless:
            raise ValueError(
                f"{len(featureless)} examples have no feature in features= (ids {featureless[:5]}), so they "
                "would be scored as empty answers; pass the examples the features were made from, and all of "
                "their features"
            )
        self.references, _ = gold_answers(example_columns["answers"])
        self.backend = MetricBackend(
            metric, preset=preset, options=metric_options, per_example=per_example_file is not None
        )
        self.with_no_answer = self.backend.preset.unanswerable
        self.picker = SpanPicker(
            contexts=example_columns["context"],
            feature_examples=[position_of[str(value)] for value in feature_columns["example_id"]],
            feature_offsets=[
                [None if offset is None else tuple(offset) for offset in offsets]
                for offsets in feature_columns["offset_mapping"]
            ],
            n_best=n_best,
            max_answer_length=max_answer_length,
            with_no_answer=self.with_no_answer,
            null_threshold=null_threshold,
            cls_index=cls_index,
        )
        self.per_example_file = per_example_file

    def __call__(self, eval_pred, compute_result=None):
        """Score a whole evaluation (``compute_result=None``) or one ``batch_eval_metrics`` step."""
        predictions, _, _ = unpack_eval_prediction(eval_pred)
        if compute_result is None:
            self.reset()
        try:
            self._add(predictions)
        except (TypeError, ValueError):
            self.reset()  # the next evaluation must not inherit half a batch stream
            raise
        if compute_result is False:
            return {}
        answers, probabilities = self.picker.finish()
        self.backend.add_batch(
            predictions=answers, references=self.references, no_answer_probabilities=probabilities
        )
        results = self.backend.compute()
        if self.per_example_file is not None:
            write_per_example_file(
                self.per_example_file,
                ids=self.ids,
                predictions=answers,
                references=self.references,
                results=results,
            )
        return flat_floats(results)

    def _add(self, predictions):
        """Feed the start/end logits of the next features to the span picker."""
        for batch in split_batches(predictions):
            if not isinstance(batch, (tuple, list)) or len(batch) < 2:
                raise TypeError(
                    "extractive predictions must be (start_logits, end_logits); use QAComputeMetrics for "
                    "generative models"
                )
            start_rows, end_rows = (logit_rows(to_numpy(rows), name) for rows, name in zip(batch, LOGIT_NAMES))
            room = len(self.picker.feature_offsets) - self.picker.features_seen
            if len(start_rows) > room and world_size() > 1:
                # the distributed sampler's repeated features, after all real ones
                start_rows, end_rows = start_rows[:room], end_rows[:room]
            self.picker.add(start_rows, end_rows, names=LOGIT_NAMES)

    def reset(self):
        """Forget logits added since the last score."""
        self.picker.reset()
        self.backend.reset()
