"""Configuration (SPEC §7): ``[tool.zonefix]`` in pyproject.toml, or
zonefix.toml / .zonefix.toml, found upward from each zone file.

An unknown key or a value of the wrong kind is an error that names the key
and the file: a typo must not silently turn a rule off.
"""

from __future__ import annotations

import os
from fnmatch import fnmatch
from typing import Any

from zonefix.document import Limits
from zonefix.plain import Plain

# Where configuration is found is a fact of reading files (a zone's
# repository bounds its $INCLUDEs): it lives there, importable here.
from zonefix.reading import FILE_NAMES as FILE_NAMES
from zonefix.reading import PathText, folder_of, name_of, pure_path
from zonefix.reading import default_include_root as default_include_root
from zonefix.reading import find_config as find_config
from zonefix.settings import MailSettings, Settings

DEFAULT_INCLUDE = ("db.*", "*.zone", "*.db")

_LIMIT_KEYS = {
    "generate": "generate",
    "include-depth": "include_depth",
    "line-length": "line_length",
    "file-size": "file_size",
    "records": "records",
}


class ConfigError(ValueError):
    """A configuration file zonefix cannot use."""


class Config(Plain):
    _fields = (
        *("path", "select", "ignore", "extend_select", "per_file_ignores"),
        *("include", "origins", "bump_serial", "include_root", "limits"),
        *("mail_providers", "profiles"),
    )
    __slots__ = _fields
    #: The file it came from (None: defaults).
    path: str | None
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...]
    #: glob (relative to the configuration's folder) -> codes to ignore there.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...]
    #: File names a directory argument contributes.
    include: tuple[str, ...]
    #: glob -> origin; a plain string in the file applies to every zone.
    origins: tuple[tuple[str, str], ...]
    bump_serial: bool
    #: Where $INCLUDE may read, as the file sets it (inside its repository).
    include_root: str | None
    #: None: Limits' defaults.
    limits: Limits | None
    #: (name, provider id): "@" is the apex; other names are relative to
    #: the zone's origin unless absolute.
    mail_providers: tuple[tuple[str, str], ...]
    #: Profiles the configuration adds (or replaces, by id).
    profiles: tuple[Any, ...]

    def __init__(
        self,
        path: str | None = None,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        extend_select: tuple[str, ...] = (),
        per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = (),
        include: tuple[str, ...] = DEFAULT_INCLUDE,
        origins: tuple[tuple[str, str], ...] = (),
        bump_serial: bool = True,
        include_root: str | None = None,
        limits: Limits | None = None,
        mail_providers: tuple[tuple[str, str], ...] = (),
        profiles: tuple[Any, ...] = (),
    ) -> None:
        self.path = path
        self.select = select
        self.ignore = ignore
        self.extend_select = extend_select
        self.per_file_ignores = per_file_ignores
        self.include = include
        self.origins = origins
        self.bump_serial = bump_serial
        self.include_root = include_root
        self.limits = limits
        self.mail_providers = mail_providers
        self.profiles = profiles

    def settings(self) -> Settings:
        """What a run of the rules reads from this configuration."""
        return Settings(
            MailSettings(self.mail_providers, self.profiles), self.limits or Limits()
        )

    def ignored_for(self, file: PathText) -> tuple[str, ...]:
        """Codes per-file-ignores silence in *file*."""
        relative = self._relative(file)
        return tuple(
            code
            for pattern, codes in self.per_file_ignores
            if fnmatch(relative, pattern)
            for code in codes
        )

    def origin_for(self, file: PathText) -> str | None:
        relative = self._relative(file)
        name = name_of(file)
        for pattern, origin in self.origins:
            if fnmatch(relative, pattern) or fnmatch(name, pattern):
                return origin
        return None

    def root_for(self, file: PathText) -> str:
        """The include root for *file*: the configured one, else the
        repository (see default_include_root)."""
        if self.include_root is not None:
            return self.include_root
        return default_include_root(file, self.path, searched=True)

    def _relative(self, file: PathText) -> str:
        """*file* relative to this configuration's folder (or the working
        directory), / separated; as it is, where it lies outside."""
        base = os.path.realpath(folder_of(self.path) if self.path else os.getcwd())
        real = os.path.realpath(file)
        if real == base:
            return "."
        top = base.rstrip("/") + "/"
        if real.startswith(top):
            return real[len(top) :]
        return pure_path(file)


def load_config(path: PathText) -> Config:
    """Read and check one configuration file."""
    import tomllib  # PERF: only where a configuration file is met

    path = pure_path(path)
    try:
        with open(path, encoding="utf-8") as file:
            data = tomllib.loads(file.read())
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("zonefix", {})
    return _parse(path, data)


