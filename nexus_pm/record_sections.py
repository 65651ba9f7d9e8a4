"""Supporting sections of a format-2 record: titled text with code, log, table and other blocks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from .record_parts import Fact, Reference
from .record_types import (
    FEW,
    MANY,
    Cell,
    Language,
    Line,
    Model,
    RepoPath,
    Text,
    Verbatim,
    many,
    maybe,
)


class TextBlock(Model):
    """A paragraph between other blocks."""

    kind: Literal["text"] = Field(description="`text`.")
    text: Text = Field(description="The paragraph.")


class CodeBlock(Model):
    """Code or commands, verbatim."""

    kind: Literal["code"] = Field(description="`code`.")
    title: Line | None = maybe("What the code is.")
    language: Language = Field("text", description="Highlighting language, e.g. `bash`.")
    code: Verbatim = Field(description="The code, verbatim.")


class LogBlock(Model):
    """Log lines, status output or a chat log, verbatim."""

    kind: Literal["log"] = Field(description="`log`.")
    title: Line | None = maybe("What the log is, e.g. `Container status`.")
    content: Verbatim = Field(description="The lines, verbatim.")


class JsonBlock(Model):
    """A JSON document, such as a health-check response, verbatim."""

    kind: Literal["json"] = Field(description="`json`.")
    title: Line | None = maybe("What the document is.")
    content: Verbatim = Field(description="The JSON, verbatim.")


class TableBlock(Model):
    """A table: column headings and rows of cells."""

    kind: Literal["table"] = Field(description="`table`.")
    title: Line | None = maybe("What the table shows.")
    columns: list[Line] = Field(min_length=1, max_length=20, description="Column headings.")
    rows: list[Annotated[list[Cell], Field(max_length=20)]] = Field(
        min_length=1, max_length=MANY, description="Rows, each with one cell per column."
    )

    @model_validator(mode="after")
    def _rectangular(self) -> TableBlock:
        for number, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {number} has {len(row)} cells but the table has "
                    f"{len(self.columns)} columns"
                )
        return self


class ListBlock(Model):
    """A list of points."""

    kind: Literal["list"] = Field(description="`list`.")
    title: Line | None = maybe("The list's heading.")
    ordered: bool = Field(False, description="True for a numbered list.")
    items: list[Line] = Field(min_length=1, max_length=MANY, description="The points, in order.")


class FactsBlock(Model):
    """Label/value pairs, such as a status board."""

    kind: Literal["facts"] = Field(description="`facts`.")
    title: Line | None = maybe("What the facts describe.")
    facts: list[Fact] = Field(min_length=1, max_length=MANY, description="The label/value pairs.")


class ImageBlock(Model):
    """An image stored in the repo: a diagram, a graph, a screenshot."""

    kind: Literal["image"] = Field(description="`image`.")
    path: RepoPath = Field(description="Repo-relative path of the image file.")
    alt: Line = Field(description="What the image shows, for readers who cannot see it.")
    caption: Line | None = maybe("A caption under the image.")


class LinksBlock(Model):
    """Links, such as graphs hosted elsewhere or pull requests."""

    kind: Literal["links"] = Field(description="`links`.")
    title: Line | None = maybe("The list's heading.")
    links: list[Reference] = Field(min_length=1, max_length=FEW, description="The links.")


BLOCK_KINDS = ("text", "code", "log", "json", "table", "list", "facts", "image", "links")


def _block_kind(value: Any) -> str | None:
    # A callable discriminator: Pydantic then writes a plain oneOf to the JSON
    # Schema, without the OpenAPI-only `discriminator` keyword that ajv refuses.
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if kind in BLOCK_KINDS else None


Block = Annotated[
    Annotated[TextBlock, Tag("text")]
    | Annotated[CodeBlock, Tag("code")]
    | Annotated[LogBlock, Tag("log")]
    | Annotated[JsonBlock, Tag("json")]
    | Annotated[TableBlock, Tag("table")]
    | Annotated[ListBlock, Tag("list")]
    | Annotated[FactsBlock, Tag("facts")]
    | Annotated[ImageBlock, Tag("image")]
    | Annotated[LinksBlock, Tag("links")],
    Discriminator(
        _block_kind,
        custom_error_type="block_kind",
        custom_error_message="a block needs `kind:` text, code, log, json, table, list, facts, "
        "image or links",
    ),
]


class Section(Model):
    """A titled section for whatever the fixed fields do not cover: FAQ, decisions, appendix."""

    title: Line = Field(description="The section's heading, e.g. `Communications`.")
    text: Text | None = maybe("Prose at the top of the section.")
    blocks: list[Block] = many("The section's blocks, in order.")

    @model_validator(mode="after")
    def _not_empty(self) -> Section:
        if self.text is None and not self.blocks:
            raise ValueError(f"section {self.title!r} needs text or blocks")
        return self
