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


def declared_deps():
    """Maps each module folder to the herald modules it may include (itself included)."""
    allowed = {}
    for cmake in HERALD.glob("*/CMakeLists.txt"):
        folder = cmake.parent.name
        deps = {folder}
        for _, body in MODULE_RE.findall(cmake.read_text()):
            match = re.search(r"DEPS\s+([\w\s]+?)(?:\n\s*[A-Z_]+\s|\s*$)", body)
            if match:
                deps.update(d for d in match.group(1).split() if not d.isupper())
        # A folder may hold two targets (e.g. ws and ws_io); module names map to folders.
        allowed[folder] = {d.split("_")[0] for d in deps}
    return allowed


def main():
    allowed = declared_deps()
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
                if target not in allowed.get(module, {module}):
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
    print(f"check_layers: ok ({len(allowed)} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
