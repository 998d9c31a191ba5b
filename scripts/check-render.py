#!/usr/bin/env python3
"""Checks render.yaml (the Render Blueprint) without a Render account.

The structure: known top-level keys and service types, names that resolve, one source per
environment variable. And what matters most: every variable docs/OPERATIONS.md marks as
required in production is set on every web and worker service, directly or through an
environment group, and no variable is set that the table does not describe (a typo would
otherwise go unnoticed until the server refuses to start).

Usage: check-render.py [render.yaml] [docs/OPERATIONS.md]   (paths relative to the repo)
Exit status 1 with one line per problem.
"""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

TOP_LEVEL = {"services", "databases", "envVarGroups", "previews"}
SERVICE_TYPES = {"web", "worker", "pserv", "cron", "keyvalue", "redis"}
# Services that run the server and so read its configuration.
APP_TYPES = {"web", "worker"}
DATABASE_PROPERTIES = {"connectionString", "host", "port", "user", "password", "database"}
SERVICE_PROPERTIES = {"host", "port", "hostport", "connectionString"}
SOURCES = ("value", "generateValue", "sync", "fromDatabase", "fromService")
TABLE_HEADER = "required in production"


def documented_variables(operations: Path):
    """{name: required} from the configuration table: the first column's `NAME`s, the
    second column yes/no."""
    found = {}
    in_table = False
    for line in operations.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|"):
            in_table = False
            continue
        if len(cells) > 1 and cells[1].lower() == TABLE_HEADER:
            in_table = True
            continue
        if not in_table or set(cells[0]) <= {"-", ":", " "}:
            continue
        required = cells[1].lower()
        if not (required.startswith("yes") or required.startswith("no")):
            raise SystemExit(f"{operations}: {cells[0]}: column 2 must start with yes or no")
        for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0]):
            found[name] = required.startswith("yes")
    if not found:
        raise SystemExit(
            f"{operations}: no table with a '{TABLE_HEADER}' column found"
        )
    return found


def server_subcommands():
    """The first words `server` accepts, from its command-line parser (the arms of its
    first `match`; second words such as `keys rotate` are matched as `(Some("rotate"), …)`)."""
    cli = (ROOT / "server/src/cli.rs").read_text(encoding="utf-8")
    return set(re.findall(r'(?<!\()Some\("([a-z][a-z-]*)"', cli))


