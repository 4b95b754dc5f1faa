"""The import file readers, as the handlers' entry points are given them (application/ports.py
ImportFiles): each bounds, reads and checks one kind of file, naming every bad line or feature."""

from __future__ import annotations

from services.assessment.adapters.assessor_files import read_assessors
from services.assessment.adapters.calibration_sales_file import read_calibration_sales
from services.assessment.adapters.housing_value_files import read_housing_values
from services.assessment.adapters.inspection_history_file import read_inspection_history
from services.assessment.adapters.owner_files import read_owners
from services.assessment.adapters.property_files import read_properties_csv, read_properties_geo
from services.assessment.adapters.ratio_sales_file import read_ratio_sales, read_unsold
from services.assessment.adapters.zone_files import read_zones
from services.assessment.application.import_rows import HousingValueRow, OwnershipChangeRows, PropertyRow
from services.assessment.application.ports import GeoFormat
from services.assessment.domain.calibration import CalibrationSale
from services.assessment.domain.coordinates import ANYWHERE
from services.assessment.domain.inspection_needs import HistoryRow
from services.assessment.domain.inspection_planning import Assessor
from services.assessment.domain.ratio_study import RatioSale, UnsoldProperty
from services.assessment.domain.zones import Zone


class ImportFileReaders:
    def properties_csv(self, content: bytes) -> list[PropertyRow]:
        return read_properties_csv(content)

    def properties_geo(self, content: bytes, declared: GeoFormat) -> list[PropertyRow]:
        return read_properties_geo(content, declared)

    def housing_values(self, content: bytes, default_year: int) -> list[HousingValueRow]:
        return read_housing_values(content, default_year)

    def owners(self, content: bytes) -> list[OwnershipChangeRows]:
        return read_owners(content)

    def zones(
        self, content: bytes, id_property: str, name_property: str, factor_property: str, declared: GeoFormat
    ) -> list[Zone]:
        return read_zones(content, id_property, name_property, factor_property, declared)

    def inspection_history(self, content: bytes) -> list[HistoryRow]:
        return read_inspection_history(content)

    def assessors(self, content: bytes) -> list[Assessor]:
        return read_assessors(content)

    def ratio_sales(self, content: bytes, group_by: str) -> list[RatioSale]:
        return read_ratio_sales(content, group_by)

    def unsold_properties(self, content: bytes, group_by: str) -> list[UnsoldProperty]:
        return read_unsold(content, group_by)

    def calibration_sales(self, content: bytes) -> list[CalibrationSale]:
        return read_calibration_sales(content)

    def calibration_zones(self, content: bytes) -> list[Zone]:
        return read_zones(content, region=ANYWHERE)
