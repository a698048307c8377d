"""The case-file format as a Markdown page, generated from the case model and the glossary.

``docs/case-format.md`` is this module's output (``marrowdx schema --markdown``); a test
regenerates it and compares, so the page cannot drift from the vocabulary the loader uses.
"""

from __future__ import annotations

from typing import Any

from engine.case import Case
from engine.facts import FIELDS, Kind
from engine.knowledge import KnowledgeBase

INTRO = """\
# The MarrowDx case file

A case is one YAML (or JSON) document describing one patient's abnormal bone-marrow
signal on MRI: who the patient is, what is known of the history, and what the images
show. MarrowDx reads it, checks every field against the vocabulary below, and ranks
the causes by relative plausibility. Educational use only: never a diagnosis.

This page is generated from the case model and the glossary (`marrowdx schema --markdown`);
`marrowdx schema` prints the same vocabulary as a JSON Schema.

## Rules of the format

- Only `id`, `patient.age`, `findings.distribution` and `findings.t1` are required.
- **Unknown is not absent.** Leave out what the source does not say. A code in
  `absent_history` or `absent_signs` means it was looked for and not found; a code may
  not stand both in a list and in its `absent_` list.
- T1 is read against the internal standards, intervertebral disc and skeletal muscle:
  `hyperintense` is fat-like; `intermediate` is darker than fat but brighter than disc and
  muscle; `hypointense` is as dark as or darker than disc or muscle; `mixed` holds both
  fat-like and dark parts. The optional `t1_vs_*` fields record the comparison itself.
- `t2` is the fluid-sensitive sequence (STIR or fat-suppressed T2); `t2_plain` is T2
  without fat suppression.
- The `expected` block belongs to curated cases only and never influences the ranking.
- Invalid input is rejected with the field path and the allowed values, for example
  `findings.t1: 'dark' is not one of hyperintense, intermediate, hypointense, mixed`.

## A minimal case

```yaml
id: my-case-01
patient: {age: 52, sex: female}
findings:
  distribution: patchy
  t1: intermediate
```
"""


def _schema_property(schema: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """The JSON-schema property at a dotted case path (refs resolved)."""
    node: dict[str, Any] = schema
    for part in path:
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        node = node["properties"][part]
    for option in node.get("anyOf", []):
        if option.get("type") != "null":
            return {**node, **option}
    return node


def _range(prop: dict[str, Any]) -> str:
    low = prop.get("minimum", prop.get("exclusiveMinimum"))
    high = prop.get("maximum", prop.get("exclusiveMaximum"))
    return f"{low:g} to {high:g}" if low is not None and high is not None else "a number"


def _field_rows(kb: KnowledgeBase) -> list[str]:
    schema = Case.model_json_schema()
    rows = ["| field | in the file | kind | allowed | meaning |", "|---|---|---|---|---|"]
    for spec in FIELDS.values():
        prop = _schema_property(schema, spec.case_path)
        required = spec.name in ("age", "distribution", "t1")
        if spec.kind is Kind.number:
            allowed = "1.5 or 3" if spec.name == "field_strength" else _range(prop)
        else:
            allowed = "see codes below" if len(spec.allowed()) > 8 else ", ".join(
                f"`{code}`" for code in spec.allowed())
        kind = {"code": "one code", "codes": "list of codes", "number": "number"}[spec.kind.value]
        help_text = kb.glossary.help(spec.name)
        label = kb.glossary.label(spec.name)
        meaning = f"{label}{'. ' + help_text if help_text else ''}".replace("|", "/")
        rows.append(f"| `{spec.name}`{' (required)' if required else ''} | `{spec.dotted}` "
                    f"| {kind} | {allowed} | {meaning} |")
    return rows


def _code_lists(kb: KnowledgeBase) -> list[str]:
    lines: list[str] = []
    shown: set[str] = set()
    for spec in FIELDS.values():
        if spec.vocabulary is None or len(spec.allowed()) <= 8:
            continue
        vocabulary = spec.vocabulary.__name__
        if vocabulary in shown:
            continue
        shown.add(vocabulary)
        lines += ["", f"### `{spec.name}` codes", ""]
        for code in spec.allowed():
            help_text = kb.glossary.help(spec.name, code)
            label = kb.glossary.label(spec.name, code)
            lines.append(f"- `{code}`: {label}{'. ' + help_text if help_text else ''}")
    return lines


def _case_level_rows() -> list[str]:
    schema = Case.model_json_schema()
    rows = ["| field | meaning |", "|---|---|"]
    notes = {
        "id": "slug of lower-case letters, digits and hyphens; unique within a folder (required)",
        "title": "a neutral clinical title; in curated cases it never names the diagnosis",
        "source": "the published source (DOI or URL); required in `cases/`",
        "source_kind": _schema_property(schema, ("source_kind",)).get("description", ""),
        "shared_source_reason": _schema_property(schema, ("shared_source_reason",)).get(
            "description", ""),
        "expected": "curated cases only: `diagnosis` (a cause id), `acceptable` (other cause "
                    "ids a good differential lists), `notes`, optional `known_limitation`",
        "difficulty": "easy, moderate or hard",
        "teaching_points": "short lessons shown after an attempt",
    }
    for name, note in notes.items():
        rows.append(f"| `{name}` | {note} |")
    return rows


def _cause_rows(kb: KnowledgeBase) -> list[str]:
    rows = ["| cause id | label | category | must not miss |", "|---|---|---|---|"]
    for cause in kb.causes.values():
        rows.append(f"| `{cause.id.value}` | {cause.label} | {cause.category} "
                    f"| {'yes' if cause.must_not_miss else ''} |")
    return rows


def case_format_markdown(kb: KnowledgeBase) -> str:
    """The whole case-format page."""
    parts = [
        INTRO,
        "## Case-level fields", "", *_case_level_rows(), "",
        "## Findings and history", "", *_field_rows(kb), *_code_lists(kb), "",
        "## Causes (values of `expected.diagnosis` and `expected.acceptable`)", "",
        *_cause_rows(kb), "",
    ]
    return "\n".join(parts)
