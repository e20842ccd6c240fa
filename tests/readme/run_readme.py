#!/usr/bin/env python3
"""Runs README.md's command blocks as a newcomer would type them, against a local run on a fresh data folder.

Every ```bash block runs, in order, in one shell (so the variables README defines carry on), with aliases
expanded as in an interactive shell. A block fails when any command in it fails, when a variable it sets is
empty or "null", or when its output lacks what the comment after it promises:

    <!-- readme: expect 27 assignments | 待核验 -->      each text must appear in the block's output
    <!-- readme: not run, <why> -->                     the block is shown only (the reason is printed)

The block that starts the local run (`dotnet run --project deploy/local`) starts it in the background and
waits for it; the test command itself (`bash tests/run-all.sh`) is this run's caller and is not repeated.
The local run's fixed ports are taken in a network namespace of its own, so this runs beside a developer's
own local run. Ends with the line "readme: N passed, M failed".
"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(ROOT, "README.md")
START = "dotnet run --project deploy/local"
SELF = "bash tests/run-all.sh"


def blocks(text):
    """(line number, code, expectations, reason not run) for each bash block, in order."""
    lines = text.split("\n")
    found = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```bash":
            start = i + 1
            j = start
            while lines[j].strip() != "```":
                j += 1
            code = "\n".join(lines[start:j])
            directive = ""
            for before in (lines[start - 2] if start >= 2 else "",):
                directive = before.strip()
            after = lines[j + 1].strip() if j + 1 < len(lines) else ""
            expect = []
            m = re.match(r"<!-- readme: expect (.*) -->$", after)
            if m:
                expect = [e.strip() for e in m.group(1).split(" | ") if e.strip()]
            m = re.match(r"<!-- readme: not run, (.*) -->$", directive)
            found.append((start + 1, code, expect, m.group(1) if m else None))
            i = j + 1
        else:
            i += 1
    return found


def assigned_variables(code):
    return sorted(set(re.findall(r"^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)=", code, re.MULTILINE)))


def build_first():
    """Builds what the blocks run while package feeds can still be reached: the namespace has no network, and a
    restore there would fail. Inside, `dotnet run` and `./duban` then find everything up to date."""
    for command in (["dotnet", "build", "deploy/local", "-v", "q", "-nologo"], [os.path.join(ROOT, "duban"), "--help"]):
        if subprocess.call(command, cwd=ROOT, stdout=subprocess.DEVNULL) != 0:
            sys.exit(f"readme: `{' '.join(command)}` failed")


def enter_namespace():
    """Re-runs this script in a network namespace of its own, with loopback up."""
    if os.environ.get("DUBAN_README_NETNS") == "1":
        return
    build_first()
    if os.geteuid() != 0:
        sys.exit("readme: needs root for a network namespace of its own (unshare -n), as the local run's ports are fixed")
    env = dict(os.environ, DUBAN_README_NETNS="1")
    script = "ip link set lo up && exec " + " ".join(map(shlex.quote, [sys.executable, *sys.argv]))
    sys.exit(subprocess.call(["unshare", "-n", "sh", "-c", script], env=env))


def main():
    enter_namespace()
    work = tempfile.mkdtemp(prefix="duban-readme-")
    # The cluster's processes run as the postgres user when we are root: they must reach the data folder.
    os.chmod(work, 0o755)
    env = dict(os.environ)
    env.update({
        "DUBAN_DATA_DIR": os.path.join(work, "data"),
        "DUBAN_CONFIG": os.path.join(work, "config.json"),
        "HOME": os.path.join(work, "home"),
        "DOTNET_CLI_HOME": os.environ.get("DOTNET_CLI_HOME", os.environ.get("HOME", work)),
        "NUGET_PACKAGES": os.environ.get("NUGET_PACKAGES", os.path.join(os.environ.get("HOME", "/root"), ".nuget", "packages")),
        "DOTNET_NOLOGO": "1",
    })
    os.makedirs(env["HOME"])
    passed = failed = 0
    local = None
    local_log = os.path.join(work, "local.log")
    try:
        script = ["set -o pipefail", "shopt -s expand_aliases", f"cd {shlex.quote(ROOT)}"]
        results = []
        for index, (line, code, expect, not_run) in enumerate(blocks(open(README, encoding="utf-8").read())):
            if not_run is not None:
                print(f"  shown   README:{line} (not run: {not_run})")
                continue
            lines = [l for l in code.split("\n")]
            if any(l.strip().startswith(START) and "-- " not in l for l in lines):
                # The local run: started in the background, once, and waited for.
                # A shell that started this run in the background may have left SIGINT ignored, and an ignored
                # signal stays ignored in children: give the local run Ctrl+C back, as a terminal would.
                # --no-restore: build_first restored with the network; in the namespace a restore can only fail.
                local = subprocess.Popen(START.split() + ["--no-restore"], cwd=ROOT, env=env, stdout=open(local_log, "w"),
                                         stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=default_signals)
                ok, why = wait_for_local(local, local_log)
                record(results, line, ok, why)
                lines = [l for l in lines if not l.strip().startswith(START) and not l.strip().startswith(SELF)]
                if not ok:
                    break
                if not any(l.strip() and not l.strip().startswith("#") for l in lines):
                    continue
            out = os.path.join(work, f"block{index}.out")
            err = os.path.join(work, f"block{index}.err")
            fails = os.path.join(work, f"block{index}.failed")
            body = "\n".join(lines)
            # README's line of a failing command: its line in the generated script, moved to the block's place.
            first = len(script) + 3
            script.append(f"trap 'echo \"README:$((LINENO - {first} + {line})): exit $? from: $BASH_COMMAND\" >> {fails}' ERR")
            script.append("{")
            script.extend(lines)
            script.append(f"}} > {out} 2> {err}")
            script.append("trap - ERR")
            script.extend(
                f'if [ -z "${{{v}:-}}" ] || [ "${{{v}}}" = null ]; then echo "{v} is empty or null" >> {fails}; fi'
                for v in assigned_variables(body))
            results.append((line, out, err, fails, expect))
        full = "\n".join(script)
        path = os.path.join(work, "walkthrough.sh")
        open(path, "w", encoding="utf-8").write(full + "\n")
        if local is not None and local.poll() is None:
            subprocess.run(["bash", path], cwd=ROOT, env=env, timeout=900)
        for entry in results:
            if isinstance(entry, tuple) and len(entry) == 3:
                line, ok, why = entry
                passed, failed = tally(passed, failed, line, ok, why)
                continue
            line, out, err, fails, expect = entry
            problems = []
            if os.path.exists(fails):
                problems += open(fails, encoding="utf-8").read().strip().split("\n")
            if not os.path.exists(out):
                problems.append("did not run")
            else:
                text = open(out, encoding="utf-8", errors="replace").read()
                problems += [f"output lacks “{e}”" for e in expect if e not in text]
            if problems and os.path.exists(err):
                tail = open(err, encoding="utf-8", errors="replace").read().strip().split("\n")[-3:]
                problems += ["stderr: " + t for t in tail if t]
            passed, failed = tally(passed, failed, line, not problems, "; ".join(problems))
        if local is not None and local.poll() is None:
            ok, why = stop_local(local, local_log)
            passed, failed = tally(passed, failed, "Ctrl+C", ok, why)
    finally:
        if local is not None and local.poll() is None:
            os.killpg(local.pid, signal.SIGKILL)
        if failed and os.path.exists(local_log):
            print("  last lines of the local run:")
            for l in open(local_log, encoding="utf-8", errors="replace").read().strip().split("\n")[-15:]:
                print("    " + l)
        if failed and os.path.exists(local_log):
            shutil.copy(local_log, os.path.join(tempfile.gettempdir(), "duban-readme-local.log"))
            print(f"  the local run's whole log: {os.path.join(tempfile.gettempdir(), 'duban-readme-local.log')}")
        shutil.rmtree(work, ignore_errors=True)
    print(f"readme: {passed} passed, {failed} failed")
    return 1 if failed else 0


def default_signals():
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def record(results, line, ok, why):
    results.append((line, ok, why))


def tally(passed, failed, line, ok, why):
    where = f"README:{line}" if isinstance(line, int) else line
    if ok:
        print(f"  passed  {where}")
        return passed + 1, failed
    print(f"  FAILED  {where}: {why}")
    return passed, failed + 1


def wait_for_local(process, log, seconds=600):
    deadline = time.time() + seconds
    while time.time() < deadline:
        text = open(log, encoding="utf-8", errors="replace").read()
        if "Duban is running" in text:
            return True, ""
        if process.poll() is not None:
            return False, f"the local run exited ({process.returncode}) before it was ready"
        time.sleep(1)
    return False, f"the local run was not ready after {seconds} s"


def stop_local(process, log):
    """Ctrl+C, as README says: everything stops, the data is kept."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        return False, "still running 60 s after Ctrl+C"
    text = open(log, encoding="utf-8", errors="replace").read()
    if "stopped; data kept" not in text:
        return False, "no “stopped; data kept” after Ctrl+C"
    return process.returncode == 0, f"exit {process.returncode} after Ctrl+C"


if __name__ == "__main__":
    sys.exit(main())
