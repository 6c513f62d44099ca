"""From paired examples to numbers: per-question EM and F1 (:mod:`~qascore.scoring.exact_f1` on the
token tables of :mod:`~qascore.scoring.tokens`), then the reported results
(:mod:`~qascore.scoring.results`), with squad_v2's no-answer rules (:mod:`~qascore.scoring.no_answer`),
question types and grounding (:mod:`~qascore.scoring.question_types`), bootstrap intervals
(:mod:`~qascore.scoring.bootstrap`) and the paired comparison of two systems
(:mod:`~qascore.scoring.paired_bootstrap`).
"""
