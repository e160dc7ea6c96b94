#!/usr/bin/env python3
"""Static checks of the deployment files (no Docker engine or cluster needed).

    python3 scripts/check_deploy.py [--no-render]

What `nomadctl up` does is the reference, read from the Swift sources so that a
new service or variable cannot be forgotten here:
  - the services, their executables and their own variables: SuiteService.all
    (Services/Ctl/Suite/SuiteServices.swift);
  - the variables every service gets: LocalSuite.environment(for:);
  - the ports: NomadConfig.defaultPorts, cross-checked with the README's table;
  - which variables are secrets: every env.secret("...") in Services/ and Shared/.
  - the web portal (`kind: .web`): its variables from the same table and its ports
    from PortalConfig.
It then checks docker-compose.yml, the kustomize render of both overlays (gov-cloud:
CloudNativePG; small: one plain PostgreSQL) and Deploy/Dockerfile against that.
Prints every failure, exits 1 on any.
"""

import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OVERLAYS = ("Deploy/k8s/overlays/gov-cloud", "Deploy/k8s/overlays/small")
OVERLAY = OVERLAYS[0]
DRAIN_SECONDS = 20  # NomadConfig's default NOMAD_DRAIN_TIMEOUT_SECONDS
MEMORY_BUDGET_MI = 256  # README: each service under 256 MB during the jobs load run

# Variables containers set that `nomadctl up` does not: listen on every
# interface, authenticate to a database that is not a local trust-auth cluster,
# and (Kubernetes) state the drain the grace period is computed from.
CONTAINER_EXTRAS = {"NOMAD_GRPC_HOST", "NOMAD_METRICS_HOST", "NOMAD_DATABASE_PASSWORD",
                    "NOMAD_MIGRATION_DATABASE_PASSWORD", "NOMAD_DRAIN_TIMEOUT_SECONDS"}

# Variables `nomadctl up` sets that containers do not. None now: containers
# trust the portal's network (compose's fixed subnet, the cluster's pod network)
# as a forwarder, as `nomadctl up` trusts loopback.
NOMADCTL_ONLY = set()

failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)
    return condition


def read(path):
    return (ROOT / path).read_text(encoding="utf-8")


# ---------------------------------------------------------------- the reference


def swift_block(text, start_pattern):
    """The text from start_pattern to its matching closing brace or bracket."""
    match = re.search(start_pattern, text)
    if not match:
        raise SystemExit(f"check_deploy: cannot find {start_pattern!r} in the Swift sources; update the checker")
    i = match.end() - 1
    opening = text[i]
    closing = {"{": "}", "[": "]"}[opening]
    depth = 0
    for j in range(i, len(text)):
        if text[j] == opening:
            depth += 1
        elif text[j] == closing:
            depth -= 1
            if depth == 0:
                return text[i : j + 1]
    raise SystemExit(f"check_deploy: unbalanced block after {start_pattern!r}")


WEB = {}


def suite_reference():
    services_swift = read("Services/Ctl/Suite/SuiteServices.swift")
    suite_swift = read("Services/Ctl/Suite/LocalSuite.swift")
    relay = set(re.findall(r'"(NOMAD_\w+)"', swift_block(services_swift, r"static func relay\([^)]*\)[^{]*\{")))
    revocations = set(re.findall(r'"(NOMAD_\w+)"', swift_block(services_swift, r"static func revocations\([^)]*\)[^{]*\{")))
    common = set(re.findall(r'environment\["(NOMAD_\w+)"\]\s*=',
                            swift_block(suite_swift, r"static func environment\(for[^{]*\{")))
    all_block = swift_block(services_swift, r"static let all: \[SuiteService\] = \[")
    starts = [m for m in re.finditer(r'SuiteService\("(\w+)", executable: "([\w-]+)"', all_block)]
    services = {}
    for index, m in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(all_block)
        entry = all_block[m.start() : end]
        # The web portal has no schema, roles or gRPC port: checked on its own.
        if "kind: .web" in entry:
            WEB[m.group(1)] = {"executable": m.group(2), "env": set(re.findall(r'"(NOMAD_\w+)"', entry))}
            continue
        own = set(re.findall(r'"(NOMAD_\w+)"', entry))
        relays = bool(re.search(r"\brelay\b", entry))
        polls = bool(re.search(r"\brevocations\b", entry))
        services[m.group(1)] = {
            "executable": m.group(2),
            "env": common | own | (relay if relays else set()) | (revocations if polls else set()),
            "relays": relays,
            "polls": polls,
        }
    config = read("Shared/NomadKit/Config/NomadConfig.swift")
    ports_block = swift_block(config, r"static let defaultPorts[^=]*= \[")
    ports = {name: (int(g), int(m)) for name, g, m in re.findall(r'"(\w+)": \((\d+), (\d+)\)', ports_block)}
    secrets = set()
    for directory in ("Services", "Shared"):
        for path in (ROOT / directory).rglob("*.swift"):
            secrets |= set(re.findall(r'\.secret\("(NOMAD_\w+)"\)', path.read_text(encoding="utf-8")))
    portal = read("Services/Portal/Library/Config/PortalConfig.swift")
    web_ports = tuple(int(re.search(rf'env\.int\("NOMAD_PORTAL_{kind}_PORT", default: (\d+)\)', portal).group(1))
                      for kind in ("HTTP", "METRICS"))
    for name in WEB:
        ports[name] = web_ports
        # What a container adds (listen everywhere, the shared session key, the
        # stated drain) and the five addresses (nomadctl sets them from its ports).
        WEB[name]["env"] |= {f"NOMAD_{service.upper()}_ADDRESS" for service in services}
    return services, ports, secrets, relay


def readme_reference():
    readme = read("README.md")
    section = readme.split("## Services and ports", 1)[1].split("\n## ", 1)[0]
    ports = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and re.match(r"\d+", cells[3]):
            ports[cells[0].split()[0]] = (int(re.match(r"\d+", cells[3]).group()), int(re.match(r"\d+", cells[4]).group()))
    config = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    variables = set()
    for line in config.splitlines():
        if line.startswith("| `NOMAD_"):
            for name, suffix in re.findall(r"`(NOMAD_\w+?)(\[_FILE\])?`", line.split("|")[1]):
                variables.add(name)
                if suffix:
                    variables.add(name + "_FILE")
    # The portal's own table (## Portal, **Configuration**): "`A` … `B`" names the five addresses.
    portal = readme.split("## Portal (nomad-portal)", 1)[1].split("\n## ", 1)[0]
    portal = portal.split("**Configuration**", 1)[1].split("\n\n", 2)[1]
    for line in portal.splitlines():
        if line.startswith("| `NOMAD_"):
            cell = line.split("|")[1]
            if "…" in cell and "_ADDRESS" in cell:
                variables |= {f"NOMAD_{s.upper()}_ADDRESS" for s in ("identity", "jobs", "assets", "events", "analytics")}
            for name, suffix in re.findall(r"`(NOMAD_\w+?)(\[_FILE\])?`", cell):
                variables.add(name)
                if suffix:
                    variables.add(name + "_FILE")
    return ports, variables


