"""Unpacks the EHF validation artefacts from the Maven jars in infra/ehf/jars into a flat, offline directory.

The jars (see pom.xml) are only a distribution channel: the validator never runs Java. It needs plain files:

    OUT/xsd/maindoc/UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd   OASIS UBL 2.1 (ph-ubl21)
    OUT/xsd/common/*.xsd                                           UBL common schemas and the helper
                                                                   schemas they import (ph-xsds-*)
    OUT/xslt/CEN-EN16931-UBL.xslt, PEPPOL-EN16931-UBL.xslt         the Schematron of one OpenPeppol
                                                                   release, compiled to XSLT 2.0
    OUT/VERSIONS.txt                                               release and jars the files came from

UBL 2.1 imports the helper schemas (CCTS, xmldsig, XAdES, xml.xsd) by namespace only; ph-ubl21 resolves
them with a Java resolver. libxml2 (lxml) needs a schemaLocation, so one is added to each such import.
Any import or include that still does not point at an extracted file stops the extraction with an error,
so a new UBL or ph-xsds version can never yield a schema set that silently fails to load.

Usage: python infra/ehf/extract_assets.py JARS_DIR OUT_DIR [--release 2026.5]
"""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

# The OpenPeppol rule release to extract; phive-rules-peppol (pom.xml) ships several side by side.
PEPPOL_RELEASE = "2026.5"
SCHEMATRON_XSLTS = ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt")
UBL_SCHEMAS = "external/schemas/ubl21/"
MAIN_DOCUMENTS = ("UBL-Invoice-2.1.xsd", "UBL-CreditNote-2.1.xsd")

# Namespace imported without schemaLocation -> (jar name prefix, member in that jar, file name in common/).
HELPER_SCHEMAS: dict[str, tuple[str, str, str]] = {
    "urn:un:unece:uncefact:data:specification:CoreComponentTypeSchemaModule:2": (
        "ph-xsds-ccts-cct-schemamodule",
        "schemas/CCTS_CCT_SchemaModule.xsd",
        "CCTS_CCT_SchemaModule-2.1.xsd",
    ),
    "http://www.w3.org/2000/09/xmldsig#": (
        "ph-xsds-xmldsig",
        "schemas/xmldsig-core-schema.xsd",
        "UBL-xmldsig-core-schema-2.1.xsd",
    ),
    "http://uri.etsi.org/01903/v1.3.2#": (
        "ph-xsds-xades132",
        "schemas/XAdES01903v132-201601.xsd",
        "UBL-XAdESv132-2.1.xsd",
    ),
    "http://uri.etsi.org/01903/v1.4.1#": (
        "ph-xsds-xades141",
        "schemas/XAdES01903v141-201601.xsd",
        "UBL-XAdESv141-2.1.xsd",
    ),
    "http://www.w3.org/XML/1998/namespace": ("ph-xsds-xml", "schemas/xml.xsd", "xml.xsd"),
}

XSD_NS = "{http://www.w3.org/2001/XMLSchema}"
_IMPORT = re.compile(r"<(?P<prefix>[A-Za-z_][\w.-]*):import\b(?P<attrs>[^>]*?)(?P<end>/?>)")
_NAMESPACE_ATTR = re.compile(r"""\bnamespace\s*=\s*(["'])(?P<ns>.*?)\1""")


class ExtractionError(Exception):
    """The jars do not hold what this script expects (missing jar or member, unresolvable import)."""


def find_jar(jars_dir: Path, prefix: str) -> Path:
    """The jar named PREFIX-<version>.jar; exactly one must be present."""
    hits = sorted(jars_dir.glob(f"{prefix}-[0-9]*.jar"))
    if len(hits) != 1:
        raise ExtractionError(f"expected one {prefix}-<version>.jar in {jars_dir}, found {len(hits)}")
    return hits[0]


