"""``compute_metrics`` for ``transformers.Trainer`` / ``Seq2SeqTrainer``: SQuAD EM/F1 at every evaluation.

Usage (a runnable version is examples/seq2seq_squad.py)::

    from qascore.trainer.generative import QAComputeMetrics
    compute_metrics = QAComputeMetrics(tokenizer, references=eval_examples["answers"])
    trainer = Seq2SeqTrainer(..., compute_metrics=compute_metrics,
                             preprocess_logits_for_metrics=compute_metrics.preprocess_logits)

The adapter only reshapes and decodes (see :mod:`qascore.trainer.outputs`); the numbers come from qascore's
scorer or the ``qa_em_f1`` evaluate module, so they equal ``qascore.compute`` on the decoded strings.
It works in both of Trainer's modes:

- normal: one call with the whole (gathered, ``-100``-padded) evaluation set;
- ``batch_eval_metrics=True``: one call per step with torch tensors; batches are decoded and added
  as they come, scored and forgotten when ``compute_result`` is True, so memory stays flat and the
  next ``evaluate()`` starts clean.

Extractive models (start/end logits) use :meth:`QAComputeMetrics.for_extractive`.
"""

from collections.abc import Mapping

from qascore.trainer.backend import MetricBackend, flat_floats, write_per_example_file
from qascore.trainer.decoding import decode_rows
from qascore.trainer.distributed import gather_rows, world_size
from qascore.trainer.outputs import (
    first_output,
    is_logits,
    logits_to_ids,
    strip_prompt,
    token_rows,
    unpack_eval_prediction,
)
from qascore.trainer.references import gold_answers

__all__ = ["QAComputeMetrics"]