SERVICES, PORTS, SECRET_VARS, RELAY_VARS = suite_reference()
README_PORTS, README_VARS = readme_reference()


def check_reference():
    check(len(SERVICES) >= 5, f"SuiteService.all lists {sorted(SERVICES)}; expected the five services")
    check(list(WEB) == ["portal"], f"SuiteService.all's web entries are {sorted(WEB)}; expected the portal")
    for name in SERVICES:
        check(name in PORTS, f"{name}: no NomadConfig.defaultPorts entry")
        check(README_PORTS.get(name) == PORTS.get(name),
              f"{name}: README ports {README_PORTS.get(name)} != NomadConfig.defaultPorts {PORTS.get(name)}")
    check(SECRET_VARS >= {"NOMAD_DATABASE_PASSWORD", "NOMAD_SIGNING_KEY"},
          f"secret variables found in the sources: {sorted(SECRET_VARS)}")


def base_name(variable):
    return variable[: -len("_FILE")] if variable.endswith("_FILE") else variable


def check_environment(where, service, env):
    """env: {name: value or None (from a reference)}: the variables of one container."""
    expected = (SERVICES[service]["env"] - NOMADCTL_ONLY) | CONTAINER_EXTRAS
    names = {base_name(n) for n in env}
    check(names == expected,
          f"{where}: variables differ from nomadctl up: missing {sorted(expected - names)}, extra {sorted(names - expected)}")
    for name, value in env.items():
        check(name in README_VARS, f"{where}: {name} is not in the README's Configuration table")
        if base_name(name) in SECRET_VARS:
            check(name.endswith("_FILE"), f"{where}: secret {name} given inline; use {name}_FILE")
            check(isinstance(value, str) and value.startswith("/run/secrets/"),
                  f"{where}: {name} should point under /run/secrets/, is {value!r}")
        elif isinstance(value, str):
            check(not re.fullmatch(r"[\w.-]+:[A-Za-z0-9_-]{43}", value), f"{where}: {name} looks like an inline key")
    grpc, metrics = PORTS[service]
    check(env.get("NOMAD_GRPC_PORT") == str(grpc), f"{where}: NOMAD_GRPC_PORT {env.get('NOMAD_GRPC_PORT')!r} != {grpc}")
    check(env.get("NOMAD_METRICS_PORT") == str(metrics),
          f"{where}: NOMAD_METRICS_PORT {env.get('NOMAD_METRICS_PORT')!r} != {metrics}")
    for host in ("NOMAD_GRPC_HOST", "NOMAD_METRICS_HOST"):
        check(env.get(host) == "0.0.0.0", f"{where}: {host} should be 0.0.0.0 in a container")
    url = env.get("NOMAD_DATABASE_URL") or ""
    check(re.match(rf"postgres://nomad_{service}@postgres:5432/nomad(\?|$)", url) is not None,
          f"{where}: NOMAD_DATABASE_URL {url!r}: expected role nomad_{service} at postgres:5432/nomad, no password")
    # Two roles (ServiceRoles): the owner migrates, the runtime role serves and owns nothing.
    migration = env.get("NOMAD_MIGRATION_DATABASE_URL") or ""
    check(re.match(rf"postgres://nomad_{service}_owner@postgres:5432/nomad(\?|$)", migration) is not None,
          f"{where}: NOMAD_MIGRATION_DATABASE_URL {migration!r}: expected role nomad_{service}_owner at postgres:5432/nomad, no password")
    if "NOMAD_ANALYTICS_ADDRESS" in env:
        check(env["NOMAD_ANALYTICS_ADDRESS"] == f"analytics:{PORTS['analytics'][0]}",
              f"{where}: NOMAD_ANALYTICS_ADDRESS {env['NOMAD_ANALYTICS_ADDRESS']!r}")
    if "NOMAD_IDENTITY_ADDRESS" in env:
        check(env["NOMAD_IDENTITY_ADDRESS"] == f"identity:{PORTS['identity'][0]}",
              f"{where}: NOMAD_IDENTITY_ADDRESS {env['NOMAD_IDENTITY_ADDRESS']!r}")


# ---------------------------------------------------------------- compose


def published(entry):
    """A compose port entry ("[IP:]HOST:CONTAINER", each part maybe "${VAR:-default}")
    as (host port by default, container port)."""
    parts = re.findall(r"\$\{[^}]*\}|[^:]+", str(entry))
    values = [re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", part) for part in parts]
    if len(values) < 2 or not values[-1].isdigit() or not values[-2].isdigit():
        return (None, None)
    return (int(values[-2]), int(values[-1]))


def publishes_on_loopback_by_default(entry):
    parts = re.findall(r"\$\{[^}]*\}|[^:]+", str(entry))
    return len(parts) == 3 and re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", parts[0]) == "127.0.0.1"


def git_ignored(path):
    return subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT).returncode == 0


