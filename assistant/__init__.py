"""Questions in, answers with citations out: the extractive answerer, chat, the CLI and the HTTP service."""
