from services.billing.adapters.orm import metadata
from services.platform.migrations import run_env

run_env(metadata)
