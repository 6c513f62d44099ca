"""The qa_em_f1 Space: score QA predictions in the browser or through the ``/compute`` API.

Built with current gradio (evaluate's ``launch_gradio_widget`` needs gradio 3). Every number
comes from the qascore package, the same code as ``evaluate.load(".../qa_em_f1")``, the
``qascore`` command line and the Trainer adapter. Input is parsed with ``json.loads`` only
and capped in size. Run it with ``python app.py``; GRADIO_SERVER_NAME and GRADIO_SERVER_PORT
choose the address.

Calling the Space from Python::

    from gradio_client import Client
    client = Client("USER/qa_em_f1")
    client.predict('["Denver Broncos"]', '[["Denver Broncos", "Broncos"]]', "squad", api_name="/compute")

Besides the scores, both tabs show how each question was scored (a sortable per-question table
with the preset's normalised forms) and offer the results (JSON) and the per-question rows
(JSON Lines) as downloads; their events are callable but left out of the API page
(``/score_pasted``, ``/score_uploaded``), ``/compute`` is the documented endpoint.
"""

import json
import math
import os
import shutil
import tempfile
import time

import gradio as gr
import qascore
from qascore.families import compute_family
from qascore.files.plots import precision_recall_figure
from qascore.files.readers import parse_json, predictions_from_mapping, references_from_document, reject_repeated_keys
from qascore.files.score import raw_scores, score_files, summary_counts
from qascore.normalize import MLQA_LANGUAGES
from qascore.records import align, layout_of, to_columns
from qascore.scoring.results import score_aligned, summarize

MAX_CHARACTERS = 5_000_000  # per pasted or API text field (the SQuAD v2.0 dev answers fit easily)
MAX_EXAMPLES = 20_000  # questions per request (SQuAD v2.0 dev has 11,873)
MAX_FILE_SIZE = "20mb"  # per uploaded file (the SQuAD v2.0 dev file is 3.9 MB)
PRESET_NAMES = sorted(qascore.PRESETS)
DOWNLOADS = tempfile.mkdtemp(prefix="qa_em_f1-downloads-")  # one folder per scoring request inside
DOWNLOAD_HOURS = 1  # request folders older than this are removed (gradio serves its own cached copies)

EXAMPLE_PREDICTIONS = "Denver Broncos\nSanta Clara, California\nthe 1990s\n"
EXAMPLE_REFERENCES = '[["Denver Broncos", "The Broncos"], ["Santa Clara"], ["1990"]]'

INTRODUCTION = f"""# qa_em_f1: exact match and F1 for question answering

SQuAD-style scores, exact to the official scorers: **squad** (SQuAD v1.1), **squad_v2**
(SQuAD v2.0, unanswerable questions), **korquad** (KorQuAD 1.0, character F1) and **mlqa**
(MLQA, seven languages). Paste one answer per line (or JSON), or upload an official data file
and a predictions file. Scores are 0-100. qascore {qascore.__version__}.
"""


# ---------------------------------------------------------------- parsing requests


def _is_json(text):
    return text.strip()[:1] in ("[", "{")


