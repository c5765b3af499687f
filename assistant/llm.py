"""An optional LLM answerer through LangChain's chat-model interface, with its citations checked.

The model is any OpenAI-compatible server (a hosted model, vLLM, Ollama, llama.cpp's server). Its
reply is never trusted as cited: markers that point at no passage sent are removed, and a sentence
left without a valid marker is listed in `unsupported` instead of being passed off as cited.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.answerer import lacks_what_was_asked
from assistant.models import NOT_FOUND, RELATED, Answer, AnswerSentence, Citation
from index.search import Hit

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
# The prompt asks for two to four sentences; a model that runs on is cut off here. Enforced on our side, as the
# reply streams in (closing the stream ends the request), because no one request field bounds every server:
# OpenAI refuses `max_tokens` beside `max_completion_tokens` (LangChain sends the latter), and llama-cpp-python's
# server ignores `max_completion_tokens`. Without it SmolLM2 fed an injected passage wrote 7,204 tokens, to the
# end of its context, for 317 s.
MAX_REPLY_CHARS = 2000
_MARKER = re.compile(r"\[(\d{1,3})\]")
_SENTENCE = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z0-9“\"‘(£])")


def load_prompt(name: str) -> str:
    """A prompt file from prompts/, by name."""
    return (PROMPTS / f"{name}.md").read_text(encoding="utf-8")


def _quote(text: str) -> str:
    # A passage must not be able to close its own <passage> tag and speak outside it.
    return html.escape(text, quote=True)


def build_messages(question: str, hits: list[Hit]) -> list[BaseMessage]:
    """The system prompt and the question with the passages, each in a tag numbered as its marker."""
    template = load_prompt("passage")
    passages = "\n".join(
        template.format(
            n=n,
            title=_quote(h.passage.part_title or h.doc["title"]),
            date=_quote(h.passage.part_date or h.doc.get("date") or "undated"),
            label=_quote(h.passage.label),
            text=_quote(h.passage.text),
        )
        for n, h in enumerate(hits, start=1)
    )
    user = load_prompt("answer_user").format(question=_quote(question), passages=passages)
    return [SystemMessage(load_prompt("answer_system")), HumanMessage(user)]


def split_sentences(reply: str) -> list[str]:
    """A reply's sentences, split where check_reply splits them (a sentence ends before a capital or figure)."""
    return _SENTENCE.split(reply) if reply else []


def clean_sentence(sentence: str, valid: range) -> tuple[str, list[int]]:
    """The sentence without the markers that point at no passage sent, and the markers that do."""
    good = [int(m) for m in _MARKER.findall(sentence) if int(m) in valid]
    cleaned = _MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in valid else "", sentence)
    return re.sub(r"\s+([.!?,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip(), good


def holds_what_was_asked(frame, answer: Answer, hits: list[Hit]) -> Answer:
    """The checked reply, or a decline when its cited sentences lack the amount asked for, or the amount of the
    year asked for (assistant/answerer.py: the extractive answerer's own check, on the model's sentences)."""
    if answer.abstained or frame is None:
        return answer
    said = [(s.text, hits[s.citations[0] - 1]) for s in answer.sentences if s.citations]
    reason = lacks_what_was_asked(frame, said)
    return Answer.declined(answer.question, answer.query, hits, reason) if reason else answer


def check_reply(question: str, query: str, reply: str, hits: list[Hit]) -> Answer:
    """Keep markers that point at a passage sent; list sentences left without one; cite only what is used."""
    reply = reply.strip()
    if not reply or NOT_FOUND.lower() in reply.lower():
        return Answer.declined(question, query, hits)
    valid = range(1, len(hits) + 1)
    used: list[int] = []
    kept_sentences, unsupported, cited = [], [], []
    for sentence in split_sentences(reply):
        cleaned, good = clean_sentence(sentence, valid)
        if not good:
            unsupported.append(cleaned)
        used += [m for m in good if m not in used]
        kept_sentences.append(cleaned)
        bare = re.sub(r"\s+([.!?,;:])", r"\1", _MARKER.sub("", cleaned)).strip()
        cited.append(AnswerSentence(text=bare, citations=list(dict.fromkeys(good))))
    citations = [Citation.from_hit(n, hits[n - 1]) for n in sorted(used)]
    related = [Citation.from_hit(0, h) for n, h in enumerate(hits, start=1) if n not in used][:RELATED]
    return Answer(
        question=question,
        query=query,
        answer=" ".join(kept_sentences),
        abstained=False,
        citations=citations,
        related=related,
        unsupported=unsupported,
        sentences=cited,
        passages=[Citation.from_hit(n, h) for n, h in enumerate(hits, start=1)],
    )


class LLMAnswerer:
    """Answers from passages with a chat model; holds the model client."""

    def __init__(self, model: BaseChatModel) -> None:
        self.model = model

    @classmethod
    def from_settings(cls, settings) -> LLMAnswerer:
        from langchain_openai import ChatOpenAI

        return cls(
            ChatOpenAI(
                model=settings.llm_model,
                base_url=settings.llm_base_url,
                api_key=settings.llm_api_key or "not-needed",
                temperature=0,
                timeout=60,
                max_retries=1,
            )
        )

    def _reply(self, question: str, hits: list[Hit]) -> Iterator[str]:
        """The model's reply as it streams in, up to MAX_REPLY_CHARS; past that the stream is closed."""
        total = 0
        chunks = self.model.stream(build_messages(question, hits))
        try:
            for chunk in chunks:
                token = str(chunk.content)[: MAX_REPLY_CHARS - total]
                total += len(token)
                yield token
                if total >= MAX_REPLY_CHARS:
                    return
        finally:
            chunks.close()  # LangChain closes the HTTP response: the server stops generating

    def answer(self, frame, question: str, query: str, hits: list[Hit]) -> Answer:
        """One call to the model, then the citation checks (the engine's abstention check came first)."""
        if not hits:
            return check_reply(question, query, NOT_FOUND, hits)
        return holds_what_was_asked(frame, check_reply(question, query, "".join(self._reply(question, hits)), hits),
                                    hits)

    def stream(self, frame, question: str, query: str, hits: list[Hit]) -> Iterator[str | Answer]:
        """The model's tokens as they come, then the checked Answer."""
        if not hits:
            yield check_reply(question, query, NOT_FOUND, hits)
            return
        parts = []
        for token in self._reply(question, hits):
            parts.append(token)
            yield token
        yield holds_what_was_asked(frame, check_reply(question, query, "".join(parts), hits), hits)
