"""Query: a ratio study of sales (IAAO Standard on Ratio Studies), per group and overall. Reads nothing
from the register: the sales file carries the assessed values it is judged by."""

from __future__ import annotations

from collections.abc import Sequence

from services.assessment.application.ports import RatioStatistics
from services.assessment.domain.ratio_study import (
    GroupStudy,
    RatioSale,
    RatioStandards,
    RatioStudy,
    UnsoldProperty,
    change_note,
    compare_value_changes,
    iqr_outliers,
    judge,
    notes_for,
)


def ratio_study(
    sales: Sequence[RatioSale],
    group_by: str,
    standards: RatioStandards,
    statistics: RatioStatistics,
    unsold: Sequence[UnsoldProperty] = (),
) -> RatioStudy:
    """Groups in order of name (none when `group_by` is empty), each trimmed on its own ratios (k =
    `standards.iqr_k`), then the overall study, trimmed over all sales. A group with fewer than
    `standards.min_sales` sales after trimming has no figures and says so. With `unsold` properties (and
    previous values on the sales), each group also compares the sold and unsold value changes."""
    groups: dict[str, list[RatioSale]] = {}
    for sale in sales:
        groups.setdefault(sale.group, []).append(sale)
    unsold_by_group: dict[str, list[UnsoldProperty]] = {}
    for prop in unsold:
        unsold_by_group.setdefault(prop.group, []).append(prop)
    studied = tuple(
        _study(name, groups[name], standards, statistics, unsold_by_group.get(name, []))
        for name in sorted(groups)
        if group_by
    )
    return RatioStudy(standards, group_by, studied, _study("", sales, standards, statistics, unsold))


def _study(
    name: str,
    sales: Sequence[RatioSale],
    standards: RatioStandards,
    statistics: RatioStatistics,
    unsold: Sequence[UnsoldProperty],
) -> GroupStudy:
    change = compare_value_changes(sales, unsold, standards)
    change_notes = (change_note(change),) if change is not None and change.flagged else ()
    outlier = iqr_outliers([s.ratio for s in sales], standards.iqr_k)
    kept = [s for s, out in zip(sales, outlier, strict=True) if not out]
    trimmed = tuple(s.line for s, out in zip(sales, outlier, strict=True) if out)
    if len(kept) < max(standards.min_sales, 3):
        sales_left = f"{len(kept)} {'sale' if len(kept) == 1 else 'sales'}"
        note = f"{sales_left} after trimming: too few for a ratio study (at least {standards.min_sales})"
        return GroupStudy(
            name, len(sales), trimmed, None, None, notes=(note, *change_notes), value_change=change
        )
    figures = statistics.figures(kept, standards)
    verdict = judge(figures, standards)
    return GroupStudy(
        name,
        len(sales),
        trimmed,
        figures,
        verdict,
        low_cod=figures.cod < standards.low_cod,
        notes=notes_for(figures, verdict, standards) + change_notes,
        value_change=change,
    )
