#!/usr/bin/env python3
"""Rewrites the conformance-vector counts in README.md and PORTING.md from a vector set's index.json.

    mvn -o -q -B -DskipTests package && python3 scripts/update-vector-counts.py

generates the vectors of spec/MemAllocatorGen.cfg with target/memallocator.jar into a temporary
directory and rewrites every count the two documents give (runner profiles, families, the longest
core vector, states and transitions covered). `python3 scripts/update-vector-counts.py DIR` reads
an existing set instead; `--check` rewrites nothing and exits 1 if a document disagrees with the
set (VectorsFromTlcTest runs it). Each figure is found by the words around it and must occur
exactly once: a document edited so that a figure is no longer found stops the script (exit 2).
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Each figure: the document, and its text with {name} where a count goes (whitespace matches any
# whitespace, so a figure may be split over lines).
FIGURES = [
    ("PORTING.md", "| plain sequential (`requires` empty) | {sequential} of {all} |"),
    ("PORTING.md", "| + timing (`timeout`) | {timing} |"),
    ("PORTING.md", "| + holding (`hold`) | {timingHolding} |"),
    ("PORTING.md", "| + interrupts (`interrupt`) | {all} |"),
    ("PORTING.md", "every profile, on every JDK: {all} of {all} |"),
    ("PORTING.md", "(C++ threads cannot be interrupted): {timingHolding} of {all} |"),
    ("PORTING.md", "neither interrupts nor holding: {timing} of {all} |"),
    ("README.md", "`spec/MemAllocatorGen.cfg` ({states} and {transitions})."),
    ("README.md", "the {hold} `hold` and {recheck} `recheck` vectors need"),
    ("README.md", "can run: {sequential} of the {all} need nothing, {timing} with timed waits, {timingHolding} with"
                  " holding too"),
    ("README.md", "nor holding: it runs {timing} and skips the rest."),
    ("README.md", "has holding but no interrupts: it runs {timingHolding}."),
    ("README.md", "| {all} vectors: {core} core (the longest {coreLongest} steps), {wakeall} wakeall, {timed} timed,"
                  " {timedwake} timedwake, {interrupt} interrupt, {hold} hold, {recheck} recheck, {surface} surface;"
                  " **{states} of {states} states and {transitions} of {transitions} transitions**"),
    ("README.md", "the Python example passes {timing} and skips {pythonSkips}."),
    ("README.md", "every vector of its profile, {timingHolding} of the {all} ("),
]


def counts(vector_dir):
    with open(os.path.join(vector_dir, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    families = collections.Counter()
    core_longest = 0
    for v in index["vectors"]:
        family = v["file"].split("-")[0]
        families[family] += 1
        if family == "core":
            core_longest = max(core_longest, v["steps"])
    p = index["profiles"]
    c = index["coverage"]
    if c["statesCovered"] != index["graph"]["states"] or c["transitionsCovered"] != index["graph"]["transitions"]:
        sys.exit("the set does not cover every state and transition: " + json.dumps(c)[:300])
    n = dict(families)
    n.update(all=p["timingHoldingInterrupts"], sequential=p["sequential"], timing=p["timing"],
             timingHolding=p["timingHolding"], states=index["graph"]["states"],
             transitions=index["graph"]["transitions"], coreLongest=core_longest,
             pythonSkips=p["timingHoldingInterrupts"] - p["timing"])
    return n


def pattern(figure):
    """The figure as a regular expression: each {name} a group, whitespace any whitespace."""
    names = []
    regex = ""
    for part in re.split(r"(\{\w+\})", figure):
        if re.fullmatch(r"\{\w+\}", part):
            names.append(part[1:-1])
            regex += r"(\d[\d,]*)"
        else:
            regex += re.escape(part).replace("\\ ", r"\s+")
    return re.compile(regex), names


def main(argv):
    if "-h" in argv or "--help" in argv:
        print(__doc__.strip())
        return 0
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    if args and not os.path.isfile(os.path.join(args[0], "index.json")):
        print("no vector set in " + args[0] + " (no index.json)", file=sys.stderr)
        return 2
    if args:
        n = counts(args[0])
    else:
        jar = os.path.join(REPO, "target", "memallocator.jar")
        if not os.path.isfile(jar):
            sys.exit("no " + jar + ": build it first (mvn -o -q -B -DskipTests package)")
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["java", "-jar", jar, "vectors", "--out", os.path.join(tmp, "v")], check=True,
                           stdout=subprocess.DEVNULL)
            n = counts(os.path.join(tmp, "v"))
    texts = {}
    wrong = []
    for doc, figure in FIGURES:
        if doc not in texts:
            with open(os.path.join(REPO, doc), encoding="utf-8") as f:
                texts[doc] = f.read()
        regex, names = pattern(figure)
        found = list(regex.finditer(texts[doc]))
        if len(found) != 1:
            print(f"{doc}: the figure \"{figure}\" occurs {len(found)} times (must be once)", file=sys.stderr)
            sys.exit(2)
        m = found[0]
        text = texts[doc]
        for i in range(len(names), 0, -1):  # right to left, so the spans stay valid
            want = f"{n[names[i - 1]]:,}"
            if m.group(i) != want:
                wrong.append(f"{doc}: {names[i - 1]} is {m.group(i)}, the set says {want}")
                text = text[:m.start(i)] + want + text[m.end(i):]
        texts[doc] = text
    for line in wrong:
        print(line)
    if check:
        print(f"{len(FIGURES)} figures checked, {len(wrong)} disagree with the set")
        return 1 if wrong else 0
    for doc, text in texts.items():
        with open(os.path.join(REPO, doc), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"{len(FIGURES)} figures, {len(wrong)} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
