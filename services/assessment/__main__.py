"""python -m services.assessment: runs the assessment service from PROPERTYTAX_* settings."""

from services.assessment.service import SPEC
from services.platform.service_builder import serve

serve(SPEC)
