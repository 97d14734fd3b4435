#!/usr/bin/env python3
"""Replays memallocator's conformance vectors against an allocator adapter (stdlib only).

    python3 docs/examples/python/run_vectors.py DIR [--adapter MODULE:CLASS] [--settle-ms N]
        [--patience-ms N] [--only GLOB] [--fail-fast] [-v]

DIR is what `memallocator vectors --out DIR` wrote (index.json and one file per vector; the
format is docs/vectors.schema.json). The adapter defaults to allocator:PyAllocator, the tiny
pure-Python allocator beside this file. Exit status: 0 all passed (vectors needing a feature the
adapter lacks are skipped), 1 some failed, 2 bad arguments.

The algorithm is VectorRunner.java's: a worker thread per vector thread (and one for "main"); a
step's call runs on its thread's worker; "hr" means the call returns with that outcome,
"blocks" that it does not return until a later step's "wakes" lists it; after every step the
calls that should be blocked must still be blocked. Sample names (s1, s2, ...) are bound to the
objects GetBuffer returns, renamed when the implementation picks another free sample, and
unbound at a Commit that "allocates". The wakes of one step are an unordered set: the woken calls
may return in any order, and each is checked against its own wake; a wake-up with "or" may go to
another waiter, and then the two thread names are swapped. To run your own allocator, write an adapter class with the methods
of allocator.PyAllocator and PySample (raising allocator.HResultError for failures), or port this
file.
"""

import argparse
import fnmatch
import importlib
import json
import os
import queue
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from allocator import HResultError  # noqa: E402

PATIENCE = 10.0  # seconds a call may take to return when it should (--patience-ms)


class Failure(Exception):
    pass


class Worker:
    """One vector thread: makes its calls, one at a time, on a thread of its own."""

    def __init__(self, name):
        self.calls = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="vector-" + name, daemon=True)
        self.thread.start()

    def submit(self, fn):
        done = {"event": threading.Event()}
        self.calls.put((fn, done))
        return done

    def _loop(self):
        while True:
            fn, done = self.calls.get()
            if fn is None:
                return
            try:
                done["outcome"] = fn()
            except HResultError as e:
                done["outcome"] = (e.hr, None)
            except Exception as e:  # noqa: BLE001 - anything else is a failure of the vector
                done["outcome"] = (None, e)
            done["event"].set()

    def stop(self):
        self.calls.put((None, None))


def is_done(call):
    return call["event"].is_set()