def _parse(path: str, data: dict[str, Any]) -> Config:
    def fail(key: str, expected: str) -> ConfigError:
        return ConfigError(f"{path}: '{key}' must be {expected}")

    def codes(key: str) -> tuple[str, ...]:
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            raise fail(key, "a list of rule codes or prefixes")
        return tuple(c.strip().upper() for c in value)

    fields: dict[str, Any] = {"path": path}
    limits: dict[str, int] = {}
    for key, value in data.items():
        if key in ("select", "ignore", "extend-select"):
            fields[key.replace("-", "_")] = codes(key)
        elif key == "per-file-ignores":
            if not isinstance(value, dict) or not all(
                isinstance(v, list) and all(isinstance(c, str) for c in v)
                for v in value.values()
            ):
                raise fail(key, "a table of glob = [codes]")
            fields["per_file_ignores"] = tuple(
                (glob, tuple(c.upper() for c in v)) for glob, v in value.items()
            )
        elif key == "include":
            if not isinstance(value, list) or not all(
                isinstance(g, str) for g in value
            ):
                raise fail(key, "a list of file name globs")
            fields["include"] = tuple(value)
        elif key == "origin":
            origins = _one_or_table(value, "*")
            if origins is None:
                raise fail(key, "a domain name, or a table of glob = domain name")
            fields["origins"] = origins
            _check_names(path, key, [o for _, o in origins])
        elif key == "bump-serial":
            if not isinstance(value, bool):
                raise fail(key, "true or false")
            fields["bump_serial"] = value
        elif key == "include-root":
            if not isinstance(value, str):
                raise fail(key, "a folder (relative to this file)")
            fields["include_root"] = _include_root(path, value)
        elif key == "limits":
            if not isinstance(value, dict):
                raise fail(key, "a table")
            for name, number in value.items():
                if name not in _LIMIT_KEYS:
                    raise ConfigError(f"{path}: unknown key 'limits.{name}'")
                if (
                    not isinstance(number, int)
                    or isinstance(number, bool)
                    or number < 1
                ):
                    raise fail(f"limits.{name}", "a positive whole number")
                limits[_LIMIT_KEYS[name]] = number
        elif key == "mail-provider":
            providers = _one_or_table(value, "@")
            if providers is None:
                raise fail(key, "a provider id, or a table of name = provider id")
            fields["mail_providers"] = providers
        elif key == "providers":
            fields["profiles"] = _profiles(path, value)
        else:
            raise ConfigError(f"{path}: unknown key '{key}'")
    if "mail_providers" in fields:
        _check_provider_ids(path, fields["mail_providers"], fields.get("profiles", ()))
    if limits:
        fields["limits"] = Limits()._replace(**limits)
    return Config(**fields)


def _include_root(path: str, value: str) -> str:
    """A configured include root: it may narrow the repository's, never
    widen it (a repository's own file must not make zonefix read, and
    quote, files outside it; --include-root on the command line can)."""
    from zonefix.reading import git_work_tree, inside

    folder = os.path.dirname(os.path.abspath(path))
    root = os.path.realpath(os.path.join(folder, value))
    repository = git_work_tree(folder) or folder
    if not inside(root, repository):
        raise ConfigError(
            f"{path}: 'include-root' = '{value}' is outside the repository "
            f"({repository}); a configuration may narrow the include root, not "
            "widen it (--include-root on the command line can)"
        )
    return root


def _one_or_table(value: object, key: str) -> tuple[tuple[str, str], ...] | None:
    """A string (which stands for *key*) or a table of strings, as (key,
    string) pairs; None when it is neither."""
    if isinstance(value, str):
        return ((key, value),)
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return tuple(value.items())
    return None


def _profiles(path: str, value: object) -> tuple[Any, ...]:
    """``[providers.<id>]`` tables: profiles added or replaced."""
    from zonefix.providers import ProfileError, profile_from_mapping

    if not isinstance(value, dict) or not all(
        isinstance(v, dict) for v in value.values()
    ):
        raise ConfigError(f"{path}: 'providers' must be a table of profile tables")
    try:
        return tuple(
            profile_from_mapping({"id": ident, **table}, f"{path}: providers")
            for ident, table in value.items()
        )
    except ProfileError as error:
        raise ConfigError(str(error)) from None


def _check_provider_ids(
    path: str, pairs: tuple[tuple[str, str], ...], profiles: tuple[Any, ...]
) -> None:
    from zonefix.providers import OTHER, all_profiles

    known = all_profiles(profiles)
    for name, ident in pairs:
        if ident != OTHER and ident not in known:
            raise ConfigError(
                f"{path}: 'mail-provider' names '{ident}' (for {name}), which is no "
                "profile; see --list-providers"
            )


def _check_names(path: str, key: str, names: list[str]) -> None:
    import dns.exception
    import dns.name

    for name in names:
        try:
            dns.name.from_text(name)
        except dns.exception.DNSException as error:
            raise ConfigError(
                f"{path}: '{key}' = '{name}' is not a domain name: {error}"
            ) from None
