#!/usr/bin/env bash
# Peak resident memory of `gauntlet merge` into an artifact, whole vs --stream.
# Writes a base and M experts of N million float32 parameters each as tensor
# files (Debian's python3-torch), merges them both ways with METHOD, checks the
# two artifacts hold the same merged tensors, and prints GNU time's maximum
# resident set size for each.
#
#   scripts/merge_memory.sh [BUILD_DIR] [MILLIONS=100] [EXPERTS=4] [METHOD=task_arithmetic]
set -euo pipefail
build=${1:-build}
millions=${2:-100}
experts=${3:-4}
method=${4:-task_arithmetic}
work=$(mktemp -d /tmp/merge-memory.XXXXXX)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work" "$millions" "$experts" <<'PY'
import sys, torch
work, millions, experts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
layers = max(1, millions // 4)          # 1024 x 4096 float32 tensors: 4.19 M parameters each
g = torch.Generator().manual_seed(0)
base = {f"blocks.{i}.weight": torch.randn(1024, 4096, generator=g) for i in range(layers)}
torch.save(base, f"{work}/base.pt")
for m in range(experts):
    torch.save({k: v + 0.01 * torch.randn(v.shape, generator=g) for k, v in base.items()}, f"{work}/e{m}.pt")
print(f"{layers} tensors of 1024x4096 float32 per model: {layers * 4096 * 1024 * 4 / 2**30:.2f} GiB")
PY

list=$(for m in $(seq 0 $((experts - 1))); do printf '%s/e%d.pt,' "$work" "$m"; done)
list=${list%,}
# Peak RssAnon (the process's own memory) and peak RSS (with mapped file
# pages, which the kernel may drop at will), sampled every 50 ms.
for mode in whole stream; do
  flag=$([ "$mode" = stream ] && echo --stream || true)
  start=$(date +%s%N)
  "$build/gauntlet" merge --method "$method" --base "$work/base.pt" --experts "$list" $flag \
    --out "$work/$mode.gmerge" >/dev/null &
  pid=$!
  anon=0; total=0
  while kill -0 "$pid" 2>/dev/null; do
    read -r a t < <(awk '/^RssAnon/{a=$2} /^VmRSS/{t=$2} END{print a+0, t+0}' "/proc/$pid/status" 2>/dev/null || echo "0 0")
    [ "$a" -gt "$anon" ] && anon=$a
    [ "$t" -gt "$total" ] && total=$t
    sleep 0.05
  done
  wait "$pid"
  printf '%s: peak RssAnon %d MiB, peak RSS %d MiB, %d ms\n' "$mode" $((anon / 1024)) $((total / 1024)) \
    $((($(date +%s%N) - start) / 1000000))
done
/usr/bin/python3 - "$work" <<'PY'
import sys, zipfile
def merged(path):
    with zipfile.ZipFile(path) as z:
        return {n.split("/", 1)[1]: z.read(n) for n in z.namelist() if "/merged/" in n}
a, b = merged(f"{sys.argv[1]}/whole.gmerge"), merged(f"{sys.argv[1]}/stream.gmerge")
assert a == b and a, "the two artifacts differ"
print(f"merged tensors identical ({len(a)} records)")
PY
