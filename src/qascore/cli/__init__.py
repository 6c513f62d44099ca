"""The ``qascore`` command line: score prediction files, compare two systems, publish the Space.

Subcommands (``qascore COMMAND --help`` for the options)::

    qascore score DATA PREDICTIONS [--preset squad_v2] [--na-prob-file F] [--normalizer unicode]
                  [--confidence-level 0.95] [--map-abstentions] [--question-types] [--json]
                  [--lenient [METRIC ...]] [--extract-answers] ...
    qascore compare A.json B.json --data DATA [--preset squad_v2 --na-prob-file-a FA --na-prob-file-b FB]
    qascore space push metrics/qa_em_f1 --repo-id USER/qa_em_f1 [--dry-run DIR]
    qascore demo

``score`` follows the official scripts: a question without a prediction scores 0 and
predictions for unknown ids are ignored (both are counted and reported; ``--strict`` makes
them errors). Results go to the terminal as a table, or as JSON with ``--json`` or when the
output is piped; the reproducibility signature is printed with them. Every scoring option
of :func:`qascore.compute` has a flag, and the numbers are those ``qascore.compute`` gives
for the records read from the files. ``compare`` takes the same data and prediction options,
and its figures for A and B are those ``score`` prints for each.

Every option value is checked when the command line is read: a bad one stops the command
with exit status 2 and a message naming the option and what it accepts. Output paths
(``--out-file``, ``--per-example``, ``--plots``) are checked before scoring, and the files
are written under temporary names and renamed into place only once every output is
complete (:mod:`qascore.files.atomic`), so a failed run leaves none of them behind.

>>> import json, tempfile, pathlib, contextlib, io
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "gold.jsonl").write_text('{"id": "q1", "answers": ["Denver Broncos"]}\\n'
...                                       '{"id": "q2", "answers": ["Santa Clara"]}\\n')
>>> _ = (folder / "preds.json").write_text(json.dumps({"q1": "the Broncos", "q2": "Santa Clara"}))
>>> out = io.StringIO()
>>> with contextlib.redirect_stdout(out):
...     status = main(["score", str(folder / "gold.jsonl"), str(folder / "preds.json"), "--json"])
>>> status
0
>>> json.loads(out.getvalue())["results"]
{'exact_match': 50.0, 'f1': 83.33333333333333}
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

import qascore
from qascore.files.atomic import AtomicFiles
from qascore.files.readers import decode_text, read_file_bytes
from qascore.files.score import compare_files, raw_scores, score_files, summary_counts
from qascore.normalize import MLQA_LANGUAGES, NORMALIZERS
from qascore.per_example import per_example_rows, write_rows
from qascore.records import lookalike_ids
from qascore.scoring.bootstrap import MAX_RESAMPLES
from qascore.scoring.lenient import LENIENT_METRICS

__all__ = ["main", "build_parser"]

_EXIT_USAGE = 2
_EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, the status of a command the closed pipe would have killed


# ---------------------------------------------------------------- option values


def _integer(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` to ``high`` (no upper bound when None)."""
    accepted = f"an integer >= {low}" if high is None else f"an integer from {low} to {high:,}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected {accepted}, got {text!r}")
        return value

    return parse


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _confidence_level(text: str) -> float:
    value = _float_or_nan(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, both excluded (e.g. 0.95), got {text!r}")
    return value


def _true_or_false(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")
    return text.lower() == "true"


def _finite_number(text: str) -> float:
    value = _float_or_nan(text)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number (a probability or a logit-like score), got {text!r}")
    return value


def _writable_directory(directory: Path) -> None:
    if not directory.is_dir():
        raise argparse.ArgumentTypeError(f"{directory} is not a directory")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write in {directory}")


def _output_file(text: str) -> Path:
    """An argparse type: a path where a file can be written (its directory exists; it is not a directory)."""
    path = Path(text)
    if path.exists() and not path.is_file():
        raise argparse.ArgumentTypeError(f"{text} exists and is not a regular file; give a file path")
    if not path.parent.exists():
        raise argparse.ArgumentTypeError(f"{text}: no directory {path.parent}")
    _writable_directory(path.parent)
    return path


def _output_directory(text: str) -> Path:
    """An argparse type: an existing directory, or one that can be made (its first existing parent is one)."""
    path = existing = Path(text)
    while not existing.exists():
        existing = existing.parent
    _writable_directory(existing)
    return path


# ---------------------------------------------------------------- output


def _format_value(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _table(rows: list[tuple[str, str]], *, header: tuple[str, str]) -> str:
    width = max(len(name) for name, _ in [header, *rows])
    value_width = max(len(value) for _, value in [header, *rows])
    lines = [f"{header[0]:<{width}}  {header[1]:>{value_width}}", f"{'-' * width}  {'-' * value_width}"]
    lines += [f"{name:<{width}}  {value:>{value_width}}" for name, value in rows]
    return "\n".join(lines)


def _to_json(value) -> str:
    """Indented standard JSON: a figure that is undefined (NaN: a question type no question has)
    is written as null, since JSON has no NaN.

    >>> print(_to_json({"f1_why": float("nan"), "count_why": 0}))
    {
      "f1_why": null,
      "count_why": 0
    }
    """
    return json.dumps(_nan_as_none(value), indent=2, allow_nan=False)


def _nan_as_none(value):
    if isinstance(value, dict):
        return {key: _nan_as_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nan_as_none(item) for item in value]
    return None if isinstance(value, float) and math.isnan(value) else value


def _wants_json(args) -> bool:
    return args.json or not sys.stdout.isatty()


def _report_coverage(counts: dict, predictions_path) -> None:
    if counts["missing"]:
        print(
            f"qascore: {counts['missing']} of {counts['questions']} questions have no prediction in "
            f"{predictions_path}; they score 0 (as the official scripts do; --strict makes this an error)",
            file=sys.stderr,
        )
    if counts["extra"]:
        print(
            f"qascore: ignored {counts['extra']} predictions whose ids are not in the data"
            f"{lookalike_ids(counts.get('extra_ids', []), counts.get('missing_ids', []))}",  # compare keeps no ids
            file=sys.stderr,
        )


def _report_overridden(overridden: dict) -> None:
    """With ``--duplicate-keys last``: one warning line per file that repeated keys or ids."""
    for name, number in overridden.items():
        print(f"qascore: warning: {name}: repeated keys or ids replaced {number} earlier values; the last "
              "value of each was used (--duplicate-keys last, as the official scripts do)", file=sys.stderr)


def _write_per_example(files: AtomicFiles, path: Path, scored: dict) -> None:
    """:mod:`qascore.per_example`'s rows, one JSON line per question, with each no-answer score under squad_v2."""
    examples, no_answer = scored["examples"], scored["no_answer"]
    scores = None if no_answer is None else [no_answer.get(question_id) for question_id in examples.ids]
    rows = per_example_rows(scored["results"], ids=examples.ids, predictions=examples.predictions,
                            references=examples.references, no_answer_probabilities=scores)
    with files.open(path) as handle:
        write_rows(handle, rows)


def _write_plots(files: AtomicFiles, directory: Path, scored: dict) -> list[Path]:
    from qascore.files.plots import write_plots

    return write_plots(directory, scored_f1=scored["results"]["per_example"]["f1"], files=files, **raw_scores(scored))


def _check_distinct_outputs(args) -> None:
    if args.out_file and args.per_example and os.path.realpath(args.out_file) == os.path.realpath(args.per_example):
        raise ValueError(f"--out-file and --per-example both name {args.out_file}; give two files")


# ---------------------------------------------------------------- subcommands


def _abstentions(args) -> list[str] | None:
    """The phrases of ``--abstentions`` or ``--abstentions-file`` (one a line), or None for neither."""
    if args.abstentions_file is None:
        return args.abstentions
    text = decode_text(read_file_bytes(args.abstentions_file), args.abstentions_file)
    phrases = [line.strip() for line in text.splitlines() if line.strip()]
    if not phrases:
        raise ValueError(f"{args.abstentions_file}: no abstention phrase in it (give one phrase a line)")
    return phrases


def _scoring(args) -> dict:
    """The :func:`score_files` options that ``score`` and ``compare`` share."""
    abstentions = _abstentions(args)
    return {
        "preset": args.preset,
        "language": args.language,
        "normalizer": args.normalizer,
        "no_answer_threshold": args.na_prob_thresh,
        "split": args.split,
        "strict": args.strict,
        "duplicate_keys": args.duplicate_keys,
        "map_abstentions": args.map_abstentions or abstentions is not None,
        "abstentions": abstentions,
        "skip_no_answer": args.skip_no_answer,
        "lenient": (args.lenient or True) if args.lenient is not None else None,
        "extract_answers": args.extract_answers,
        **{name: value for name, value in (("answer_field", args.answer_field), ("is_regex", args.is_regex or None),
                                           ("domain", args.domain), ("verified_eval", args.verified_eval))
           if value is not None},
    }


def _check_bootstrap_options(args) -> None:
    unused = [flag for flag, value in (("--n-resamples", args.n_resamples), ("--seed", args.seed)) if value is not None]
    if unused and args.confidence_level is None:
        raise ValueError(f"{' and '.join(unused)} set the bootstrap of the interval; give --confidence-level too "
                         "(e.g. --confidence-level 0.95)")


def _run_score(args) -> int:
    _check_distinct_outputs(args)
    _check_bootstrap_options(args)
    scored = score_files(
        args.data,
        args.predictions,
        no_answer_file=args.na_prob_file,
        per_example=bool(args.per_example or args.plots),
        keep_examples=bool(args.per_example or args.plots),
        progress=sys.stderr.isatty(),
        confidence_level=args.confidence_level,
        n_resamples=args.n_resamples,
        seed=args.seed,
        question_types=args.question_types,
        **_scoring(args),
    )
    results = {key: value for key, value in scored["results"].items() if key != "per_example"}
    _report_coverage(scored["counts"], args.predictions)
    _report_overridden(scored["counts"].get("overridden", {}))
    with AtomicFiles() as files:
        if args.out_file:
            files.write_text(args.out_file, _to_json(results) + "\n")
        if args.per_example:
            _write_per_example(files, args.per_example, scored)
        plots = _write_plots(files, args.plots, scored) if args.plots else []
    if _wants_json(args):
        payload = {"results": results, "signature": scored["signature"], "counts": summary_counts(scored["counts"])}
        if plots:
            payload["plots"] = [str(path) for path in plots]
        print(_to_json(payload))
        return 0
    counts = scored["counts"]
    print(f"{args.preset} on {args.data}: {counts['predicted']} of {counts['questions']} questions predicted")
    print(_table([(name, _format_value(value)) for name, value in results.items()], header=("metric", "value")))
    for path in plots:
        print(f"plot: {path}")
    print(f"signature: {scored['signature']}")
    return 0


def _format_p_value(p_value: float, n_resamples: int) -> str:
    """``p=0.0420``; a p-value of 0 is below the resolution: ``p < 0.001`` (1000 resamples), ``p < 1/300``.

    >>> _format_p_value(0.042, 1000), _format_p_value(0.0, 1000), _format_p_value(0.0, 300)
    ('p=0.0420', 'p < 0.001', 'p < 1/300')
    >>> _format_p_value(2e-06, 1_000_000)
    'p=2.0e-06'
    """
    if p_value == 0.0:
        digits = len(str(n_resamples)) - 1
        is_power_of_ten = n_resamples == 10**digits
        return f"p < {1 / n_resamples:.{digits}f}" if is_power_of_ten else f"p < 1/{n_resamples}"
    return f"p={p_value:.4f}" if p_value >= 1e-4 else f"p={p_value:.1e}"


def _run_compare(args) -> int:
    compared = compare_files(
        args.a,
        args.b,
        data=args.data,
        no_answer_files=(args.na_prob_file_a, args.na_prob_file_b),
        n_resamples=args.n_resamples,
        confidence_level=args.confidence_level,
        seed=args.seed,
        **_scoring(args),
    )
    for system, path in (("a", args.a), ("b", args.b)):
        _report_coverage(compared["counts"][system], path)
    _report_overridden({name: number for counts in compared["counts"].values()
                        for name, number in counts.get("overridden", {}).items()})
    if _wants_json(args):
        print(_to_json(compared))
        return 0
    level = f"{100 * args.confidence_level:g}% CI"
    rows = []
    for name, stats in compared["comparison"].items():
        rows.append(
            f"{name:<12} {stats['a']:>9.4f} {stats['b']:>9.4f} {stats['difference']:>+9.4f}  "
            f"[{stats['ci_low']:+.4f}, {stats['ci_high']:+.4f}]  {_format_p_value(stats['p_value'], args.n_resamples)}"
        )
    print(f"A = {args.a}\nB = {args.b}\npaired bootstrap, {args.n_resamples} resamples, seed {args.seed}")
    print(f"{'metric':<12} {'A':>9} {'B':>9} {'B - A':>9}  {level}")
    print("\n".join(rows))
    print(f"signature: {compared['signature']}")
    return 0


def _run_space_push(args) -> int:
    from qascore.publish import check_repo_id, push_space, stage_space_folder

    check_repo_id(args.repo_id, args.folder)
    if args.dry_run:
        folder = stage_space_folder(args.folder, args.dry_run)
        print(f"wrote the Space folder that would be pushed to {args.repo_id}: {folder}")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                print(f"  {path.relative_to(folder)}")
        return 0
    url = push_space(args.folder, repo_id=args.repo_id, private=args.private)
    print(f"pushed {args.folder} to Space {args.repo_id}: {url}")
    return 0


def _run_demo(args) -> int:
    from qascore.cli.demo import main as demo_main

    return demo_main()


# ---------------------------------------------------------------- parser

_SCORE_DESCRIPTION = """\
Score a predictions file against a data file with the official scripts' rules and print
the numbers qascore.compute gives for the same options, with their signature. A question
without a prediction scores 0 and predictions for unknown ids are ignored (both are
reported on stderr; --strict makes them errors)."""

_SCORE_EXAMPLES = """\
examples:
  qascore score dev-v1.1.json predictions.json
  qascore score dev-v2.0.json predictions.json --preset squad_v2 --na-prob-file null_odds.json --na-prob-thresh 0
  qascore score xquad.ru.json predictions.json --normalizer unicode --confidence-level 0.95 --question-types
  qascore score dev-v2.0.json answers.json --preset squad_v2 --abstentions-file phrases.txt"""

_COMPARE_DESCRIPTION = """\
Paired bootstrap of two systems' predictions on the same questions: each system's EM and F1
(the figures `qascore score` prints for it, to the last digit), the difference B - A, its
interval and a two-sided p-value. Both systems are scored with the same data and options;
under squad_v2 each may have its own no-answer file."""

_COMPARE_EXAMPLES = """\
examples:
  qascore compare a.json b.json --data dev-v1.1.json
  qascore compare a.json b.json --data dev-v2.0.json --preset squad_v2 \\
      --na-prob-file-a a_null_odds.json --na-prob-file-b b_null_odds.json --na-prob-thresh 0"""

_SPACE_DESCRIPTION = """\
Publish a metric folder as a Hugging Face Space (gradio SDK); --dry-run writes the exact
folder that would be uploaded and pushes nothing."""

_SPACE_EXAMPLES = """\
example:
  qascore space push metrics/qa_em_f1 --repo-id USER/qa_em_f1 --dry-run /tmp/qa_em_f1_space"""

_DEMO_DESCRIPTION = """\
Score the embedded SQuAD sample through the evaluate module (metrics/qa_em_f1) and check
that qascore.compute gives the same numbers. Run it from the repository's root folder."""

_DEMO_EXAMPLES = """\
example:
  cd qascore && qascore demo"""


def _subcommand(commands, name: str, *, help: str, description: str, epilog: str) -> argparse.ArgumentParser:
    return commands.add_parser(name, help=help, description=description, epilog=epilog,
                               formatter_class=argparse.RawDescriptionHelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``qascore`` command."""
    parser = argparse.ArgumentParser(
        prog="qascore", description="SQuAD-style exact match and F1, exact to the official scorers."
    )
    parser.add_argument("--version", action="version", version=f"qascore {qascore.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    score = _subcommand(commands, "score", help="score a predictions file against a data file",
                        description=_SCORE_DESCRIPTION, epilog=_SCORE_EXAMPLES)
    score.add_argument("data", help="SQuAD-format JSON, JSON Lines of {id, answers}, or a saved datasets directory")
    score.add_argument("predictions", help="official {id: text} JSON, or JSON Lines of {id, prediction_text}")
    _add_scoring_options(score)
    score.add_argument("--na-prob-file", help="squad_v2: {id: no-answer score} JSON (probabilities or logits)")
    score.add_argument(
        "--confidence-level", type=_confidence_level,
        help="add a bootstrap interval at this level, between 0 and 1 (e.g. 0.95) to EM and F1",
    )
    score.add_argument("--n-resamples", type=_integer(1, MAX_RESAMPLES),
                       help=f"with --confidence-level: bootstrap resamples, 1 to {MAX_RESAMPLES:,} (default 1000)")
    score.add_argument("--seed", type=_integer(0),
                       help="with --confidence-level: random seed, an integer >= 0 (default 0)")
    score.add_argument(
        "--question-types", action="store_true",
        help="pass the data file's question texts as inputs: scores per question type (what, who, ...) and the "
             "grounding rate (here: predictions found in the question text); every question needs its text",
    )
    score.add_argument(
        "--out-file", type=_output_file, help="write the results as JSON here (like the official --out-file)"
    )
    score.add_argument(
        "--plots", metavar="DIR", type=_output_directory, help="write PR curves and score histograms (PNG) here"
    )
    score.add_argument(
        "--per-example", metavar="FILE", type=_output_file,
        help="write per-question rows here as JSON Lines (id, prediction, references, scores)",
    )
    score.add_argument("--json", action="store_true", help="print JSON (the default when output is piped)")
    score.set_defaults(handler=_run_score)

    compare = _subcommand(commands, "compare", help="paired bootstrap of two systems on the same data",
                          description=_COMPARE_DESCRIPTION, epilog=_COMPARE_EXAMPLES)
    compare.add_argument("a", help="predictions of system A")
    compare.add_argument("b", help="predictions of system B")
    compare.add_argument("--data", required=True, help="the gold data file both systems answered")
    _add_scoring_options(compare)
    compare.add_argument("--na-prob-file-a", metavar="FILE", help="squad_v2: system A's {id: no-answer score} JSON")
    compare.add_argument("--na-prob-file-b", metavar="FILE", help="squad_v2: system B's {id: no-answer score} JSON")
    compare.add_argument(
        "--n-resamples",
        type=_integer(1, MAX_RESAMPLES),
        default=1000,
        help=f"bootstrap resamples, 1 to {MAX_RESAMPLES:,} (default 1000); p-values below 1/N show as p < 1/N",
    )
    compare.add_argument(
        "--confidence-level",
        type=_confidence_level,
        default=0.95,
        help="interval level, between 0 and 1 (default 0.95)",
    )
    compare.add_argument("--seed", type=_integer(0), default=0, help="random seed, an integer >= 0 (default 0)")
    compare.add_argument("--json", action="store_true", help="print JSON (the default when output is piped)")
    compare.set_defaults(handler=_run_compare)

    space = _subcommand(commands, "space", help="publish a metric folder as a Hugging Face Space",
                        description=_SPACE_DESCRIPTION, epilog=_SPACE_EXAMPLES)
    space_commands = space.add_subparsers(dest="space_command", required=True, metavar="ACTION")
    push = _subcommand(space_commands, "push", help="create the Space (gradio SDK) and upload the folder",
                       description=_SPACE_DESCRIPTION, epilog=_SPACE_EXAMPLES)
    push.add_argument("folder", help="the metric folder, e.g. metrics/qa_em_f1")
    push.add_argument("--repo-id", required=True, help="USER/NAME of the Space")
    push.add_argument("--private", action="store_true", default=None, help="create the Space private")
    push.add_argument("--dry-run", metavar="DIR", help="write the exact folder that would be pushed, push nothing")
    push.set_defaults(handler=_run_space_push)

    demo = _subcommand(commands, "demo", help="score the embedded SQuAD sample through the evaluate module "
                       "(run from the repository)", description=_DEMO_DESCRIPTION, epilog=_DEMO_EXAMPLES)
    demo.set_defaults(handler=_run_demo)
    return parser


def _add_scoring_options(parser: argparse.ArgumentParser) -> None:
    """The data and prediction options of ``score`` and ``compare``."""
    parser.add_argument("--preset", default="squad", choices=sorted(qascore.PRESETS), help="scoring rules (default squad)")
    parser.add_argument("--language", choices=MLQA_LANGUAGES, help="the language of --preset mlqa or --normalizer mlqa")
    parser.add_argument(
        "--normalizer", choices=NORMALIZERS,
        help="answer normaliser instead of the preset's (unicode: any language, e.g. el, ro, ru, th, tr)",
    )
    parser.add_argument("--split", help="the split of a saved DatasetDict (default: its only one, or validation)")
    parser.add_argument(
        "--na-prob-thresh",
        type=_finite_number,
        help="squad_v2: abstain when the no-answer score is above this finite number (default 1.0)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on missing or unknown prediction ids")
    parser.add_argument(
        "--duplicate-keys", choices=("error", "last"), default="error",
        help="a JSON key or JSON Lines id given twice: an error (default), or keep the last value as the official "
             "scripts (json.load) do, with a warning",
    )
    parser.add_argument(
        "--map-abstentions", action="store_true",
        help="squad_v2: score predictions such as 'unanswerable' or 'no answer' as the empty answer",
    )
    parser.add_argument("--skip-no-answer", action="store_true",
                        help="mrqa: leave questions without a prediction out of the total (default: they score 0)")
    parser.add_argument(
        "--lenient", metavar="METRIC", nargs="*", choices=LENIENT_METRICS,
        help=f"add lenient-match figures: these ({', '.join(LENIENT_METRICS)}), or all when none is named; "
             "lenient_match is the one recommended for generative QA",
    )
    parser.add_argument(
        "--extract-answers", action="store_true",
        help="score the answer stated in each prediction of a chat or reasoning model (<think> blocks dropped, "
             "'Answer:' / 'The answer is' / \\boxed{} taken) and report extraction_rate and extraction_failures",
    )
    parser.add_argument("--answer-field", choices=("answer", "answer_and_def_correct_predictions"),
                        help="ORQA presets: the reference field with the answers (default answer; EfficientQA test "
                             "also has answer_and_def_correct_predictions)")
    parser.add_argument("--is-regex", action="store_true",
                        help="ORQA presets: the answers are regular expressions (implied by curated_trec*)")
    parser.add_argument("--domain", choices=("Wikipedia", "Web"),
                        help="triviaqa: check that the dataset's Domain is this (the script reads it from the file)")
    parser.add_argument("--verified-eval", type=_true_or_false, metavar="{true,false}",
                        help="triviaqa: check that the dataset's VerifiedEval is this")
    phrases = parser.add_mutually_exclusive_group()
    phrases.add_argument("--abstentions", metavar="PHRASE", nargs="+",
                         help="squad_v2: these phrases instead of the default ones (implies --map-abstentions)")
    phrases.add_argument("--abstentions-file", metavar="FILE",
                         help="squad_v2: the phrases of this UTF-8 file, one a line (implies --map-abstentions)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``qascore`` command; returns the exit status (2 for bad input, with a message).

    When the reader of the output goes away (``qascore score ... | head -1``) the command
    stops quietly with status 141, as a command killed by SIGPIPE would.
    """
    args = build_parser().parse_args(argv)
    try:
        status = args.handler(args)
        sys.stdout.flush()  # here, not at exit, so a closed pipe is caught below
        return status
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return _EXIT_BROKEN_PIPE
    except (ValueError, TypeError, OSError, ImportError) as error:
        print(f"qascore {args.command}: error: {error}", file=sys.stderr)
        return _EXIT_USAGE
