"""The full graph (curated data and ESCO) built into a real Oxigraph server gives the embedded
store's answers and pathways (the checks of test_remote.py, in a file of their own so that the
two test workers can share the remote tests)."""

from __future__ import annotations

import pytest

from battkg.kg import KnowledgeGraph

from .remote_servers import start_oxigraph
from .test_remote import assert_same_answers, assert_same_pathways, remote_settings


@pytest.mark.slow
def test_full_esco_build_into_oxigraph_server(
    full_kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-esco"))
    try:
        kg = KnowledgeGraph(remote_settings(server, tmp_path_factory.mktemp("local"), esco=True))
        kg.build()
        assert_same_answers(full_kg, kg)
        assert_same_pathways(full_kg, kg)
    finally:
        server.stop()
