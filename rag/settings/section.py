"""How every settings section reads the environment: its prefix, the `.env` file, no unknown keys."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict


def section_config(prefix: str = "GUIDEQA_") -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=prefix,
        env_file=".env",
        extra="forbid",
        populate_by_name=True,
    )
