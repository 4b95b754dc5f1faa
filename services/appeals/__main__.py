"""python -m services.appeals: runs the appeals service from PROPERTYTAX_* settings."""

from services.appeals.service import SPEC
from services.platform.service_builder import serve

serve(SPEC)
