#!/usr/bin/env python3
"""Checks the module layering of docs/ARCHITECTURE.md against the build and the sources.

The layer table lives in docs/ARCHITECTURE.md (between the `layers:begin` and `layers:end`
markers), so the page people read and the rule the build obeys are one text. For every target
declared with herald_module() in herald/*/CMakeLists.txt it checks:

  1. the target is in the table, in the folder the table names, and the table lists every target;
  2. the table itself points down: every "may use" entry is a known target of a lower layer, and
     a sans-I/O target uses only sans-I/O targets;
  3. the target's CMake DEPS are among the targets its row may use;
  4. each file includes herald headers only from its own target and the target's *direct* DEPS
     (a file belongs to the target that lists its source; headers and tests go with their stem's
     source, or with the folder's only target);
  5. Boost.Asio appears only where the row's Asio column allows it (`headers` or `sources`; the
     tests of a target that uses net may include it too), Boost.Beast only in the row's sources
     when its Beast column says `sources`, and a sans-I/O target includes neither Asio nor spdlog.

Exits 1 listing every violation. `--root DIR` checks another tree (the checker's own test does).
"""
import argparse
import pathlib
import re
import sys

MODULE_RE = re.compile(r"herald_module\((\w+)(.*?)\)", re.S)
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
TABLE_RE = re.compile(r"<!-- layers:begin -->(.*?)<!-- layers:end -->", re.S)
SANS_IO_FORBIDDEN = ("boost/asio", "spdlog/")


class Row:
    def __init__(self, cells):
        layer, target, folder, uses, kind, asio, beast = cells[:7]
        self.layer = int(layer)
        self.target = target.strip("`")
        self.folder = folder.strip("`").rstrip("/")
        self.uses = [u.strip("` ") for u in uses.split(",") if u.strip("` -")]
        self.sans_io = kind == "sans-I/O"
        self.asio = asio  # "headers", "sources" or "-"
        self.beast = beast  # "sources" or "-"


def read_table(root):
    """The rows of the layer table in docs/ARCHITECTURE.md, by target name."""
    text = (root / "docs" / "ARCHITECTURE.md").read_text()
    match = TABLE_RE.search(text)
    if not match:
        raise SystemExit("check_layers: docs/ARCHITECTURE.md has no layer table (layers:begin)")
    rows = {}
    for line in match.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 7 or not cells[0].isdigit():
            continue  # the heading and its rule
        row = Row(cells)
        rows[row.target] = row
    return rows


def parse_list(body, key):
    """The words after KEY up to the next upper-case keyword."""
    match = re.search(key + r"\s+(.*?)(?=\s[A-Z_]{3,}\b|$)", body, re.S)
    return match.group(1).split() if match else []


def read_targets(root):
    """target -> (folder, DEPS, SOURCES) for each herald_module() of herald/*/CMakeLists.txt."""
    targets = {}
    for cmake in sorted((root / "herald").glob("*/CMakeLists.txt")):
        folder = cmake.parent.relative_to(root).as_posix()
        for name, body in MODULE_RE.findall(cmake.read_text()):
            targets[name] = (folder, parse_list(body, "DEPS"), parse_list(body, "SOURCES"))
    return targets


def check_table(rows, targets):
    problems = []
    for name, (folder, _, _) in targets.items():
        if name not in rows:
            problems.append(f"target '{name}' ({folder}) is not in the layer table")
        elif rows[name].folder != folder:
            problems.append(f"target '{name}' is in {folder}, the layer table says {rows[name].folder}")
    for name, row in rows.items():
        if name not in targets:
            problems.append(f"the layer table lists '{name}', which no CMakeLists.txt declares")
        for used in row.uses:
            if used not in rows:
                problems.append(f"the layer table lets '{name}' use '{used}', which is not in it")
            elif rows[used].layer >= row.layer:
                problems.append(f"the layer table lets '{name}' (layer {row.layer}) use "
                                f"'{used}' (layer {rows[used].layer}): uses must point down")
            elif row.sans_io and not rows[used].sans_io:
                problems.append(f"the layer table lets sans-I/O '{name}' use '{used}', which does I/O")
    return problems


def check_deps(rows, targets):
    problems = []
    for name, (folder, deps, _) in targets.items():
        if name not in rows:
            continue
        for dep in deps:
            if dep not in rows[name].uses:
                problems.append(f"{folder}/CMakeLists.txt: '{name}' declares DEPS {dep}, but the "
                                f"layer table does not let it use '{dep}'")
    return problems


def owners(root, targets):
    """Maps each source file of herald/ to the target it belongs to."""
    by_source, by_folder = {}, {}
    for name, (folder, _, sources) in targets.items():
        by_folder.setdefault(folder, []).append(name)
        for src in sources:
            by_source[f"{folder}/{pathlib.Path(src).stem}"] = name
    result = {}
    for path in sorted((root / "herald").rglob("*")):
        if path.suffix not in (".h", ".cpp"):
            continue
        rel = path.relative_to(root).as_posix()
        folder = path.parent.relative_to(root).as_posix()
        stem = path.stem[: -len("_test")] if path.stem.endswith("_test") else path.stem
        owner = by_source.get(f"{folder}/{stem}")
        if owner is None and len(by_folder.get(folder, [])) == 1:
            owner = by_folder[folder][0]
        result[rel] = (path, owner)
    return result


def check_files(root, rows, targets):
    problems = []
    folder_of = {name: folder for name, (folder, _, _) in targets.items()}
    for rel, (path, owner) in owners(root, targets).items():
        if owner is None:
            problems.append(f"{rel}: belongs to no target (list its source in a herald_module)")
            continue
        if owner not in rows:
            continue  # reported by check_table
        row = rows[owner]
        deps = targets[owner][1]
        allowed = {folder_of[owner]} | {folder_of[d] for d in deps if d in folder_of}
        is_test = path.stem.endswith("_test")
        for inc in INCLUDE_RE.findall(path.read_text()):
            if inc.startswith("herald/"):
                folder = "/".join(inc.split("/")[:2])
                if folder not in allowed:
                    problems.append(f"{rel}: includes {inc}, but '{owner}' does not depend "
                                    f"directly on {folder}")
            elif row.sans_io and inc.startswith(SANS_IO_FORBIDDEN):
                problems.append(f"{rel}: includes <{inc}> in sans-I/O '{owner}'")
            elif inc.startswith("boost/asio"):
                uses_net = owner == "net" or "net" in deps
                ok = (row.asio == "headers" or (row.asio == "sources" and path.suffix == ".cpp")
                      or (is_test and uses_net))
                if not ok:
                    problems.append(f"{rel}: includes <{inc}>, but the layer table keeps "
                                    f"Boost.Asio out of '{owner}'"
                                    + (" headers" if row.asio == "sources" else ""))
            elif inc.startswith("boost/beast"):
                if row.beast != "sources" or path.suffix != ".cpp":
                    problems.append(f"{rel}: includes <{inc}>, but Boost.Beast belongs in "
                                    f"the sources of the targets the layer table allows")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parent.parent)
    root = parser.parse_args().root.resolve()
    rows, targets = read_table(root), read_targets(root)
    problems = check_table(rows, targets) + check_deps(rows, targets)
    problems += check_files(root, rows, targets)
    for p in problems:
        print("check_layers:", p)
    if problems:
        return 1
    print(f"check_layers: ok ({len(targets)} targets, {len(rows)} rows in the layer table)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
