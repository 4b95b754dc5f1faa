"""Service settings, read from the environment (prefix PROPERTYTAX_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secret used when none is configured: good for a laptop, refused when PROPERTYTAX_ENVIRONMENT=production.
DEVELOPMENT_AUTH_SECRET = "propertytax-development-secret-change-me-0123456789"  # noqa: S105
# Key that seals identity numbers at rest (Fernet); likewise refused in production.
DEVELOPMENT_PII_KEY = "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcmVhbC11c2U="


class Settings(BaseSettings):
    """One process's configuration. Every field can be set as PROPERTYTAX_<FIELD_NAME>."""

    model_config = SettingsConfigDict(env_prefix="PROPERTYTAX_", extra="ignore")

    environment: str = "development"
    var_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is an SQLite file per service in var_dir"
    )
    kafka_bootstrap: str = "127.0.0.1:9092"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
    grpc_workers: int = 16
    shutdown_grace_seconds: float = 10.0
    auth_secret: SecretStr = SecretStr(DEVELOPMENT_AUTH_SECRET)
    auth_issuer: str = "propertytax"
    pii_key: SecretStr = SecretStr(DEVELOPMENT_PII_KEY)
    relay_batch_size: int = 500
    relay_poll_seconds: float = 0.2
    # One relay per service database publishes; another process's relay waits this long between tries
    # to take over (it does when the active one's process or database session is gone).
    relay_standby_retry_seconds: float = 2.0
    # While Kafka is away the relay retries with a pause doubling from relay_poll_seconds up to this:
    # no hot loop, and events flow again within about this long after the broker is back.
    relay_max_backoff_seconds: float = 10.0
    # Published outbox rows and inbox ids are deleted after these many days. Both must be longer than the
    # longest retention in infra/kafka/topics.toml (refused at start otherwise): an event still on a topic,
    # or a dead letter still replayable, must find its inbox id, or a repeat would be handled twice.
    outbox_retention_days: float = 100.0
    inbox_retention_days: float = 100.0
    # How often each service prunes them, and how many rows one short delete transaction takes.
    retention_interval_seconds: float = 3600.0
    retention_batch_size: int = 1000
    # Consumer (services/platform/messaging). A handler error of no known kind is tried this many times
    # before its record is dead-lettered (DomainError, ValueError, KeyError, TypeError: at once).
    consumer_max_attempts: int = 3
    # Transient failures (database or broker away, timeouts) are tried this many times in a row, then the
    # loop seeks back and polls again after a pause: retried for as long as they last, never dead-lettered.
    consumer_transient_attempts: int = 5
    # Pauses between tries double from the first up to the cap (seconds): no hot loop while the database
    # is down, and work resumes within about the cap once it is back.
    consumer_backoff_seconds: float = 0.2
    consumer_backoff_max_seconds: float = 30.0
    # This many non-transient failures in a row of one event type (no success of that type between) stop
    # the consumer instead of dead-lettering them: a bad deploy, not bad records. At most one less land on
    # the dead-letter topic. 5 lets a few isolated poison messages through and stops a bad deploy after
    # four dead letters to replay; 1 dead-letters nothing; 0 never stops.
    consumer_halt_after_failures: int = 5
    # Dead-letter sends: attempts (with back-off) and the wait for each acknowledgement (seconds), a
    # little longer than the producer's delivery timeout (kafka_bus), so a slow send is not sent twice.
    dead_letter_send_attempts: int = 3
    dead_letter_send_timeout_seconds: float = 35.0
    legal_limits_file: Path | None = None
    standard_rates_file: Path | None = None
    levy_chunk_size: int = 5000
    # Pause between levy chunks: lets an office throttle the levy's load on a shared database.
    levy_chunk_pause_seconds: float = 0.0
    # The appeals service's periods and letterhead; default services/appeals/appeals.yaml.
    appeals_config_file: Path | None = None
    billing_chunk_size: int = 5000
    # Pause between billing-run chunks, as for the levy.
    billing_chunk_pause_seconds: float = 0.0
    # Whether a run writes a PDF for every person (for print); off when print goes elsewhere. Any
    # invoice's document can be rendered again with GetInvoiceDocument.
    billing_pdf_for_persons: bool = True
    # Worker processes taking a reminder run's chunks at once, each in a lane of its own (PostgreSQL only;
    # SQLite takes one chunk at a time): 0 is one per core and one more; 1 takes them in the service.
    reminder_processes: int = 0
    # Who issues the invoices (name, address, bank account); default services/billing/seller.yaml. Read
    # when invoices are issued: each invoice keeps the issuer as it stood then.
    seller_file: Path | None = None
    # How unpaid invoices are collected (grace, fees, steps, interest); default Norway's rules in
    # services/billing/collection_rules.yaml, Danish (Norddjurs) practice in data/collection/norddjurs.yaml.
    collection_rules_file: Path | None = None
    # The municipality's Nets customer unit id (8 digits) for AvtaleGiro claim files; empty: the first 8
    # digits of the seller's organisation number stand in (Nets gives the real one with the agreement).
    nets_data_transmitter: str = ""
    log_level: str = "INFO"
    log_json: bool = True

    def database_url_for(self, service: str) -> str:
        """The service's own database: the configured URL, or an SQLite file of its own."""
        if self.database_url:
            return self.database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.var_dir / f'{service}.db').resolve()}"

    def check(self) -> None:
        """Refuses settings that must never reach production."""
        if (
            self.environment == "production"
            and self.auth_secret.get_secret_value() == DEVELOPMENT_AUTH_SECRET
        ):
            raise ValueError("PROPERTYTAX_AUTH_SECRET must be set in production")
        if self.environment == "production" and self.pii_key.get_secret_value() == DEVELOPMENT_PII_KEY:
            raise ValueError("PROPERTYTAX_PII_KEY must be set in production (a Fernet key)")
