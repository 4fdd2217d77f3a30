#!/usr/bin/env python3
"""tests/deploy/check_dashboard.py ROOT

Checks deploy/grafana/herald.json: valid JSON, a Prometheus datasource variable that every panel
and query uses, an `app` variable, unique panel ids, and every metric name its queries use (and
that the alert rules of deploy/prometheus/herald-alerts.yml use) is a documented family: a row of
the metrics table of docs/OPERATIONS.md or one of PENDING_FAMILIES below. Exits 1 with the
problems listed. Before checking, it proves on a made-up query that an unknown name is caught.
"""
import json
import pathlib
import re
import sys

import yaml

# Families whose rows in docs/OPERATIONS.md arrive with their code; once documented there, a
# name here is redundant (reported as a note, not an error).
PENDING_FAMILIES = {
    'herald_webhook_requests_total', 'herald_webhook_queue_events', 'herald_webhook_spool_bytes',
    'herald_webhook_dead_letters_total', 'herald_cluster_redis_up', 'herald_cluster_nodes',
    'herald_cluster_messages_total',
}
HISTOGRAMS = {'herald_rest_request_duration_seconds', 'herald_app_store_query_duration_seconds'}
HISTOGRAM_SUFFIXES = ('_bucket', '_sum', '_count')
# Herald's own names; others (up, probe_success) come from Prometheus or an exporter.
OWN_NAME = re.compile(r'\b((?:herald|process)_[a-zA-Z0-9_]+)\b')


def documented_families(operations: str) -> set[str]:
    return set(re.findall(r'^\| `((?:herald|process)_[a-z0-9_]+)` \|', operations, re.MULTILINE))


def unknown_names(expr: str, known: set[str]) -> list[str]:
    unknown = []
    for name in OWN_NAME.findall(expr):
        base = name
        for suffix in HISTOGRAM_SUFFIXES:
            if name.endswith(suffix) and name[: -len(suffix)] in HISTOGRAMS:
                base = name[: -len(suffix)]
        if base not in known:
            unknown.append(name)
    return unknown


def panels_of(dashboard: dict):
    for panel in dashboard.get('panels', []):
        yield panel
        yield from panel.get('panels', [])  # collapsed rows hold their panels


def check_dashboard(dashboard: dict, known: set[str]) -> list[str]:
    problems = []
    variables = {v.get('name'): v for v in dashboard.get('templating', {}).get('list', [])}
    source = variables.get('datasource')
    if not source or source.get('type') != 'datasource' or source.get('query') != 'prometheus':
        problems.append('no datasource variable "datasource" of type prometheus')
    if 'app' not in variables:
        problems.append('no "app" template variable')
    ids = [p.get('id') for p in panels_of(dashboard)]
    if len(ids) != len(set(ids)):
        problems.append(f'panel ids repeat: {sorted(i for i in set(ids) if ids.count(i) > 1)}')
    queries = 0
    for panel in panels_of(dashboard):
        if panel.get('type') == 'row':
            continue
        title = panel.get('title', f'panel {panel.get("id")}')
        if panel.get('datasource', {}).get('uid') != '${datasource}':
            problems.append(f'{title}: its datasource is not ${{datasource}}')
        targets = panel.get('targets', [])
        if not targets:
            problems.append(f'{title}: no queries')
        for target in targets:
            expr = target.get('expr', '')
            queries += 1
            if not OWN_NAME.search(expr):
                problems.append(f'{title}: query {expr!r} uses no Herald family')
            problems += [f'{title}: {name} is not a documented family' for name in unknown_names(expr, known)]
    for name, variable in variables.items():
        definition = variable.get('definition', '')
        problems += [f'variable {name}: {n} is not a documented family' for n in unknown_names(definition, known)]
    if queries == 0:
        problems.append('the dashboard has no queries')
    return problems


def check_rules(rules: dict, known: set[str]) -> list[str]:
    problems = []
    for group in rules.get('groups', []):
        for rule in group.get('rules', []):
            name = rule.get('alert') or rule.get('record')
            problems += [f'alert {name}: {n} is not a documented family' for n in unknown_names(rule.get('expr', ''), known)]
    return problems


def self_test(known: set[str]) -> None:
    made_up = {'panels': [{'id': 1, 'type': 'timeseries', 'title': 'made up',
                           'datasource': {'type': 'prometheus', 'uid': '${datasource}'},
                           'targets': [{'expr': 'rate(herald_made_up_total[5m]) + herald_connections'}]}],
               'templating': {'list': [{'name': 'datasource', 'type': 'datasource', 'query': 'prometheus'},
                                       {'name': 'app', 'type': 'query'}]}}
    found = check_dashboard(made_up, known)
    if found != ['made up: herald_made_up_total is not a documented family']:
        sys.exit(f'check_dashboard.py: the self-test expected exactly one unknown name, got {found}')


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.')
    documented = documented_families((root / 'docs/OPERATIONS.md').read_text())
    if 'herald_connections' not in documented:
        print('check_dashboard.py: found no metrics table in docs/OPERATIONS.md', file=sys.stderr)
        return 1
    for name in sorted(PENDING_FAMILIES & documented):
        print(f'note: {name} is documented in docs/OPERATIONS.md now; PENDING_FAMILIES need not list it')
    known = documented | PENDING_FAMILIES
    self_test(known)
    try:
        dashboard = json.loads((root / 'deploy/grafana/herald.json').read_text())
    except json.JSONDecodeError as error:
        print(f'deploy/grafana/herald.json is not valid JSON: {error}', file=sys.stderr)
        return 1
    rules = yaml.safe_load((root / 'deploy/prometheus/herald-alerts.yml').read_text())
    problems = check_dashboard(dashboard, known) + check_rules(rules, known)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f'deploy: the dashboard\'s and the alert rules\' queries use {len(known)} known families; ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
