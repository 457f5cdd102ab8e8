"""The tests' app launcher survives a port taken between its pick and the app's bind (CI once
failed on that): the app is started again on another port."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest

from graph import server
from graph.settings import Settings
from tests import conftest, pipeline_graph
from tests.test_browser import _wait_healthy


@pytest.mark.neo4j
def test_an_app_whose_port_is_taken_starts_on_another(
    neo4j_server: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = taken.getsockname()[1]
    picks = iter([[busy]])
    real = pipeline_graph.free_ports
    monkeypatch.setattr(pipeline_graph, "free_ports", lambda n: next(picks, None) or real(n))
    try:
        with pipeline_graph.running_app(neo4j_server, _wait_healthy) as url:
            assert not url.endswith(f":{busy}")
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as r:
                assert r.status == 200
    finally:
        taken.close()


def test_test_ports_are_never_ones_an_outgoing_connection_could_get() -> None:
    first = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    ports = conftest.free_ports(50)
    assert len(set(ports)) == 50
    assert all(1024 < p < first for p in ports)


def test_the_benchmark_server_ports_are_below_the_ephemeral_range_too() -> None:
    first = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    odd = server.free_ports(20, lambda p: p % 2 == 1)
    assert len(set(odd)) == 20 and all(1024 < p < first and p % 2 for p in odd)