def check_compose():
    compose = yaml.safe_load(read("docker-compose.yml"))
    services = compose.get("services", {})
    top_secrets = compose.get("secrets", {})
    for name, secret in top_secrets.items():
        path = secret.get("file", "")
        check(path.startswith("./Deploy/secrets/") and git_ignored(path[2:]),
              f"compose secret {name}: {path!r} must be a gitignored file under Deploy/secrets/")
        check((ROOT / "Deploy/secrets/README.md").read_text().count(Path(path).name) > 0,
              f"compose secret {name}: Deploy/secrets/README.md does not say how to make {Path(path).name}")

    for name, spec in services.items():
        for variable, value in (spec.get("environment") or {}).items():
            check(not re.search(r"PASSWORD$|_KEY$", variable) or variable == "NOMAD_VERIFY_KEYS",
                  f"compose {name}: {variable} given inline; use {variable}_FILE and a compose secret")
            check(not re.search(r"://[^/@:]+:[^/@]+@", str(value)), f"compose {name}: {variable} has a password in a URL")
    postgres = services.get("postgres")
    if check(postgres is not None, "compose: no postgres service"):
        check(any("bootstrap.sh" in v for v in postgres.get("volumes", [])), "compose postgres: bootstrap.sh not mounted")
    bootstrap_sh = read("Deploy/db/bootstrap.sh")
    bootstrap_sql = read("Deploy/db/bootstrap.sql")

    for service, info in SERVICES.items():
        where = f"compose {service}"
        spec = services.get(service)
        if not check(spec is not None, f"{where}: missing"):
            continue
        build = spec.get("build") or {}
        check(build.get("dockerfile") == "Deploy/Dockerfile" and build.get("context") in (".", "./"),
              f"{where}: not built from Deploy/Dockerfile with the repository as context")
        check((build.get("args") or {}).get("PRODUCT") == info["executable"],
              f"{where}: build arg PRODUCT should be {info['executable']}")
        env = {k: (None if v is None else str(v)) for k, v in (spec.get("environment") or {}).items()}
        check_environment(where, service, env)
        own_secrets = set(spec.get("secrets") or [])
        for name, value in env.items():
            if name.endswith("_FILE") and value and value.startswith("/run/secrets/"):
                secret = value[len("/run/secrets/"):]
                check(secret in own_secrets and secret in top_secrets,
                      f"{where}: {name} reads {secret}, which is not a compose secret of the service")
        grpc, metrics = PORTS[service]
        test = " ".join(map(str, (spec.get("healthcheck") or {}).get("test") or []))
        check(re.search(rf"nomadctl health --address 127\.0\.0\.1:{grpc}\b", test) is not None,
              f"{where}: healthcheck should ask grpc.health.v1 (nomadctl health --address 127.0.0.1:{grpc}), is {test!r}")
        check(duration_seconds(spec.get("stop_grace_period", "10s")) > DRAIN_SECONDS,
              f"{where}: stop_grace_period must exceed the {DRAIN_SECONDS}s drain (compose's default is 10s)")
        depends = spec.get("depends_on") or {}
        check(isinstance(depends, dict) and (depends.get("postgres") or {}).get("condition") == "service_healthy",
              f"{where}: depends_on postgres with condition service_healthy")
        ports = [published(p) for p in spec.get("ports") or []]
        for entry in spec.get("ports") or []:
            check(publishes_on_loopback_by_default(entry),
                  f"{where}: port {entry} should publish on ${{NOMAD_PUBLISH_IP:-127.0.0.1}} (loopback unless asked)")
        replicas = ((spec.get("deploy") or {}).get("replicas")) or 1
        if service == "jobs":
            check(replicas > 1, f"{where}: deploy.replicas should be > 1, is {replicas}")
        if replicas > 1:
            check(not ports, f"{where}: replicas cannot share host ports; publish through the balancer")
            check_balancer(services, service, grpc)
        else:
            check(ports == [(grpc, grpc), (metrics, metrics)],
                  f"{where}: ports {ports}, expected {grpc}:{grpc} and {metrics}:{metrics} as nomadctl up")
        db_secret = f"{service}_db_password"
        check(db_secret in (postgres or {}).get("secrets", []) and f"/run/secrets/{db_secret}" in bootstrap_sh
              and f"-v {service}_password=" in bootstrap_sh,
              f"compose postgres: bootstrap does not get {db_secret}")
        owner_secret = f"{service}_db_owner_password"
        check(owner_secret in (postgres or {}).get("secrets", []) and f"/run/secrets/{owner_secret}" in bootstrap_sh
              and f"-v {service}_owner_password=" in bootstrap_sh,
              f"compose postgres: bootstrap does not get {owner_secret}")
        check(re.search(rf"^\\set service {service}\n\\set password :{service}_password\n"
                        rf"\\set owner_password :{service}_owner_password\n\\ir bootstrap-service.sql",
                        bootstrap_sql, re.M) is not None,
              f"Deploy/db/bootstrap.sql: no roles and schema for {service}")
    check_bootstrap_service_sql()
    for name in WEB:
        check_compose_web(services, top_secrets, name)
    command = " ".join(map(str, (postgres or {}).get("command") or []))
    check("log_error_verbosity=terse" in command,
          "compose postgres: command should set log_error_verbosity=terse (an error's DETAIL quotes personal numbers)")


WEB_CONTAINER_EXTRAS = {"NOMAD_PORTAL_HTTP_HOST", "NOMAD_PORTAL_METRICS_HOST", "NOMAD_PORTAL_SESSION_KEY",
                        "NOMAD_DRAIN_TIMEOUT_SECONDS"}
WEB_OPTIONAL = {"NOMAD_PORTAL_SECURE_COOKIES"}


def check_web_environment(where, name, env, jobs_address):
    """The portal's variables in a container: nomadctl's, plus listening everywhere,
    the shared session key as a secret file and the stated drain."""
    expected = WEB[name]["env"] | WEB_CONTAINER_EXTRAS
    names = {base_name(n) for n in env}
    check(expected <= names <= expected | WEB_OPTIONAL,
          f"{where}: variables differ from nomadctl up: missing {sorted(expected - names)}, "
          f"extra {sorted(names - expected - WEB_OPTIONAL)}")
    http, metrics = PORTS[name]
    check(env.get("NOMAD_PORTAL_HTTP_PORT") == str(http), f"{where}: NOMAD_PORTAL_HTTP_PORT should be {http}")
    check(env.get("NOMAD_PORTAL_METRICS_PORT") == str(metrics), f"{where}: NOMAD_PORTAL_METRICS_PORT should be {metrics}")
    for host in ("NOMAD_PORTAL_HTTP_HOST", "NOMAD_PORTAL_METRICS_HOST"):
        check(env.get(host) == "0.0.0.0", f"{where}: {host} should be 0.0.0.0 in a container")
    check(env.get("NOMAD_DRAIN_TIMEOUT_SECONDS") == str(DRAIN_SECONDS), f"{where}: state NOMAD_DRAIN_TIMEOUT_SECONDS {DRAIN_SECONDS}")
    check("NOMAD_PORTAL_SESSION_KEY" not in env and (env.get("NOMAD_PORTAL_SESSION_KEY_FILE") or "").startswith("/run/secrets/"),
          f"{where}: the session key comes from a secret file (NOMAD_PORTAL_SESSION_KEY_FILE under /run/secrets/); "
          "without it every replica and restart makes its own and signs everyone out")
    for variable in env:
        check(variable in README_VARS, f"{where}: {variable} is not in the README's Configuration table")
    for service in SERVICES:
        address = env.get(f"NOMAD_{service.upper()}_ADDRESS")
        wanted = jobs_address if service == "jobs" else f"{service}:{PORTS[service][0]}"
        check(address == wanted, f"{where}: NOMAD_{service.upper()}_ADDRESS {address!r}, expected {wanted!r}")


