"""The cases of ../shared/data/expected.json as tables of rows, one per question, as an engine reads them."""

import pyarrow as pa

from conftest import case_options, load_json, reference_records


def case_table(case):
    """A case's questions joined with its predictions by id: a null prediction for a question the system
    did not answer, a null ``answers`` for a prediction of an unknown id; ``order`` is each
    prediction's place in the predictions file (what the official v2.0 script walks ties in)."""
    predictions = load_json(case["predictions"])
    null_odds = load_json(case["no_answer_probability"]) if "no_answer_probability" in case else None
    order = {id_: place for place, id_ in enumerate(predictions)}
    references = reference_records(case["data"])
    known = {reference["id"] for reference in references}
    ids = [reference["id"] for reference in references] + [id_ for id_ in predictions if id_ not in known]
    answers = {reference["id"]: reference["answers"] for reference in references}
    columns = {
        "id": ids,
        "prediction": [predictions.get(id_) for id_ in ids],
        "answers": [answers.get(id_) for id_ in ids],
        "order": [order.get(id_, -1) for id_ in ids],
    }
    if null_odds is not None:
        columns["no_answer_probability"] = [null_odds.get(id_) for id_ in ids]
    return pa.table(columns)


def options_of(case):
    """The case's compute() options (the official scripts' missing/extra rules), without the preset."""
    return case_options(case)