class Run:
    def __init__(self, allocator, settle):
        self.a = allocator
        self.settle = settle
        self.workers = {}
        self.samples = {}   # name -> object
        self.names = {}     # id(object) -> name
        self.blocked = {}   # thread -> (step, call)

    def worker(self, name):
        if name not in self.workers:
            self.workers[name] = Worker(name)
        return self.workers[name]

    # ---------------------------------------------------------------- the calls

    def invoke(self, op, args):
        a = self.a
        if op == "SetProperties":
            return "S_OK", a.set_properties(dict(args["request"]))
        if op == "GetProperties":
            return "S_OK", a.get_properties()
        if op in ("Commit", "Decommit", "Close"):
            getattr(a, op.lower())()
            return "S_OK", None
        if op == "GetBuffer":
            return "S_OK", a.get_buffer(args["flags"], timeout_ms=args.get("timeoutMs"),
                                        start_time=args.get("startTime"), end_time=args.get("endTime"))
        s = self.samples[args["sample"]]
        if op == "AddRef":
            return "S_OK", s.add_ref()
        if op == "Release":
            return "S_OK", s.release()
        if op == "GetSize":
            return "S_OK", s.get_size()
        if op == "GetActualDataLength":
            return "S_OK", s.get_actual_data_length()
        if op == "SetActualDataLength":
            s.set_actual_data_length(args["length"])
            return "S_OK", None
        if op == "GetTime":
            hr, start, end = s.get_time()
            return hr, (start, end)
        if op == "SetTime":
            s.set_time(args.get("start"), args.get("end"))
            return "S_OK", None
        if op == "GetMediaTime":
            return "S_OK", s.get_media_time()
        if op == "SetMediaTime":
            s.set_media_time(args.get("start"), args.get("end"))
            return "S_OK", None
        for flag in ("SyncPoint", "Preroll", "Discontinuity"):
            snake = {"SyncPoint": "sync_point", "Preroll": "preroll", "Discontinuity": "discontinuity"}[flag]
            if op == "Is" + flag:
                return ("S_OK" if getattr(s, "is_" + snake)() else "S_FALSE"), None
            if op == "Set" + flag:
                getattr(s, "set_" + snake)(args["value"])
                return "S_OK", None
        if op == "GetMediaType":
            t = s.get_media_type()
            return ("S_FALSE" if t is None else "S_OK"), t
        if op == "SetMediaType":
            s.set_media_type(args.get("mediaType"))
            return "S_OK", None
        raise ValueError("unknown op " + op)

    # ---------------------------------------------------------------- one step

    def step(self, step):
        thread, op, args, expect = step["thread"], step["op"], step["args"], step["expect"]
        if thread in self.blocked:
            raise Failure("%s is still blocked in its call of step %d" % (thread, self.blocked[thread][0]))
        if op == "Interrupt":
            raise Failure("this runner cannot interrupt a thread")
        call = self.worker(thread).submit(lambda: self.invoke(op, args))
        if expect.get("blocks"):
            self.await_blocked(call, len(self.blocked) + 1)
            self.blocked[thread] = (step["step"], call)
        else:
            if not call["event"].wait(PATIENCE):
                raise Failure("the call did not return within %ss" % PATIENCE)
            self.check(expect, call["outcome"])
            if expect.get("allocates"):
                self.samples.clear()
                self.names.clear()
        if step.get("wakes"):
            self.wakes(step["wakes"], step["step"])
        for t, (at, c) in self.blocked.items():
            if is_done(c):
                raise Failure("the call of %s (step %d) returned %s, but it should still be blocked"
                              % (t, at, self.describe(c["outcome"])))

    def await_blocked(self, call, waiting):
        deadline = time.monotonic() + self.settle
        counts = getattr(self.a, "waiting_count", None)
        while time.monotonic() < deadline:
            if is_done(call):
                break
            if counts is not None and counts() >= waiting:
                return
            time.sleep(0.0002)
        if is_done(call):
            raise Failure("returned %s instead of blocking" % self.describe(call["outcome"]))

    def not_returned(self, still, missing, step_no):
        """The calls of still (blocked, not returned) of which missing should have returned after
        step step_no: each with the step that made it, and the patience."""
        calls = ["%s (step %d)" % (t, self.blocked[t][0]) for t in still]
        within = " did not return within %ss; the spec says step %d" % (PATIENCE, step_no)
        if len(still) == 1:
            return "the blocked call of " + calls[0] + within + " wakes it"
        return "%d of the blocked calls of %s%s wakes %s of them" % (
            missing, ", ".join(calls), within, "one" if missing == 1 else missing)

    def wakes(self, wakes, step_no):
        """The wakes of one step (number step_no), an unordered set: waits until as many candidate
        calls as there are wakes have returned, in any order, then matches each returned call to a
        wake (its own thread first, else one of its "or" threads, then renamed) and checks it against
        that wake. A call that does not return in time is reported as that: a timeout alone does not
        show a lost wake-up."""
        candidates = [[w["thread"]] + w.get("or", []) for w in wakes]
        every = [t for c in candidates for t in c]
        for t in every:
            if t not in self.blocked:
                raise Failure("%s should be blocked, but it is not" % t)
        deadline = time.monotonic() + PATIENCE
        while True:
            returned = [t for t in dict.fromkeys(every) if is_done(self.blocked[t][1])]
            other = next((t for t in self.blocked if t not in every and is_done(self.blocked[t][1])), None)
            if other is not None:
                raise Failure("the call of %s (step %d) returned %s, but this step wakes only %s"
                              % (other, self.blocked[other][0], self.describe(self.blocked[other][1]["outcome"]),
                                 sorted(set(every))))
            if len(returned) > len(wakes):
                raise Failure("the calls of %s returned, but this step wakes only %d" % (returned, len(wakes)))
            if len(returned) == len(wakes):
                break
            if time.monotonic() > deadline:
                raise Failure(self.not_returned([t for t in dict.fromkeys(every) if t not in returned],
                                                len(wakes) - len(returned), step_no))
            time.sleep(0.0002)
        free = list(returned)
        got = [c[0] if c[0] in free else None for c in candidates]
        for g in got:
            if g is not None:
                free.remove(g)
        for i, c in enumerate(candidates):
            if got[i] is None:
                got[i] = next((t for t in c if t in free), None)
                if got[i] is None:
                    raise Failure("the calls of %s returned, but none of %s did" % (returned, c))
                free.remove(got[i])
        for i, c in enumerate(candidates):
            want = c[0]
            if got[i] != want:  # another waiter got it: the two are interchangeable
                r = got[i]
                self.workers[want], self.workers[r] = self.workers[r], self.workers[want]
                self.blocked[want], self.blocked[r] = self.blocked[r], self.blocked[want]
                got = got[:i + 1] + [r if g == want else g for g in got[i + 1:]]
        for w in wakes:
            _, call = self.blocked.pop(w["thread"])
            self.check(w, call["outcome"])

    # ---------------------------------------------------------------- outcomes

    def check(self, expect, outcome):
        hr, value = outcome
        if hr is None:
            raise Failure("raised %r" % (value,))
        if hr != expect["hr"]:
            raise Failure("expected %s, got %s" % (json.dumps(expect), self.describe(outcome)))
        if "props" in expect and value != expect["props"]:
            raise Failure("expected properties %s, got %s" % (expect["props"], value))
        for field in ("refs", "size", "length"):
            if field in expect and value != expect[field]:
                raise Failure("expected %s %s, got %s" % (field, expect[field], value))
        if "start" in expect and tuple(value) != (expect["start"], expect["end"]):
            raise Failure("expected times %s..%s, got %s" % (expect["start"], expect["end"], value))
        if "mediaType" in expect and value != expect["mediaType"]:
            raise Failure("expected media type %s, got %s" % (expect["mediaType"], value))
        if "sample" in expect:
            self.bind(expect, value)

    def bind(self, expect, got):
        """Names the sample GetBuffer returned (see the module docstring)."""
        if got is None:
            raise Failure("GetBuffer returned S_OK and no sample")
        want, free = expect["sample"], expect["free"]
        bound = self.names.get(id(got))
        if bound is not None:
            if bound not in free:
                raise Failure("returned sample %s, which is not free (free: %s): handed out twice?" % (bound, free))
            if bound != want:  # two free samples: interchangeable
                other = self.samples.get(want)
                self.rebind(bound, other)
                self.rebind(want, got)
            return
        previous = self.samples.get(want)
        if previous is not None:
            spare = next((f for f in free if f not in self.samples), None)
            if spare is None:
                raise Failure("returned a sample not seen in this commit cycle, but every free sample %s is known" % free)
            self.rebind(spare, previous)
        self.rebind(want, got)

    def rebind(self, name, obj):
        if obj is None:
            self.samples.pop(name, None)
        else:
            self.samples[name] = obj
            self.names[id(obj)] = name

    def describe(self, outcome):
        hr, value = outcome
        if hr is None:
            return "an exception %r" % (value,)
        if value is not None and id(value) in self.names:
            return "%s with sample %s" % (hr, self.names[id(value)])
        return hr if value is None else "%s with %r" % (hr, value)

    def close(self):
        for w in self.workers.values():
            w.stop()
        if self.blocked:  # a failed vector: try to let its blocked calls go (Python threads cannot be interrupted)
            threading.Thread(target=self._release_blocked, daemon=True).start()

    def _release_blocked(self):
        try:
            self.a.decommit()
        except Exception:  # noqa: BLE001 - best effort
            pass