class Checker:
    def __init__(self, blueprint, documented):
        self.blueprint = blueprint
        self.documented = documented
        self.problems = []
        self.services = {}
        self.databases = {}
        self.groups = {}

    def problem(self, where, text):
        self.problems.append(f"{where}: {text}")

    def named(self, kind, entries, allowed_types=None):
        table = {}
        if entries is None:
            return table
        if not isinstance(entries, list):
            self.problem(kind, "must be a list")
            return table
        for n, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not entry.get("name"):
                self.problem(f"{kind}[{n}]", "needs a name")
                continue
            name = entry["name"]
            if name in table:
                self.problem(f"{kind} {name}", "declared twice")
            if allowed_types is not None and entry.get("type") not in allowed_types:
                self.problem(
                    f"{kind} {name}",
                    f"type {entry.get('type')!r} is not one of {sorted(allowed_types)}",
                )
            table[name] = entry
        return table

    def run(self):
        if not isinstance(self.blueprint, dict):
            self.problem("render.yaml", "must be a mapping")
            return
        for key in self.blueprint:
            if key not in TOP_LEVEL:
                self.problem("render.yaml", f"unknown top-level key {key!r}")
        self.databases = self.named("databases", self.blueprint.get("databases"))
        self.groups = self.named("envVarGroups", self.blueprint.get("envVarGroups"))
        self.services = self.named("services", self.blueprint.get("services"), SERVICE_TYPES)
        for name, group in self.groups.items():
            self.env_vars(f"envVarGroups {name}", group.get("envVars"), in_group=True)
        for name, service in self.services.items():
            self.service(name, service)
        for name, service in self.services.items():
            if service.get("type") in APP_TYPES:
                self.required_variables(name, service)

    def service(self, name, service):
        where = f"service {name}"
        kind = service.get("type")
        runtime = service.get("runtime", service.get("env"))
        if kind in APP_TYPES | {"pserv", "cron"} and not runtime:
            self.problem(where, "needs a runtime")
        if runtime == "docker":
            root = ROOT / service.get("rootDir", ".")
            dockerfile = service.get("dockerfilePath")
            if not dockerfile:
                self.problem(where, "a docker service needs dockerfilePath")
            elif not (root / dockerfile).is_file():
                self.problem(where, f"dockerfilePath {dockerfile} does not exist")
            context = service.get("dockerContext")
            if context and not (root / context).is_dir():
                self.problem(where, f"dockerContext {context} does not exist")
            commands = server_subcommands()
            for field in ("dockerCommand", "preDeployCommand"):
                words = str(service.get(field, "")).split()
                if words and words[0] == "server" and (len(words) < 2 or words[1] not in commands):
                    self.problem(
                        where,
                        f"{field} {service[field]!r}: server has no such command "
                        f"(it knows {', '.join(sorted(commands))})",
                    )
        if kind == "web":
            path = service.get("healthCheckPath")
            if not (isinstance(path, str) and path.startswith("/")):
                self.problem(where, "a web service needs healthCheckPath (an absolute path)")
        if kind in ("keyvalue", "redis") and "ipAllowList" not in service:
            self.problem(where, "Key Value needs ipAllowList ([] for private network only)")
        if kind in APP_TYPES | {"pserv", "cron"}:
            self.env_vars(where, service.get("envVars"), in_group=False)

    def env_vars(self, where, entries, in_group):
        if entries is None:
            return
        if not isinstance(entries, list):
            self.problem(where, "envVars must be a list")
            return
        seen = set()
        for n, entry in enumerate(entries, 1):
            at = f"{where} envVars[{n}]"
            if not isinstance(entry, dict):
                self.problem(at, "must be a mapping")
                continue
            if "fromGroup" in entry:
                if in_group:
                    self.problem(at, "a group cannot include another group")
                elif set(entry) != {"fromGroup"}:
                    self.problem(at, "fromGroup stands alone (no key, no other source)")
                elif entry["fromGroup"] not in self.groups:
                    self.problem(at, f"fromGroup {entry['fromGroup']!r} is not declared")
                continue
            key = entry.get("key")
            if not key:
                self.problem(at, "needs a key")
                continue
            at = f"{where} {key}"
            if key in seen:
                self.problem(at, "set twice")
            seen.add(key)
            if key not in self.documented:
                self.problem(at, "not described in docs/OPERATIONS.md's configuration table")
            sources = [source for source in SOURCES if source in entry]
            if len(sources) != 1:
                self.problem(at, f"needs exactly one of {', '.join(SOURCES)} (has {sources or 'none'})")
                continue
            source = sources[0]
            unknown = set(entry) - {"key", source}
            if unknown:
                self.problem(at, f"unexpected fields {sorted(unknown)}")
            if in_group and source in ("fromDatabase", "fromService"):
                self.problem(at, f"an environment group cannot use {source}")
            if source == "value":
                if not isinstance(entry["value"], (str, int, float)) or isinstance(entry["value"], bool):
                    self.problem(at, "value must be a string or a number (quote true/false)")
                if key == "APP_ENV" and entry["value"] != "production":
                    self.problem(at, "must be production")
            elif source == "generateValue" and entry["generateValue"] is not True:
                self.problem(at, "generateValue must be true")
            elif source == "sync" and entry["sync"] is not False:
                self.problem(at, "sync must be false (asked for in the Dashboard)")
            elif source == "fromDatabase":
                self.from_database(at, entry["fromDatabase"])
            elif source == "fromService":
                self.from_service(at, entry["fromService"])

    def from_database(self, at, ref):
        if not isinstance(ref, dict):
            self.problem(at, "fromDatabase must be a mapping")
            return
        if ref.get("name") not in self.databases:
            self.problem(at, f"fromDatabase names {ref.get('name')!r}, not a declared database")
        if ref.get("property") not in DATABASE_PROPERTIES:
            self.problem(
                at, f"fromDatabase property {ref.get('property')!r} is not one of {sorted(DATABASE_PROPERTIES)}"
            )

    def from_service(self, at, ref):
        if not isinstance(ref, dict):
            self.problem(at, "fromService must be a mapping")
            return
        target = self.services.get(ref.get("name"))
        if target is None:
            self.problem(at, f"fromService names {ref.get('name')!r}, not a declared service")
            return
        if ref.get("type") != target.get("type"):
            self.problem(at, f"fromService type {ref.get('type')!r} but {ref['name']} is {target.get('type')!r}")
        has_property, has_key = "property" in ref, "envVarKey" in ref
        if has_property == has_key:
            self.problem(at, "fromService needs exactly one of property, envVarKey")
        elif has_property:
            if ref["property"] not in SERVICE_PROPERTIES:
                self.problem(at, f"fromService property {ref['property']!r} is not one of {sorted(SERVICE_PROPERTIES)}")
            elif ref["property"] == "connectionString" and target.get("type") not in ("keyvalue", "redis"):
                self.problem(at, "connectionString comes from Key Value services only")
        elif ref["envVarKey"] not in self.keys_of(target):
            self.problem(at, f"{ref['name']} sets no variable {ref['envVarKey']!r}")

    def keys_of(self, service):
        """Every variable a service gets, directly or through its groups."""
        keys = set()
        for entry in service.get("envVars") or []:
            if not isinstance(entry, dict):
                continue
            if "key" in entry:
                keys.add(entry["key"])
            group = self.groups.get(entry.get("fromGroup"))
            if group:
                keys |= {e.get("key") for e in group.get("envVars") or [] if isinstance(e, dict)}
        return keys

    def required_variables(self, name, service):
        present = self.keys_of(service)
        for variable, required in sorted(self.documented.items()):
            if required and variable not in present:
                self.problem(
                    f"service {name}",
                    f"{variable} is required in production (docs/OPERATIONS.md) but not set",
                )


def main():
    blueprint_path = ROOT / (sys.argv[1] if len(sys.argv) > 1 else "render.yaml")
    operations = ROOT / (sys.argv[2] if len(sys.argv) > 2 else "docs/OPERATIONS.md")
    documented = documented_variables(operations)
    try:
        blueprint = yaml.safe_load(blueprint_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        print(f"{blueprint_path}: not valid YAML: {err}", file=sys.stderr)
        return 1
    checker = Checker(blueprint, documented)
    checker.run()
    if checker.problems:
        print(f"{blueprint_path.name}: {len(checker.problems)} problem(s):", file=sys.stderr)
        for problem in checker.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    required = sum(documented.values())
    apps = sum(1 for s in checker.services.values() if s.get("type") in APP_TYPES)
    print(
        f"{blueprint_path.name}: {len(checker.services)} services, {len(checker.databases)} database(s), "
        f"{len(checker.groups)} group(s); the {required} variables required in production are set "
        f"on all {apps} app services"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
