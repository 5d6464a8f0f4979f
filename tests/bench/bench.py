#!/usr/bin/env python3
"""Measures refundbot against the targets of issue #10 (called by tests/bench/run.sh, which
builds in Release and starts the PostgreSQL cluster). Every figure is the median of --runs
runs; the table goes to stdout and, with the raw runs, to --out as JSON."""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

INTAKE_SECRET = "whsec_bench_intake"
SLACK_SECRET = "bench_slack_signing_secret"
SLACK_TOKEN = "xoxb-test-token"
STRIPE_KEY = "sk_test_refundbot"

SLACK_CONFIG = """
[slack]
review_channel = "CREVIEW"
alerts_channel = "CALERTS"
post_interval_ms = 0

[review]
viewers = ["UBENCHVIEWER"]

[[review.approvers]]
id = "UBENCHLEAD"
max = { USD = "5000.00" }
"""


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=1.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0  # kB -> MiB
    return 0.0


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class Bench:
    def __init__(self, a):
        self.a = a
        self.bin = a.bin_dir
        self.refundbot = os.path.join(self.bin, "bot", "refundbot")
        self.work = tempfile.mkdtemp(prefix="refundbot-bench-")
        self.logs = os.path.join(a.out_dir, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.slack_config = os.path.join(self.work, "slack.toml")
        with open(self.slack_config, "w") as f:
            f.write(SLACK_CONFIG)
        self.results = {}
        self.runs = {}
        self.db_url = a.db_url

    # --- helpers -------------------------------------------------------------------------
    def psql(self, sql, url=None):
        out = subprocess.run(
            [self.a.psql, url or self.db_url, "-qAtX", "-c", sql],
            check=True, capture_output=True, text=True,
        )
        return out.stdout.strip()

    def fresh_db(self, name):
        """A new database in the cluster, so no step sees another's rows or queued jobs."""
        self.psql(f"DROP DATABASE IF EXISTS {name}", self.a.db_url)
        self.psql(f"CREATE DATABASE {name}", self.a.db_url)
        self.db_url = self.a.db_url.rsplit("/", 1)[0] + "/" + name

    def env(self, extra):
        env = dict(os.environ)
        env.update({
            "REFUNDBOT_DB_URL": self.db_url,
            "REFUNDBOT_INTAKE_SIGNING_SECRET": INTAKE_SECRET,
        })
        env.update(extra)
        return env

    def start(self, name, extra, wait=True):
        port = free_port()
        out = open(os.path.join(self.logs, f"{name}.log"), "ab")
        p = subprocess.Popen(
            [self.refundbot, "serve"], env=self.env({"REFUNDBOT_HTTP_PORT": str(port), **extra}),
            stdout=out, stderr=subprocess.STDOUT,
        )
        t0 = time.monotonic()
        if wait:
            while True:
                if p.poll() is not None:
                    raise SystemExit(f"bench: refundbot exited early; see {out.name}")
                try:
                    if get(port, "/readyz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() - t0 > 30:
                    raise SystemExit("bench: refundbot not ready after 30 s")
                time.sleep(0.001)
        return p, port, time.monotonic() - t0

    @staticmethod
    def stop(p):
        p.terminate()
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def loadgen(self, port, *args):
        cmd = [os.path.join(self.bin, "tests", "bench", "loadgen"), "--port", str(port), *args]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    def record(self, key, runs, figure):
        self.runs[key] = runs
        self.results[key] = figure

    # --- figures -------------------------------------------------------------------------
    def machine(self):
        settings = {}
        for s in ["server_version", "synchronous_commit", "fsync", "wal_sync_method",
                  "shared_buffers", "max_connections", "commit_delay"]:
            settings[s] = self.psql(f"SHOW {s}")
        cpu = ""
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        self.results["machine"] = {
            "date": time.strftime("%Y-%m-%d"),
            "cores": os.cpu_count(),
            "cpu": cpu,
            "kernel": platform.release(),
            "postgresql": settings,
        }

    def pgbench(self):
        self.psql("DROP TABLE IF EXISTS bench_insert; "
                  "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload text)")
        script = os.path.join(self.work, "insert.sql")
        with open(script, "w") as f:
            f.write("INSERT INTO bench_insert (payload) VALUES (repeat('x', 1000));\n")
        figures = {}
        for clients in (1, 64):
            runs = []
            for _ in range(self.a.runs):
                out = subprocess.run(
                    [self.a.pgbench, "-n", "-f", script, "-c", str(clients), "-j", str(min(2, clients)),
                     "-T", str(int(self.a.seconds)), self.a.db_url],
                    check=True, capture_output=True, text=True,
                ).stdout
                runs.append(float(re.search(r"tps = ([0-9.]+)", out).group(1)))
            figures[clients] = statistics.median(runs)
            self.runs[f"pgbench_{clients}"] = runs
        self.psql("DROP TABLE bench_insert")
        self.results["pgbench_inserts_per_s"] = {"1_client": figures[1], "64_clients": figures[64]}

    def decide(self):
        exe = os.path.join(self.bin, "tests", "bench", "decide_bench")
        out = subprocess.run(
            [exe, "--benchmark_format=json", f"--benchmark_repetitions={self.a.runs}",
             "--benchmark_report_aggregates_only=true"],
            check=True, capture_output=True, text=True,
        ).stdout
        rows = json.loads(out)["benchmarks"]
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
        per_s = {b["run_name"]: 1.0 / (b["real_time"] * unit[b["time_unit"]])
                 for b in rows if b.get("aggregate_name") == "median"}
        self.record("decide_per_s", per_s, per_s["full_decide"])

    def replay(self):
        """refundbot replay of --replay-cases recorded requests (offline reasoner, a stricter
        policy so that routes change), wall time and peak RSS of the whole command."""
        self.fresh_db("bench_replay")
        subprocess.run([os.path.join(self.bin, "tests", "bench", "replay_seed"), "--db-url",
                        self.db_url, "--cases", str(self.a.replay_cases)],
                       check=True, capture_output=True)
        policy = os.path.join(self.work, "stricter.json")
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        with open(os.path.join(root, "deploy", "policy.example.json")) as f:
            p = json.load(f)
        p["auto_approve"]["max_amount"] = 50
        with open(policy, "w") as f:
            json.dump(p, f)
        runs, rss = [], []
        for _ in range(self.a.runs):
            t0 = time.monotonic()
            proc = subprocess.Popen([self.refundbot, "replay", "--policy", policy, "--format",
                                     "json"], env=self.env({}), stdout=subprocess.PIPE)
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            secs = time.monotonic() - t0
            if status != 0:
                raise SystemExit(f"bench: replay failed with status {status}")
            replayed = json.loads(out)["replayed"]
            runs.append(replayed / secs)
            rss.append(usage.ru_maxrss / 1024)
        self.record("replay", runs, {"cases": replayed, "per_s": statistics.median(runs),
                                     "seconds": replayed / statistics.median(runs),
                                     "peak_rss_mib": statistics.median(rss)})

    def startup(self):
        self.fresh_db("bench_startup")
        subprocess.run([self.refundbot, "migrate"], env=self.env({}), check=True,
                       capture_output=True)
        runs = []
        for _ in range(max(5, self.a.runs)):
            p, _, secs = self.start("startup", {})
            runs.append(secs * 1000)
            self.stop(p)
        self.record("start_to_ready_ms", runs, statistics.median(runs))

    def intake(self):
        # Intake alone: no job workers, so the figure is the webhook path and its commit.
        self.fresh_db("bench_intake")
        p, port, _ = self.start("intake", {"REFUNDBOT_JOBS_WORKERS": "0"})
        time.sleep(2)
        idle = proc_status(p.pid, "VmRSS")
        fds_before = fd_count(p.pid)
        capacity, at_target = [], []
        for i in range(self.a.runs):
            capacity.append(self.loadgen(
                port, "--secret", INTAKE_SECRET, "--rate", "0", "--connections", "64",
                "--duration", str(self.a.seconds), "--prefix", f"cap{i}"))
            at_target.append(self.loadgen(
                port, "--secret", INTAKE_SECRET, "--rate", str(self.a.intake_rate),
                "--connections", "64", "--duration", str(self.a.seconds), "--prefix", f"tgt{i}"))
        peak = proc_status(p.pid, "VmHWM")
        time.sleep(1)
        fds_after = fd_count(p.pid)
        self.stop(p)
        for r in capacity + at_target:
            bad = {k: v for k, v in r["statuses"].items() if k != "202"}
            if bad or r["transport_errors"]:
                raise SystemExit(f"bench: intake answered other than 202: {r}")
        self.record("intake_capacity_per_s", capacity,
                    statistics.median(r["throughput"] for r in capacity))
        self.record("intake_at_target", at_target, {
            "offered_per_s": self.a.intake_rate,
            "throughput_per_s": statistics.median(r["throughput"] for r in at_target),
            "p50_ms": statistics.median(r["p50_ms"] for r in at_target),
            "p99_ms": statistics.median(r["p99_ms"] for r in at_target),
        })
        self.results["memory_mib"] = {"idle": idle, "peak_under_intake": peak}
        self.results["intake_fds"] = {"before": fds_before, "after": fds_after}

    def end_to_end_and_slack(self):
        n_per_run = int(self.a.e2e_rate * self.a.seconds)
        total = n_per_run * self.a.runs
        self.fresh_db("bench_e2e")
        fakes = subprocess.Popen(
            [os.path.join(self.bin, "tests", "bench", "bench_fakes"), "e2e", str(total)],
            stdout=subprocess.PIPE, text=True,
        )
        urls = json.loads(fakes.stdout.readline())
        p, port, _ = self.start("e2e", {
            "REFUNDBOT_CONFIG": self.slack_config,
            "REFUNDBOT_STRIPE_SECRET_KEY": STRIPE_KEY,
            "REFUNDBOT_STRIPE_API_BASE_URL": urls["stripe"],
            "REFUNDBOT_SLACK_BOT_TOKEN": SLACK_TOKEN,
            "REFUNDBOT_SLACK_SIGNING_SECRET": SLACK_SECRET,
            "REFUNDBOT_SLACK_API_BASE_URL": urls["slack"],
        })
        runs = []
        try:
            for i in range(self.a.runs):
                first = i * n_per_run
                t0 = time.monotonic()
                gen = self.loadgen(
                    port, "--secret", INTAKE_SECRET, "--rate", str(self.a.e2e_rate),
                    "--connections", "64", "--requests", str(n_per_run), "--duration", "3600",
                    "--prefix", "e2e", "--first", str(first))
                done, last_change, last = 0, time.monotonic(), -1
                while done < n_per_run and time.monotonic() - last_change < 60:
                    done = int(self.psql(
                        "SELECT count(*) FROM requests WHERE state = 'REFUNDED' AND request_id "
                        f"~ '^e2e-' AND substr(request_id, 5)::bigint >= {first}"))
                    if done != last:
                        last, last_change = done, time.monotonic()
                    time.sleep(0.1)
                secs = last_change - t0
                runs.append({"requests": n_per_run, "refunded": done, "seconds": secs,
                             "per_s": done / secs, "intake": gen})
            peak = proc_status(p.pid, "VmHWM")
            slack_runs = []
            response_base = urls["slack"][: -len("/api")] + "/response/"
            for i in range(self.a.runs):
                slack_runs.append(self.loadgen(
                    port, "--mode", "slack", "--secret", SLACK_SECRET, "--user", "UBENCHVIEWER",
                    "--rate", str(self.a.click_rate), "--connections", "16",
                    "--duration", str(self.a.seconds), "--prefix", "e2e", "--targets", "100",
                    "--first", str(i * 1_000_000), "--response-base", response_base))
        finally:
            self.stop(p)
            fakes.terminate()
            ledger = json.loads(fakes.stdout.readlines()[-1])
            fakes.wait()
        refunded = sum(r["refunded"] for r in runs)
        if ledger["refunds"] != refunded or ledger["charges_refunded_twice"]:
            raise SystemExit(f"bench: Stripe ledger {ledger} does not match {refunded} REFUNDED")
        for r in slack_runs:
            if set(r["statuses"]) != {"200"} or r["transport_errors"]:
                raise SystemExit(f"bench: Slack clicks answered other than 200: {r}")
        self.record("e2e_refunds_per_s", runs, statistics.median(r["per_s"] for r in runs))
        self.results["e2e_ledger"] = ledger
        self.results.setdefault("memory_mib", {})["peak_end_to_end"] = peak
        self.record("slack_ack", slack_runs, {
            "offered_per_s": self.a.click_rate,
            "throughput_per_s": statistics.median(r["throughput"] for r in slack_runs),
            "p50_ms": statistics.median(r["p50_ms"] for r in slack_runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in slack_runs),
        })

    def soak(self):
        """Opt-in (--only soak): --soak-minutes at half the intake capacity; memory at the end
        within 10% of its value after the first minute, and no growth in descriptors."""
        self.fresh_db("bench_soak")
        p, port, _ = self.start("soak", {"REFUNDBOT_JOBS_WORKERS": "0"})
        try:
            cap = self.loadgen(port, "--secret", INTAKE_SECRET, "--rate", "0", "--connections",
                               "64", "--duration", "10", "--prefix", "soakcap")["throughput"]
            rate = int(cap / 2)
            secs = self.a.soak_minutes * 60
            cmd = [os.path.join(self.bin, "tests", "bench", "loadgen"), "--port", str(port),
                   "--secret", INTAKE_SECRET, "--rate", str(rate), "--connections", "64",
                   "--duration", str(secs), "--prefix", "soak"]
            gen = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
            time.sleep(60)
            first = {"rss": proc_status(p.pid, "VmRSS"), "fds": fd_count(p.pid)}
            samples = [first]
            while gen.poll() is None:
                time.sleep(min(60, max(1, secs - 60 * len(samples) - 2)))
                samples.append({"rss": proc_status(p.pid, "VmRSS"), "fds": fd_count(p.pid)})
                if len(samples) * 60 >= secs:
                    break
            result = json.loads(gen.communicate()[0])
            last = samples[-1]
        finally:
            self.stop(p)
        growth = (last["rss"] - first["rss"]) / first["rss"]
        self.record("soak", samples, {
            "rate_per_s": rate, "minutes": self.a.soak_minutes, "rss_after_1_min": first["rss"],
            "rss_at_end": last["rss"], "rss_growth": growth, "fds_after_1_min": first["fds"],
            "fds_at_end": last["fds"], "p99_ms": result["p99_ms"],
            "statuses": result["statuses"], "transport_errors": result["transport_errors"]})
        if growth > 0.10 or last["fds"] > first["fds"] + 2 or set(result["statuses"]) != {"202"}:
            raise SystemExit(f"bench: soak failed: {self.results['soak']}")

    # --- report --------------------------------------------------------------------------
    def table(self):
        r = self.results
        m = r["machine"]
        pg = r["pgbench_inserts_per_s"]
        it = r["intake_at_target"]
        sa = r["slack_ack"]
        mem = r["memory_mib"]
        ok = lambda cond: "met" if cond else "MISSED"  # noqa: E731
        rows = [
            ("pure decide, one core", f"{r['decide_per_s']:,.0f} decisions/s",
             ">= 50,000/s", ok(r["decide_per_s"] >= 50_000)),
            ("intake capacity, 64 conns, closed loop", f"{r['intake_capacity_per_s']:,.0f} req/s",
             ">= 10,000/s", ok(r["intake_capacity_per_s"] >= 10_000)),
            (f"intake open loop at {it['offered_per_s']:,}/s",
             f"{it['throughput_per_s']:,.0f} req/s, p50 {it['p50_ms']:.1f} ms, "
             f"p99 {it['p99_ms']:.1f} ms", "p99 <= 25 ms",
             ok(it["p99_ms"] <= 25 and it["throughput_per_s"] >= 0.98 * it["offered_per_s"])),
            ("end to end to REFUNDED (fake Stripe)", f"{r['e2e_refunds_per_s']:,.0f} refunds/s",
             ">= 1,000/s", ok(r["e2e_refunds_per_s"] >= 1000)),
            (f"Slack click ack at {sa['offered_per_s']}/s",
             f"p50 {sa['p50_ms']:.1f} ms, p99 {sa['p99_ms']:.1f} ms", "p99 <= 50 ms",
             ok(sa["p99_ms"] <= 50)),
            ("peak RSS under intake load", f"{mem['peak_under_intake']:.1f} MiB", "<= 64 MiB",
             ok(mem["peak_under_intake"] <= 64)),
            ("idle RSS after start", f"{mem['idle']:.1f} MiB", "<= 20 MiB", ok(mem["idle"] <= 20)),
            ("start to /readyz 200", f"{r['start_to_ready_ms']:.0f} ms", "<= 300 ms",
             ok(r["start_to_ready_ms"] <= 300)),
            (f"replay of {r['replay']['cases']:,} recorded requests",
             f"{r['replay']['seconds']:.1f} s ({r['replay']['per_s']:,.0f}/s), peak RSS "
             f"{r['replay']['peak_rss_mib']:.0f} MiB", "<= 10 s",
             ok(r["replay"]["seconds"] <= 10)),
            ("pgbench 1 KB inserts, 1 / 64 clients",
             f"{pg['1_client']:,.0f} / {pg['64_clients']:,.0f} tx/s", "", ""),
            ("intake capacity / pgbench 64 clients",
             f"{r['intake_capacity_per_s'] / pg['64_clients']:.2f}", "", ""),
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = [
            f"refundbot benchmarks, {m['date']}, {m['cores']} cores ({m['cpu']}), "
            f"PostgreSQL {m['postgresql']['server_version']} "
            f"(synchronous_commit={m['postgresql']['synchronous_commit']}, "
            f"fsync={m['postgresql']['fsync']}, wal_sync_method="
            f"{m['postgresql']['wal_sync_method']}, shared_buffers="
            f"{m['postgresql']['shared_buffers']}); medians of {self.a.runs} runs",
            "",
        ]
        for row in [("figure", "measured", "target", "")] + rows:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--db-url", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--psql", default="psql")
    ap.add_argument("--pgbench", default="/usr/lib/postgresql/15/bin/pgbench")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--intake-rate", type=int, default=10_000)
    ap.add_argument("--e2e-rate", type=int, default=1_200)
    ap.add_argument("--click-rate", type=int, default=500)
    ap.add_argument("--soak-minutes", type=float, default=10)
    ap.add_argument("--replay-cases", type=int, default=100_000)
    ap.add_argument("--only", default="", help="comma-separated steps; 'soak' runs only so")
    a = ap.parse_args()
    b = Bench(a)
    try:
        b.machine()
        steps = [("pgbench", b.pgbench), ("decide", b.decide), ("startup", b.startup),
                 ("intake", b.intake), ("e2e", b.end_to_end_and_slack), ("replay", b.replay),
                 ("soak", b.soak)]
        for name, step in steps:
            if (a.only and name not in a.only.split(",")) or (name == "soak" and not a.only):
                continue
            log(f"{name} ...")
            step()
        text = b.table() if not a.only else json.dumps(b.results, indent=2)
        print(text)
        with open(os.path.join(a.out_dir, "results.json"), "w") as f:
            json.dump({"figures": b.results, "runs": b.runs}, f, indent=2)
        if not a.only:
            with open(os.path.join(a.out_dir, "results.txt"), "w") as f:
                f.write(text + "\n")
    finally:
        shutil.rmtree(b.work, ignore_errors=True)


if __name__ == "__main__":
    main()
