"""Which versions still have a current 20-run calibration table, per setting (default, 1 and 16 processors).

    python3 grader/calibration/tables/status.py [--missing] [--setting default|p1|p16]

A table file's first line gives its command (with `--processors N` for a setting other than the default), its
commit and its start; each row gives an exercise, a version and "held/runs". A row still applies while what the
check of that version runs is unchanged since the table's commit (README.md):
- the exercise's files, `grader/src/main/resources/conclab/exercises/NAME` (a Java file's comments, and the title and
  the properties' descriptions in `exercise.properties`, left out: the learner reads them, the check does not run them);
- the probe classes they use (`conclab.grader.probe.X`, and the probes those use in turn);
- the test runner, `grader/src/main/java/conclab/grader/runner`;
- the version itself: its file under `grader/calibration/NAME`, or, for the reference, the body of the notebook
  cell `%%solution NAME`.
For every exercise and setting it prints how many versions have current rows that all held 20 of 20, how many have a
current row that missed (a flaky check to look at, whatever later tables say), and how many have none. `--missing`
lists the versions without a row that held, as arguments for `./conclab calibrate` (EXERCISE/VERSION). Needs git and
the repository's history.
"""
import argparse
import functools
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
TABLES = ROOT / "grader" / "calibration" / "tables"
EXERCISES = "grader/src/main/resources/conclab/exercises"
PROBES = "grader/src/main/java/conclab/grader/probe"
RUNNER = "grader/src/main/java/conclab/grader/runner"
HEADER = re.compile(r"^### calibrate (?P<command>.*?)\s+commit (?P<commit>[0-9a-f]{7,40})\s")
ROW = re.compile(r"^(?P<exercise>[a-z0-9-]+)\s+(?P<version>\S+)\s+.*?\s(?P<held>\d+)/(?P<runs>\d+)\s+[\d.]+\s+[\d.]+\s*$")
SOLUTION = re.compile(r"^%%solution\s+(\S+)\s*$")
REPEAT = 20


def git(*args):
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def setting_of(command):
    m = re.search(r"--processors\s+(\d+)", command)
    return f"p{m.group(1)}" if m else "default"


def tables():
    """Every table's rows: (setting, commit, exercise, version, held, runs), in file order."""
    rows = []
    for f in sorted(TABLES.glob("*.txt")):
        setting = commit = None
        for line in f.read_text().splitlines():
            h = HEADER.match(line)
            if h:  # a file may hold several runs, each with its own first line
                setting, commit = setting_of(h["command"]), h["commit"]
                continue
            r = ROW.match(line)
            if r and commit:
                rows.append((setting, commit, r["exercise"], r["version"], int(r["held"]), int(r["runs"]), f.name))
    return rows


@functools.cache
def probes_used(path_text):
    """The probe classes a piece of source names, and those they name in turn."""
    found, todo = set(), set(re.findall(r"probe\.([A-Z][A-Za-z]*)", path_text))
    while todo:
        name = todo.pop()
        source = ROOT / PROBES / f"{name}.java"
        if name in found or not source.exists():
            continue
        found.add(name)
        text = source.read_text()
        todo |= set(re.findall(r"\b([A-Z][A-Za-z]*)\.", text)) & {p.stem for p in (ROOT / PROBES).glob("*.java")}
    return tuple(sorted(found))


def check_paths(exercise):
    text = "".join(p.read_text() for p in (ROOT / EXERCISES / exercise).rglob("*") if p.is_file())
    return [f"{EXERCISES}/{exercise}", RUNNER] + [f"{PROBES}/{p}.java" for p in probes_used(text)]


@functools.cache
def known(commit):
    return subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
                          capture_output=True).returncode == 0


@functools.cache
def unchanged(commit, paths):
    """Whether every file under paths is the same at HEAD as at commit, Java files compared without their comments."""
    if not known(commit):
        raise SystemExit(f"status.py: commit {commit} (a table's) is not in this clone's history; a shallow clone has "
                         "only its last commits. Fetch the history (git fetch --unshallow) and run it again.")
    changed = git("diff", "--name-only", commit, "HEAD", "--", *paths).split()
    return all(same_code(commit, f) for f in changed)


def show(commit, path):
    r = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path}"], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def same_code(commit, path):
    """Whether a file changed only in what a check does not run: a Java file's comments, or an exercise.properties
    file's comments and the text of its properties' descriptions (the points, visibility and limits still count)."""
    old, new = show(commit, path), show("HEAD", path)
    if old is None or new is None:
        return False
    if path.endswith(".java"):
        return code_of(old) == code_of(new)
    if path.endswith("exercise.properties"):
        return settings_of(old) == settings_of(new)
    return False


