#!/usr/bin/env python3
"""Feeds tools/check_layers.py small trees with one known violation each and expects it to fail
naming that violation, and a clean tree, which must pass. Run by ctest (check_layers_test)."""
import pathlib
import subprocess
import sys
import tempfile
import unittest

CHECKER = pathlib.Path(__file__).resolve().parent / "check_layers.py"

TABLE = """# Architecture
<!-- layers:begin -->
| layer | target | folder | may use | kind | Asio | Beast | one job |
|---|---|---|---|---|---|---|---|
| 0 | `util` | `herald/util` | - | sans-I/O | - | - | base |
| 1 | `net` | `herald/net` | util | I/O | headers | - | loops |
| 1 | `http` | `herald/http` | util | sans-I/O | - | sources | parsing |
| 2 | `ws` | `herald/ws` | util, http | sans-I/O | - | - | protocol |
| 2 | `cluster` | `herald/cluster` | net, util | I/O | sources | - | nodes |
| 3 | `web` | `herald/web` | ws, http, net, util | I/O | - | - | sessions |
<!-- layers:end -->
"""

CLEAN = {
    "docs/ARCHITECTURE.md": TABLE,
    "herald/util/CMakeLists.txt": "herald_module(util\n    SOURCES bytes.cpp\n    STRICT)\n",
    "herald/util/bytes.h": "#pragma once\n#include <string>\n",
    "herald/util/bytes.cpp": '#include "herald/util/bytes.h"\n',
    "herald/net/CMakeLists.txt": "herald_module(net\n    SOURCES loop.cpp\n    DEPS    util)\n",
    "herald/net/loop.h": '#pragma once\n#include <boost/asio/io_context.hpp>\n#include "herald/util/bytes.h"\n',
    "herald/net/loop.cpp": '#include "herald/net/loop.h"\n',
    "herald/http/CMakeLists.txt": "herald_module(http\n    SOURCES parser.cpp\n    DEPS    util)\n",
    "herald/http/parser.h": "#pragma once\n",
    "herald/http/parser.cpp": '#include "herald/http/parser.h"\n#include <boost/beast/http/parser.hpp>\n',
    "herald/ws/CMakeLists.txt": "herald_module(ws\n    SOURCES frame.cpp\n    DEPS    util http\n    STRICT)\n",
    "herald/ws/frame.h": '#pragma once\n#include "herald/http/parser.h"\n',
    "herald/ws/frame.cpp": '#include "herald/ws/frame.h"\n#include "herald/util/bytes.h"\n',
    "herald/ws/frame_test.cpp": '#include "herald/ws/frame.h"\n#include <gtest/gtest.h>\n',
    "herald/cluster/CMakeLists.txt": "herald_module(cluster\n    SOURCES link.cpp\n    DEPS    net util)\n",
    "herald/cluster/link.h": '#pragma once\n#include "herald/net/loop.h"\n',
    "herald/cluster/link.cpp": '#include "herald/cluster/link.h"\n#include <boost/asio/post.hpp>\n',
    "herald/web/CMakeLists.txt": "herald_module(web\n    SOURCES session.cpp\n    DEPS    ws http net util)\n",
    "herald/web/session.h": '#pragma once\n#include "herald/ws/frame.h"\n#include "herald/net/loop.h"\n',
    "herald/web/session.cpp": '#include "herald/web/session.h"\n',
    "herald/web/session_test.cpp": '#include "herald/web/session.h"\n#include <boost/asio/write.hpp>\n',
}


