"""Read `mkdocs.yml` without MkDocs, for the CLI, and find positions of plugin options.

MkDocs configs carry tags PyYAML's safe loader refuses (`!ENV`, `!!python/name:` for
Material's emoji functions); those are read leniently here because only `docs_dir` and
the evidence plugin's block matter to the engine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import Mark

PLUGIN_NAME = "evidence"


class ConfigFileError(ValueError):
    """The MkDocs config cannot be read at all."""


class _LenientLoader(yaml.SafeLoader):
    """SafeLoader that reads `!ENV` like MkDocs and every other tag as null."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node)  # type: ignore[arg-type]
        names, default = [str(i) for i in items[:-1]], items[-1]
    for name in names:
        if name in os.environ:
            return yaml.safe_load(os.environ[name])
    return default


def _ignore(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_LenientLoader.add_constructor("!ENV", _env)
_LenientLoader.add_multi_constructor("!", _ignore)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore)


@dataclass(frozen=True)
class MkDocsFile:
    """What the engine needs from `mkdocs.yml`."""

    path: Path
    docs_dir: Path
    site_dir: Path
    options: dict[str, Any]
    """The evidence plugin's options; empty when the plugin is listed without any."""
    enabled: bool
    placeholder_marks: dict[str, Mark] = field(default_factory=dict)