def settings_of(properties):
    """An exercise.properties file without its comments and without the description of each property."""
    kept = []
    for line in properties.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("title"):
            continue  # what the learner reads
        if line.startswith("property."):
            key, _, value = line.partition("=")
            # "points | visibility | description": the description is what the learner reads
            line = key.strip() + "=" + "|".join(v.strip() for v in value.split("|")[:2])
        kept.append(line)
    return kept


def code_of(java):
    """Java source without its comments, and with the white space between tokens (not inside literals) made one
    space: a change to a javadoc or a comment changes no check, so it keeps a table current."""
    parts, code, i, n = [], [], 0, len(java)
    while i < n:
        if java.startswith('"""', i) or java[i] in "\"'":
            quote = '"""' if java.startswith('"""', i) else java[i]
            j = i + len(quote)
            while j < n and not java.startswith(quote, j):
                j += 2 if java[j] == "\\" else 1
            parts.append(" ".join("".join(code).split()))
            parts.append(java[i:j + len(quote)])
            code, i = [], j + len(quote)
        elif java.startswith("//", i):
            end = java.find("\n", i)
            i = n if end < 0 else end
        elif java.startswith("/*", i):
            end = java.find("*/", i + 2)
            i = n if end < 0 else end + 2
            code.append(" ")
        else:
            code.append(java[i])
            i += 1
    parts.append(" ".join("".join(code).split()))
    return "\0".join(parts)


@functools.cache
def solution_bodies(commit):
    """exercise -> the body of its `%%solution` cell, in the notebooks as of commit ("HEAD" or a hash)."""
    bodies = {}
    for name in git("ls-tree", "-r", "--name-only", commit, "notebooks").splitlines():
        if not name.endswith(".ipynb"):
            continue
        nb = json.loads(git("show", f"{commit}:{name}"))
        for cell in nb.get("cells", []):
            source = "".join(cell.get("source", []))
            first, _, body = source.partition("\n")
            m = SOLUTION.match(first)
            if cell.get("cell_type") == "code" and m:
                bodies[m.group(1)] = body
    return bodies


def version_current(commit, exercise, version):
    if version == "reference":
        return solution_bodies(commit).get(exercise) == solution_bodies("HEAD").get(exercise)
    return unchanged(commit, (f"grader/calibration/{exercise}/{version}.java",))


def versions_now():
    """exercise -> its versions at HEAD: the reference and every file under grader/calibration/EXERCISE."""
    out = {}
    for ex in sorted(solution_bodies("HEAD")):
        wrong = sorted(p.stem for p in (ROOT / "grader" / "calibration" / ex).glob("*.java"))
        out[ex] = ["reference"] + wrong
    return out


def main():
    r = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"status.py: {ROOT} is not a git clone with its history ({r.stderr.strip() or 'no git'}); "
                         "the tables are judged against the commits they ran on. Run it in a clone.")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--setting", choices=["default", "p1", "p16"], help="only this setting")
    ap.add_argument("--missing", action="store_true", help="list the versions without a current 20-run row")
    args = ap.parse_args()
    settings = [args.setting] if args.setting else ["default", "p1", "p16"]
    # (setting, exercise, version) -> (held, runs, file) of its current rows: a miss in any of them is kept, whatever
    # the others say (a check that missed once, and has not changed since, is flaky however often it held after)
    best = {}
    for setting, commit, ex, version, held, runs, name in tables():
        if runs < REPEAT or not unchanged(commit, tuple(check_paths(ex))) or not version_current(commit, ex, version):
            continue
        key = (setting, ex, version)
        if key not in best or best[key][0] == best[key][1]:
            best[key] = (held, runs, name)
    all_versions = versions_now()
    total = {s: [0, 0, 0] for s in settings}
    print(f"{'exercise':<18} " + " ".join(f"{s + ' held/missed/none':>26}" for s in settings))
    for ex, versions in all_versions.items():
        cells = []
        for s in settings:
            held = sum(1 for v in versions if (r := best.get((s, ex, v))) and r[0] == r[1])
            missed = sum(1 for v in versions if (r := best.get((s, ex, v))) and r[0] != r[1])
            none = len(versions) - held - missed
            for i, n in enumerate((held, missed, none)):
                total[s][i] += n
            cells.append(f"{held:>12} / {missed:>3} / {none:>4}")
        print(f"{ex:<18} " + " ".join(f"{c:>26}" for c in cells))
    print(f"{'all':<18} " + " ".join(f"{t[0]:>12} / {t[1]:>3} / {t[2]:>4}" for t in total.values()))
    if args.missing:
        for s in settings:
            for ex, versions in all_versions.items():
                lacking = [v for v in versions if (r := best.get((s, ex, v))) is None or r[0] != r[1]]
                if lacking:
                    print(f"{s} {ex}: " + " ".join(f"{ex}/{v}" for v in lacking))
    return 0


if __name__ == "__main__":
    sys.exit(main())
