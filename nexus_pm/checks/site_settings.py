"""What findings need from mkdocs.yml to link to the site: its URL and how pages are addressed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import NexusError, Problem, display_path
from .files import read_confined


@dataclass(frozen=True)
class SiteSettings:
    """What findings need from mkdocs.yml to link to the site."""

    site_url: str | None = None
    directory_urls: bool = True
    repo_url: str | None = None


def site_settings(config_file: Path, root: Path | None = None) -> SiteSettings:
    """`site_url`, `use_directory_urls` and `repo_url` from mkdocs.yml; no file, no links.

    With `root`, a config file that links out of it is refused, as records are.
    """
    if not config_file.is_file():
        return SiteSettings()
    text = read_confined(config_file, root) if root is not None else None
    # Imported here: `validate`, which proves rules, never reads the site's settings.
    import yaml

    # mkdocs.utils.yaml.get_yaml_loader() is this loader: its !ENV comes from yaml_env_tag.
    # Imported alone, which spares `match` and `check` the tenth of a second mkdocs takes.
    from yaml_env_tag import construct_env_tag  # type: ignore[import-untyped]

    class Loader(yaml.Loader):
        """mkdocs' loader (for !ENV), reading any other tag as nothing: few keys matter here."""

    Loader.add_constructor("!ENV", construct_env_tag)
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    shown = display_path(config_file)
    try:
        if text is not None:
            data = yaml.load(text, Loader=Loader)  # built on yaml.SafeLoader
        else:
            with config_file.open(encoding="utf-8") as handle:
                data = yaml.load(handle, Loader=Loader)
    # ValueError: a value YAML reads but Python cannot hold, such as `date: 2025-02-30`.
    except (OSError, ValueError, yaml.YAMLError) as exc:
        message = f"cannot read the MkDocs configuration: {str(exc).splitlines()[0]}"
        raise NexusError([Problem(shown, 1, "site_url", message)]) from None
    if not isinstance(data, dict):
        return SiteSettings()
    site_url, repo_url = data.get("site_url"), data.get("repo_url")
    return SiteSettings(
        str(site_url) if site_url else None,
        bool(data.get("use_directory_urls", True)),
        str(repo_url) if repo_url else None,
    )
