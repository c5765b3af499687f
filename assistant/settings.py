"""The one settings object, read from the environment (COUNCIL_*) once and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from index.embed import DEFAULT_MODEL


class Settings(BaseSettings):
    """Where the data lives, which model embeds, how answers are made and who may call the service."""

    model_config = SettingsConfigDict(env_prefix="COUNCIL_", extra="ignore")

    home: Path = Path.home() / ".council"  # COUNCIL_HOME: the store, the vectors and the chat history
    model: str = DEFAULT_MODEL  # COUNCIL_MODEL: a sentence-transformers folder, or the bundled MiniLM's name
    k: int = 8  # passages an answer is built from
    approx_from: int = 200_000  # COUNCIL_APPROX_FROM: passages from which FAISS holds 8-bit codes, not floats
    # Abstain when the best passage's cosine or the best sentence's coverage of the question is below these.
    # Chosen by `python -m evals.calibrate` on the tune split of evals/data/dev.jsonl, never on the report split.
    abstain_cosine: float = 0.2
    abstain_coverage: float = 0.0
    abstain_focus: float = 0.0  # a passage holding the fact asked for must hold this share of the focus words
    max_question_chars: int = 2000
    max_upload_bytes: int = 50 * 1024 * 1024
    # API keys: "key:role" pairs, comma separated, or a file of such lines. Roles: public, member, admin.
    api_keys: str = ""
    api_keys_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # An optional LLM answerer, any OpenAI-compatible server; off when llm_model is empty.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None

    def keys(self) -> dict[str, str]:
        """API key -> role, from COUNCIL_API_KEYS and COUNCIL_API_KEYS_FILE."""
        pairs = [p for p in self.api_keys.split(",") if p.strip()]
        if self.api_keys_file and self.api_keys_file.is_file():
            pairs += [ln for ln in self.api_keys_file.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
        out = {}
        for pair in pairs:
            key, _, role = pair.strip().partition(":")
            if role.strip() not in ("public", "member", "admin"):
                raise ValueError(f"API key role must be public, member or admin, not {role.strip()!r}")
            out[key.strip()] = role.strip()
        return out