def check_compose_web(services, top_secrets, name):
    where = f"compose {name}"
    spec = services.get(name)
    if not check(spec is not None, f"{where}: missing"):
        return
    build = spec.get("build") or {}
    check(build.get("dockerfile") == "Deploy/Dockerfile" and (build.get("args") or {}).get("PRODUCT") == WEB[name]["executable"],
          f"{where}: not built from Deploy/Dockerfile with PRODUCT {WEB[name]['executable']}")
    env = {k: (None if v is None else str(v)) for k, v in (spec.get("environment") or {}).items()}
    # jobs through the per-call balancer, never one replica.
    balancer = next((n for n, s in services.items()
                     if (PORTS["jobs"][0], PORTS["jobs"][0]) in [published(p) for p in s.get("ports") or []]), "jobs-lb")
    check_web_environment(where, name, env, f"{balancer}:{PORTS['jobs'][0]}")
    key = (env.get("NOMAD_PORTAL_SESSION_KEY_FILE") or "")[len("/run/secrets/"):]
    check(key in (spec.get("secrets") or []) and key in top_secrets, f"{where}: the session key is not a compose secret of it")
    depends = spec.get("depends_on") or {}
    for service in list(SERVICES):
        target = balancer if service == "jobs" else service
        check(isinstance(depends, dict) and (depends.get(target) or {}).get("condition") == "service_healthy",
              f"{where}: should wait for {target} to be healthy")
    http, metrics = PORTS[name]
    check([published(p) for p in spec.get("ports") or []] == [(http, http), (metrics, metrics)],
          f"{where}: should publish {http} and {metrics}")
    test = " ".join(map(str, (spec.get("healthcheck") or {}).get("test") or []))
    check(f"/dev/tcp/127.0.0.1/{http}" in test and "GET /healthz" in test and " 200 " in test,
          f"{where}: healthcheck should ask GET /healthz on {http} for a 200, is {test!r}")
    check(duration_seconds(spec.get("stop_grace_period", "10s")) > DRAIN_SECONDS,
          f"{where}: stop_grace_period must exceed the {DRAIN_SECONDS}s drain")
    check("postgres" not in depends and not any("database" in k.lower() for k in env),
          f"{where}: the portal reads no table: no database")


def check_bootstrap_service_sql():
    """Both roles, the owner owning the schema, the runtime role owning nothing and no member of the owner."""
    sql = read("Deploy/db/bootstrap-service.sql")
    code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    check(re.search(r"^\\set owner :role _owner$", code, re.M) is not None,
          "bootstrap-service.sql: the owner role should be nomad_<service>_owner")
    for role in ("role", "owner"):
        check(f"format('CREATE ROLE %I LOGIN', :'{role}')" in code, f"bootstrap-service.sql: does not create :{role}")
    check(re.search(r'CREATE SCHEMA IF NOT EXISTS :"service" AUTHORIZATION :"owner"', code) is not None
          and re.search(r'ALTER SCHEMA :"service" OWNER TO :"owner"', code) is not None,
          "bootstrap-service.sql: the schema must belong to the owner role")
    check(re.search(r'REASSIGN OWNED BY :"role" TO :"owner"', code) is not None,
          "bootstrap-service.sql: objects the runtime role owns (from before the two roles) must go to the owner")
    check(re.search(r'GRANT\s+:"owner"\s+TO\s+:"role"', code) is None,
          "bootstrap-service.sql: the runtime role must not be a member of the owner role (it could SET ROLE)")


def duration_seconds(value):
    total = 0
    for amount, unit in re.findall(r"(\d+)([hms])", str(value)):
        total += int(amount) * {"h": 3600, "m": 60, "s": 1}[unit]
    return total


def check_balancer(services, service, grpc):
    balancers = [(name, spec) for name, spec in services.items()
                 if (grpc, grpc) in [published(p) for p in spec.get("ports") or []]]
    if not check(len(balancers) == 1, f"compose {service}: no single balancer publishing {grpc}"):
        return
    name, spec = balancers[0]
    check(service in (spec.get("depends_on") or {}), f"compose {name}: should depend on {service}")
    configs = [v.split(":")[0] for v in spec.get("volumes") or []
               if re.search(r"\.conf(\.template)?$", v.split(":")[0])]
    if check(configs, f"compose {name}: no nginx configuration mounted"):
        conf = (ROOT / configs[0]).read_text()
        code = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
        # Either an upstream block, or (re-resolved at request time) a variable
        # holding the service's name, resolved by the container's own DNS server.
        upstreams = re.findall(r"grpc_pass\s+grpc://\$?(\w+);", code)
        by_upstream = upstreams and re.search(rf"upstream {upstreams[0]}\s*\{{[^}}]*server {service}:{grpc}\b", code)
        by_variable = upstreams and re.search(rf"set \${upstreams[0]} {service}:{grpc};", code)
        check(by_upstream or by_variable, f"{configs[0]}: grpc_pass should go to {service}:{grpc}")
        if by_variable:
            check(re.search(r"^\s*resolver \$\{NGINX_LOCAL_RESOLVERS\}", code, re.M)
                  and configs[0].endswith(".template")
                  and (spec.get("environment") or {}).get("NGINX_ENTRYPOINT_LOCAL_RESOLVERS"),
                  f"{configs[0]}: a name in a variable needs the container's resolver (NGINX_LOCAL_RESOLVERS, "
                  "a template and NGINX_ENTRYPOINT_LOCAL_RESOLVERS)")
        check(re.search(r"^\s*http2 on;", code, re.M) or re.search(rf"^\s*listen {grpc} http2;", code, re.M),
              f"{configs[0]}: the listener must speak HTTP/2")


# ---------------------------------------------------------------- kubernetes


