"""Settings: one typed object, read once from the environment (prefix PAPI_) or flags.

Built once by the command line (or a flow) and passed down; nothing else reads the
environment. Secrets are `SecretStr`, so they never show in a repr or a log line.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PLAN = Path(__file__).resolve().parent.parent / "plans" / "461-KH-UBND-binh-tan.yaml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAPI_", extra="ignore", frozen=True)

    data_dir: Path = Field(default=Path("papi-data"), description="store, archive, inbox, reports")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the data dir"
    )
    plan: Path = Field(default=DEFAULT_PLAN, description="the plan file")
    inbox: Path | None = Field(
        default=None, description="the drop folder; default: the data dir's inbox/"
    )
    push_url: str | None = None
    push_token: SecretStr | None = None
    smtp_url: SecretStr | None = None
    http_source_url: str | None = Field(
        default=None, description="the submission API's data URL (Kobo: /api/v2/assets/<uid>/data/)"
    )
    http_source_token: SecretStr | None = None
    http_source_retries: int = Field(
        default=5, ge=0, le=20, description="retries of a failed page, with growing waits"
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'papi.sqlite3').resolve()}"
