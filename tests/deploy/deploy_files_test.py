#!/usr/bin/python3
"""Checks the deployment files in deploy/ parse and say what operators rely on: the image is
built by deploy/install-deps.sh and ships every library the binary links; compose and the
Kubernetes manifests carry the probes, replicas, limits and no secrets; the systemd unit
verifies; the alert rules only use metrics refundbot exports; the Slack manifest points at the
real endpoints.

    deploy_files_test.py <source dir> <refundbot binary>
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

SOURCE = sys.argv.pop(1) if len(sys.argv) > 2 else os.getcwd()
BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "refundbot"
DEPLOY = os.path.join(SOURCE, "deploy")


def load(*parts):
    with open(os.path.join(DEPLOY, *parts), encoding="utf-8") as f:
        return yaml.safe_load(f)


def exported_metrics():
    names = set()
    for folder in ("bot", "adapters"):
        for dirpath, _, files in os.walk(os.path.join(SOURCE, folder)):
            for name in files:
                if name.endswith(".cpp"):
                    with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                        names.update(re.findall(r'"(refundbot_[a-z_]+)"', f.read()))
    return names


class Dockerfile(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(DEPLOY, "Dockerfile"), encoding="utf-8") as f:
            self.text = f.read()

    def test_builds_with_install_deps_and_runs_unprivileged_on_slim(self):
        stages = re.findall(r"^FROM (\S+)", self.text, re.M)
        self.assertEqual(stages, ["debian:12", "debian:12-slim"])
        self.assertRegex(self.text, r"RUN \./deploy/install-deps\.sh")
        self.assertTrue(re.search(r"^USER 10001", self.text, re.M), "the runtime user must not be root")
        self.assertIn("HEALTHCHECK", self.text)

    def test_runtime_stage_installs_every_library_the_binary_links(self):
        runtime = self.text.split("FROM debian:12-slim", 1)[1]
        installed = set(re.findall(r"\b(lib[a-z0-9.+-]+|ca-certificates)\b", runtime))
        needed = re.findall(r"NEEDED\s+(\S+)", subprocess.run(
            ["objdump", "-p", BINARY], check=True, capture_output=True, text=True).stdout)
        base = {"libc6", "libstdc++6", "libgcc-s1"}  # in debian:12-slim already
        for lib in needed:
            path = subprocess.run(["bash", "-c", f"ldconfig -p | grep -m1 ' {lib} ' | sed 's/.*=> //'"],
                                  capture_output=True, text=True).stdout.strip()
            owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                                   text=True).stdout.split(":")[0]
            if owner and owner not in base:
                self.assertIn(owner, installed, f"{lib} comes from {owner}, missing in the runtime stage")


class Compose(unittest.TestCase):
    def test_postgres_with_a_volume_and_refundbot_with_health_checks(self):
        c = load("compose.yml")
        pg, bot = c["services"]["postgres"], c["services"]["refundbot"]
        self.assertEqual(pg["image"], "postgres:15")
        self.assertIn("pgdata:/var/lib/postgresql/data", pg["volumes"])
        self.assertIn("pgdata", c["volumes"])
        self.assertIn("healthcheck", pg)
        self.assertEqual(bot["build"]["dockerfile"], "deploy/Dockerfile")
        self.assertIn("/readyz", " ".join(bot["healthcheck"]["test"]))
        self.assertEqual(bot["depends_on"]["postgres"]["condition"], "service_healthy")
        self.assertEqual(bot["env_file"], ["refundbot.env"])

    def test_no_secret_values_in_the_file(self):
        c = load("compose.yml")
        for name, value in c["services"]["refundbot"]["environment"].items():
            self.assertFalse(re.search(r"SECRET$|TOKEN$|KEY$|PASSWORD$", name), f"{name} belongs in the env file")


class Kubernetes(unittest.TestCase):
    def docs(self):
        out = {}
        for name in os.listdir(os.path.join(DEPLOY, "k8s")):
            with open(os.path.join(DEPLOY, "k8s", name), encoding="utf-8") as f:
                for doc in yaml.safe_load_all(f):
                    out[(doc["kind"], name)] = doc
        return out

    def test_deployment_has_two_replicas_probes_limits_and_no_root(self):
        d = load("k8s", "deployment.yaml")
        self.assertEqual(d["spec"]["replicas"], 2)
        pod = d["spec"]["template"]["spec"]
        c = pod["containers"][0]
        self.assertEqual(c["readinessProbe"]["httpGet"]["path"], "/readyz")
        self.assertEqual(c["livenessProbe"]["httpGet"]["path"], "/healthz")
        self.assertIn("memory", c["resources"]["requests"])
        self.assertIn("cpu", c["resources"]["requests"])
        self.assertIn("memory", c["resources"]["limits"])
        self.assertTrue(pod["securityContext"]["runAsNonRoot"])
        self.assertFalse(c["securityContext"]["allowPrivilegeEscalation"])
        self.assertEqual(c["envFrom"][0]["secretRef"]["name"], "refundbot-secrets")

    def test_service_pdb_and_deployment_select_the_same_pods(self):
        labels = load("k8s", "deployment.yaml")["spec"]["template"]["metadata"]["labels"]
        self.assertEqual(load("k8s", "service.yaml")["spec"]["selector"], labels)
        pdb = load("k8s", "pdb.yaml")
        self.assertEqual(pdb["spec"]["selector"]["matchLabels"], labels)
        self.assertEqual(pdb["spec"]["minAvailable"], 1)

    def test_kustomization_lists_every_manifest_but_the_secret_template(self):
        k = load("k8s", "kustomization.yaml")
        files = set(os.listdir(os.path.join(DEPLOY, "k8s"))) - {"kustomization.yaml", "secret.example.yaml"}
        self.assertEqual(set(k["resources"]), files)
        kinds = {kind for kind, _ in self.docs()}
        self.assertTrue({"Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget"} <= kinds)

    def test_secret_template_holds_no_values(self):
        s = load("k8s", "secret.example.yaml")
        self.assertTrue(all(v == "" for v in s["stringData"].values()))

    def test_configmap_config_is_accepted_by_refundbot_and_its_policy_is_json(self):
        data = load("k8s", "configmap.yaml")["data"]
        json.loads(data["policy.json"])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "config.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(data["config.toml"])
            r = subprocess.run([BINARY, "check-config", "--config", path], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("configuration is valid (production mode)", r.stdout)


class Systemd(unittest.TestCase):
    def test_unit_is_hardened_and_verifies(self):
        with open(os.path.join(DEPLOY, "systemd", "refundbot.service"), encoding="utf-8") as f:
            unit = f.read()
        for option in ("DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes",
                       "PrivateTmp=yes", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service"):
            self.assertIn(option, unit)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "refundbot.service")
            with open(path, "w", encoding="utf-8") as f:
                f.write(unit.replace("/usr/local/bin/refundbot", os.path.abspath(BINARY)))
            r = subprocess.run(["systemd-analyze", "verify", path], capture_output=True, text=True)
            problems = [l for l in (r.stdout + r.stderr).splitlines() if "refundbot.service" in l]
            self.assertEqual(problems, [])


class Prometheus(unittest.TestCase):
    def test_scrape_config_loads_the_rules(self):
        p = load("prometheus", "prometheus.yml")
        self.assertEqual(p["scrape_configs"][0]["metrics_path"], "/metrics")
        self.assertEqual(p["rule_files"], ["alerts.yml"])

    def test_alerts_cover_the_issue_and_use_only_exported_metrics(self):
        rules = load("prometheus", "alerts.yml")["groups"][0]["rules"]
        exported = exported_metrics()
        for rule in rules:
            for metric in re.findall(r"refundbot_[a-z_]+", rule["expr"]):
                self.assertIn(metric, exported, f"{rule['alert']} uses {metric}, which refundbot does not export")
        exprs = " ".join(r["expr"] for r in rules)
        for metric in ("refundbot_jobs_dead_total", "refundbot_refund_attempts_total",
                       "refundbot_review_oldest_pending_seconds", "refundbot_ai_circuit_open"):
            self.assertIn(metric, exprs)


class SlackManifest(unittest.TestCase):
    def test_points_at_the_bots_endpoints_with_the_scopes_it_uses(self):
        m = load("slack", "manifest.yml")
        self.assertTrue(m["settings"]["interactivity"]["request_url"].endswith("/slack/interactions"))
        self.assertTrue(m["features"]["slash_commands"][0]["url"].endswith("/slack/commands"))
        self.assertEqual(m["features"]["slash_commands"][0]["command"], "/refund")
        self.assertTrue({"chat:write", "commands", "usergroups:read"} <= set(m["oauth_config"]["scopes"]["bot"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
