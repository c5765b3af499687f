"""The OpenAI chat-completions wire format, as far as /v1 speaks it, with the papers' citations as extra fields."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.links import LinkedCitation
from assistant.routes_ask import FiltersIn

MODEL = "council-papers"  # the one model /v1/models lists: the assistant with its configured answerer


class Message(BaseModel):
    """A chat message; content is text or a list of parts, of which the text parts are read."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class CompletionRequest(BaseModel):
    """A chat completion request. Front ends send temperature, max_tokens and more: accepted, and of no effect,
    since the answer is built from the papers; a system message cannot change how they are cited either."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    # Extra fields (the openai client's extra_body): filters inside retrieval, and the Sources list in the text.
    filters: FiltersIn | None = None
    k: int | None = Field(None, ge=1, le=50)
    sources: bool = Field(True, description="append the cited paragraphs as a Sources list to the answer's text")


class Cited(BaseModel):
    """What the answer rests on, beside the OpenAI fields: read by clients that know them, ignored by others."""

    citations: list[LinkedCitation] = Field(
        default_factory=list, description="the passages the markers [n] in the text point at, by n"
    )
    related: list[LinkedCitation] = Field(default_factory=list, description="possibly related passages, not cited")
    abstained: bool = Field(False, description="the papers do not answer the question")
    declined_because: str | None = None
    unsupported: list[str] = Field(default_factory=list, description="model sentences left without a valid citation")


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"


class Completion(Cited):
    """A chat completion whose text carries markers [n], with `citations` giving the passage each points at."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL
    choices: list[Choice]


class Delta(BaseModel):
    """A streamed piece of the answer (chat.completion.chunk); the last chunk carries the Cited fields."""

    role: Literal["assistant"] | None = None
    content: str | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "council-papers"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]
