"""Shared fixtures. No test reaches the internet: a guard refuses any socket that is not loopback."""

from __future__ import annotations

import fcntl
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from simulator.embeddings import FakeEmbedder, MiniLMEmbedder
from simulator.runtime import Runtime
from simulator.settings import PROJECT_ROOT, Settings

from .fitted_models import SHIPPED

# Property-based tests: "full" (the default, what `make test` and CI run) replays every fixed input a test declares;
# "fast" (`make test-fast`, MOCKSIM_TEST_HYPOTHESIS=fast) caps each property test at a handful of the same inputs;
# "wide" (benchmarks/reliability.py) replays more where a test names a wider count.
settings.register_profile("full")
settings.register_profile("fast", max_examples=40)
settings.register_profile("wide")  # benchmarks/reliability.py: the property tests' wider replays
settings.load_profile(os.environ.get("MOCKSIM_TEST_HYPOTHESIS", "full"))

# The longest test files, longest first (`--durations` on 2 cores): `make test` runs files side by side and starts
# these first, so the workers finish together. Only the order changes; a file left off simply runs later.
LONGEST = (
    "test_e2e_browser.py",
    "test_bad_input_properties.py",
    "test_conversation.py",
    "test_signin_browser.py",
    "test_index.py",
    "test_app_pages.py",
    "test_llm_servers.py",
    "test_cli_foundation.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONGEST)))


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlocked(RuntimeError):
    pass


def _allowed(sock: socket.socket, address: object) -> bool:
    if sock.family == socket.AF_UNIX:
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _allowed(self, address):
        raise NetworkBlocked(f"test tried to reach {address!r}: only loopback is allowed")
    return _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _allowed(self, address):
        raise NetworkBlocked(f"test tried to reach {address!r}: only loopback is allowed")
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)


def _run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder this run's pytest-xdist workers share (the run's base temp dir); without xdist, the process's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _once(folder: Path, make: Callable[[Path], None]) -> Path:
    """`folder`, made by `make` once per run: the first worker to arrive makes it under a lock, the rest wait for it
    and then use it as made."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_name(folder.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".made").touch()
    return folder


# Builds a data dir with the package's own code, in a child process so that Chroma has written and closed every file
# before a test copies the folder: argv is home, embedder, model cache; "warm" also fits the scorer's models.
_PREPARE = """
import sys
from pathlib import Path
from simulator.runtime import Runtime
from simulator.settings import PROJECT_ROOT, Settings
home, embedder, cache, warm = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4:] == ["warm"]
rt = Runtime(Settings(home=home, resources=PROJECT_ROOT, embedder=embedder, cache_dir=cache))
assert rt.ensure_index()
if warm:
    rt.scorer.warm_up()
"""


def _prepare(home: Path, embedder: str, cache: Path, *extra: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKSIM_", "CHROMA_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    cmd = [sys.executable, "-c", _PREPARE, str(home), embedder, str(cache), *extra]
    subprocess.run(cmd, check=True, env=env, cwd=PROJECT_ROOT)


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of fitted scoring models (intent, STAR roles) and the encoder's export for the whole run, shared by
    its workers, so each test's fresh data dir does not refit them; a test of the cold start unsets
    MOCKSIM_CACHE_DIR. It starts as a copy of the fake encoder's models shipped in tests/fixtures/model-cache/
    (tests/fitted_models.py says how they are kept current), so the run fits only what they do not hold, and never
    writes into the repository. Writers replace whole files, so workers sharing it never read half of one."""

    def make(cache: Path) -> None:
        for shipped in SHIPPED.glob("*.npz"):
            shutil.copyfile(shipped, cache / shipped.name)

    return _once(_run_dir(tmp_path_factory) / "model-cache", make)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> None:
    """No test reads the developer's ~/.mocksim, keys or servers."""
    for var in ("OPENAI_API_KEY", "CHROMA_HOST", "CHROMA_PORT", "DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    for var in list(__import__("os").environ):
        if var.startswith("MOCKSIM_") and not var.startswith("MOCKSIM_TEST_"):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MOCKSIM_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.setenv("MOCKSIM_CACHE_DIR", str(model_cache))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path_factory.mktemp("tiktoken")))
    from simulator import runtime, settings

    settings.get_settings.cache_clear()
    monkeypatch.setattr(runtime, "_default", None)


@pytest.fixture
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app and the CLI on the hashed fake embedder (`pytestmark = pytest.mark.usefixtures("fake_embedder")`)."""
    monkeypatch.setenv("MOCKSIM_EMBEDDER", "fake")


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    """The question index on the fake embedder, built once per run (about a second a test otherwise)."""
    home = _once(_run_dir(tmp_path_factory) / "fake-index-home", lambda h: _prepare(h, "fake", model_cache))
    return Settings(home=home, resources=PROJECT_ROOT).chroma_path


@pytest.fixture
def prebuilt_index(fake_embedder: None, fake_settings: Settings, fake_index: Path) -> None:
    """For tests about something other than building the index: the fake embedder, and this test's data dirs
    (MOCKSIM_HOME and `fake_settings`) start with a copy of the index built once per run. It is still checked
    as always: the stored corpus hash must match, or the index is rebuilt. test_index.py builds it for real."""
    for home in (Path(os.environ["MOCKSIM_HOME"]), fake_settings.home):
        shutil.copytree(fake_index, Settings(home=home, resources=PROJECT_ROOT).chroma_path)


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", resources=PROJECT_ROOT, embedder="fake")


@pytest.fixture
def fake_runtime(fake_settings: Settings) -> Runtime:
    return Runtime(fake_settings, embedder_override=FakeEmbedder())


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def minilm_home(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    """A data dir on the real MiniLM model, made once per run: its question index, and in `model_cache` the
    encoder's export and the models fitted on MiniLM vectors (about a minute of CPU, once instead of per worker
    and per app). Tests copy the index; the model cache is read where it is."""
    return _once(_run_dir(tmp_path_factory) / "minilm-home", lambda h: _prepare(h, "minilm", model_cache, "warm"))


@pytest.fixture(scope="session")
def minilm_runtime(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder, minilm_home: Path, model_cache: Path
) -> Iterator[Runtime]:
    """A runtime over the real corpus with the real MiniLM model, starting with a copy of the run's MiniLM index
    (checked as always: a stale one is rebuilt) and the run's fitted models."""
    home = tmp_path_factory.mktemp("minilm-home")
    settings = Settings(home=home, resources=PROJECT_ROOT, embedder="minilm", cache_dir=model_cache)
    shutil.copytree(Settings(home=minilm_home, resources=PROJECT_ROOT).chroma_path, settings.chroma_path)
    rt = Runtime(settings, embedder_override=minilm)
    rt.ensure_index()
    yield rt


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes empty databases of one kind: SQLite files, or databases on the suite's real PostgreSQL server
    (MOCKSIM_TEST_DATABASE_URL, started by scripts/test-services.sh). Those are dropped after the test."""
    made: list[str] = []
    admin = os.environ.get("MOCKSIM_TEST_DATABASE_URL")
    if request.param == "postgresql" and not admin:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL store tests: MOCKSIM_TEST_DATABASE_URL is not set")
        pytest.skip("no PostgreSQL server (run through `make test`, which starts one)")

    def make() -> str:
        name = "t_" + uuid.uuid4().hex[:10]
        made.append(name)
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / name}.db"
        import psycopg

        assert admin is not None
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return admin.rsplit("/", 1)[0] + "/" + name

    yield make
    if request.param == "postgresql" and admin:
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            for name in made:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
