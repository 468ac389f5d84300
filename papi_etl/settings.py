"""Settings: one typed object, read once from the environment (prefix PAPI_) or flags.

Built once by the command line (or a flow) and passed down; nothing else reads the
environment. Secrets are `SecretStr`, so they never show in a repr or a log line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    # Kobo account (`_submitted_by`) -> the unit it reports for: the API vouches for the
    # account, and the account for one unit, so a unit cannot report for another.
    http_source_accounts: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, description="account=UNIT pairs, comma-separated"
    )
    http_source_retries: int = Field(
        default=5, ge=0, le=20, description="retries of a failed page, with growing waits"
    )
    # Who runs the system, not who is in the plan: alerts about failed runs go here.
    operator_emails: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="operators' e-mail addresses, comma-separated"
    )
    operator_webhook: str | None = Field(
        default=None, description="where alerts about failed runs are posted as JSON"
    )

    @field_validator("operator_emails", mode="before")
    @classmethod
    def _split_addresses(cls, value: object) -> object:
        # An environment variable holds one string; a list is clearer there as "a@x,b@y"
        # than as JSON.
        if isinstance(value, str):
            value = tuple(a.strip() for a in value.split(",") if a.strip())
        for address in value if isinstance(value, (tuple, list)) else ():
            if "@" not in str(address).strip("@"):
                raise ValueError(f"not an e-mail address: {address!r}")
        return value

    @field_validator("http_source_accounts", mode="before")
    @classmethod
    def _split_accounts(cls, value: object) -> object:
        # "al.binhtan=AL, ala.binhtan=ALA": clearer in an environment variable than JSON.
        if not isinstance(value, str):
            return value
        pairs = {}
        for pair in (p.strip() for p in value.split(",") if p.strip()):
            account, equals, unit = (part.strip() for part in pair.partition("="))
            if not (account and equals and unit):
                raise ValueError(f"not an account=UNIT pair: {pair!r}")
            if account in pairs and pairs[account] != unit:
                raise ValueError(f"account {account!r} is given two units")
            pairs[account] = unit
        return pairs

    @field_validator("operator_webhook", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'papi.sqlite3').resolve()}"