class QAComputeMetrics:
    """SQuAD EM/F1 ``compute_metrics`` for generative QA (seq2seq or decoder-only) under Trainer.

    Args:
        tokenizer: decodes ids (anything with ``batch_decode`` and ``pad_token_id``/``eos_token_id``).
        metric: ``None`` for qascore's scorer, a path for ``evaluate.load`` (e.g. ``"./metrics/qa_em_f1"``)
            or a loaded evaluate module; all give the same numbers.
        preset: ``"squad"`` (default), ``"squad_v2"``, ``"korquad"`` or ``"mlqa"``.
        references: all gold answers per example, in evaluation order (answer lists, a ``datasets``
            ``answers`` column or SQuAD records). Without them the decoded labels are the single gold answer;
            a label that decodes to ``""`` means no gold answer, as ``[]`` in ``references=`` does
            (unanswerable under ``squad_v2``, refused under the other presets).
        ids: example ids in evaluation order, for ``per_example_file`` (SQuAD records bring their own).
        decoder_only: the model echoes its prompt in generations (GPT-2 style); the prompt, taken from
            the inputs, is stripped. Needs ``include_for_metrics=["inputs"]`` (or ``batch_eval_metrics``).
        extract_answer: ``True`` scores the answer stated in each generation, by the rules every interface
            shares (:mod:`qascore.extraction`: reasoning blocks dropped, the final "Answer:" / "The answer
            is" / ``\\boxed{}`` taken, a continued "Question:" cut off) and adds ``extraction_rate`` and
            ``extraction_failures``; it is the metric option ``extract_answers=True``. Or a function
            str -> str applied here to each decoded text.
        input_key: the batch key holding the model inputs in ``batch_eval_metrics`` mode.
        per_example_file: path of a JSONL file rewritten at each evaluation with one row per example.
        **metric_options: scoring options of :func:`qascore.compute` (``normalizer``, ``language``, ...).

    >>> from types import SimpleNamespace
    >>> words = {1: "Denver", 2: "Broncos", 3: "Panthers"}
    >>> tokenizer = SimpleNamespace(pad_token_id=0, eos_token_id=None,
    ...     batch_decode=lambda rows, **kw: [" ".join(words[t] for t in row) for row in rows])
    >>> compute_metrics = QAComputeMetrics(tokenizer, references=[["Denver Broncos", "Broncos"], ["Panthers"]])
    >>> compute_metrics(([[1, 2, 0], [2, -100, -100]], [[2, 0, 0], [3, 0, 0]]))
    {'exact_match': 50.0, 'f1': 50.0}
    """

    def __init__(
        self,
        tokenizer,
        *,
        metric=None,
        preset=None,
        references=None,
        ids=None,
        decoder_only=False,
        extract_answer=False,
        input_key="input_ids",
        per_example_file=None,
        **metric_options,
    ):
        if not hasattr(tokenizer, "batch_decode"):
            raise TypeError(
                f"tokenizer must have batch_decode (a transformers tokenizer); got {type(tokenizer).__name__}"
            )
        pad = getattr(tokenizer, "pad_token_id", None)
        self.pad_token_id = pad if pad is not None else getattr(tokenizer, "eos_token_id", None)
        if self.pad_token_id is None:
            raise ValueError("the tokenizer has neither pad_token_id nor eos_token_id; set tokenizer.pad_token first")
        self.eos_token_id = getattr(tokenizer, "eos_token_id", None)
        self.vocab_size = len(tokenizer) if hasattr(tokenizer, "__len__") else None
        self.tokenizer = tokenizer
        if extract_answer is True:  # the scorer's own extraction, shared with every interface
            if metric_options.get("extract_answers") is False:
                raise ValueError("extract_answer=True asks for extract_answers=True; leave extract_answers= out")
            metric_options = {**metric_options, "extract_answers": True}
            extract_answer = None
        if extract_answer not in (False, None) and not callable(extract_answer):
            raise TypeError(f"extract_answer must be True, False or a function str -> str; got {extract_answer!r}")
        self.extract_answer = extract_answer or None
        self.decoder_only = bool(decoder_only)
        self.input_key = input_key
        self.per_example_file = per_example_file
        self.backend = MetricBackend(
            metric, preset=preset, options=metric_options, per_example=per_example_file is not None
        )
        if self.backend.preset.family is not None and references is None:
            raise ValueError(f"preset {self.backend.preset.name!r} needs references= (its own gold answers, e.g. "
                             "a datasets column), in evaluation order; labels hold only answer text")
        if references is None:
            self.gold, record_ids = None, None
        elif self.backend.preset.family is not None:  # the family's own references, passed on as they are
            self.gold, record_ids = list(references), None
        else:
            self.gold, record_ids = gold_answers(references)
        self.ids = _check_ids(ids, record_ids, self.gold)
        self._reset_state()

    @classmethod
    def for_extractive(cls, *, examples, features, **options):
        """The adapter for start/end-logit models: :class:`qascore.trainer.extractive.ExtractiveQAComputeMetrics`."""
        from qascore.trainer.extractive import ExtractiveQAComputeMetrics

        return ExtractiveQAComputeMetrics(examples=examples, features=features, **options)

    def preprocess_logits(self, logits, labels):
        """``preprocess_logits_for_metrics``: greedy ids on the device instead of ``N x L x V`` logits.

        Generated ids (``predict_with_generate``) pass through unchanged. Positions whose label is
        ``-100`` become ``-100`` so teacher-forced predictions keep only the answer positions.
        """
        logits = first_output(logits)
        if not is_logits(logits):
            return logits
        labels = first_output(labels) if labels is not None else None
        return logits_to_ids(logits, labels, shift=self.decoder_only)

    def __call__(self, eval_pred, compute_result=None):
        """Score a whole evaluation (``compute_result=None``) or one ``batch_eval_metrics`` step."""
        predictions, labels, inputs = unpack_eval_prediction(eval_pred)
        if compute_result is None:
            self.reset()
        try:
            self._add(predictions, labels, inputs)
        except (TypeError, ValueError):
            self.reset()  # the next evaluation must not inherit half a batch stream
            raise
        if compute_result is False:
            return {}
        return self._finish()

    def reset(self):
        """Forget everything added since the last score (an unfinished evaluation, say)."""
        self.backend.reset()
        self._reset_state()

    def _reset_state(self):
        self._rows_seen = 0
        self._label_tokens_seen = False
        self._kept = {"predictions": [], "references": []}

    def _token_rows(self, value, name, **options):
        return token_rows(
            value,
            pad_token_id=self.pad_token_id,
            vocab_size=self.vocab_size,
            name=name,
            first_row=self._rows_seen,
            **options,
        )

    def _add(self, predictions, labels, inputs):
        prediction_rows = self._token_rows(predictions, "predictions", labels=labels, shift_logits=self.decoder_only)
        count = len(prediction_rows)
        input_rows = self._input_rows(inputs, count)
        keep = self._rows_to_keep(count)
        if self.decoder_only:
            if input_rows is None:
                raise ValueError(
                    "decoder_only=True strips the prompt the model echoes, so it needs the inputs: set "
                    "include_for_metrics=['inputs'] in the training arguments"
                )
            prediction_rows = [strip_prompt(row, prompt) for row, prompt in zip(prediction_rows, input_rows)]
        prediction_texts = decode_rows(self.tokenizer, prediction_rows[:keep], stop_at=self.eos_token_id)
        if self.extract_answer is not None:
            prediction_texts = [self.extract_answer(text) for text in prediction_texts]
        references = self._references(labels, count)[:keep]
        input_texts = None if input_rows is None else decode_rows(self.tokenizer, input_rows[:keep])
        self._rows_seen += count
        if not keep:
            return
        self.backend.add_batch(predictions=prediction_texts, references=references, inputs=input_texts)
        if self.per_example_file is not None:
            self._kept["predictions"].extend(prediction_texts)
            self._kept["references"].extend(references)

    def _input_rows(self, inputs, count):
        if inputs is None:
            return None
        if isinstance(inputs, Mapping):  # batch_eval_metrics: this process's raw batch
            if self.input_key not in inputs:
                raise ValueError(
                    f"the input batch has no {self.input_key!r}; its keys are {sorted(inputs)}. "
                    "Pass input_key= naming the model's main input"
                )
            inputs = gather_rows(inputs[self.input_key])
        rows = self._token_rows(inputs, "inputs")
        if len(rows) < count:
            raise ValueError(f"got {count} predictions but only {len(rows)} inputs; they must come from one evaluation")
        return rows[:count]  # gathering may add the sampler's padding rows that Trainer dropped

    def _rows_to_keep(self, count):
        """How many of the next ``count`` rows are real examples (the rest is distributed padding)."""
        if self.gold is None:
            return count
        room = len(self.gold) - self._rows_seen
        if count <= room:
            return count
        if world_size() == 1:
            raise ValueError(
                f"the evaluation produced more predictions ({self._rows_seen + count}) than references= has "
                f"entries ({len(self.gold)}); pass one reference entry per evaluation example, in order"
            )
        # Under several processes the sampler repeats the first examples to even out the last batch,
        # and Seq2SeqTrainer gathers them; they follow all real examples, so they are dropped here.
        return max(room, 0)

    def _references(self, labels, count):
        if self.gold is not None:
            return self.gold[self._rows_seen : self._rows_seen + count]
        if labels is None:
            raise ValueError("no labels to take the gold answers from; pass references= (all gold answers per example)")
        label_rows = self._token_rows(labels, "label_ids")
        if len(label_rows) != count:
            raise ValueError(f"got {count} predictions but {len(label_rows)} label rows")
        texts = decode_rows(self.tokenizer, label_rows, stop_at=self.eos_token_id)
        if any(len(row) for row in label_rows):
            self._label_tokens_seen = True
        if not self.backend.preset.unanswerable and "" in texts:
            if not self._label_tokens_seen:
                raise _no_label_tokens()
            raise ValueError(
                f"label_ids row {self._rows_seen + texts.index('')} decodes to an empty answer, but preset "
                f"{self.backend.preset.name!r} has no unanswerable questions; pass the gold answers as "
                "references=, or use preset='squad_v2' to score unanswerable questions"
            )
        return [[text] if text else [] for text in texts]  # "" is no gold answer, as [] in references=

    def _finish(self):
        seen = self._rows_seen
        if self.gold is None and seen and not self._label_tokens_seen:
            self.reset()
            raise _no_label_tokens()
        if self.gold is not None and seen < len(self.gold):
            self.reset()
            raise ValueError(
                f"references= has {len(self.gold)} entries but the evaluation produced {seen} predictions; "
                "pass the gold answers of exactly the evaluation dataset, in its order"
            )
        kept = seen if self.gold is None else min(seen, len(self.gold))  # without distributed padding rows
        if self.per_example_file is not None and self.ids is not None and len(self.ids) != kept:
            self.reset()
            raise ValueError(f"ids= has {len(self.ids)} entries but the evaluation produced {kept} predictions")
        results = self.backend.compute()
        if self.per_example_file is not None:
            write_per_example_file(
                self.per_example_file,
                ids=self.ids,
                predictions=self._kept["predictions"],
                references=self._kept["references"],
                results=results,
            )
        self._reset_state()
        return flat_floats(results)


def _no_label_tokens():
    return ValueError(
        "label_ids hold only -100 and the pad id, so there is no gold answer to score against; "
        "pass the gold answers as references= (needed when the labels are masked, as for decoder-only "
        "prompts) or keep the answer tokens in the labels"
    )


def _check_ids(ids, record_ids, gold):
    if ids is None:
        return record_ids
    ids = [str(value) for value in ids]
    if gold is not None and len(ids) != len(gold):
        raise ValueError(f"ids= has {len(ids)} entries but references= has {len(gold)}; give one id per example")
    return ids
