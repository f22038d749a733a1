"""Runs unittest modules several tests at a time and prints the closing
line CI reads ("N passed, N failed"). The Python suites spend their time
waiting for the processes they test (ews, ews-sim), so threads pay off.
Shared by tests/cli and tests/sim; stdlib only."""
import concurrent.futures
import os
import unittest


def all_tests(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from all_tests(t)
        else:
            yield t


def run_one(test):
    result = unittest.TestResult()
    test.run(result)
    return test, result


def run(modules, min_jobs=1):
    """Every test of `modules`, EWS_TEST_JOBS at a time (default the larger
    of min_jobs and 2 x CPUs); returns the exit code."""
    loader = unittest.defaultTestLoader
    tests = [t for m in modules
             for t in all_tests(loader.loadTestsFromModule(m))]
    jobs = int(os.environ.get("EWS_TEST_JOBS", "0") or 0)
    jobs = jobs or max(min_jobs, 2 * (os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(run_one, tests))
    passed = failed = skipped = 0
    for test, r in results:
        problems = r.failures + r.errors + [
            (t, "unexpected success") for t in r.unexpectedSuccesses]
        if problems:
            failed += 1
            print("%s ... FAIL" % test.id())
            for _, trace in problems:
                print(trace)
        elif r.skipped:
            skipped += 1
            print("%s ... skipped: %s" % (test.id(), r.skipped[0][1]))
        else:
            passed += 1
            print("%s ... ok" % test.id())
    if skipped:
        print("%d skipped" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1
