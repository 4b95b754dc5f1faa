"""python -m benchmarks: runs every benchmark; each writes its JSON report under reports/."""

from benchmarks import calibration, event_pipe, inspection_plan, levy

BENCHMARKS = [event_pipe.main, levy.main, inspection_plan.main, calibration.main]

if __name__ == "__main__":
    failed = sum(1 for run in BENCHMARKS if run([]) != 0)
    raise SystemExit(1 if failed else 0)