def render(overlay_path=OVERLAY):
    """kubectl kustomize of a temporary copy of Deploy/k8s whose secrets/ holds
    the committed placeholders: the real secrets/ is never written to."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "Deploy/k8s", Path(tmp) / "k8s", ignore=shutil.ignore_patterns("secrets"))
        overlay = Path(tmp) / "k8s" / Path(overlay_path).relative_to("Deploy/k8s")
        shutil.copytree(overlay / "secrets.example", overlay / "secrets")
        result = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True, text=True)
        if result.returncode != 0:
            check(False, f"kubectl kustomize {overlay_path} failed: {result.stderr.strip()}")
            return []
        return [d for d in yaml.safe_load_all(result.stdout) if d]


def selects(selector, labels):
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def memory_mi(quantity):
    match = re.fullmatch(r"(\d+)(Mi|Gi|M|G)?", str(quantity))
    if not match:
        return None
    factor = {"Mi": 1, "Gi": 1024, "M": 1000 / 1048.576, "G": 1000000 / 1048.576, None: 1 / 1048576}[match.group(2)]
    return int(match.group(1)) * factor


def check_pod(where, pod):
    pod_security = pod.get("securityContext") or {}
    for container in pod.get("containers", []) + pod.get("initContainers", []):
        cwhere = f"{where} container {container.get('name')}"
        security = container.get("securityContext") or {}
        check(security.get("runAsNonRoot", pod_security.get("runAsNonRoot")) is True, f"{cwhere}: runAsNonRoot")
        uid = security.get("runAsUser", pod_security.get("runAsUser"))
        check(uid is not None and uid != 0, f"{cwhere}: runAsUser must be set and not 0")
        check(security.get("allowPrivilegeEscalation") is False, f"{cwhere}: allowPrivilegeEscalation must be false")
        check(security.get("readOnlyRootFilesystem") is True, f"{cwhere}: readOnlyRootFilesystem")
        check("ALL" in ((security.get("capabilities") or {}).get("drop") or []), f"{cwhere}: capabilities must drop ALL")
        resources = container.get("resources") or {}
        for kind in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                check(resource in (resources.get(kind) or {}), f"{cwhere}: no {kind}.{resource}")


def check_kubernetes(objects):
    by_kind = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], []).append(obj)
    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    k8s_services = {s["metadata"]["name"]: s for s in by_kind.get("Service", [])}
    namespaces = {n["metadata"]["name"] for n in by_kind.get("Namespace", [])}
    for obj in objects:
        if obj["kind"] != "Namespace":
            check(obj["metadata"].get("namespace") in namespaces,
                  f"k8s {obj['kind']} {obj['metadata']['name']}: not in the overlay's namespace")

    for job in by_kind.get("Job", []):
        check_pod(f"k8s Job {job['metadata']['name']}", job["spec"]["template"]["spec"])
    bootstrap = [j for j in by_kind.get("Job", []) if j["metadata"]["name"].startswith("nomad-db-bootstrap")]
    if check(len(bootstrap) == 1, "k8s: no nomad-db-bootstrap Job"):
        container = bootstrap[0]["spec"]["template"]["spec"]["containers"][0]
        script = " ".join(map(str, (container.get("command") or []) + (container.get("args") or [])))
        for service in SERVICES:
            for variable, key in ((f"{service}_password", f"{service}-db-password"),
                                  (f"{service}_owner_password", f"{service}-db-owner-password")):
                check(f'-v {variable}="$(cat $s/{key})"' in script,
                      f"k8s nomad-db-bootstrap: psql does not get {variable} from the Secret's {key}")
    secrets = {s["metadata"]["name"]: s for s in by_kind.get("Secret", [])}
    for service in SERVICES:
        secret = next((v for k, v in secrets.items() if k.startswith(f"nomad-{service}")), None)
        if check(secret is not None, f"k8s: no Secret nomad-{service}"):
            check({"db-password", "db-owner-password"} <= set(secret.get("data") or {}),
                  f"k8s Secret nomad-{service}: needs db-password (runtime role) and db-owner-password (owner role)")

    for name, deployment in deployments.items():
        where = f"k8s Deployment {name}"
        pod = deployment["spec"]["template"]["spec"]
        check_pod(where, pod)
        for container in pod["containers"]:
            cwhere = f"{where} container {container['name']}"
            for probe in ("livenessProbe", "readinessProbe"):
                if name in WEB:
                    check(container.get(probe), f"{cwhere}: no {probe}")
                else:
                    check("grpc" in (container.get(probe) or {}), f"{cwhere}: no gRPC {probe}")
            limit = memory_mi((container.get("resources") or {}).get("limits", {}).get("memory", ""))
            check(limit is not None and limit <= MEMORY_BUDGET_MI,
                  f"{cwhere}: memory limit above the {MEMORY_BUDGET_MI} MB budget")
            pre_stop = ((container.get("lifecycle") or {}).get("preStop") or {})
            sleep = pre_stop.get("sleep", {}).get("seconds")
            command = (pre_stop.get("exec") or {}).get("command") or []
            if sleep is None and len(command) == 2 and command[0] == "sleep":
                sleep = int(command[1])
            check(sleep is not None and sleep > 0, f"{cwhere}: no preStop sleep (endpoints must drop before SIGTERM)")
            grace = pod.get("terminationGracePeriodSeconds", 30)
            check(grace > DRAIN_SECONDS + (sleep or 0),
                  f"{where}: terminationGracePeriodSeconds {grace} must exceed the drain ({DRAIN_SECONDS}s) plus preStop")
        strategy = deployment["spec"].get("strategy") or {}
        check(strategy.get("type") == "RollingUpdate" and (strategy.get("rollingUpdate") or {}).get("maxUnavailable") == 0,
              f"{where}: RollingUpdate with maxUnavailable 0 (new pods first; migrations are advisory-locked)")

    for service, info in SERVICES.items():
        where = f"k8s {service}"
        deployment = deployments.get(service)
        if not check(deployment is not None, f"{where}: no Deployment"):
            continue
        grpc, metrics = PORTS[service]
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        env = {}
        for entry in container.get("env") or []:
            if "valueFrom" in entry:
                check(base_name(entry["name"]) not in SECRET_VARS or "secretKeyRef" in entry["valueFrom"],
                      f"{where}: {entry['name']} from a ConfigMap")
                env[entry["name"]] = None
            else:
                env[entry["name"]] = str(entry.get("value"))
        check_environment(f"{where} env", service, env)
        check(env.get("NOMAD_DRAIN_TIMEOUT_SECONDS") == str(DRAIN_SECONDS),
              f"{where}: NOMAD_DRAIN_TIMEOUT_SECONDS should be stated ({DRAIN_SECONDS})")
        secret_mounts = {v["name"]: v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v}
        for name, value in env.items():
            if name.endswith("_FILE"):
                mount = [m for m in container.get("volumeMounts", []) if value.startswith(m["mountPath"] + "/")]
                check(mount and mount[0]["name"] in secret_mounts, f"{where}: {name} is not in a mounted Secret")
        for probe in ("livenessProbe", "readinessProbe"):
            check((container.get(probe) or {}).get("grpc", {}).get("port") == grpc,
                  f"{where}: {probe} should ask gRPC health on {grpc}")
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        svc = k8s_services.get(service)
        if check(svc is not None, f"{where}: no Service"):
            check(selects({"matchLabels": svc["spec"]["selector"]}, labels), f"{where}: Service does not select the pods")
            check(grpc in [p["port"] for p in svc["spec"]["ports"]], f"{where}: Service lacks port {grpc}")
        check_network(where, service, info, labels, by_kind.get("NetworkPolicy", []), deployments)

    for name in WEB:
        check_kubernetes_web(name, deployments, k8s_services, by_kind.get("NetworkPolicy", []), secrets)

    hpas = [h for h in by_kind.get("HorizontalPodAutoscaler", [])
            if h["apiVersion"] == "autoscaling/v2" and h["spec"]["scaleTargetRef"].get("kind") == "Deployment"
            and h["spec"]["scaleTargetRef"].get("name") == "jobs"]
    check(len(hpas) == 1, "k8s: no autoscaling/v2 HorizontalPodAutoscaler targets the jobs Deployment")
    check("replicas" not in deployments.get("jobs", {}).get("spec", {}),
          "k8s: the jobs Deployment sets replicas; the HorizontalPodAutoscaler owns the count")
    check(any(m.get("resource", {}).get("name") == "cpu" for h in hpas for m in h["spec"].get("metrics", [])),
          "k8s: the jobs HorizontalPodAutoscaler should scale on CPU")
    headless = [s for s in k8s_services.values() if s["spec"].get("clusterIP") == "None"
                and s["spec"].get("selector", {}).get("app.kubernetes.io/name") == "jobs"]
    check(headless, "k8s: no headless Service for client-side per-call balancing of jobs")


def check_kubernetes_web(name, deployments, k8s_services, policies, secrets):
    """The portal: its Deployment's variables, probes on /healthz, its Service, and
    NetworkPolicies letting it reach only the five gRPC ports and be reached only on its own two."""
    where = f"k8s {name}"
    deployment = deployments.get(name)
    if not check(deployment is not None, f"{where}: no Deployment"):
        return
    http, metrics = PORTS[name]
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = {}
    for entry in container.get("env") or []:
        env[entry["name"]] = None if "valueFrom" in entry else str(entry.get("value"))
    jobs_headless = next((s["metadata"]["name"] for s in k8s_services.values() if s["spec"].get("clusterIP") == "None"
                          and s["spec"].get("selector", {}).get("app.kubernetes.io/name") == "jobs"), "jobs-headless")
    # jobs through the headless Service: every ready replica, balanced per call by the portal.
    check_web_environment(f"{where} env", name, env, f"{jobs_headless}:{PORTS['jobs'][0]}")
    secret_mounts = {v["name"]: v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v}
    key_file = env.get("NOMAD_PORTAL_SESSION_KEY_FILE") or ""
    mount = [m for m in container.get("volumeMounts", []) if key_file.startswith(m["mountPath"] + "/")]
    if check(mount and mount[0]["name"] in secret_mounts, f"{where}: NOMAD_PORTAL_SESSION_KEY_FILE is not in a mounted Secret"):
        secret = secrets.get(secret_mounts[mount[0]["name"]])
        check(secret is not None and key_file.rsplit("/", 1)[1] in (secret.get("data") or {}),
              f"{where}: the mounted Secret lacks the session key")
    readiness = container.get("readinessProbe") or {}
    check((readiness.get("httpGet") or {}).get("path") == "/healthz" and readiness["httpGet"].get("port") in (http, "http"),
          f"{where}: readiness should GET /healthz on {http} (200 only when the five services answer)")
    liveness = container.get("livenessProbe") or {}
    check(liveness and (liveness.get("httpGet") or {}).get("path") != "/healthz",
          f"{where}: liveness must not ask /healthz: a service being down would restart every portal")
    limit = memory_mi((container.get("resources") or {}).get("limits", {}).get("memory", ""))
    check(limit is not None and limit <= MEMORY_BUDGET_MI, f"{where}: memory limit above the {MEMORY_BUDGET_MI} MB budget")
    svc = k8s_services.get(name)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    if check(svc is not None, f"{where}: no Service"):
        check(selects({"matchLabels": svc["spec"]["selector"]}, labels), f"{where}: Service does not select the pods")
        check({http, metrics} <= {p["port"] for p in svc["spec"]["ports"]}, f"{where}: Service lacks {http} or {metrics}")
    mine = [p for p in policies if selects(p["spec"].get("podSelector"), labels)]
    egress, ingress_ports = {}, set()
    for policy in mine:
        for rule in policy["spec"].get("egress") or []:
            check(rule.get("ports"), f"{where}: policy {policy['metadata']['name']} allows egress on every port")
            for port in rule.get("ports") or []:
                egress.setdefault(port["port"], []).extend(rule.get("to") or [{}])
        for rule in policy["spec"].get("ingress") or []:
            check(rule.get("ports"), f"{where}: policy {policy['metadata']['name']} allows ingress on every port")
            ingress_ports |= {port["port"] for port in rule.get("ports") or []}
            check(rule.get("from"), f"{where}: policy {policy['metadata']['name']} allows ingress from anywhere")
    grpc_ports = {PORTS[s][0]: s for s in SERVICES}
    check(set(egress) == set(grpc_ports) | {53},
          f"{where}: egress ports {sorted(egress)}, expected the five gRPC ports {sorted(grpc_ports)} and DNS (53)")
    for port, service in grpc_ports.items():
        target = deployments.get(service, {}).get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {})
        peers = egress.get(port) or []
        check(peers and all("ipBlock" not in p and "namespaceSelector" not in p and selects(p.get("podSelector"), target)
                            for p in peers), f"{where}: egress to {port} should go to {service}'s pods only")
        # ...and the service lets the portal in on that port.
        service_policies = [p for p in policies if selects(p["spec"].get("podSelector"), target)]
        check(any(port in [x["port"] for x in rule.get("ports") or []]
                  and any("namespaceSelector" not in peer and selects(peer.get("podSelector"), labels) for peer in rule.get("from") or [])
                  for p in service_policies for rule in p["spec"].get("ingress") or []),
              f"{where}: {service} does not accept the portal on {port}")
    check(ingress_ports == {http, metrics}, f"{where}: ingress ports {sorted(ingress_ports)}, expected {http} and {metrics} only")


# Connections a process opens: NOMAD_DATABASE_POOL_SIZE's default (NomadConfig), plus
# the migrations' one owner connection at start.
POOL_SIZE = 10


def peak_connections(deployments, hpas):
    """Connections every service's pods may hold at once, during a rolling update
    (maxSurge) with jobs at its HorizontalPodAutoscaler's maximum."""
    total = 0
    for service in SERVICES:
        deployment = deployments.get(service)
        if deployment is None:
            continue
        hpa = next((h for h in hpas if h["spec"]["scaleTargetRef"].get("name") == service), None)
        replicas = hpa["spec"]["maxReplicas"] if hpa else deployment["spec"].get("replicas", 1)
        surge = str(((deployment["spec"].get("strategy") or {}).get("rollingUpdate") or {}).get("maxSurge", "25%"))
        extra = math.ceil(replicas * int(surge[:-1]) / 100) if surge.endswith("%") else int(surge)
        total += (replicas + extra) * (POOL_SIZE + 1)
    return total


