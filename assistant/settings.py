"""The one settings object, read from the environment (COUNCIL_*) once and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, PrivateAttr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.embed import DEFAULT_MODEL
from index.vectors import APPROX_FROM
from ingest import limits
from ingest.errors import BadSetting

ROLES = ("public", "member", "admin")


class Settings(BaseSettings):
    """Where the data lives, which model embeds, how answers are made and who may call the service."""

    model_config = SettingsConfigDict(env_prefix="COUNCIL_", extra="ignore")

    home: Path = Path.home() / ".council"  # COUNCIL_HOME: the store, the vectors and the chat history
    # COUNCIL_DATABASE_URL: postgresql://... keeps documents, passages, vectors and postings in PostgreSQL
    # (index/pg_store.py) instead of COUNCIL_HOME; empty for the embedded default.
    database_url: str = ""
    model: str = DEFAULT_MODEL  # COUNCIL_MODEL: a sentence-transformers folder, or the bundled MiniLM's name
    k: int = Field(8, ge=1, le=50)  # passages an answer is built from
    approx_from: int = Field(APPROX_FROM, ge=0)  # COUNCIL_APPROX_FROM: passages from which FAISS holds 8-bit codes
    # Abstain when the best passage's cosine or the best sentence's coverage of the question is below these.
    # Chosen by `python -m evals.calibrate` on the tune split of evals/data/dev.jsonl, never on the report split.
    abstain_cosine: float = 0.2
    abstain_coverage: float = 0.0
    abstain_focus: float = 0.0  # a passage holding the fact asked for must hold this share of the focus words
    max_question_chars: int = Field(2000, ge=1)
    # An upload over this is refused (413) before it is saved. Ingest bounds any file at limits.MAX_BYTES, so a
    # larger value is a setting error: it would accept an upload that ingest then refuses.
    max_upload_bytes: int = Field(limits.MAX_BYTES, ge=1, le=limits.MAX_BYTES)
    # API keys: "key:role" pairs, comma separated, or a file of such lines. Roles: public, member, admin.
    api_keys: str = ""
    api_keys_file: Path | None = None
    # Questions asked at once share one model call, up to this many (index/query_batch.py); 1: each alone.
    encode_batch: int = Field(32, ge=1, le=256)
    # Server processes `council serve` runs, each with its own copy of the index, following the others' writes.
    workers: int = Field(1, ge=1, le=64)
    # Threads the model's kernels use in each server process. One: a question's encode takes one core while the
    # other requests' Python runs on the other (torch's default, every core, made /ask at 16 clients slower).
    encode_threads: int = Field(1, ge=1, le=256)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    # An optional LLM answerer, any OpenAI-compatible server; off when llm_model is empty.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None

    _keys: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_database_url(self) -> Settings:
        if self.database_url and not self.database_url.startswith(("postgresql://", "postgres://")):
            raise BadSetting("COUNCIL_DATABASE_URL: must be a postgresql:// URL (or empty for the embedded default)")
        return self

    @model_validator(mode="after")
    def _read_keys(self) -> Settings:
        # Read once, here: a malformed list fails at start-up (BadSetting, which pydantic passes on as it is),
        # and a key file edited later changes nothing until a restart.
        keys = _parse_keys(self.api_keys.split(","), "COUNCIL_API_KEYS", "entry")
        if self.api_keys_file is not None:
            try:
                text = self.api_keys_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                why = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
                raise BadSetting(f"COUNCIL_API_KEYS_FILE: cannot read {self.api_keys_file} ({why})") from None
            lines = [ln if not ln.lstrip().startswith("#") else "" for ln in text.splitlines()]
            keys |= _parse_keys(lines, "COUNCIL_API_KEYS_FILE", "line")
        self._keys = keys
        return self

    def keys(self) -> dict[str, str]:
        """API key -> role, from COUNCIL_API_KEYS and COUNCIL_API_KEYS_FILE as they were when read."""
        return dict(self._keys)


def _parse_keys(entries: list[str], name: str, unit: str) -> dict[str, str]:
    """Entries "key:role" (blank ones skipped); a bad one is a BadSetting saying where, never what the key is."""
    out = {}
    for n, entry in enumerate(entries, start=1):
        if not entry.strip():
            continue
        key, colon, role = entry.strip().rpartition(":")  # the role is after the last colon; a key may hold one
        if not colon:
            raise BadSetting(f"{name}: {unit} {n} is not key:role (comma separated pairs, roles {', '.join(ROLES)})")
        if not key.strip():
            raise BadSetting(f"{name}: {unit} {n} has an empty key")
        if role.strip() not in ROLES:
            raise BadSetting(f"{name}: the role in {unit} {n} must be public, member or admin")
        out[key.strip()] = role.strip()
    return out


def load(**overrides: object) -> Settings:
    """Settings from the environment (COUNCIL_*) and the given overrides; BadSetting naming the variable if one
    cannot be used. The reason is pydantic's, which says what was expected and never quotes the value."""
    try:
        return Settings(**overrides)
    except ValidationError as e:
        first = e.errors(include_input=False, include_url=False)[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        name = f"COUNCIL_{field.upper()}" if field else "COUNCIL_* settings"
        raise BadSetting(f"{name}: {first['msg']}") from None
