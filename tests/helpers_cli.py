"""What the command-line tests share: the real files of ../shared/data they score, and running ``main()``."""

from __future__ import annotations

from qascore.cli import main

from helpers_space import SHARED_DATA

DEV_V11 = SHARED_DATA / "squad/dev-v1.1.json"
DEV_V20 = SHARED_DATA / "squad/dev-v2.0.json"
BERT = SHARED_DATA / "predictions/squad-v1.1/bert-ensemble_google.json"
LOGISTIC = SHARED_DATA / "predictions/squad-v1.1/logistic-regression-baseline_stanford.json"
BERT_V2 = SHARED_DATA / "predictions/squad-v2.0/bert-single_google.json"
XLNET = SHARED_DATA / "predictions/squad-v2.0/xlnet_newxlnet.json"
XLNET_ODDS = SHARED_DATA / "predictions/squad-v2.0/xlnet_newxlnet.null_odds.json"
XQUAD_EN = SHARED_DATA / "xquad/xquad.en.json"
XQUAD_EN_PREDICTIONS = SHARED_DATA / "predictions/xquad/xquad.en.goldplus.json"


def run_main(arguments, capsys) -> tuple[int, str, str]:
    """``qascore ARGUMENTS`` in process: its exit status, stdout and stderr."""
    status = main([str(argument) for argument in arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err