def check_cloudnativepg(objects, overlay):
    """gov-cloud: PostgreSQL as a CloudNativePG Cluster, highly available and backed up,
    reached through its read-write service; the services' connection count fits it."""
    where = f"k8s {overlay}"
    by_kind = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], []).append(obj)
    clusters = [o for o in by_kind.get("Cluster", []) if o["apiVersion"].startswith("postgresql.cnpg.io/")]
    if not check(len(clusters) == 1, f"{where}: expected one CloudNativePG Cluster"):
        return
    cluster = clusters[0]
    name, namespace, spec = cluster["metadata"]["name"], cluster["metadata"].get("namespace"), cluster["spec"]
    check(spec.get("instances", 1) >= 3, f"{where}: Cluster {name} should run 3 instances, runs {spec.get('instances', 1)}")
    synchronous = (spec.get("postgresql") or {}).get("synchronous") or {}
    check(synchronous.get("number", 0) >= 1 or spec.get("minSyncReplicas", 0) >= 1,
          f"{where}: Cluster {name} needs at least one synchronous standby")
    secrets = {s["metadata"]["name"]: s for s in by_kind.get("Secret", [])}
    store = (spec.get("backup") or {}).get("barmanObjectStore") or {}
    check(str(store.get("destinationPath", "")).startswith(("s3://", "gs://", "https://")),
          f"{where}: Cluster {name} should back up to object storage (backup.barmanObjectStore.destinationPath)")
    for field, ref in ((store.get("s3Credentials") or {}).items()):
        if isinstance(ref, dict) and "name" in ref:
            secret = secrets.get(ref["name"])
            check(secret is not None and ref["key"] in (secret.get("data") or {}) | (secret.get("stringData") or {}),
                  f"{where}: backup credential {field} refers to {ref['name']}/{ref['key']}, which the overlay does not make")
    check((store.get("wal") or {}) is not None and spec.get("backup", {}).get("retentionPolicy"),
          f"{where}: Cluster {name}: archive WAL and state a retention policy")
    check(any(b["spec"].get("cluster", {}).get("name") == name for b in by_kind.get("ScheduledBackup", [])),
          f"{where}: no ScheduledBackup of {name}")
    if spec.get("superuserSecret"):
        check(spec["superuserSecret"]["name"] in secrets, f"{where}: superuserSecret {spec['superuserSecret']['name']} is not made")
    postgres = next((s for s in by_kind.get("Service", []) if s["metadata"]["name"] == "postgres"), None)
    rw = f"{name}-rw.{namespace}.svc.cluster.local"
    check(postgres is not None and postgres["spec"].get("externalName") == rw,
          f"{where}: the services' 'postgres' should be an alias of {rw} (the primary, through failovers)")
    cluster_pods = {"cnpg.io/cluster": name}
    allow = next((p for p in by_kind.get("NetworkPolicy", []) if p["metadata"]["name"] == "allow-postgres"), None)
    check(allow is not None and all(selects(peer.get("podSelector"), cluster_pods)
                                    for rule in allow["spec"].get("egress") or [] for peer in rule.get("to") or []),
          f"{where}: allow-postgres should send the services to the Cluster's pods")
    pg_ingress = [rule for p in by_kind.get("NetworkPolicy", []) if selects(p["spec"].get("podSelector"), cluster_pods)
                  for rule in p["spec"].get("ingress") or []]
    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    for service in SERVICES:
        labels = deployments.get(service, {}).get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {})
        check(any(5432 in [x["port"] for x in rule.get("ports") or []]
                  and any(selects(peer.get("podSelector"), labels) for peer in rule.get("from") or [])
                  for rule in pg_ingress), f"{where}: the Cluster's pods do not accept {service} on 5432")
    check(any(selects(p["spec"].get("podSelector"), cluster_pods) and p["spec"].get("egress")
              for p in by_kind.get("NetworkPolicy", [])),
          f"{where}: the Cluster's pods need egress (replication, the API server, the object storage) under default-deny")
    peak = peak_connections(deployments, by_kind.get("HorizontalPodAutoscaler", []))
    max_connections = int((spec.get("postgresql") or {}).get("parameters", {}).get("max_connections", 100))
    poolers = [p for p in by_kind.get("Pooler", []) if p["spec"].get("cluster", {}).get("name") == name]
    for pooler in poolers:
        # Transaction pooling breaks the services' sessions: search_path is a startup
        # parameter, prepared statements are named, the role bootstrap holds a session lock.
        check(pooler["spec"].get("pgbouncer", {}).get("poolMode") == "session",
              f"{where}: Pooler {pooler['metadata']['name']} must pool sessions, not transactions")
    check(poolers or max_connections >= peak + 10,
          f"{where}: max_connections {max_connections} < {peak} connections at the peak (+10 for the operator): "
          "raise it or put a Pooler in front")
    check(str((spec.get("postgresql") or {}).get("parameters", {}).get("log_error_verbosity")) == "terse",
          f"{where}: Cluster {name}: log_error_verbosity terse (an error's DETAIL quotes personal numbers)")
    print(f"check-deploy: {overlay}: CloudNativePG {name}: {spec.get('instances')} instances, "
          f"{synchronous.get('number', spec.get('minSyncReplicas'))} synchronous standby, "
          f"peak {peak} connections vs max_connections {max_connections}, {len(poolers)} Pooler(s)")


