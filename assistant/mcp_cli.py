"""`council mcp`: its arguments (the server itself, and the SDK, load only when the command runs)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable


def add_parser(sub: argparse._SubParsersAction, func: Callable[[argparse.Namespace], int]) -> None:
    """Add `council mcp` to the CLI's subcommands."""
    sp = sub.add_parser("mcp", help="serve the papers as MCP tools (stdio for desktop clients, or streamable HTTP)")
    sp.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    sp.add_argument(
        "--key",
        default=os.environ.get("COUNCIL_MCP_KEY"),
        help="stdio: the API key this process acts with (default $COUNCIL_MCP_KEY; none: public papers only)",
    )
    sp.add_argument("--host", default="127.0.0.1", help="http: the address to listen on")
    sp.add_argument("--port", type=int, default=8001, help="http: the port (the MCP endpoint is /mcp)")
    sp.add_argument("--link-base", help="where `council serve` shows the papers (default its host and port)")
    sp.set_defaults(func=func)


def run(args: argparse.Namespace, settings) -> int:
    from assistant.mcp_server import run as serve

    serve(settings, args.transport, args.key, args.host, args.port, args.link_base)
    return 0
