"""The pipeline's Gherkin step library (pytest-bdd), loaded by the pytest plugin ``steps.plugin``.

Steps, by concept: ``batches`` (register, what BOS reports), ``pipelines`` (requests, refusals,
phases, completion), ``messages`` (who publishes what, correlation ids), ``behaviours``
(simulator knobs, redelivery), ``results`` (what the Result Aggregator recorded). They are thin:
the work is in ``client_flow``, ``expectations``, ``behaviour_changes`` and the harness.
"""
