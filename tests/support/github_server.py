#!/usr/bin/python3
"""A local stand-in for GitHub's REST API v3, for tako's tests.

It implements the endpoints tako's github forge provider uses (pulls: list by head, create,
get, update, merge; issue labels; a commit's combined status and check runs) over bare git
repositories on disk, and checks every request body and every response body against GitHub's
published OpenAPI description (npm package @octokit/openapi), resolving its $refs, with
Debian's python3-jsonschema. Anything that does not conform is recorded as a violation, which
tests read from GET /_test/state and expect to be empty.

Test controls (no validation, no token): POST /_test/status, /_test/check_run, /_test/merge,
/_test/fail, /_test/ci; GET /_test/state.

Usage: github_server.py --openapi api.github.com.json --remotes DIR --token T --port-file F
Binds 127.0.0.1 on an ephemeral port and writes the port to F once it is ready.
"""

import argparse
import copy
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from jsonschema import Draft4Validator, RefResolver

API_DOCS = "https://docs.github.com/rest"


def nullable_to_jsonschema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema (draft 4) says it, in place."""
    if isinstance(node, dict):
        for v in node.values():
            nullable_to_jsonschema(v)
        if node.pop("nullable", False):
            if "type" in node:
                t = node["type"]
                node["type"] = (t if isinstance(t, list) else [t]) + ["null"]
                if "enum" in node and None not in node["enum"]:
                    node["enum"].append(None)
            else:
                inner = {k: node.pop(k) for k in list(node.keys())}
                node["anyOf"] = [inner, {"type": "null"}]
    elif isinstance(node, list):
        for v in node:
            nullable_to_jsonschema(v)


class Spec:
    """The OpenAPI description: operations by method and path, and validation of bodies."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        nullable_to_jsonschema(self.doc)
        self.resolver = RefResolver.from_schema(self.doc)
        self.routes = []
        for template, ops in self.doc["paths"].items():
            if not template.startswith("/repos/{owner}/{repo}/"):
                continue
            parts = re.split(r"\{[^}]+\}", template)
            regex = "^" + "([^/]+)".join(re.escape(p) for p in parts) + "$"
            self.routes.append((re.compile(regex), template, ops))

    def deref(self, node):
        while isinstance(node, dict) and "$ref" in node:
            _, node = self.resolver.resolve(node["$ref"])
        return node

    def operation(self, method, path):
        for regex, template, ops in self.routes:
            if regex.match(path) and method.lower() in ops:
                return template, ops[method.lower()]
        return None, None

    def errors(self, schema, value):
        validator = Draft4Validator(schema, resolver=self.resolver)
        return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message[:300]}"
                for e in validator.iter_errors(value)]

    def request_errors(self, op, body):
        rb = self.deref(op.get("requestBody"))
        if not rb:
            return [] if body is None else ["the operation takes no request body"]
        schema = rb["content"]["application/json"]["schema"]
        if body is None:
            return ["request body required"] if rb.get("required") else []
        return self.errors(schema, body)

    def response_errors(self, op, status, body):
        responses = op.get("responses", {})
        if str(status) not in responses:
            return [f"status {status} is not a documented response of {op['operationId']}"]
        r = self.deref(responses[str(status)])
        content = r.get("content", {}).get("application/json")
        if content is None:
            return [] if body is None else [f"status {status} has no documented body"]
        return self.errors(content["schema"], body)

    def example(self, name):
        return copy.deepcopy(self.doc["components"]["examples"][name]["value"])


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def not_found():
    return {"message": "Not Found", "documentation_url": API_DOCS}


def validation_failed(field, message):
    return {"message": "Validation Failed", "documentation_url": API_DOCS,
            "errors": [{"resource": "PullRequest", "field": field, "code": "custom",
                        "message": message}]}


