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
"""

import json
import math

import gradio as gr
import qascore
from qascore.file_scoring import raw_scores, score_files
from qascore.io import predictions_from_mapping, references_from_document
from qascore.normalize import MLQA_LANGUAGES
from qascore.plots import precision_recall_figure

MAX_CHARACTERS = 5_000_000  # per pasted or API text field (the SQuAD v2.0 dev answers fit easily)
MAX_EXAMPLES = 20_000  # questions per request (SQuAD v2.0 dev has 11,873)
MAX_FILE_SIZE = "20mb"  # per uploaded file (the SQuAD v2.0 dev file is 3.9 MB)
PRESET_NAMES = sorted(qascore.PRESETS)

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
            )
        except json.JSONDecodeError as error:
            raise gr.Error(f"{name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
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
    parsed = _parse(text, "References", allow_lines=allow_lines)
    if isinstance(parsed, dict) or (isinstance(parsed, list) and parsed and isinstance(parsed[0], dict)):
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


def score_pasted(predictions_text, references_text, preset, language):
    """The "Paste" tab: one answer per line or JSON; a PR curve for squad_v2 records with no-answer scores."""
    language = _language(preset, language)
    try:
        predictions = _predictions(predictions_text)
        references = _references(references_text)
        results = qascore.compute(predictions, references, preset=preset, language=language)
        signature = qascore.signature(preset=preset, language=language)
        curve = gr.Plot(visible=False)
        with_scores = [p for p in predictions if isinstance(p, dict) and "no_answer_probability" in p]
        if preset == "squad_v2" and with_scores and len(with_scores) == len(predictions):
            plain = [{"id": p["id"], "prediction_text": p["prediction_text"]} for p in predictions]
            per_example = qascore.compute(plain, references, preset=preset, return_per_example=True)["per_example"]
            by_id = {p["id"]: p["no_answer_probability"] for p in predictions}
            has_answer = {r["id"]: bool(r["answers"]["text"]) for r in references}
            curve = _curve(
                {
                    "exact": per_example["exact"],
                    "f1": per_example["f1"],
                    "no_answer_scores": [by_id[question_id] for question_id in per_example["id"]],
                    "has_answer": [has_answer[question_id] for question_id in per_example["id"]],
                }
            )
    except (ValueError, TypeError) as error:
        raise gr.Error(str(error)) from None
    return _results_table(results), _details(signature), curve


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
            keep_examples=True, duplicate_keys="last" if keep_last else "error",
        )
        if scored["counts"]["questions"] > MAX_EXAMPLES:
            raise ValueError(f"The data file has {scored['counts']['questions']:,} questions; at most {MAX_EXAMPLES:,}.")
        curve = _curve(raw_scores(scored))
    except (ValueError, TypeError) as error:
        raise gr.Error(str(error)) from None
    details = _details(scored["signature"], scored["counts"])
    replaced = sum(scored["counts"].get("overridden", {}).values())
    if replaced:
        details += f"\n\n{replaced:,} values were replaced by a later repeat of their key or id (the last one was used)."
    return _results_table(scored["results"]), details, curve


def _show_options(preset):
    return gr.Dropdown(visible=preset == "mlqa")


# ---------------------------------------------------------------- page


def build_demo():
    """The Blocks app: preset choice, paste and upload tabs, results table, PR curve, and the /compute API."""
    with gr.Blocks(title="qa_em_f1") as demo:
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
        table = gr.Dataframe(headers=["metric", "value"], label="Scores (0-100)", elem_id="scores", interactive=False)
        details = gr.Markdown()
        curve = gr.Plot(label="No-answer precision-recall curves", visible=False, elem_id="curve")

        preset.change(_show_options, preset, language, api_visibility="private")
        score_button.click(
            score_pasted, [predictions, references, preset, language], [table, details, curve], api_visibility="private"
        )
        upload_button.click(
            score_uploaded,
            [data_file, predictions_file, no_answer_file, preset, language, keep_last],
            [table, details, curve],
            api_visibility="private",
        )
        gr.api(compute, api_name="compute")
    return demo


demo = build_demo()

if __name__ == "__main__":
    demo.queue(default_concurrency_limit=2).launch(max_file_size=MAX_FILE_SIZE, ssr_mode=False)
