"""docs/_ext/read_order.py spreads the notebook pages over Sphinx's parallel read chunks."""

from __future__ import annotations

import read_order  # docs/_ext, on sys.path through tests/docs_ext/conftest.py
from sphinx.util.parallel import make_chunks

# the site's shape: many cheap pages, sorted by name, with the costly notebooks at the end
DOCS = [f"auto_examples/e{i:02d}" for i in range(63)] + [f"theory/{i:02d}" for i in range(10)]
COST = {doc: (20.0 if doc.startswith("theory/") else 0.0) for doc in DOCS}


def _work_per_chunk(order: list[str], nproc: int) -> list[float]:
    return [sum(COST[d] for d in chunk) for chunk in make_chunks(order, nproc)]


def test_sorted_order_puts_every_notebook_in_one_chunk() -> None:
    # the problem the extension solves: one chunk (one worker) gets all the kernels
    work = _work_per_chunk(sorted(DOCS), 2)
    assert max(work) == sum(COST.values())


def test_balanced_order_keeps_the_pages_and_spreads_the_work() -> None:
    order = read_order.balanced_order(DOCS, COST.__getitem__, 2)
    assert sorted(order) == sorted(DOCS)
    work = _work_per_chunk(order, 2)
    assert max(work) - min(work) <= 20.0
