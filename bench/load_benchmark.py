"""Load on a real `rostra serve`, measured with wrk on loopback.

    python bench/load_benchmark.py [--seconds 5] [--compare-servers]

Builds the web suites' small archive (tests/server/make_archive.py) in a temporary data dir,
starts `rostra serve --workers 2` twice (page cache on, then ROSTRA_PAGE_CACHE=false, the
baseline: every page rendered), and runs wrk against the minimal Django view /healthz (the
ceiling: same server, same middleware, no database), the home page, a speech page, search, a
feed and a media range request, at 16 and 64 connections. Then 200 slow clients hold media
downloads open while a page is timed. --compare-servers also serves /healthz and the home page
with granian and gunicorn (gthread, WSGI) for the choice of server. Prints load averages: the
machine is shared, so compare ratios within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = [
    ("ceiling /healthz", "/healthz", ()),
    ("home", "/en/", ()),
    ("speech page", "/en/speeches/smart-cities/", ()),
    ("search", "/en/search/?q=cities", ()),
    ("feed (atom)", "/feeds/en/speeches.atom", ()),
    ("media range", "/media/speeches/smart-cities", ("Range: bytes=1000-65535",)),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def env_for(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTRA_")}
    env.update({"ROSTRA_DATA_DIR": str(data_dir),
                "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])})
    env.update(extra)
    return env


def wait_ready(base: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def start(command: list[str], env: dict, base: str) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    wait_ready(base)
    for _, path, _ in TARGETS:  # warm: first renders, caches, connections
        try:
            urllib.request.urlopen(base + path, timeout=30).read()
        except OSError:
            pass
    return process


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def wrk(url: str, connections: int, seconds: int, headers=()) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command + [url], capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99_ms = float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non2xx.group(1)) if non2xx else 0
    return {"rate": rate, "p99_ms": p99_ms, "errors": errors}


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def run_targets(base: str, seconds: int, label: str) -> dict:
    results = {}
    for connections in (16, 64):
        for name, path, headers in TARGETS:
            results[(name, connections)] = wrk(base + path, connections, seconds, headers)
    print(f"\n{label}  (load average before/after: see lines)")
    print(f"{'page':18} {'conns':>5} {'req/s':>8} {'% ceiling':>9} {'p99 ms':>8} {'errors':>6}")
    for connections in (16, 64):
        ceiling = results[("ceiling /healthz", connections)]["rate"]
        for name, _, _ in TARGETS:
            row = results[(name, connections)]
            print(f"{name:18} {connections:>5} {row['rate']:>8.0f} "
                  f"{100 * row['rate'] / ceiling:>8.0f}% {row['p99_ms']:>8.0f} "
                  f"{row['errors']:>6}")
    return results


async def slow_clients(host: str, port: int, count: int, page: str, hold_s: float) -> list:
    """``count`` clients each reading a media download 4 KB at a time, while a page is timed."""
    async def slow_reader():
        try:
            reader, writer = await asyncio.open_connection(host, port, limit=4096)
        except OSError:
            return
        writer.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET,
                                                              socket.SO_RCVBUF, 4096)
        writer.write(b"GET /media/speeches/smart-cities HTTP/1.1\r\nHost: %s:%d\r\n\r\n"
                     % (host.encode(), port))
        deadline = time.monotonic() + hold_s
        while time.monotonic() < deadline:
            if not await reader.read(4096):
                break
            await asyncio.sleep(0.2)
        writer.close()

    async def page_times():
        await asyncio.sleep(1.0)  # let every slow reader connect
        times = []
        for _ in range(10):
            started = time.monotonic()
            await asyncio.to_thread(lambda: urllib.request.urlopen(
                f"http://{host}:{port}{page}", timeout=10).read())
            times.append(time.monotonic() - started)
            await asyncio.sleep(0.2)
        return times

    readers = [asyncio.create_task(slow_reader()) for _ in range(count)]
    times = await page_times()
    await asyncio.gather(*readers)
    return times


def compare_servers(data_dir: Path, seconds: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = env_for(data_dir, DJANGO_SETTINGS_MODULE="rostra.settings")
    servers = {
        "uvicorn x2 (rostra serve)": [sys.executable, "-m", "rostra", "serve", "--port",
                                      str(port), "--workers", "2", "--no-worker"],
        "granian asgi x2": [sys.executable, "-m", "granian", "--interface", "asgi", "--workers",
                            "2", "--port", str(port), "--log-level", "error",
                            "rostra.asgi:application"],
        "gunicorn gthread x2x8 (WSGI)": [sys.executable, "-m", "gunicorn", "-w", "2",
                                         "--threads", "8", "-k", "gthread", "-b",
                                         f"127.0.0.1:{port}", "rostra.wsgi:application"],
    }
    print(f"\nservers at 64 connections (load {load()})")
    print(f"{'server':30} {'/healthz req/s':>14} {'home req/s':>10} {'home p99 ms':>11}")
    for name, command in servers.items():
        process = start(command, env, base)
        try:
            ceiling = wrk(base + "/healthz", 64, seconds)
            home = wrk(base + "/en/", 64, seconds)
        finally:
            stop(process)
        print(f"{name:30} {ceiling['rate']:>14.0f} {home['rate']:>10.0f} {home['p99_ms']:>11.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--compare-servers", action="store_true")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="rostra-load-"))
    subprocess.run([sys.executable, "-m", "tests.server.make_archive", str(data_dir)],
                   env=env_for(data_dir), cwd=REPO, check=True)
    print(f"wrk on loopback, rostra serve --workers 2, {os.cpu_count()} cores, "
          f"load {load()}")
    for label, extra in (("page cache on (default)", {}),
                         ("baseline: ROSTRA_PAGE_CACHE=false", {"ROSTRA_PAGE_CACHE": "false"})):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = start([sys.executable, "-m", "rostra", "serve", "--port", str(port),
                         "--workers", "2", "--no-worker"], env_for(data_dir, **extra), base)
        try:
            print(f"\nload before {label}: {load()}")
            run_targets(base, args.seconds, label)
            if not extra:
                times = asyncio.run(slow_clients("127.0.0.1", port, 200, "/en/", 8.0))
                print(f"200 slow media clients: home page in {1000 * min(times):.0f}-"
                      f"{1000 * max(times):.0f} ms (10 fetches)")
            print(f"load after: {load()}")
        finally:
            stop(process)
    if args.compare_servers:
        compare_servers(data_dir, args.seconds)


if __name__ == "__main__":
    main()
