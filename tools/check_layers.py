#!/usr/bin/env python3
"""Checks that modules include only the herald modules their CMakeLists.txt declares as DEPS, and
that Boost.Asio/Beast stay where docs/ARCHITECTURE.md allows them. Exits 1 listing every violation."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
HERALD = ROOT / "herald"
MODULE_RE = re.compile(r"herald_module\((\w+)(.*?)\)", re.S)
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
# Where Asio may appear in a .cpp, and Beast at all (headers never, except net/ for Asio).
ASIO_CPP_OK = ("net/", "http/session", "ws/", "cluster/", "client/")
BEAST_OK = ("http/",)


def parse_list(body, key):
    """The words after KEY up to the next upper-case keyword."""
    match = re.search(key + r"\s+(.*?)(?=\s[A-Z_]{3,}\s|$)", body, re.S)
    return match.group(1).split() if match else []


def declared_deps():
    """Maps each file (by folder/stem) and each folder to the herald folders it may include,
    following DEPS transitively. A folder may hold two targets (the ws core and ws_io): a file
    belongs to the target that lists its source (or the source of its stem, for headers and tests);
    other files get the union of the folder's targets."""
    modules, sources = {}, {}
    for cmake in HERALD.glob("*/CMakeLists.txt"):
        folder = cmake.parent.name
        for name, body in MODULE_RE.findall(cmake.read_text()):
            modules[name] = (folder, parse_list(body, "DEPS"))
            for src in parse_list(body, "SOURCES"):
                sources[f"{folder}/{pathlib.Path(src).stem}"] = name

    def closure(name, seen=None):
        seen = set() if seen is None else seen
        if name in seen or name not in modules:
            return set()
        seen.add(name)
        folder, deps = modules[name]
        out = {folder}
        for dep in deps:
            out |= closure(dep, seen)
        return out

    by_stem = {stem: closure(name) for stem, name in sources.items()}
    by_folder = {}
    for name, (folder, _) in modules.items():
        by_folder.setdefault(folder, set()).update(closure(name))
    return by_stem, by_folder


def allowed_for(rel, by_stem, by_folder):
    folder = rel.split("/")[0]
    stem = pathlib.Path(rel).stem
    if stem.endswith("_test"):
        stem = stem[: -len("_test")]
    return by_stem.get(f"{folder}/{stem}", by_folder.get(folder, {folder}))


def main():
    by_stem, by_folder = declared_deps()
    problems = []
    for path in sorted(HERALD.rglob("*")):
        if path.suffix not in (".h", ".cpp"):
            continue
        rel = path.relative_to(HERALD).as_posix()
        module = rel.split("/")[0]
        is_test = path.stem.endswith("_test")
        for inc in INCLUDE_RE.findall(path.read_text()):
            if inc.startswith("herald/"):
                target = inc.split("/")[1]
                if target not in allowed_for(rel, by_stem, by_folder):
                    problems.append(f"{rel}: includes {inc}, but '{module}' does not depend on '{target}'")
            elif inc.startswith("boost/beast") and not rel.startswith(BEAST_OK) and not is_test:
                problems.append(f"{rel}: Boost.Beast outside herald/http")
            elif inc.startswith("boost/beast") and path.suffix == ".h":
                problems.append(f"{rel}: Boost.Beast in a header")
            elif inc.startswith("boost/asio") and not is_test:
                if path.suffix == ".h" and module != "net":
                    problems.append(f"{rel}: Boost.Asio in a header outside herald/net")
                elif path.suffix == ".cpp" and not rel.startswith(ASIO_CPP_OK):
                    problems.append(f"{rel}: Boost.Asio in a .cpp outside the allowed modules")
    for p in problems:
        print("check_layers:", p)
    if problems:
        return 1
    print(f"check_layers: ok ({len(by_folder)} module folders)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
