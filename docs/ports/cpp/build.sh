#!/bin/sh
# Builds the port and its tools with plain g++ (or $CXX), without CMake:
#   sh docs/ports/cpp/build.sh OUTDIR            -> OUTDIR/run_vectors, record_history, lifetime_check
#   sh docs/ports/cpp/build.sh OUTDIR BROKEN     -> the same in OUTDIR/BROKEN
# BROKEN (tests only): DECOMMIT_NOTIFY_ONE, IF_NOT_WHILE, EARLY_FREE or NO_CALL_REF. OUTDIR/flags.txt
# records the flags used. The tools' objects are shared
# by every build in OUTDIR (only memallocator.cpp differs), and built with -O0 (they mostly wait;
# -O1 would triple the compile time); the allocator is built with -O1. The sanitizers are used when
# the compiler can link them.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTDIR [BROKEN]}
cxx=${CXX:-g++}
mkdir -p "$out"
flags="-std=c++17 -Wall -Wextra -g -pthread"
if echo 'int main() { return 0; }' | $cxx -x c++ -fsanitize=address,undefined -o "$out/.sanitizer-probe" - 2>/dev/null; then
  flags="$flags -fsanitize=address,undefined -fno-omit-frame-pointer"
fi
rm -f "$out/.sanitizer-probe"
pids=""
for tool in run_vectors record_history lifetime_check; do  # they compile at once
  if [ ! -f "$out/$tool.o" ] || [ "$here/$tool.cpp" -nt "$out/$tool.o" ] || [ "$here/memallocator.hpp" -nt "$out/$tool.o" ]; then
    $cxx $flags -O0 -c -o "$out/$tool.o" "$here/$tool.cpp" &
    pids="$pids $!"
  fi
done
for pid in $pids; do
  wait "$pid"
done
bin=$out
if [ -n "$2" ]; then
  bin=$out/$2
  mkdir -p "$bin"
  $cxx $flags -O1 -DMEMALLOCATOR_BROKEN_$2 -c -o "$bin/memallocator.o" "$here/memallocator.cpp"
else
  $cxx $flags -O1 -c -o "$bin/memallocator.o" "$here/memallocator.cpp"
fi
for tool in run_vectors record_history lifetime_check; do
  $cxx $flags -o "$bin/$tool" "$bin/memallocator.o" "$out/$tool.o"
done
echo "$flags" > "$out/flags.txt"
echo "built $bin/run_vectors, record_history and lifetime_check with: $cxx $flags${2:+ -DMEMALLOCATOR_BROKEN_$2}"