class World:
    """Pull requests, statuses and check runs of every repository, over bare remotes."""

    def __init__(self, spec, remotes):
        self.spec = spec
        self.remotes = remotes
        self.lock = threading.Lock()
        self.pulls = {}  # "owner/name" -> {number: pr}
        self.statuses = {}  # sha -> [status]
        self.check_runs = {}  # sha -> [check run]
        self.requests = []
        self.violations = []
        self.failures = []
        self.ci_pending = True  # a new head gets a pending "ci" status, as if CI started
        self.next_id = 1000

    def git(self, repo, *args):
        return subprocess.run(["git", "--git-dir", os.path.join(self.remotes, repo + ".git"), *args],
                              capture_output=True, text=True, check=False)

    def branch_sha(self, repo, branch):
        r = self.git(repo, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch)
        return r.stdout.strip() if r.returncode == 0 else None

    def new_id(self):
        self.next_id += 1
        return self.next_id

    def pr_json(self, api, repo, pr):
        owner, name = repo.split("/")
        j = self.spec.example("pull-request")
        n = pr["number"]
        head_sha = self.branch_sha(repo, pr["head"]) or pr["head_sha"] or "0" * 40
        pr["head_sha"] = head_sha
        base_sha = self.branch_sha(repo, pr["base"]) or "0" * 40
        merged = pr["merged"]
        j.update({
            "id": pr["id"], "node_id": f"PR_{pr['id']}", "number": n,
            "url": f"{api}/repos/{repo}/pulls/{n}",
            "html_url": f"{api}/{repo}/pull/{n}",
            "state": pr["state"], "title": pr["title"], "body": pr["body"],
            "draft": pr["draft"], "locked": False,
            "created_at": pr["created_at"], "updated_at": pr["updated_at"],
            "closed_at": pr.get("closed_at"), "merged_at": pr.get("merged_at"),
            "merge_commit_sha": pr.get("merge_commit_sha"),
            "merged": merged, "mergeable": None if merged else True,
            "rebaseable": None if merged else True,
            "mergeable_state": "unknown" if merged else "clean",
            "merged_by": None, "comments": 0, "review_comments": 0, "commits": 1,
            "additions": 1, "deletions": 1, "changed_files": 1, "milestone": None,
            "assignee": None, "assignees": [], "requested_reviewers": [], "requested_teams": [],
            "auto_merge": None, "active_lock_reason": None,
            "labels": [self.label_json(l) for l in pr["labels"]],
        })
        for side, ref, sha in (("head", pr["head"], head_sha), ("base", pr["base"], base_sha)):
            j[side]["ref"] = ref
            j[side]["sha"] = sha
            j[side]["label"] = f"{owner}:{ref}"
            j[side]["repo"]["name"] = name
            j[side]["repo"]["full_name"] = repo
            j[side]["repo"]["owner"]["login"] = owner
        return j

    def pr_simple_json(self, api, repo, pr):
        full = self.pr_json(api, repo, pr)
        simple = self.spec.example("pull-request-simple-items")[0]
        for k in list(simple.keys()):
            if k in full:
                simple[k] = full[k]
        return simple

    @staticmethod
    def label_json(name):
        return {"id": sum(ord(c) for c in name) + 1, "node_id": "LA_" + name,
                "url": "http://localhost/labels/" + name, "name": name,
                "description": None, "color": "ededed", "default": False}

    def combined_status(self, api, repo, sha):
        statuses = self.statuses.get(sha, [])
        states = [s["state"] for s in statuses]
        if any(s in ("failure", "error") for s in states):
            state = "failure"
        elif any(s == "pending" for s in states) or not states:
            state = "pending"
        else:
            state = "success"
        # The newest status of each context decides, as on GitHub.
        latest = {}
        for s in statuses:
            latest[s["context"]] = s
        states = [s["state"] for s in latest.values()]
        if any(s in ("failure", "error") for s in states):
            state = "failure"
        elif any(s == "pending" for s in states) or not states:
            state = "pending"
        else:
            state = "success"
        j = self.spec.example("combined-commit-status")
        j.update({"state": state, "sha": sha, "total_count": len(latest),
                  "statuses": [self.status_json(s) for s in latest.values()],
                  "commit_url": f"{api}/repos/{repo}/commits/{sha}",
                  "url": f"{api}/repos/{repo}/commits/{sha}/status"})
        j["repository"]["full_name"] = repo
        return j

    def status_json(self, s):
        j = self.spec.example("combined-commit-status")["statuses"][0]
        j.update({"id": s["id"], "state": s["state"], "context": s["context"],
                  "description": s.get("description", ""), "target_url": None,
                  "created_at": s["at"], "updated_at": s["at"]})
        return j

    def check_runs_json(self, sha):
        runs = []
        for c in self.check_runs.get(sha, []):
            j = self.spec.example("check-run-paginated")["check_runs"][0]
            j.update({"id": c["id"], "name": c["name"], "head_sha": sha, "status": c["status"],
                      "conclusion": c.get("conclusion"),
                      "completed_at": c["at"] if c["status"] == "completed" else None})
            runs.append(j)
        return {"total_count": len(runs), "check_runs": runs}

    def merge_in_git(self, repo, pr):
        """Merges head into base in the bare remote, as GitHub's merge button does."""
        tmp = tempfile.mkdtemp(prefix="gh-merge-")
        try:
            remote = os.path.join(self.remotes, repo + ".git")
            env = dict(os.environ, GIT_AUTHOR_NAME="GitHub", GIT_AUTHOR_EMAIL="noreply@github.com",
                       GIT_COMMITTER_NAME="GitHub", GIT_COMMITTER_EMAIL="noreply@github.com")

            def run(*args):
                return subprocess.run(["git", *args], cwd=tmp, env=env, capture_output=True,
                                      text=True, check=False)

            steps = [("clone", "--quiet", "--branch", pr["base"], remote, "."),
                     ("fetch", "--quiet", "origin", pr["head"]),
                     ("merge", "--no-ff", "--quiet", "-m",
                      f"Merge pull request #{pr['number']} from {pr['head']}", "FETCH_HEAD"),
                     ("push", "--quiet", "origin", "HEAD:refs/heads/" + pr["base"])]
            for step in steps:
                if run(*step).returncode != 0:
                    return None
            sha = run("rev-parse", "HEAD").stdout.strip()
            pr.update({"merged": True, "state": "closed", "merged_at": now(), "closed_at": now(),
                       "merge_commit_sha": sha, "updated_at": now()})
            return sha
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    world = None
    token = None

    def log_message(self, format, *args):  # quiet: tests read /_test/state instead
        pass

    def api_url(self):
        return f"http://{self.headers.get('Host')}"

    def send_json(self, status, body, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n == 0:
            return None
        raw = self.rfile.read(n)
        try:
            return json.loads(raw)
        except ValueError:
            return {"__invalid_json__": raw.decode(errors="replace")}

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_PUT(self):
        self.handle_any("PUT")

    def handle_any(self, method):
        path, _, query = self.path.partition("?")
        body = self.read_body()
        w = self.world
        if path.startswith("/_test/"):
            with w.lock:
                status, resp = self.control(path[len("/_test/"):], body or {})
            self.send_json(status, resp)
            return
        params = {}
        for part in query.split("&") if query else []:
            k, _, v = part.partition("=")
            params[k] = unquote(v)
        with w.lock:
            authorized = self.headers.get("Authorization") == "Bearer " + self.token
            w.requests.append({"method": method, "path": path, "query": params,
                               "authorized": authorized})
            template, op = w.spec.operation(method, path)
            if op is None:
                w.violations.append(f"{method} {path}: no such operation in the OpenAPI description")
                self.send_json(404, not_found())
                return
            where = f"{method} {template} ({op['operationId']})"
            if isinstance(body, dict) and "__invalid_json__" in body:
                w.violations.append(f"{where}: request body is not JSON")
                self.send_json(400, {"message": "Problems parsing JSON", "documentation_url": API_DOCS})
                return
            errors = w.spec.request_errors(op, body)
            for e in errors:
                w.violations.append(f"{where}: request: {e}")
            for f in w.failures:
                if f["count"] > 0 and f["method"] in (method, "*") and re.search(f["path"], path):
                    f["count"] -= 1
                    self.send_json(f["status"], {"message": f["message"], "documentation_url": API_DOCS},
                                   f.get("headers"))
                    return
            if not authorized:
                self.send_json(401, {"message": "Bad credentials", "documentation_url": API_DOCS})
                return
            if errors:
                self.send_json(422, {"message": "Invalid request.", "documentation_url": API_DOCS,
                                     "errors": [{"resource": "PullRequest", "code": "invalid",
                                                 "message": e} for e in errors]})
                return
            m = re.match(r"^/repos/([^/]+)/([^/]+)/(.*)$", path)
            repo = m.group(1) + "/" + m.group(2)
            if not os.path.isdir(os.path.join(w.remotes, repo + ".git")):
                status, resp = 404, not_found()
            else:
                status, resp = self.api(method, repo, m.group(3), params, body or {})
            for e in w.spec.response_errors(op, status, resp):
                w.violations.append(f"{where}: response {status}: {e}")
            self.send_json(status, resp)

    def api(self, method, repo, rest, params, body):
        w = self.world
        api = self.api_url()
        pulls = w.pulls.setdefault(repo, {})
        owner = repo.split("/")[0]
        if rest == "pulls" and method == "GET":
            head = params.get("head", "")
            state = params.get("state", "open")
            return 200, [w.pr_simple_json(api, repo, pr) for pr in pulls.values()
                         if (not head or f"{owner}:{pr['head']}" == head)
                         and (state == "all" or pr["state"] == state)]
        if rest == "pulls" and method == "POST":
            head, base = body.get("head", ""), body.get("base", "")
            if w.branch_sha(repo, head) is None:
                return 422, validation_failed("head", f"head branch '{head}' does not exist")
            if w.branch_sha(repo, base) is None:
                return 422, validation_failed("base", f"base branch '{base}' does not exist")
            for pr in pulls.values():
                if pr["head"] == head and pr["state"] == "open":
                    return 422, validation_failed(
                        "head", f"A pull request already exists for {owner}:{head}.")
            number = max(pulls.keys(), default=0) + 1
            pr = {"id": w.new_id(), "number": number, "title": body.get("title", ""),
                  "body": body.get("body"), "head": head, "base": base,
                  "draft": bool(body.get("draft", False)), "state": "open", "merged": False,
                  "labels": [], "created_at": now(), "updated_at": now(), "head_sha": None}
            pulls[number] = pr
            sha = w.branch_sha(repo, head)
            if w.ci_pending and sha not in w.statuses:
                w.statuses[sha] = [{"id": w.new_id(), "state": "pending", "context": "ci", "at": now()}]
            return 201, w.pr_json(api, repo, pr)
        m = re.match(r"^pulls/(\d+)(/merge)?$", rest)
        if m:
            pr = pulls.get(int(m.group(1)))
            if pr is None:
                return 404, not_found()
            if m.group(2) and method == "PUT":
                return self.merge(repo, pr, body.get("sha"))
            if method == "PATCH":
                for k in ("title", "body", "base", "state"):
                    if k in body:
                        pr[k] = body[k]
                pr["updated_at"] = now()
            return 200, w.pr_json(api, repo, pr)
        m = re.match(r"^issues/(\d+)/labels$", rest)
        if m:
            pr = pulls.get(int(m.group(1)))
            if pr is None:
                return 404, not_found()
            for label in body.get("labels", []):
                name = label if isinstance(label, str) else label.get("name")
                if name not in pr["labels"]:
                    pr["labels"].append(name)
            return 200, [w.label_json(l) for l in pr["labels"]]
        m = re.match(r"^commits/([^/]+)/(status|check-runs)$", rest)
        if m:
            sha = unquote(m.group(1))
            if m.group(2) == "status":
                return 200, w.combined_status(api, repo, sha)
            return 200, w.check_runs_json(sha)
        return 404, not_found()

    def merge(self, repo, pr, sha):
        w = self.world
        if pr["merged"] or pr["state"] != "open":
            return 405, {"message": "Pull Request is not mergeable", "documentation_url": API_DOCS}
        head_sha = w.branch_sha(repo, pr["head"])
        if sha and sha != head_sha:
            return 409, {"message": "Head branch was modified. Review and try the merge again.",
                         "documentation_url": API_DOCS}
        merged_sha = w.merge_in_git(repo, pr)
        if merged_sha is None:
            return 405, {"message": "Pull Request is not mergeable", "documentation_url": API_DOCS}
        return 200, {"sha": merged_sha, "merged": True, "message": "Pull Request successfully merged"}

    def control(self, what, body):
        w = self.world
        if what == "state":
            return 200, {"pulls": {repo: list(p.values()) for repo, p in w.pulls.items()},
                         "requests": w.requests, "violations": w.violations,
                         "statuses": w.statuses}
        repo = body.get("repo", "")
        pr = w.pulls.get(repo, {}).get(int(body.get("pr", 0)))
        sha = body.get("sha") or (pr and (w.branch_sha(repo, pr["head"]) or pr["head_sha"]))
        if what == "status":
            w.statuses.setdefault(sha, []).append({"id": w.new_id(), "state": body["state"],
                                                   "context": body.get("context", "ci"), "at": now()})
            return 200, {"sha": sha}
        if what == "check_run":
            w.check_runs.setdefault(sha, []).append({
                "id": w.new_id(), "name": body.get("name", "build"),
                "status": body.get("status", "completed"), "conclusion": body.get("conclusion"),
                "at": now()})
            return 200, {"sha": sha}
        if what == "merge":  # a reviewer presses the button
            if pr is None:
                return 404, {"message": "no such pull request"}
            merged = w.merge_in_git(repo, pr)
            return (200, {"sha": merged}) if merged else (409, {"message": "merge failed"})
        if what == "fail":
            w.failures.append({"method": body.get("method", "*"), "path": body.get("path", ".*"),
                               "status": int(body["status"]), "message": body.get("message", "Error"),
                               "count": int(body.get("count", 1)), "headers": body.get("headers")})
            return 200, {}
        if what == "ci":
            w.ci_pending = bool(body.get("pending", True))
            return 200, {}
        return 404, {"message": "unknown control " + what}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--openapi", required=True)
    ap.add_argument("--remotes", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()
    Handler.world = World(Spec(a.openapi), a.remotes)
    Handler.token = a.token
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = a.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, a.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
