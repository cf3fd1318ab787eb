"""Render the design notes pad: Mermaid flowchart lines (A[Client] --> B[API]) drawn offline as Graphviz."""

from __future__ import annotations

import re

NODE = re.compile(r"^\s*([A-Za-z0-9_]+)(?:\s*[\[\(\{]{1,2}([^\]\)\}]*)[\]\)\}]{1,2})?\s*$")
EDGE = re.compile(r"\s*(-->|---|-\.->|==>|->)\s*(?:\|([^|]*)\|\s*)?")


def _node(token: str, labels: dict[str, str]) -> str | None:
    m = NODE.match(token)
    if not m:
        return None
    ident, label = m.group(1), m.group(2)
    if label:
        labels[ident] = label.strip()
    labels.setdefault(ident, ident)
    return ident


def to_dot(source: str) -> tuple[str | None, list[str]]:
    """(DOT text, problems). Only flowcharts: `graph TD` / `flowchart LR` and `A --> B` lines."""
    lines = [ln.strip() for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("%%")]
    if not lines:
        return None, []
    direction = "TB"
    head = re.match(r"^(graph|flowchart)\s+(TD|TB|BT|LR|RL)\b", lines[0], re.I)
    if head:
        direction = {"TD": "TB"}.get(head.group(2).upper(), head.group(2).upper())
        lines = lines[1:]
    labels: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    problems: list[str] = []
    for n, line in enumerate(lines, start=2 if head else 1):
        for stmt in line.split(";"):
            stmt = stmt.strip()
            if not stmt:
                continue
            parts = EDGE.split(stmt)
            nodes = [_node(parts[i], labels) for i in range(0, len(parts), 3)]
            if any(x is None for x in nodes):
                problems.append(f"line {n}: cannot read “{stmt}” (write e.g. A[Client] --> B[API])")
                continue
            for i in range(len(nodes) - 1):
                edge_label = parts[3 * i + 2] or ""
                edges.append((str(nodes[i]), str(nodes[i + 1]), edge_label.strip()))

    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    body = [f"  {q(k)} [label={q(v)}, shape=box];" for k, v in labels.items()]
    body += [f"  {q(a)} -> {q(b)}" + (f" [label={q(lbl)}]" if lbl else "") + ";" for a, b, lbl in edges]
    return "digraph G {\n  rankdir=" + direction + ";\n" + "\n".join(body) + "\n}", problems
