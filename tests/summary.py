"""Counts the test results of every JUnit-style XML report in a folder; prints "N passed, N failed".

Used by `./conclab test` over the reports of Maven (surefire) and pytest. Exits 1 if anything failed or
if no test ran at all (a run that tested nothing is not a green run).
"""
import pathlib
import sys
import xml.etree.ElementTree as ET


def main(folder):
    passed, failed, skipped = 0, [], 0
    for report in sorted(pathlib.Path(folder).glob("*.xml")):
        try:
            root = ET.parse(report).getroot()
        except ET.ParseError as e:
            failed.append(f"{report.name}: unreadable report ({e})")
            continue
        for case in root.iter("testcase"):
            name = f"{case.get('classname', '')}.{case.get('name', '')}".strip(".")
            problem = case.find("failure")
            if problem is None:
                problem = case.find("error")
            if problem is not None:
                # The message's first line says what failed; a calibration row adds a line "MISSED: ..." that names
                # the property missed and its evidence, which a flaky run's log must keep.
                lines = (problem.get("message") or "").strip().splitlines()
                said = [lines[0][:240]] if lines else []
                said += [line.strip()[:600] for line in lines[1:] if line.strip().startswith("MISSED:")]
                failed.append(f"{name}: " + "\n        ".join(said) if said else name)
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
    for name in failed:
        print(f"    FAILED {name}")
    extra = f", {skipped} skipped" if skipped else ""
    print(f"{passed} passed, {len(failed)} failed{extra}")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "tests/.reports"))
