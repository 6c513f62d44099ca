"""The benchmarks' own files: strict readers (:mod:`~qascore.files.readers`), scoring a data file
against a predictions file (:mod:`~qascore.files.score`), reading both in pieces on several
processes (:mod:`~qascore.files.pieces`, :mod:`~qascore.files.parallel`), plots
(:mod:`~qascore.files.plots`) and outputs written whole or not at all (:mod:`~qascore.files.atomic`).
"""
