"""Generated pages and files handed to MkDocs: clash checks, front matter and edit links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils.meta import YAML_RE, get_data

from .pages import Generated
from .yamlsafe import FastSafeLoader


class Handover:
    """Adds what `pages.generate` made to MkDocs' files; a `serve` session keeps one, which
    reads a front matter and resolves a record's path only once."""

    def __init__(self) -> None:
        self._front: set[str] = set()
        self._resolved: dict[Path, Path] = {}

    def add(self, files: Files, config: MkDocsConfig, made: Generated) -> None:
        edit_uris = {uri: self._edit_uri(path, config) for uri, path in made.sources.items()}
        for uri, data in made.images.items():
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, content=data))
        for uri, data in made.files.items():
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"nexus-pm: generated file {uri} clashes with a file in docs/")
            files.append(File.generated(config, uri, content=data))
        for uri, content in made.pages.items():
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"nexus-pm: generated page {uri} clashes with a file in docs/")
            self._check_front_matter(uri, content)
            file = File.generated(config, uri, content=content)
            # MkDocs joins this to repo_url and edit_uri (or edit_uri_template) itself, as it
            # does for docs/ pages; None, the default for generated files, means no edit link.
            file.edit_uri = edit_uris.get(uri)
            files.append(file)

    def _check_front_matter(self, uri: str, content: str) -> None:
        """Refuse a page whose front matter MkDocs would not read, rather than let it through."""
        if not content.lstrip().startswith("---"):
            return
        match = YAML_RE.match(content)
        # MkDocs reads a front matter it matches from its own text alone.
        if match is not None and match.group(0) in self._front:
            return
        # MkDocs' own reader: on any failure it keeps the front matter in the page, where
        # it is rendered as Markdown, attribute lists and all, with no warning.
        _, meta = get_data(content)
        if meta:
            if match is not None:
                self._front.add(match.group(0))
            return
        why = "it must open the page and close with a line of ---"
        if match is not None:
            try:
                yaml.load(match.group(1), Loader=FastSafeLoader)
                why = "it is not a mapping"
            except yaml.YAMLError as exc:
                why = " ".join(str(exc).split())
        raise PluginError(
            f"nexus-pm: generated page {uri} has front matter MkDocs cannot read: {why}"
        )

    def _edit_uri(self, path: Path, config: MkDocsConfig) -> str | None:
        """The record's path relative to `docs_dir`, which `edit_uri` points into, as a URL."""
        root = self._resolve(Path(config.config_file_path).parent)
        try:
            source = self._resolve(path).relative_to(root)
            up = len(self._resolve(Path(config.docs_dir)).relative_to(root).parts)
        except ValueError:
            return None
        # Material writes the edit link into href="..." unescaped: every segment is quoted, so
        # a quote, space or `<` in a folder or file name stays inside the URL.
        return "/".join([".."] * up + [quote(part, safe="") for part in source.parts])

    def _resolve(self, path: Path) -> Path:
        if path not in self._resolved:
            self._resolved[path] = path.resolve()
        return self._resolved[path]