def run_vector(vector, factory, features, settle):
    missing = [f for f in vector["requires"] if f not in features]
    if missing:
        return "skipped", "needs " + ", ".join(missing)
    run = Run(factory(), settle)
    try:
        for step in vector["steps"]:
            try:
                run.step(step)
            except Failure as f:
                spec = (", spec " + json.dumps(step["spec"])) if "spec" in step else ""
                return "failed", "step %d of %d (%s %s %s%s): %s" % (
                    step["step"], len(vector["steps"]), step["thread"], step["op"], json.dumps(step["args"]), spec, f)
        if run.blocked:
            return "failed", "calls still blocked at the end: %s" % sorted(run.blocked)
        return "passed", ""
    finally:
        run.close()


def main(argv):
    global PATIENCE
    parser = argparse.ArgumentParser(description="Replay memallocator conformance vectors.")
    parser.add_argument("dir")
    parser.add_argument("--adapter", default="allocator:PyAllocator", help="MODULE:CLASS (default %(default)s)")
    parser.add_argument("--settle-ms", type=float, default=250.0,
                        help="the longest wait to see a call that should block blocked (default %(default)s)")
    parser.add_argument("--patience-ms", type=float, default=PATIENCE * 1000,
                        help="how long a call that should return may take (default %(default)s)")
    parser.add_argument("--only", metavar="GLOB", help="run only the vectors whose names match GLOB")
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first failing vector")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every vector's result")
    opts = parser.parse_args(argv)
    if not 0 < opts.patience_ms <= 3600000 or not 0 <= opts.settle_ms <= 3600000:
        print("run_vectors.py: --patience-ms and --settle-ms must be from 1 (0 for --settle-ms) to 3600000",
              file=sys.stderr)
        return 2
    PATIENCE = opts.patience_ms / 1000.0
    index_file = os.path.join(opts.dir, "index.json")
    if not os.path.isfile(index_file):
        print("run_vectors.py: not a vector set (no index.json): " + opts.dir, file=sys.stderr)
        return 2
    module, _, cls = opts.adapter.partition(":")
    factory = getattr(importlib.import_module(module), cls)
    features = set(getattr(factory, "FEATURES", ()))
    try:
        entries = read_index(opts.dir, index_file)
    except (ValueError, OSError) as e:
        print("run_vectors.py: %s" % e, file=sys.stderr)
        return 2
    if opts.only:
        entries = [e for e in entries if fnmatch.fnmatchcase(e["file"][:-len(".json")], opts.only)]
        if not entries:
            print("run_vectors.py: --only %s matches no vector" % opts.only, file=sys.stderr)
            return 2
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    failures = []
    for entry in entries:
        with open(os.path.join(opts.dir, entry["file"])) as f:
            vector = json.load(f)
        status, message = run_vector(vector, factory, features, opts.settle_ms / 1000.0)
        counts[status] += 1
        if status == "failed":
            failures.append((len(vector["steps"]), vector["name"], message))
        elif opts.verbose:
            print("  %s %s %s" % (status, vector["name"], message))
        if opts.fail_fast and failures:
            break
    for _, name, message in sorted(failures)[:10]:  # shortest failing vector first
        print("  FAILED %s: %s" % (name, message))
    total = sum(counts.values())
    print("%d vectors: %d passed, %d failed, %d skipped (adapter %s)"
          % (total, counts["passed"], counts["failed"], counts["skipped"], opts.adapter))
    if counts["passed"] + counts["failed"] == 0:
        print("run_vectors.py: every vector was skipped: nothing was checked", file=sys.stderr)
        return 2
    return 0 if counts["failed"] == 0 else 1


def read_index(directory, index_file):
    """The index's entries, each a plain .json file name of the vector directory (no path is followed
    out of it); raises ValueError for a tampered index."""
    with open(index_file) as f:
        index = json.load(f)
    entries = index.get("vectors") if isinstance(index, dict) else None
    if not isinstance(entries, list):
        raise ValueError('index.json: "vectors" is not a list')
    if not entries:
        raise ValueError('index.json: "vectors" is empty: no vector to run')
    root = os.path.realpath(directory)
    listed = set()
    for i, e in enumerate(entries):
        name = e.get("file") if isinstance(e, dict) else None
        if (not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.json", name)
                or name == "index.json"):
            raise ValueError('index.json: vector %d: "file" must be the name of a .json file in the vector directory'
                             % (i + 1))
        path = os.path.join(directory, name)
        if not os.path.isfile(path) or os.path.dirname(os.path.realpath(path)) != root:
            raise ValueError("index.json: vector %d: %s is not a file of the vector directory" % (i + 1, name))
        listed.add(name)
    present = {f for f in os.listdir(directory) if f.endswith(".json") and f != "index.json"}
    if present != listed:
        raise ValueError("index.json lists %d vectors, but the directory holds %d vector files"
                         % (len(listed), len(present)))
    return entries


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
