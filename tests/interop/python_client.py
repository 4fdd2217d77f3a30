#!/usr/bin/python3
# tests/interop/python_client.py
#
# The Python `websockets` client (Debian bookworm's python3-websockets, 10.x, legacy asyncio
# API) against Herald's echo_server: text, binary and large messages, fragmented sends, ping,
# permessage-deflate on and off, close codes, an oversize message and TLS.
# Run with /usr/bin/python3 and HERALD_ECHO_SERVER set (tests/interop/CMakeLists.txt does both).
import asyncio
import hashlib
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import websockets

kTestTimeout = 30
kWholeRunTimeout = 150
kSanitizerReport = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer")
kServers = []


class Server:
    """An echo_server on 127.0.0.1, port 0; stderr goes to a file for the diagnostics."""

    def __init__(self, name, *extra):
        binary = os.environ.get("HERALD_ECHO_SERVER")
        if not binary:
            raise RuntimeError("HERALD_ECHO_SERVER is not set: run this suite through ctest (label interop)")
        self.name = name
        self.command = [binary, "--host", "127.0.0.1", "--port", "0", *extra]
        self.dir = tempfile.mkdtemp(prefix="herald-interop-py-")
        self.stderr_path = os.path.join(self.dir, "stderr.txt")
        self.stdout_lines = []
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=stderr)
        kServers.append(self)
        self.ready = threading.Event()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        if not self.ready.wait(15):
            self.kill()
            raise RuntimeError(f"{name} printed no 'listening on' line\n{self.diagnostics()}")
        match = re.match(r"listening on (.+):(\d+)$", self.stdout_lines[0])
        if not match:
            raise RuntimeError(f"{name} printed an unexpected first line\n{self.diagnostics()}")
        self.host, self.port = match.group(1), int(match.group(2))

    def _read_stdout(self):
        for line in self.process.stdout:
            self.stdout_lines.append(line.decode("utf-8", "replace").rstrip("\r\n"))
            self.ready.set()
        self.ready.set()

    def url(self, scheme="ws"):
        return f"{scheme}://{self.host}:{self.port}/"

    def stderr(self):
        try:
            with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def diagnostics(self):
        return (f"--- {self.name}: {' '.join(self.command)}\n--- exit: {self.process.returncode}\n"
                f"--- stdout:\n" + "\n".join(self.stdout_lines) + f"\n--- stderr:\n{self.stderr().rstrip()}\n---")

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop_cleanly(self):
        """SIGTERM; raises unless the server exits 0 within 5 s without a sanitizer report."""
        was_running = self.process.poll() is None
        if was_running:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()
        problems = []
        if not was_running:
            problems.append("it had already exited")
        if self.process.returncode != 0:
            problems.append("it did not exit with status 0 on SIGTERM")
        if kSanitizerReport.search(self.stderr()):
            problems.append("a sanitizer reported an error")
        if problems:
            raise AssertionError(f"{self.name}: {'; '.join(problems)}\n{self.diagnostics()}")
        shutil.rmtree(self.dir, ignore_errors=True)


def with_timeout(coroutine_function):
    """Bounds an async test so that a hung peer fails the test instead of the whole run."""

    async def bounded(self):
        await asyncio.wait_for(coroutine_function(self), kTestTimeout)

    bounded.__name__ = coroutine_function.__name__
    return bounded


def pattern_bytes(size, seed=1):
    out = bytearray(size)
    x = seed * 2654435761 % 2**32 or 1
    for i in range(size):
        x = (x * 1103515245 + 12345) % 2**31
        out[i] = (x >> 16) & 0xFF
    return bytes(out)


def connect(server, scheme="ws", **options):
    options.setdefault("compression", None)
    options.setdefault("max_size", 1 << 24)
    options.setdefault("ping_interval", None)
    options.setdefault("open_timeout", 10)
    options.setdefault("close_timeout", 10)
    return websockets.connect(server.url(scheme), **options)


def extensions_header(ws):
    return ws.response_headers.get("Sec-WebSocket-Extensions", "")


class EchoCase(unittest.IsolatedAsyncioTestCase):
    server_args = ()
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(f"echo_server {' '.join(cls.server_args)}".strip(), *cls.server_args)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop_cleanly()

    async def asyncSetUp(self):
        # The test loop runs in debug mode; pattern generation and 1 MiB echoes are not "slow
        # callbacks" worth a warning.
        asyncio.get_running_loop().slow_callback_duration = 10

    async def echo(self, ws, message):
        await ws.send(message)
        got = await asyncio.wait_for(ws.recv(), 10)
        self.assertIs(type(got), type(message), f"type of the echo of a {len(message)}-long message")
        if got != message:
            self.fail(f"echo of a {len(message)}-long {type(message).__name__} differs "
                      f"(got {len(got)} long, sha1 {hashlib.sha1(got if isinstance(got, bytes) else got.encode()).hexdigest()})")