def read(path: Path) -> MkDocsFile:
    """Read the MkDocs config at `path` (no INHERIT), or raise ConfigFileError."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path}: cannot read the MkDocs config: {exc}") from None
    try:
        root = yaml.compose(text, Loader=_LenientLoader)
        loader = _LenientLoader(text)
        config = loader.construct_document(root) if root is not None else {}
    except yaml.YAMLError as exc:
        raise ConfigFileError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(config, dict):
        raise ConfigFileError(f"{path}: a MkDocs config is a mapping")
    options, enabled = _plugin_options(config.get("plugins"))
    if not enabled:
        raise ConfigFileError(f"{path}: the {PLUGIN_NAME!r} plugin is not in plugins")
    if not isinstance(options, dict):
        raise ConfigFileError(f"{path}: the {PLUGIN_NAME!r} plugin options must be a mapping")
    base = path.parent
    return MkDocsFile(
        path=path,
        docs_dir=(base / str(config.get("docs_dir") or "docs")).resolve(),
        site_dir=(base / str(config.get("site_dir") or "site")).resolve(),
        options=options,
        enabled=options.get("enabled", True) is not False,
        placeholder_marks=placeholder_marks(root),
    )


def compose(text: str) -> tuple[yaml.Node | None, Any]:
    """Config text as its node tree (with marks) and its value, tags read leniently (`!ENV`
    resolved like MkDocs, any other tag null); raises yaml.YAMLError."""
    root = yaml.compose(text, Loader=_LenientLoader)
    return root, (_LenientLoader(text).construct_document(root) if root is not None else None)


def plugin_listed(plugins: Any) -> bool:
    """Whether the evidence plugin is in a `plugins` value (a list or a mapping)."""
    return _plugin_options(plugins)[1]


def _plugin_options(plugins: Any) -> tuple[Any, bool]:
    if isinstance(plugins, dict):
        if PLUGIN_NAME in plugins:
            return plugins[PLUGIN_NAME] or {}, True
        return {}, False
    for entry in plugins or []:
        if entry == PLUGIN_NAME:
            return {}, True
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            return entry[PLUGIN_NAME] or {}, True
    return {}, False


def placeholder_marks(root: yaml.Node | None) -> dict[str, Mark]:
    """Positions of the keys under `plugins: - evidence: placeholders:`."""
    plugin = _child(_plugin_node(_child(root, "plugins")), "placeholders")
    if not isinstance(plugin, yaml.MappingNode):
        return {}
    return {
        str(key.value): Mark(key.start_mark.line + 1, key.start_mark.column + 1)
        for key, _ in plugin.value
    }


def read_marks(path: Path) -> dict[str, Mark]:
    """`placeholder_marks` of the config file at `path`; empty when it cannot be read."""
    try:
        return placeholder_marks(yaml.compose(path.read_text("utf-8-sig"), Loader=_LenientLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def _plugin_node(plugins: yaml.Node | None) -> yaml.Node | None:
    if isinstance(plugins, yaml.MappingNode):
        return _child(plugins, PLUGIN_NAME)
    if isinstance(plugins, yaml.SequenceNode):
        for entry in plugins.value:
            found = _child(entry, PLUGIN_NAME)
            if found is not None:
                return found
    return None


def plugin_mark(path: Path, key: str) -> Mark:
    """Position of `key` under `plugins: - evidence:` in the config file at `path`, else of
    the `evidence` entry itself; 1:1 when it cannot be read."""
    try:
        root = yaml.compose(path.read_text("utf-8-sig"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return Mark(1, 1)
    plugins = _child(root, "plugins")
    entries = plugins.value if isinstance(plugins, yaml.SequenceNode) else [plugins]
    for entry in entries:
        if not isinstance(entry, yaml.MappingNode):
            continue
        for name, options in entry.value:
            if name.value != PLUGIN_NAME:
                continue
            found = name
            if isinstance(options, yaml.MappingNode):
                found = next((k for k, _ in options.value if k.value == key), name)
            return Mark(found.start_mark.line + 1, found.start_mark.column + 1)
    return Mark(1, 1)


def item_marks(path: Path, *keys: str) -> list[Mark]:
    """Positions of the items of the sequence at `plugins: - evidence: <keys...>` in the
    config file at `path`; empty when it cannot be read or has no such sequence."""
    try:
        root = yaml.compose(path.read_text("utf-8-sig"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    node = _plugin_node(_child(root, "plugins"))
    for key in keys:
        node = _child(node, key)
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [Mark(item.start_mark.line + 1, item.start_mark.column + 1) for item in node.value]


# ---------------------------------------------------------------- the whole config, kept


@dataclass(frozen=True)
class Tagged:
    """A value under a tag this reader does not resolve (`!!python/name:...`), written back
    as it was so the builder resolves it."""

    tag: str
    value: Any


class _KeepingLoader(yaml.SafeLoader):
    """SafeLoader that resolves `!ENV` like MkDocs and keeps every other tag as `Tagged`."""


def _keep(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


_KeepingLoader.add_constructor("!ENV", _env)
_KeepingLoader.add_multi_constructor("!", _keep)
_KeepingLoader.add_multi_constructor("tag:yaml.org,2002:python/", _keep)


class _KeepingDumper(yaml.SafeDumper):
    """SafeDumper that writes `Tagged` values under their own tag."""


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_KeepingDumper.add_representer(Tagged, _represent_tagged)


def load_whole(path: Path) -> dict[str, Any]:
    """The whole MkDocs config at `path`, tags kept (see `Tagged`); raises ConfigFileError."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path}: cannot read the MkDocs config: {exc}") from None
    try:
        config = yaml.load(text, Loader=_KeepingLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ConfigFileError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(config, dict):
        raise ConfigFileError(f"{path}: a MkDocs config is a mapping")
    if "INHERIT" in config:
        raise ConfigFileError(f"{path}: INHERIT is not supported here; merge the files")
    return config


def dump_whole(config: dict[str, Any]) -> str:
    """A config read by `load_whole`, as YAML text, tags as they were."""
    return yaml.dump(
        config, Dumper=_KeepingDumper, sort_keys=False, allow_unicode=True, width=10_000
    )


def without_plugin(plugins: Any) -> Any:
    """The `plugins` config without the evidence plugin (a list or a mapping)."""
    if isinstance(plugins, dict):
        return {k: v for k, v in plugins.items() if k != PLUGIN_NAME}
    return [
        entry
        for entry in plugins or []
        if entry != PLUGIN_NAME and not (isinstance(entry, dict) and PLUGIN_NAME in entry)
    ]
