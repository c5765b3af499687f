"""Settings: read once from the environment; a bad value is one line and exit 2, from any command and from serve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import uvicorn

from assistant.cli import main
from assistant.service import serve
from assistant.settings import Settings
from ingest.errors import BadSetting

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No COUNCIL_* from the developer's shell; a home of the test's own."""
    import os

    for name in [n for n in os.environ if n.startswith("COUNCIL_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("COUNCIL_HOME", str(tmp_path / "home"))
    return monkeypatch


def _one_line_exit_2(capsys, argv: list[str], *words: str) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("council: "), err
    assert "Traceback" not in err and out == ""
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize(
    "name,value,words",
    [
        ("COUNCIL_K", "many", ("COUNCIL_K", "integer")),
        ("COUNCIL_K", "0", ("COUNCIL_K",)),
        ("COUNCIL_PORT", "http", ("COUNCIL_PORT",)),
        ("COUNCIL_ABSTAIN_COSINE", "high", ("COUNCIL_ABSTAIN_COSINE",)),
        ("COUNCIL_API_KEYS", "key", ("COUNCIL_API_KEYS", "key:role")),
        ("COUNCIL_API_KEYS", ":admin", ("COUNCIL_API_KEYS", "empty")),
        ("COUNCIL_API_KEYS", "k1:member, :admin", ("COUNCIL_API_KEYS", "empty")),
        ("COUNCIL_API_KEYS", "k1:owner", ("COUNCIL_API_KEYS", "public, member or admin")),
        ("COUNCIL_API_KEYS_FILE", "/nonexistent/keys.txt", ("COUNCIL_API_KEYS_FILE",)),
        ("COUNCIL_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024 + 1), ("COUNCIL_MAX_UPLOAD_BYTES", "52428800")),
        ("COUNCIL_WORKERS", "0", ("COUNCIL_WORKERS",)),
        ("COUNCIL_ENCODE_BATCH", "some", ("COUNCIL_ENCODE_BATCH", "integer")),
        ("COUNCIL_ENCODE_THREADS", "0", ("COUNCIL_ENCODE_THREADS",)),
    ],
)
@pytest.mark.parametrize("command", [["documents"], ["serve"], ["search", "autism"]])
def test_a_bad_setting_is_one_line_and_exit_2(clean_env, capsys, name, value, words, command):
    runs = []
    clean_env.setattr(uvicorn, "run", lambda app, **kw: runs.append(kw))
    clean_env.setenv(name, value)
    _one_line_exit_2(capsys, command, *words)
    assert runs == []


def test_a_bad_workers_option_is_one_line_and_exit_2(clean_env, capsys):
    runs = []
    clean_env.setattr(uvicorn, "run", lambda app, **kw: runs.append(kw))
    _one_line_exit_2(capsys, ["serve", "--workers", "0"], "COUNCIL_WORKERS")
    assert runs == []


@pytest.mark.parametrize("value", ["s3cret-key-value", "s3cret-key-value:owner", "ok:admin,s3cret-key-value"])
def test_a_key_is_never_echoed(clean_env, capsys, value):
    clean_env.setenv("COUNCIL_API_KEYS", value)
    assert main(["documents"]) == 2
    assert "s3cret" not in capsys.readouterr().err


def test_empty_keys_count_as_no_keys_for_the_loopback_guard(tmp_path):
    for keys in ("", " , ,", ","):
        s = Settings(home=tmp_path, host="0.0.0.0", api_keys=keys, api_keys_file=None)
        assert s.keys() == {}
        with pytest.raises(SystemExit, match="refusing to listen on 0.0.0.0 without API keys"):
            serve(s)


def test_a_key_list_is_read_once_with_its_file(tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("# admins\nfile-key:admin\n\n")
    s = Settings(home=tmp_path, api_keys="a:public, b:member", api_keys_file=keys)
    keys.write_text("changed:public\n")
    assert s.keys() == {"a": "public", "b": "member", "file-key": "admin"}


def test_settings_come_from_the_environment_once(clean_env, tmp_path):
    clean_env.setenv("COUNCIL_K", "5")
    clean_env.setenv("COUNCIL_API_KEYS", "k:admin")
    s = Settings()
    assert (s.k, s.keys(), s.home) == (5, {"k": "admin"}, tmp_path / "home")


def test_a_bad_setting_is_a_council_error_naming_the_variable(clean_env):
    clean_env.setenv("COUNCIL_APPROX_FROM", "lots")
    from assistant.settings import load

    with pytest.raises(BadSetting, match="^COUNCIL_APPROX_FROM: "):
        load()


def test_library_code_reads_no_environment():
    """Only the CLI (the composition root, with `council mcp`'s own arguments) and the model loader's offline
    switches touch os.environ."""
    offline = ("HF_", "TRANSFORMERS_")
    allowed = {
        ("assistant", "cli.py"): (*offline, "COUNCIL_HOME"),  # serve's --home and --model, for its workers
        ("assistant", "mcp_cli.py"): ("COUNCIL_MCP_KEY",),  # --key's default, for a desktop client's config
        ("index", "embed.py"): offline,
    }
    reads = re.compile(r"os\.environ|getenv\(|environ\[")
    found = []
    for folder in ("ingest", "index", "assistant"):
        for path in (ROOT / folder).rglob("*.py"):
            if (folder, path.name) in allowed and path.parent == ROOT / folder:
                lines = [ln for ln in path.read_text().splitlines() if reads.search(ln)]
                names = allowed[folder, path.name]
                assert all(any(name in ln for name in names) for ln in lines), (path, lines)
                continue
            if reads.search(path.read_text()):
                found.append(str(path.relative_to(ROOT)))
    assert found == []