def check_plain_postgres(objects, overlay):
    where = f"k8s {overlay}"
    postgres = next((s for s in objects if s["kind"] == "Service" and s["metadata"]["name"] == "postgres"), None)
    check(postgres is not None and postgres["spec"].get("type") == "ExternalName"
          and not postgres["spec"].get("externalName", "").endswith(".svc.cluster.local"),
          f"{where}: 'postgres' should name the operator's PostgreSQL host")
    check(not any(o["kind"] in ("Cluster", "Pooler") for o in objects), f"{where}: no operator resources in the plain path")


def check_network(where, service, info, labels, policies, deployments):
    grpc, metrics = PORTS[service]
    default_deny = [p for p in policies if p["spec"].get("podSelector") == {}
                    and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
                    and not p["spec"].get("ingress") and not p["spec"].get("egress")]
    check(default_deny, "k8s: no default-deny NetworkPolicy (ingress and egress)")
    mine = [p for p in policies if selects(p["spec"].get("podSelector"), labels)]
    egress_ports, ingress = set(), []
    for policy in mine:
        for rule in policy["spec"].get("egress") or []:
            check(rule.get("ports"), f"{where}: policy {policy['metadata']['name']} allows egress on every port")
            for port in rule.get("ports") or []:
                egress_ports.add(port["port"])
                if port["port"] == PORTS["analytics"][0]:
                    peers = rule.get("to") or []
                    check(peers and all(selects(peer.get("podSelector"), deployments["analytics"]["spec"]["template"]
                                                ["metadata"]["labels"]) for peer in peers),
                          f"{where}: egress to 50055 should go to analytics only")
                if port["port"] == PORTS["identity"][0]:
                    peers = rule.get("to") or []
                    check(peers and all(selects(peer.get("podSelector"), deployments["identity"]["spec"]["template"]
                                                ["metadata"]["labels"]) for peer in peers),
                          f"{where}: egress to 50051 should go to identity only")
        ingress += policy["spec"].get("ingress") or []
    allowed = ({53, 5432} | ({PORTS["analytics"][0]} if info["relays"] else set())
               | ({PORTS["identity"][0]} if info["polls"] else set()))
    check(egress_ports == allowed, f"{where}: egress ports {sorted(egress_ports)}, expected {sorted(allowed)}")

    def ingress_from(port, predicate):
        return any(predicate(peer) for rule in ingress if port in [p["port"] for p in rule.get("ports") or []]
                   for peer in rule.get("from") or [])

    check(ingress_from(grpc, lambda peer: "namespaceSelector" in peer and peer["namespaceSelector"].get("matchLabels")),
          f"{where}: no ingress to {grpc} from a labelled client namespace")
    check(ingress_from(metrics, lambda peer: "namespaceSelector" in peer and peer["namespaceSelector"].get("matchLabels")),
          f"{where}: no ingress to metrics {metrics} from a labelled monitoring namespace")
    if service == "analytics":
        for producer, producer_info in SERVICES.items():
            if producer_info["relays"]:
                producer_labels = deployments[producer]["spec"]["template"]["metadata"]["labels"]
                check(ingress_from(grpc, lambda peer: "namespaceSelector" not in peer
                                   and selects(peer.get("podSelector"), producer_labels)),
                      f"{where}: no ingress from {producer}'s relay on {grpc}")
    if service == "identity":
        for poller, poller_info in SERVICES.items():
            if poller_info["polls"]:
                poller_labels = deployments[poller]["spec"]["template"]["metadata"]["labels"]
                check(ingress_from(grpc, lambda peer: "namespaceSelector" not in peer
                                   and selects(peer.get("podSelector"), poller_labels)),
                      f"{where}: no ingress from {poller}'s revocation poller on {grpc}")