def _parse(text, name, *, allow_lines=True):
    """JSON when the text starts with [ or {, else one entry per line (json.loads only, never eval)."""
    if not isinstance(text, str):
        raise gr.Error(f"{name} must be text, got {type(text).__name__}.")
    if len(text) > MAX_CHARACTERS:
        raise gr.Error(
            f"{name} has {len(text):,} characters; this Space takes at most {MAX_CHARACTERS:,}. "
            "Score larger files with the qascore command line."
        )
    if _is_json(text):
        try:
            return json.loads(
                text,
                parse_constant=lambda literal: _not_finite(name, literal),
                parse_float=lambda literal: _finite(name, literal, float),
                parse_int=lambda literal: _finite(name, literal, int),
                object_pairs_hook=reject_repeated_keys,
            )
        except json.JSONDecodeError as error:
            raise gr.Error(f"{name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
        except ValueError:  # an object repeats a key: the file reader names the object and the key
            try:
                parse_json(text, name)
            except ValueError as located:
                raise gr.Error(str(located)) from None
            raise
        except RecursionError:
            raise gr.Error(f"{name} is nested too deeply (lists or objects inside each other) to read.") from None
    if not allow_lines:
        raise gr.Error(f"{name} must be a JSON list or object, e.g. '[\"Denver Broncos\"]'.")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # a final newline ends the last line; it is not an extra (empty) answer
    return lines


def _not_finite(name, literal):
    """Python's json reads Infinity, -Infinity and NaN; scores must be finite, so they are refused."""
    raise gr.Error(f"{name} contains {literal}: scores must be finite numbers (standard JSON has no {literal}).")


def _finite(name, literal, kind):
    """A JSON number as ``kind``, refused when it does not fit a finite float (e.g. 1e999)."""
    try:
        value = kind(literal)
        if math.isfinite(value):
            return value
    except (ValueError, OverflowError):  # an int past Python's digit limit, or past the float range
        pass
    shown = literal if len(literal) <= 40 else literal[:40] + "..."
    raise gr.Error(f"{name} contains the number {shown}: too large, scores must be finite numbers (at most about 1.8e308).")


def _predictions(text, *, allow_lines=True):
    parsed = _parse(text, "Predictions", allow_lines=allow_lines)
    if isinstance(parsed, dict):  # the official {id: text} file
        parsed = [{"id": key, "prediction_text": value} for key, value in predictions_from_mapping(parsed).items()]
    return _capped(parsed, "Predictions")


def _references(text, *, allow_lines=True):
    """Pasted references: a SQuAD document or records as the file reader reads them; plain gold
    answers (in any shape qascore.records.answers_of reads) as they are; or one answer per line."""
    parsed = _parse(text, "References", allow_lines=allow_lines)
    if isinstance(parsed, dict) or (isinstance(parsed, list) and layout_of([], parsed) == "records"):
        return _capped(references_from_document(parsed, source="References"), "References")
    if not _is_json(text):  # one gold answer per line; an empty line is an unanswerable question
        parsed = [[line] if line else [] for line in parsed]
    return _capped(parsed, "References")


def _capped(items, name):
    if not isinstance(items, list):
        raise gr.Error(f"{name} must be a JSON list (or an object of id -> answer), got {type(items).__name__}.")
    if len(items) > MAX_EXAMPLES:
        raise gr.Error(f"{name} has {len(items):,} entries; this Space scores at most {MAX_EXAMPLES:,} per request.")
    return items


def _is_family(preset):
    """True for presets with their own inputs and rules (qascore.families), which take their JSON as it is."""
    return qascore.PRESETS[preset].family is not None


def _family_inputs(text, name):
    """A family preset's pasted input: a JSON list, passed to qascore as it is (its rules check it)."""
    return _capped(_parse(text, name, allow_lines=False), name)


def _language(preset, language):
    return (language or None) if preset == "mlqa" else None


# ---------------------------------------------------------------- scoring


def compute(predictions: str, references: str, preset: str = "squad", language: str = "") -> dict:
    """API ``/compute``: score JSON predictions against JSON references with a preset.

    ``predictions``: a JSON list of answers, a list of SQuAD prediction records, or the
    official ``{id: text}`` object. ``references``: a JSON list of gold answer lists, a list of
    SQuAD records, or a SQuAD-format document. ``language`` is for the mlqa preset.
    Returns the results dict of ``qascore.compute``.
    """
    if preset not in qascore.PRESETS:
        raise gr.Error(f"preset must be one of {', '.join(PRESET_NAMES)}, got {preset!r}.")
    try:
        if _is_family(preset):
            return qascore.compute(_family_inputs(predictions, "Predictions"), _family_inputs(references, "References"),
                                   preset=preset)
        return qascore.compute(
            _predictions(predictions, allow_lines=False),
            _references(references, allow_lines=False),
            preset=preset,
            language=_language(preset, language),
        )
    except (ValueError, TypeError) as error:
        raise gr.Error(str(error)) from None


def _results_table(results):
    return [[name, round(value, 4) if isinstance(value, float) else value] for name, value in results.items()]


def _details(signature, counts=None):
    lines = [f"**Signature** `{signature}`"]
    if counts:
        lines.append(
            f"{counts['predicted']:,} of {counts['questions']:,} questions predicted; "
            f"{counts['missing']:,} without a prediction scored 0, {counts['extra']:,} unknown ids ignored "
            "(as the official scripts do)."
        )
    return "\n\n".join(lines)


def _curve(raw):
    """The precision-recall plot for raw per-question scores with no-answer scores (else hidden)."""
    if raw["no_answer_scores"] is None or not any(raw["has_answer"]):
        return gr.Plot(visible=False)
    return gr.Plot(value=precision_recall_figure(**raw), visible=True)


def _score_once(predictions, references, options):
    """qascore.compute's two stages, kept apart: one scoring run gives the results (with
    per-question scores), the paired examples shown beside them and the raw scores
    (before the no-answer threshold) that the precision-recall curves need."""
    examples = align(to_columns(predictions, references), missing=options.missing, extra=options.extra)
    scored = score_aligned(examples, options)
    return summarize(scored, options), examples, scored


def score_pasted(predictions_text, references_text, preset, language):
    """The "Paste" tab: one answer per line or JSON; a PR curve for squad_v2 records with no-answer scores."""
    if _is_family(preset):
        return _score_pasted_family(predictions_text, references_text, preset)
    language = _language(preset, language)
    try:
        predictions = _predictions(predictions_text)
        references = _references(references_text)
        options = qascore.make_options(preset, language=language, return_per_example=True)
        results, examples, scored = _score_once(predictions, references, options)
        curve = gr.Plot(visible=False)
        if options.preset.unanswerable and scored.no_answer_scores is not None:
            curve = _curve(
                {
                    "exact": list(scored.exact),
                    "f1": list(scored.f1),
                    "no_answer_scores": list(scored.no_answer_scores),
                    "has_answer": [bool(flag) for flag in scored.has_answer],
                }
            )
    except (ValueError, TypeError) as error:
        raise gr.Error(str(error)) from None
    per_example = results.pop("per_example")
    rows = per_example_rows(examples, per_example, options)
    signature = options.signature()
    files = _downloads({"results": results, "signature": signature}, rows)
    return (_results_table(results), _details(signature), curve, _per_example_table(rows), *files)


def _score_pasted_family(predictions_text, references_text, preset):
    """The "Paste" tab for a family preset: JSON lists as its compute takes them."""
    try:
        predictions = _family_inputs(predictions_text, "Predictions")
        references = _family_inputs(references_text, "References")
        options = qascore.make_options(preset, return_per_example=True)
        results = compute_family(predictions, references, None, options)
    except (ValueError, TypeError) as error:
        raise gr.Error(str(error)) from None
    per_example = results.pop("per_example")
    rows = family_rows(per_example.get("id"), predictions, references, per_example)
    signature = options.signature()
    files = _downloads({"results": results, "signature": signature}, rows)
    return (_results_table(results), _details(signature), gr.Plot(visible=False), _per_example_table(rows), *files)


def score_uploaded(data_file, predictions_file, no_answer_file, preset, language, keep_last=False):
    """The "Upload files" tab: the official data and predictions files, as the official scripts score them.

    A repeated JSON key or JSON Lines id is an error unless ``keep_last`` (the last value is used, as
    the official scripts' ``json.load`` does, and the details say how many values were replaced).
    """
    if data_file is None or predictions_file is None:
        raise gr.Error("Upload both a SQuAD-format data file and a predictions file.")
    language = _language(preset, language)
    try:
        scored = score_files(
            data_file, predictions_file, preset=preset, language=language, no_answer_file=no_answer_file,
            per_example=True, keep_examples=True, duplicate_keys="last" if keep_last else "error",
        )
        if scored["counts"]["questions"] > MAX_EXAMPLES:
            raise ValueError(f"The data file has {scored['counts']['questions']:,} questions; at most {MAX_EXAMPLES:,}.")
        curve = gr.Plot(visible=False) if _is_family(preset) else _curve(raw_scores(scored))
    except (ValueError, TypeError) as error:
        raise gr.Error(str(error)) from None
    results = dict(scored["results"])
    per_example = results.pop("per_example")
    examples = scored["examples"]
    if _is_family(preset):
        rows = family_rows(examples.ids, examples.predictions, examples.references, per_example)
    else:
        rows = per_example_rows(examples, per_example, qascore.make_options(**scored["options"]))
    summary = {"results": results, "signature": scored["signature"], "counts": summary_counts(scored["counts"])}
    files = _downloads(summary, rows)
    details = _details(scored["signature"], scored["counts"])
    replaced = sum(scored["counts"].get("overridden", {}).values())
    if replaced:
        details += f"\n\n{replaced:,} values were replaced by a later repeat of their key or id (the last one was used)."
    return _results_table(results), details, curve, _per_example_table(rows), *files


# ---------------------------------------------------------------- showing the work


def per_example_rows(examples, per_example, options):
    """One dict per question: what was compared (as given and as the preset's normaliser gives
    it) and its scores (0-1) from ``per_example``, the run that gave the scores table.

    Keys: ``id`` (when known), ``prediction`` (None: no prediction, scored 0),
    ``gold_answers`` (``[]``: unanswerable), ``normalized_prediction``,
    ``normalized_gold_answers``, the preset's exact key (``exact_match`` or ``exact``),
    ``f1`` and, with no-answer scores, ``no_answer_probability`` and ``abstained`` (the score
    is above the threshold, so the empty answer was scored).
    """
    normalize = options.normalizer.normalize
    scores = [key for key in per_example if key != "id"]
    ids = per_example.get("id")
    if ids is not None and ids != examples.ids:
        raise RuntimeError("per-example scores and examples are not in the same order")
    no_answer = examples.no_answer_probabilities if options.preset.unanswerable else None
    rows = []
    for index, (prediction, answers) in enumerate(zip(examples.predictions, examples.references)):
        row = {} if ids is None else {"id": ids[index]}
        row["prediction"] = prediction
        row["gold_answers"] = list(answers)
        row["normalized_prediction"] = None if prediction is None else normalize(prediction)
        row["normalized_gold_answers"] = [normalize(answer) for answer in answers]
        row.update((key, per_example[key][index]) for key in scores)
        if no_answer is not None:
            score = no_answer[index]
            row["no_answer_probability"] = score
            row["abstained"] = score is not None and score > options.no_answer_threshold
        rows.append(row)
    return rows


def family_rows(ids, predictions, references, per_example):
    """One dict per question of a family preset: ``id`` (when known), ``prediction`` and
    ``gold_answers`` as given, and the per-question scores under the results' own names."""
    scores = [key for key in per_example if key != "id"]
    rows = []
    for index, (prediction, reference) in enumerate(zip(predictions, references)):
        row = {} if ids is None else {"id": ids[index]}
        row.update(prediction=prediction, gold_answers=reference)
        row.update((key, per_example[key][index]) for key in scores)
        rows.append(row)
    return rows


_COLUMNS = {  # row key -> (table header, gradio datatype); other keys: a family's scores (numbers)
    "id": ("id", "str"),
    "prediction": ("prediction", "str"),
    "gold_answers": ("gold answers", "str"),
    "normalized_prediction": ("normalised prediction", "str"),
    "normalized_gold_answers": ("normalised gold answers", "str"),
    "exact_match": ("EM (0-1)", "number"),
    "exact": ("EM (0-1)", "number"),
    "f1": ("F1 (0-1)", "number"),
    "no_answer_probability": ("no-answer score", "number"),
    "abstained": ("abstained", "bool"),
}
NO_PREDICTION = "(no prediction)"


def _cell(key, value):
    if value is None:
        return NO_PREDICTION if key in ("prediction", "normalized_prediction") else None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and (key in ("exact_match", "exact", "f1") or key not in _COLUMNS):
        return round(value, 4)
    return value


def _per_example_table(rows):
    keys = list(rows[0])
    return gr.Dataframe(
        value={"headers": [_COLUMNS.get(key, (key,))[0] for key in keys],
               "data": [[_cell(key, row[key]) for key in keys] for row in rows]},
        datatype=[_COLUMNS.get(key, (key, "number"))[1] for key in keys],
        visible=True,
    )


def _downloads(summary, rows):
    """The results (JSON) and the per-question rows (JSON Lines) in a fresh folder, as gr.File values."""
    _remove_old_downloads()
    folder = tempfile.mkdtemp(dir=DOWNLOADS)
    results_path = os.path.join(folder, "results.json")
    rows_path = os.path.join(folder, "per_example.jsonl")
    with open(results_path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    with open(rows_path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return gr.File(value=results_path, visible=True), gr.File(value=rows_path, visible=True)


def _remove_old_downloads():
    cutoff = time.time() - DOWNLOAD_HOURS * 3600
    with os.scandir(DOWNLOADS) as entries:
        for entry in entries:
            try:
                if entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry.path, ignore_errors=True)
            except FileNotFoundError:  # removed by a concurrent request
                pass


def _show_options(preset):
    return gr.Dropdown(visible=preset == "mlqa")


# ---------------------------------------------------------------- page


def build_demo():
    """The Blocks app: preset choice, paste and upload tabs, results table, PR curve, per-question
    table and downloads, and the /compute API."""
    with gr.Blocks(title="qa_em_f1", delete_cache=(3600, 3600 * DOWNLOAD_HOURS)) as demo:
        gr.Markdown(INTRODUCTION)
        with gr.Row():
            preset = gr.Dropdown(PRESET_NAMES, value="squad", label="Preset", elem_id="preset")
            language = gr.Dropdown(
                list(MLQA_LANGUAGES), value="en", label="MLQA language", visible=False, elem_id="language"
            )
        with gr.Tabs():
            with gr.Tab("Paste"):
                with gr.Row():
                    predictions = gr.Textbox(
                        value=EXAMPLE_PREDICTIONS,
                        lines=8,
                        label="Predictions: one per line, or JSON (list, SQuAD records, or {id: text})",
                        elem_id="predictions",
                    )
                    references = gr.Textbox(
                        value=EXAMPLE_REFERENCES,
                        lines=8,
                        label="References: one gold answer per line, or JSON (list of answer lists, or SQuAD records)",
                        elem_id="references",
                    )
                score_button = gr.Button("Score", variant="primary", elem_id="score")
            with gr.Tab("Upload files"):
                with gr.Row():
                    data_file = gr.File(label="Data: SQuAD-format JSON or JSON Lines", type="filepath", elem_id="data-file")
                    predictions_file = gr.File(
                        label="Predictions: {id: text} JSON or JSON Lines", type="filepath", elem_id="predictions-file"
                    )
                    no_answer_file = gr.File(
                        label="squad_v2: no-answer scores {id: score} (optional)", type="filepath", elem_id="no-answer-file"
                    )
                keep_last = gr.Checkbox(
                    label="Repeated keys or ids: use the last value, as the official scripts do (default: an error)",
                    value=False, elem_id="keep-last",
                )
                upload_button = gr.Button("Score files", variant="primary", elem_id="score-files")
        table = gr.Dataframe(headers=["metric", "value"], label="Scores (SQuAD presets 0-100; other presets on their official script's scale)", elem_id="scores", interactive=False)
        details = gr.Markdown()
        curve = gr.Plot(label="No-answer precision-recall curves", visible=False, elem_id="curve")
        per_example_table = gr.Dataframe(
            label="Per question: what was compared (as given and normalised by the preset) and its scores; sort from a column header's ⋮ menu",
            interactive=False,
            visible=False,
            max_height=480,
            wrap=True,
            show_search="search",
            elem_id="per-example",
        )
        with gr.Row():
            results_file = gr.File(label="Results (JSON)", visible=False, interactive=False, elem_id="results-file")
            rows_file = gr.File(
                label="Per-question rows (JSON Lines)", visible=False, interactive=False, elem_id="per-example-file"
            )
        outputs = [table, details, curve, per_example_table, results_file, rows_file]

        preset.change(_show_options, preset, language, api_visibility="private")
        score_button.click(
            score_pasted, [predictions, references, preset, language], outputs,
            api_name="score_pasted", api_visibility="undocumented",
        )
        upload_button.click(
            score_uploaded,
            [data_file, predictions_file, no_answer_file, preset, language, keep_last],
            outputs,
            api_name="score_uploaded",
            api_visibility="undocumented",
        )
        gr.api(compute, api_name="compute")
    return demo


demo = build_demo()

if __name__ == "__main__":
    demo.queue(default_concurrency_limit=2).launch(max_file_size=MAX_FILE_SIZE, ssr_mode=False)
