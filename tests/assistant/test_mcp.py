"""`council mcp` through the MCP SDK's own client: over stdio (the CLI as a subprocess) and over streamable HTTP (a
real server on loopback); every tool, every role, and no trace of the restricted paper for a public caller."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from assistant.auth import Engine
from assistant.mcp_server import Access, build, http_app

ROOT = Path(__file__).resolve().parents[2]
API_KEYS = "pub-key:public,mem-key:member,adm-key:admin"
AUTISM = "How long do children wait for an autism assessment?"
SECRET_Q = "What is the zebra crossing budget for the Part II exempt item?"
LINK = "http://papers.example"
TOOLS = {"search_papers", "ask", "get_passage", "list_documents", "record_meetings", "record_recommendations",
         "record_actions", "record_inspections"}  # fmt: skip
MISSING_ID = "0123456789abcdef"


def dumped(result) -> str:
    """Everything a tool result carries (text content and structured content), as one string."""
    return result.model_dump_json()


async def calls(client: Client, restricted_id: str) -> dict[str, object]:
    """Every tool, called as a caller would call it, including with the restricted paper's id."""
    out: dict[str, object] = {}
    out["tools"] = {t.name for t in (await client.list_tools()).tools}
    out["autism"] = await client.call_tool("ask", {"question": AUTISM})
    out["secret"] = await client.call_tool("ask", {"question": SECRET_Q})
    out["search"] = await client.call_tool("search_papers", {"query": "zebra crossing budget private session", "k": 50})
    out["documents"] = await client.call_tool("list_documents", {})
    out["hidden"] = await client.call_tool("get_passage", {"doc_id": restricted_id, "passage_id": f"{restricted_id}:2"})
    out["missing"] = await client.call_tool("get_passage", {"doc_id": MISSING_ID, "passage_id": f"{MISSING_ID}:2"})
    for view in ("meetings", "recommendations", "actions", "inspections"):
        out[view] = await client.call_tool(f"record_{view}", {})
    return out


def check_public(out: dict[str, object], markers: tuple[str, ...]) -> None:
    assert out["tools"] == TOOLS
    for name, result in out.items():
        if name != "tools":
            assert not any(m in dumped(result) for m in markers), name
    # A restricted paper answers exactly as a missing one does.
    assert out["hidden"].is_error and out["hidden"].content == out["missing"].content
    assert "no such document" in out["hidden"].content[0].text


def check_member(out: dict[str, object], restricted_id: str) -> None:
    secret = out["secret"].structured_content
    assert restricted_id in {c["doc_id"] for c in secret["citations"]} and "9,999,123" in secret["answer"]
    assert restricted_id in {d["doc_id"] for d in out["documents"].structured_content["documents"]}
    assert "9,999,123" in out["hidden"].structured_content["passage"]["text"]


def check_answer(out: dict[str, object], link_base: str) -> None:
    """The autism answer: markers in the text, each citation structured with its label, paper, date and link."""
    result = out["autism"]
    a = result.structured_content
    assert not result.is_error and not a["abstained"] and a["citations"]
    assert json.loads(result.content[0].text) == a  # the same, as text, for clients that read only text
    for c in a["citations"]:
        assert f"[{c['n']}]" in a["answer"] and c["label"] and c["title"] and c["date"]
        assert c["link"] == f"{link_base}/library/{c['doc_id']}#p{c['passage_id'].rsplit(':', 1)[1]}"
    assert "001_91430a77e23df6d2.txt" in {c["source"] for c in a["citations"]}
    meetings = out["meetings"].structured_content["result"]
    assert meetings and all(m["id"] for m in meetings)


# --- streamable HTTP ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mcp_url(settings, assistant, serve_app):
    server = build(Engine(assistant), Access(settings.keys()), LINK)
    with serve_app(http_app(server, settings.keys(), "127.0.0.1")) as url:
        yield url


def over_http(url: str, key: str | None, restricted_id: str) -> dict[str, object]:
    async def main() -> dict[str, object]:
        headers = {"X-API-Key": key} if key else {}
        async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
            async with Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
                return await calls(client, restricted_id)

    return asyncio.run(main())


@pytest.mark.both_backends
@pytest.mark.parametrize("key", [None, "pub-key"])
def test_over_http_a_public_caller_sees_no_trace_of_the_restricted_paper(mcp_url, corpus, key):
    out = over_http(mcp_url, key, corpus.restricted_id)
    check_public(out, corpus.markers)
    check_answer(out, LINK)


@pytest.mark.both_backends
def test_over_http_a_member_key_reads_the_restricted_paper(mcp_url, corpus):
    check_member(over_http(mcp_url, "mem-key", corpus.restricted_id), corpus.restricted_id)


def test_over_http_an_unknown_key_is_refused_before_mcp(mcp_url):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    for headers in ({"X-API-Key": "nope"}, {"Authorization": "Bearer nope"}):
        r = httpx.post(f"{mcp_url}/mcp", json=body, headers=headers)
        assert r.status_code == 401 and r.json() == {"detail": "unknown API key"}
    with pytest.raises(Exception):  # noqa: B017 - the SDK's own error for a refused connection
        over_http(mcp_url, "nope", MISSING_ID)


def test_over_http_bad_arguments_are_tool_errors_with_a_reason(mcp_url):
    async def main():
        async with Client(f"{mcp_url}/mcp") as client:
            return (
                await client.call_tool("record_meetings", {"since": "last year"}),
                await client.call_tool("search_papers", {"query": "x" * 3000}),
                await client.call_tool("ask", {"question": "  "}),
            )

    for result, reason in zip(asyncio.run(main()), ("ISO date", "over 2000 characters", "empty"), strict=True):
        assert result.is_error and reason in result.content[0].text


# --- stdio: `council mcp` as a desktop client starts it ------------------------------------------------------------


@pytest.fixture(scope="module")
def stdio_home(tmp_path_factory, corpus, copy_database) -> Path:
    """A copy of the service tests' papers, so the subprocess opens an index of its own."""
    home = tmp_path_factory.mktemp("mcp-home")
    copy_database(corpus.index.store.db, home / "council.db")
    return home


def over_stdio(home: Path, key: str | None, restricted_id: str) -> dict[str, object]:
    env = {"COUNCIL_API_KEYS": API_KEYS, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env |= {"COUNCIL_MCP_KEY": key} if key else {}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "assistant.cli", "--home", str(home), "mcp"], env=env, cwd=str(ROOT)
    )

    async def main() -> dict[str, object]:
        async with Client(params, read_timeout_seconds=300) as client:
            return await calls(client, restricted_id)

    return asyncio.run(main())


def test_over_stdio_public_by_default_and_a_member_with_a_key(stdio_home, corpus):
    public = over_stdio(stdio_home, None, corpus.restricted_id)
    check_public(public, corpus.markers)
    check_answer(public, "http://127.0.0.1:8000")  # the links point where `council serve` runs by default
    check_member(over_stdio(stdio_home, "mem-key", corpus.restricted_id), corpus.restricted_id)


def test_over_stdio_an_unknown_key_stops_the_server_at_once(stdio_home):
    r = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--home", str(stdio_home), "mcp", "--key", "nope"],
        env={"COUNCIL_API_KEYS": API_KEYS, "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 0 and "unknown API key" in r.stderr and r.stdout == ""
