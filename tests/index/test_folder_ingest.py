"""Folder ingest under hostile contents: links out of the folder, files with no passages, a reader's own bug."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.cli import main
from index.build import expand, ingest_paths
from index.search import Index
from ingest.readers import html

GOOD = "004_a930b2b3540043e5.txt"


@pytest.fixture
def index(tmp_path: Path, embedder):
    idx = Index(tmp_path / "home", embedder=embedder)
    yield idx
    idx.close()


@pytest.fixture
def folder(tmp_path: Path, seeds_dir: Path) -> Path:
    """A folder holding one good paper."""
    path = tmp_path / "papers"
    path.mkdir()
    shutil.copy(seeds_dir / GOOD, path / GOOD)
    return path


def test_a_link_out_of_the_folder_is_skipped_and_reported(index, folder, tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("1. The Hollowmere contract value is commercially sensitive.\n")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "secret.txt").symlink_to(outside / "secret.txt")
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    (folder / "copy.txt").symlink_to(folder / GOOD)  # a link that stays inside the folder is read as usual

    assert [source for _, source in expand([folder])] == [GOOD, "copy.txt"]
    report = ingest_paths(index, [folder])
    assert sorted(report.added) == sorted([GOOD, "copy.txt"])
    failed = dict(report.failed)
    assert set(failed) == {str(folder / "passwd.txt"), str(folder / "secret.txt"), str(folder / "elsewhere")}
    assert all("outside the folder" in reason for reason in failed.values())
    assert all("/etc/passwd" not in reason and str(outside) not in reason for reason in failed.values())
    texts = " ".join(p.text for d in index.store.documents() for p in index.store.document(d["doc_id"]).passages)
    assert "root:" not in texts and "Hollowmere" not in texts


def test_a_file_named_directly_may_be_a_link(index, folder, tmp_path):
    link = tmp_path / "named.txt"
    link.symlink_to(folder / GOOD)
    assert ingest_paths(index, [link]).added == ["named.txt"]


def test_a_file_with_no_passages_is_reported_failed_and_not_stored(index, folder):
    (folder / "dash.txt").write_text("- \n")
    report = ingest_paths(index, [folder])
    assert report.added == [GOOD]
    [(name, reason)] = report.failed
    assert name == str(folder / "dash.txt") and "no text found" in reason
    assert {d["source"] for d in index.store.documents()} == {GOOD}


def test_deeply_nested_html_does_not_stop_the_folder(index, folder):
    (folder / "deep.html").write_text(
        "<html><body>" + "<div>" * 500 + "<p>1. The committee approved the deep plan.</p>" + "</div>" * 500 + "</body>"
    )
    report = ingest_paths(index, [folder])
    assert sorted(report.added) == sorted([GOOD, "deep.html"]) and report.failed == []


def test_a_readers_unexpected_error_fails_that_file_only(index, folder, monkeypatch):
    (folder / "page.html").write_text("<html><body><p>1. A page.</p></body></html>")
    (folder / "zz_last.txt").write_text("1. The last paper of the folder approved the zqlast budget.\n")

    def bug(path: Path):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(html, "read_html", bug)  # stands for a bug a hostile file finds in a reader
    report = ingest_paths(index, [folder])
    assert sorted(report.added) == sorted([GOOD, "zz_last.txt"])
    [(name, reason)] = report.failed
    assert name == str(folder / "page.html") and "RecursionError" in reason


def test_the_cli_prints_a_summary_line_whatever_fails(folder, tmp_path, monkeypatch, capsys):
    (folder / "page.html").write_text("<html><body><p>1. A page.</p></body></html>")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "dash.txt").write_text("- \n")
    monkeypatch.setattr(html, "read_html", lambda path: 1 / 0)
    code = main(["--home", str(tmp_path / "cli-home"), "ingest", str(folder), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "1 added, 0 unchanged, 0 replaced, 3 failed" in out
    assert err.count("failed: ") == 3 and "ZeroDivisionError" in err and "Traceback" not in err
