"""python -m services.billing: runs the billing service from PROPERTYTAX_* settings."""

from services.billing.service import SPEC
from services.platform.service_builder import serve

serve(SPEC)
