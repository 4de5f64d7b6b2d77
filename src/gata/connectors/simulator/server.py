"""Run the simulator on a loopback port in a thread (tests, benches) and talk to its admin routes."""

from __future__ import annotations

import socket
import threading
import time
from datetime import date

import httpx
import uvicorn

from gata.config.tenants import GataConfig
from gata.connectors.simulator.app import create_app
from gata.connectors.simulator.state import SimulatorState


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SimulatorServer:
    """A started simulator: `url(prefix)` is a platform's base URL; the other methods script it."""

    def __init__(self, config: GataConfig, as_of: date | None = None, port: int | None = None) -> None:
        self.state = SimulatorState(config) if as_of is None else SimulatorState(config, as_of=as_of)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(
            uvicorn.Config(
                create_app(self.state), host="127.0.0.1", port=self.port, log_level="warning", access_log=False
            )
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> SimulatorServer:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the API simulator did not start on port {self.port}")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def url(self, prefix: str) -> str:
        return f"{self.base}/{prefix}"

    def _admin(self, method: str, path: str, **kwargs) -> httpx.Response:
        response = httpx.request(method, f"{self.base}/_simulator/{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response

    def clock(self, as_of: date) -> None:
        self._admin("POST", "clock", json={"as_of": as_of.isoformat()})

    def token(self, token: str, state: str = "valid") -> None:
        self._admin("POST", "tokens", json={"token": token, "state": state})

    def fault(self, kind: str, path_contains: str = "", times: int = 1, retry_after: int = 1) -> None:
        self._admin(
            "POST",
            "faults",
            json={"kind": kind, "path_contains": path_contains, "times": times, "retry_after": retry_after},
        )

    def clear_faults(self) -> None:
        self._admin("DELETE", "faults")

    def requests(self) -> list[dict]:
        return self._admin("GET", "requests").json()

    def clear_requests(self) -> None:
        self._admin("DELETE", "requests")