def copy_member(jar: Path, member: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(jar) as archive:
        try:
            data = archive.read(member)
        except KeyError:
            raise ExtractionError(f"{jar.name} has no {member}") from None
    dest.write_bytes(data)


def extract_ubl(jars_dir: Path, out: Path) -> None:
    jar = find_jar(jars_dir, "ph-ubl21")
    with zipfile.ZipFile(jar) as archive:
        names = archive.namelist()
    common = [n for n in names if n.startswith(UBL_SCHEMAS + "common/") and n.endswith(".xsd")]
    if not common:
        raise ExtractionError(f"{jar.name} has no {UBL_SCHEMAS}common/*.xsd")
    for member in common:
        copy_member(jar, member, out / "xsd" / "common" / Path(member).name)
    for document in MAIN_DOCUMENTS:
        copy_member(jar, f"{UBL_SCHEMAS}maindoc/{document}", out / "xsd" / "maindoc" / document)
    for prefix, member, name in HELPER_SCHEMAS.values():
        copy_member(find_jar(jars_dir, prefix), member, out / "xsd" / "common" / name)


def _add_schema_location(match: re.Match[str]) -> str:
    attrs = match.group("attrs")
    if "schemaLocation" in attrs:
        return match.group(0)
    namespace = _NAMESPACE_ATTR.search(attrs)
    if namespace is None or namespace.group("ns") not in HELPER_SCHEMAS:
        return match.group(0)  # reported by check_references
    location = HELPER_SCHEMAS[namespace.group("ns")][2]
    return f'<{match.group("prefix")}:import{attrs.rstrip()} schemaLocation="{location}"{match.group("end")}'


def patch_imports(out: Path) -> int:
    """Adds a schemaLocation to each namespace-only import of a helper schema; returns the files changed."""
    changed = 0
    for path in sorted((out / "xsd" / "common").glob("*.xsd")):
        text = path.read_text(encoding="utf-8")
        patched = _IMPORT.sub(_add_schema_location, text)
        if patched != text:
            path.write_text(patched, encoding="utf-8")
            changed += 1
    return changed


def check_references(out: Path) -> None:
    """Every xsd:import and xsd:include must name a schemaLocation that exists among the extracted files."""
    problems: list[str] = []
    for path in sorted((out / "xsd").rglob("*.xsd")):
        root = ElementTree.parse(path).getroot()  # noqa: S314 (files just unpacked from pinned jars)
        for element in [*root.iter(f"{XSD_NS}import"), *root.iter(f"{XSD_NS}include")]:
            location = element.get("schemaLocation")
            if location is None:
                problems.append(f"{path.name}: import of {element.get('namespace')} has no schemaLocation")
            elif not (path.parent / location).is_file():
                problems.append(f"{path.name}: {location} does not exist")
    if problems:
        raise ExtractionError("unresolved schema references:\n  " + "\n  ".join(problems))


def extract_schematron(jars_dir: Path, out: Path, release: str) -> None:
    jar = find_jar(jars_dir, "phive-rules-peppol")
    for name in SCHEMATRON_XSLTS:
        copy_member(jar, f"external/schematron/openpeppol/{release}/xslt/{name}", out / "xslt" / name)


def write_versions(jars_dir: Path, out: Path, release: str) -> None:
    lines = [f"peppol_release={release}"]
    lines += [f"jar={jar.name}" for jar in sorted(jars_dir.glob("*.jar"))]
    (out / "VERSIONS.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def extract(jars_dir: Path, out: Path, release: str) -> int:
    """Writes the assets into OUT; returns the number of files patched."""
    extract_ubl(jars_dir, out)
    patched = patch_imports(out)
    check_references(out)
    extract_schematron(jars_dir, out, release)
    write_versions(jars_dir, out, release)
    return patched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("jars_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument(
        "--release", default=PEPPOL_RELEASE, help="OpenPeppol rule release (default %(default)s)"
    )
    args = parser.parse_args(argv)
    try:
        patched = extract(args.jars_dir, args.out_dir, args.release)
    except ExtractionError as error:
        sys.stderr.write(f"extract_assets: {error}\n")
        return 1
    sys.stdout.write(
        f"EHF assets (Peppol release {args.release}, {patched} schemas patched) in {args.out_dir}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
