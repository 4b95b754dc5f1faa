"""Offline validation of EHF invoices and credit notes (Peppol BIS Billing 3.0, UBL 2.1, EN 16931).

Why: an EHF document that the Peppol network or the receiver rejects is an invoice that is not sent, so
billing checks each document before it leaves, with the same rules the network applies and without
calling any online service. Three layers, in the order Peppol validators use:

1. the OASIS UBL 2.1 XML schema (lxml / libxml2);
2. the CEN EN 16931 business rules (BR-*, BR-CO-*, BR-CL-*, ...);
3. the Peppol BIS Billing 3.0 rules, Norwegian ones included (PEPPOL-EN16931-*, PEPPOL-COMMON-*, NO-R-*).

Layers 2 and 3 are the official Schematron, compiled to XSLT 2.0 and run with SaxonC-HE (saxonche). The
files come from Maven Central (infra/ehf: pom.xml, fetch.sh); `make ehf-rules` puts them in
infra/ehf/assets. A document is valid when no finding is fatal; warnings do not stop it.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

DEFAULT_ASSETS_DIR = Path(__file__).resolve().parents[3] / "infra" / "ehf" / "assets"

_SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_SCHEMAS = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "xsd/maindoc/UBL-Invoice-2.1.xsd",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "xsd/maindoc/UBL-CreditNote-2.1.xsd",
}
# EN 16931 first, then Peppol: the order of the Peppol validation artefacts.
_SCHEMATRON = ("xslt/CEN-EN16931-UBL.xslt", "xslt/PEPPOL-EN16931-UBL.xslt")


class EhfRulesMissing(RuntimeError):
    """The schema and rule files are not in the assets directory."""


@dataclass(frozen=True)
class Finding:
    """One broken rule: a Schematron rule id (BR-CO-16, PEPPOL-EN16931-R004, NO-R-002), or for a schema or
    XML error the libxml2 error name (SCHEMAV_ELEMENT_CONTENT, XML-SYNTAX)."""

    rule_id: str
    flag: str  # "fatal" or "warning" (schema and XML errors are always fatal)
    location: str  # an XPath for Schematron findings, "line N" for schema and XML errors
    text: str


def is_valid(findings: list[Finding]) -> bool:
    return not any(finding.flag == "fatal" for finding in findings)


def _check_assets(assets_dir: Path) -> None:
    missing = [name for name in [*_SCHEMAS.values(), *_SCHEMATRON] if not (assets_dir / name).is_file()]
    if missing:
        raise EhfRulesMissing(
            f"EHF validation rules missing in {assets_dir} ({', '.join(missing)}): "
            "run infra/ehf/fetch.sh or make ehf-rules"
        )


class EhfValidator:
    """Validates documents in a worker process of its own.

    SaxonC is a GraalVM native image with its own runtime and signal handling; seen here, it can end the
    whole process it lives in (exit code 99) long after a validation, while unrelated code runs. In a
    worker process such a crash costs the worker, not the service or the test run. The worker loads the
    schemas and compiles the rules once (about a second), then validates one document at a time.
    """

    def __init__(self, assets_dir: Path = DEFAULT_ASSETS_DIR) -> None:
        _check_assets(assets_dir)
        self._executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(assets_dir),),
        )

    def validate_file(self, path: Path | str) -> list[Finding]:
        return self.validate_bytes(Path(path).read_bytes())

    def validate_bytes(self, data: bytes) -> list[Finding]:
        """All findings for one document; the rules run only on a schema-valid document, since their
        results on a document of the wrong shape mean nothing."""
        findings: list[Finding] = self._executor.submit(_validate_in_worker, data).result(timeout=120)
        return findings

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


_worker: _LocalValidator | None = None


def _start_worker(assets_dir: str) -> None:
    global _worker  # one validator per worker process, made once when the worker starts
    _worker = _LocalValidator(Path(assets_dir))


def _validate_in_worker(data: bytes) -> list[Finding]:
    assert _worker is not None
    return _worker.validate_bytes(data)


class _LocalValidator:
    """The validation itself, in the process that calls it (the worker)."""

    def __init__(self, assets_dir: Path) -> None:
        from saxonche import PySaxonProcessor

        _check_assets(assets_dir)
        self._parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        self._schemas: dict[str, Any] = {
            namespace: etree.XMLSchema(etree.parse(str(assets_dir / name), self._parser))
            for namespace, name in _SCHEMAS.items()
        }
        self._saxon = PySaxonProcessor(license=False)
        compiler = self._saxon.new_xslt30_processor()
        self._rules = [
            compiler.compile_stylesheet(stylesheet_file=str(assets_dir / name)) for name in _SCHEMATRON
        ]
        self._lock = threading.Lock()

    def validate_bytes(self, data: bytes) -> list[Finding]:
        with self._lock:
            return self._validate(data)

    def _validate(self, data: bytes) -> list[Finding]:
        try:
            document = etree.fromstring(data, self._parser)
        except etree.XMLSyntaxError as error:
            return [Finding("XML-SYNTAX", "fatal", f"line {error.lineno}", str(error.msg))]
        if document.getroottree().docinfo.doctype:
            return [Finding("XML-DOCTYPE", "fatal", "line 1", "a document type declaration is not allowed")]
        namespace = etree.QName(document).namespace
        schema = self._schemas.get(namespace)
        if schema is None:
            text = f"root element {document.tag} is neither a UBL 2.1 Invoice nor a CreditNote"
            return [Finding("UBL-ROOT", "fatal", "/", text)]
        if not schema.validate(document):
            return [
                Finding(str(error.type_name), "fatal", f"line {error.line}", str(error.message))
                for error in schema.error_log
            ]
        return self._run_rules(etree.tostring(document, encoding="unicode"))

    def _run_rules(self, xml: str) -> list[Finding]:
        from saxonche import PySaxonApiError

        try:
            node = self._saxon.parse_xml(xml_text=xml, encoding="UTF-8")
            reports = [rules.transform_to_string(xdm_node=node) for rules in self._rules]
        except PySaxonApiError as error:
            raise RuntimeError(f"EHF rules could not run: {error}") from error
        return [finding for report in reports for finding in _findings(str(report))]


def _findings(svrl: str) -> list[Finding]:
    """The broken rules of one SVRL report: asserts that did not hold and reports that fired."""
    root = etree.fromstring(svrl.encode("utf-8"))
    return [
        Finding(
            rule_id=str(element.get("id", "")),
            flag=str(element.get("flag", "fatal")),
            location=str(element.get("location", "")),
            text=" ".join(str(element.findtext(f"{_SVRL}text") or "").split()),
        )
        for element in root.iter(f"{_SVRL}failed-assert", f"{_SVRL}successful-report")
    ]
