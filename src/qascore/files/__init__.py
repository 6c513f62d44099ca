"""The benchmarks' own files: strict readers (:mod:`~qascore.files.readers`), scoring a data file
against a predictions file (:mod:`~qascore.files.score`), plots (:mod:`~qascore.files.plots`) and
outputs written whole or not at all (:mod:`~qascore.files.atomic`).
"""