def run(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        for rel, text in files.items():
            if text is None:
                continue
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        done = subprocess.run([sys.executable, str(CHECKER), "--root", str(root)],
                              capture_output=True, text=True, check=False)
        return done.returncode, done.stdout + done.stderr


def changed(**edits):
    files = dict(CLEAN)
    for key, text in edits.items():
        files[key.replace("__", "/").replace("_DOT_", ".")] = text
    return files


class CheckLayers(unittest.TestCase):
    def assert_fails(self, files, expected):
        code, out = run(files)
        self.assertEqual(code, 1, out)
        self.assertIn(expected, out)

    def test_clean_tree_passes(self):
        code, out = run(CLEAN)
        self.assertEqual(code, 0, out)
        self.assertIn("ok (6 targets", out)

    def test_include_outside_the_declared_deps(self):
        files = changed(**{"herald__ws__frame_DOT_cpp": '#include "herald/net/loop.h"\n'})
        self.assert_fails(files, "herald/ws/frame.cpp: includes herald/net/loop.h, but 'ws' does "
                                 "not depend directly on herald/net")

    def test_include_of_a_dependency_of_a_dependency(self):
        # web uses ws and ws uses http, but cluster lists only net and util: http is not direct.
        files = changed(**{"herald__cluster__link_DOT_cpp": '#include "herald/http/parser.h"\n'})
        self.assert_fails(files, "'cluster' does not depend directly on herald/http")

    def test_upward_dependency_declared_in_cmake(self):
        files = changed(**{"herald__util__CMakeLists_DOT_txt":
                           "herald_module(util\n    SOURCES bytes.cpp\n    DEPS    net\n    STRICT)\n"})
        self.assert_fails(files, "'util' declares DEPS net, but the layer table does not let it use 'net'")

    def test_table_that_points_up(self):
        bad = TABLE.replace("| 1 | `net` | `herald/net` | util |", "| 1 | `net` | `herald/net` | util, web |")
        self.assert_fails(changed(**{"docs__ARCHITECTURE_DOT_md": bad}),
                          "lets 'net' (layer 1) use 'web' (layer 3): uses must point down")

    def test_sans_io_target_using_an_io_target_in_the_table(self):
        bad = TABLE.replace("| 2 | `ws` | `herald/ws` | util, http |", "| 2 | `ws` | `herald/ws` | util, http, net |")
        self.assert_fails(changed(**{"docs__ARCHITECTURE_DOT_md": bad}),
                          "lets sans-I/O 'ws' use 'net', which does I/O")

    def test_sans_io_file_including_asio(self):
        files = changed(**{"herald__ws__frame_DOT_cpp": "#include <boost/asio/buffer.hpp>\n"})
        self.assert_fails(files, "herald/ws/frame.cpp: includes <boost/asio/buffer.hpp> in sans-I/O 'ws'")

    def test_sans_io_file_logging(self):
        files = changed(**{"herald__ws__frame_DOT_h": "#pragma once\n#include <spdlog/spdlog.h>\n"})
        self.assert_fails(files, "includes <spdlog/spdlog.h> in sans-I/O 'ws'")

    def test_asio_in_a_header_of_a_sources_only_target(self):
        files = changed(**{"herald__cluster__link_DOT_h": "#pragma once\n#include <boost/asio/post.hpp>\n"})
        self.assert_fails(files, "herald/cluster/link.h: includes <boost/asio/post.hpp>, but the layer "
                                 "table keeps Boost.Asio out of 'cluster' headers")

    def test_asio_in_a_target_without_asio(self):
        files = changed(**{"herald__web__session_DOT_cpp": "#include <boost/asio/post.hpp>\n"})
        self.assert_fails(files, "keeps Boost.Asio out of 'web'")

    def test_beast_outside_its_target(self):
        files = changed(**{"herald__web__session_DOT_cpp": "#include <boost/beast/http/parser.hpp>\n"})
        self.assert_fails(files, "herald/web/session.cpp: includes <boost/beast/http/parser.hpp>")

    def test_beast_in_a_header(self):
        files = changed(**{"herald__http__parser_DOT_h": "#pragma once\n#include <boost/beast/http/parser.hpp>\n"})
        self.assert_fails(files, "herald/http/parser.h: includes <boost/beast/http/parser.hpp>")

    def test_target_missing_from_the_table(self):
        files = changed(**{"herald__extra__CMakeLists_DOT_txt": "herald_module(extra\n    SOURCES x.cpp\n    DEPS    util)\n",
                           "herald__extra__x_DOT_cpp": '#include "herald/util/bytes.h"\n'})
        self.assert_fails(files, "target 'extra' (herald/extra) is not in the layer table")

    def test_table_row_without_a_target(self):
        files = changed(**{"herald__web__CMakeLists_DOT_txt": None})
        files = {k: v for k, v in files.items() if not k.startswith("herald/web/")}
        self.assert_fails(files, "the layer table lists 'web', which no CMakeLists.txt declares")

    def test_target_in_another_folder_than_the_table_says(self):
        files = changed(**{"herald__web__CMakeLists_DOT_txt": None})
        files = {k.replace("herald/web/", "herald/sessions/"): v for k, v in files.items() if v is not None}
        files["herald/sessions/CMakeLists.txt"] = "herald_module(web\n    SOURCES session.cpp\n    DEPS    ws http net util)\n"
        self.assert_fails(files, "target 'web' is in herald/sessions, the layer table says herald/web")

    def test_each_target_of_a_shared_folder_is_checked_alone(self):
        # Two targets in one folder: the sans-I/O one may not include what only the other uses.
        files = changed(**{
            "herald__ws__CMakeLists_DOT_txt":
                "herald_module(ws\n    SOURCES frame.cpp\n    DEPS    util http)\n"
                "herald_module(web\n    SOURCES session.cpp\n    DEPS    ws http net util)\n",
            "herald__web__CMakeLists_DOT_txt": None,
            "herald__ws__session_DOT_cpp": '#include "herald/net/loop.h"\n',
            "herald__ws__frame_DOT_cpp": '#include "herald/net/loop.h"\n',
        })
        files = {k: v for k, v in files.items() if not k.startswith("herald/web/")}
        files["docs/ARCHITECTURE.md"] = TABLE.replace("`herald/web`", "`herald/ws`")
        code, out = run(files)
        self.assertEqual(code, 1, out)
        self.assertIn("herald/ws/frame.cpp: includes herald/net/loop.h, but 'ws'", out)
        self.assertNotIn("herald/ws/session.cpp", out)

    def test_file_of_no_target(self):
        files = changed(**{
            "herald__ws__CMakeLists_DOT_txt":
                "herald_module(ws\n    SOURCES frame.cpp\n    DEPS    util http)\n"
                "herald_module(web\n    SOURCES session.cpp\n    DEPS    ws http net util)\n",
            "herald__web__CMakeLists_DOT_txt": None,
            "herald__ws__orphan_DOT_h": "#pragma once\n",
        })
        files = {k: v for k, v in files.items() if not k.startswith("herald/web/")}
        files["docs/ARCHITECTURE.md"] = TABLE.replace("`herald/web`", "`herald/ws`")
        self.assert_fails(files, "herald/ws/orphan.h: belongs to no target")

    def test_the_real_tree_passes(self):
        done = subprocess.run([sys.executable, str(CHECKER)], capture_output=True, text=True, check=False)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=1)