class PlainServer(EchoCase):
    @with_timeout
    async def test_text_and_binary_keep_their_type(self):
        async with connect(self.server) as ws:
            for message in ["hello", "héllo wörld ✓ 😀", "", bytes(range(256)), b"", b"\xff\xfe"]:
                await self.echo(ws, message)

    @with_timeout
    async def test_large_messages_echo_exactly(self):
        async with connect(self.server) as ws:
            for size in [125, 126, 127, 65535, 65536, 1 << 20]:
                await self.echo(ws, pattern_bytes(size, size))
                await self.echo(ws, ("abcdefghij" * (size // 10 + 1))[:size])

    @with_timeout
    async def test_fragmented_sends_are_reassembled(self):
        async with connect(self.server) as ws:
            await ws.send(["frag one, ", "frag two, ", "frag three"])
            self.assertEqual(await asyncio.wait_for(ws.recv(), 10), "frag one, frag two, frag three")
            await ws.send([pattern_bytes(70000, 1), pattern_bytes(10, 2)])
            self.assertEqual(await asyncio.wait_for(ws.recv(), 10), pattern_bytes(70000, 1) + pattern_bytes(10, 2))

    @with_timeout
    async def test_ping_is_answered_with_a_matching_pong(self):
        async with connect(self.server) as ws:
            for payload in [b"py-ping", b"", pattern_bytes(125, 3)]:
                waiter = await ws.ping(payload)
                await asyncio.wait_for(waiter, 10)
            await self.echo(ws, "still open")

    @with_timeout
    async def test_compression_offer_is_declined_without_deflate(self):
        async with connect(self.server, compression="deflate") as ws:
            self.assertEqual(extensions_header(ws), "")
            await self.echo(ws, "x" * 100000)

    @with_timeout
    async def test_close_4000_bye_is_answered_with_4000(self):
        async with connect(self.server) as ws:
            await self.echo(ws, "before close")
            await ws.close(4000, "bye")
            self.assertEqual(ws.close_code, 4000)
            self.assertIn(ws.close_reason, ("bye", ""))

    @with_timeout
    async def test_close_1000(self):
        async with connect(self.server) as ws:
            await ws.close(1000, "done")
            self.assertEqual(ws.close_code, 1000)


class DeflateServer(EchoCase):
    server_args = ("--deflate",)

    @with_timeout
    async def test_deflate_is_negotiated_and_messages_echo(self):
        async with connect(self.server, compression="deflate") as ws:
            self.assertRegex(extensions_header(ws), r"^permessage-deflate")
            await self.echo(ws, '{"event":"herald","data":"compress me"}' * 30000)
            await self.echo(ws, pattern_bytes(1 << 20, 9))
            for i in range(50):
                await self.echo(ws, f'{{"seq":{i},"data":"{"abc" * i}"}}')
            await self.echo(ws, "")
            await self.echo(ws, b"")

    @with_timeout
    async def test_without_compression_nothing_is_negotiated(self):
        async with connect(self.server, compression=None) as ws:
            self.assertEqual(extensions_header(ws), "")
            await self.echo(ws, "plain " * 10000)

    @with_timeout
    async def test_fragmented_compressed_message(self):
        async with connect(self.server, compression="deflate") as ws:
            parts = ["repeat " * 1000, "other text ✓ " * 500, "end"]
            await ws.send(parts)
            self.assertEqual(await asyncio.wait_for(ws.recv(), 10), "".join(parts))


class LimitedServer(EchoCase):
    server_args = ("--max-message-bytes", "1024")

    @with_timeout
    async def test_oversize_message_is_closed_with_1009(self):
        async with connect(self.server) as ws:
            await self.echo(ws, "y" * 1024)
            await ws.send("z" * 2000)
            with self.assertRaises(websockets.exceptions.ConnectionClosed) as caught:
                await asyncio.wait_for(ws.recv(), 10)
            self.assertIsNotNone(caught.exception.rcvd, f"no close frame received: {caught.exception}")
            self.assertEqual(caught.exception.rcvd.code, 1009)


class TlsServer(EchoCase):
    @classmethod
    def setUpClass(cls):
        cls.tls_dir = tempfile.mkdtemp(prefix="herald-interop-py-tls-")
        cls.cert = os.path.join(cls.tls_dir, "cert.pem")
        key = os.path.join(cls.tls_dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cls.cert], check=True, capture_output=True)
        cls.server_args = ("--tls-cert", cls.cert, "--tls-key", key, "--deflate")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.tls_dir, ignore_errors=True)

    @with_timeout
    async def test_wss_with_the_certificate_as_ca(self):
        context = ssl.create_default_context(cafile=self.cert)
        async with connect(self.server, "wss", ssl=context, compression="deflate") as ws:
            self.assertRegex(extensions_header(ws), r"^permessage-deflate")
            await self.echo(ws, "over tls")
            await self.echo(ws, pattern_bytes(1 << 20, 4))
            await ws.close(4000, "bye")
            self.assertEqual(ws.close_code, 4000)


def main():
    print(f"websockets {websockets.__version__}, Python {sys.version.split()[0]}", flush=True)

    def on_alarm(*_):
        print(f"python_client.py: no result after {kWholeRunTimeout} s", file=sys.stderr)
        for server in kServers:
            server.kill()
            print(server.diagnostics(), file=sys.stderr)
        os._exit(1)

    def on_terminate(signum, _frame):
        for server in kServers:
            server.kill()
        os._exit(128 + signum)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_terminate)
    signal.signal(signal.SIGHUP, on_terminate)
    signal.alarm(kWholeRunTimeout)
    started = time.monotonic()
    result = unittest.main(exit=False, verbosity=2).result
    for server in kServers:
        server.kill()
    if not result.wasSuccessful():
        for server in kServers:
            print(server.diagnostics(), file=sys.stderr)
    print(f"python_client.py: {time.monotonic() - started:.1f} s", flush=True)
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)


if __name__ == "__main__":
    main()