def check_overlay_secrets(OVERLAY=OVERLAY):
    kustomization = yaml.safe_load(read(f"{OVERLAY}/kustomization.yaml"))
    generated = kustomization.get("secretGenerator", []) + kustomization.get("configMapGenerator", [])
    for generator in generated:
        for entry in generator.get("files", []) + generator.get("envs", []):
            if generator.get("type") == "kubernetes.io/basic-auth" and entry.startswith("username="):
                continue
            path = entry.split("=", 1)[-1]
            check(path.startswith("secrets/") and git_ignored(f"{OVERLAY}/{path}"),
                  f"{OVERLAY}: {generator['name']} reads {path}, which must be a gitignored file under secrets/")
            check((ROOT / OVERLAY / "secrets.example" / path[len("secrets/"):]).is_file(),
                  f"{OVERLAY}: secrets.example lacks a placeholder for {path}")
    for name in ("bootstrap.sql", "bootstrap-service.sql"):
        check(read(f"Deploy/db/{name}") == read(f"Deploy/k8s/base/db/{name}"),
              f"Deploy/k8s/base/db/{name} differs from Deploy/db/{name}")


# ---------------------------------------------------------------- Dockerfile


def check_dockerfile():
    dockerfile = read("Deploy/Dockerfile")
    lines = re.sub(r"\\\n", " ", dockerfile).splitlines()
    runtime = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")):]
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    check(users and users[-1].split(":")[0] not in ("0", "root"), "Deploy/Dockerfile: runtime stage must set a non-root USER")
    check("swift build" not in dockerfile, "Deploy/Dockerfile: builds only through scripts/build-release.sh (as CI)")
    # Two ways in, one runtime: the cloud's default target builds in a toolchain image,
    # `runtime-prebuilt` (CI, scripts/compose-smoke.sh) takes the host's release build;
    # both are the same runtime-base plus one staged folder, run as the same non-root user.
    stages = {}
    for i, line in enumerate(lines):
        match = re.match(r"FROM\s+(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
        if match:
            stages[match.group(2) or f"#{i}"] = (match.group(1), i)
    order = sorted(stages, key=lambda n: stages[n][1])
    check(order and order[-1] == "runtime" and stages["runtime"][0] == "runtime-base",
          "Deploy/Dockerfile: the last (default) stage should be `runtime`, FROM runtime-base")
    check(stages.get("runtime-prebuilt", ("",))[0] == "runtime-base",
          "Deploy/Dockerfile: a `runtime-prebuilt` target FROM runtime-base (binaries from scripts/build-release.sh)")
    for stage in ("runtime-prebuilt", "runtime"):
        if stage not in stages:
            continue
        start = stages[stage][1]
        end = min([stages[n][1] for n in stages if stages[n][1] > start] or [len(lines)])
        body = lines[start:end]
        copies = [line for line in body if line.startswith("COPY ")]
        users = [line.split()[1] for line in body if line.startswith("USER ")]
        check(users and users[-1].split(":")[0] not in ("0", "root"), f"Deploy/Dockerfile: {stage} must set a non-root USER")
        check(len(copies) == 1 and copies[0].rstrip().endswith("/${PRODUCT}/ /usr/local/bin/"),
              f"Deploy/Dockerfile: {stage} should copy the one staged folder of PRODUCT to /usr/local/bin/: {copies}")
        check([l for l in body if l.startswith("ENTRYPOINT")] == ['ENTRYPOINT ["/usr/local/bin/service"]'],
              f"Deploy/Dockerfile: {stage}'s ENTRYPOINT should be /usr/local/bin/service")
    check(stages.get("runtime-prebuilt") and stages.get("build") and stages["runtime-prebuilt"][1] < stages["build"][1],
          "Deploy/Dockerfile: runtime-prebuilt comes before the build stage, so `--target runtime-prebuilt` never needs the toolchain image")
    check(re.search(r"bash scripts/stage-binaries\.sh --out /out \"\$\{PRODUCT\}\"", dockerfile),
          "Deploy/Dockerfile: the build stage stages its binaries with scripts/stage-binaries.sh, as CI")
    check(re.search(r'^RUN bash scripts/build-release\.sh "\$\{PRODUCT\}" nomadctl', dockerfile, re.M),
          "Deploy/Dockerfile: should run scripts/build-release.sh for the product and nomadctl")
    check("COPY scripts/build-release.sh" in dockerfile, "Deploy/Dockerfile: should copy scripts/build-release.sh")
    script = read("scripts/build-release.sh")
    builds = [line.strip() for line in script.splitlines() if line.strip().startswith("swift ")]
    check(builds == ['swift build -c release --static-swift-stdlib --product "${product}"'],
          f"scripts/build-release.sh: build commands {builds}")
    ci = read(".ci/run")
    check(re.search(r"^step .*bash scripts/build-release\.sh \$PRODUCTS$", ci, re.M),
          ".ci/run: should run scripts/build-release.sh, the Dockerfile's build command")
    products = re.search(r'^readonly PRODUCTS="([^"]*)"', ci, re.M)
    check(products and set(products.group(1).split()) >= {f"nomad-{name}" for name in SERVICES} | {"nomadctl"},
          ".ci/run: the release build should cover every service's binary and nomadctl")
    for variable in SECRET_VARS:
        check(variable not in dockerfile, f"Deploy/Dockerfile: mentions secret {variable}; secrets come at run time")


def main():
    no_render = "--no-render" in sys.argv
    os.chdir(ROOT)
    check_reference()
    check_compose()
    check_dockerfile()
    for overlay in OVERLAYS:
        check_overlay_secrets(overlay)
    rendered = {}
    if no_render:
        print("check-deploy: !!! kubectl not available: the kustomize render and its checks were SKIPPED !!!")
    else:
        for overlay in OVERLAYS:
            objects = render(overlay)
            rendered[overlay] = len(objects)
            if objects:
                check_kubernetes(objects)
                if overlay.endswith("gov-cloud"):
                    check_cloudnativepg(objects, overlay)
                else:
                    check_plain_postgres(objects, overlay)
    for failure in failures:
        print(f"check-deploy: FAIL: {failure}")
    summary = (f"{len(SERVICES)} services ({', '.join(SERVICES)}) and the {', '.join(WEB)}, compose, Dockerfile"
               + "".join(f", kustomize {o} ({n} objects)" for o, n in rendered.items()))
    if failures:
        print(f"check-deploy: {len(failures)} of {checks} checks failed ({summary})")
        return 1
    print(f"check-deploy: all {checks} checks passed ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
