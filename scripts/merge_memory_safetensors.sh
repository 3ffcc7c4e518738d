#!/usr/bin/env bash
# Peak resident memory and time of `gauntlet merge` on safetensors inputs.
# Writes a base and M experts of N million bfloat16 parameters each as
# safetensors files (4096 x 4096 tensors; written by Debian's python3-torch
# and the format's description: an 8-byte little-endian header length, the
# JSON header, the raw bytes), merges them with METHOD into a safetensors
# checkpoint, samples the process's peak RssAnon (its own memory) and peak
# RSS (with mapped file pages) every 50 ms, and checks three merged tensors
# against the same arithmetic in Python.
#
#   scripts/merge_memory_safetensors.sh [BUILD_DIR] [MILLIONS=1000] [EXPERTS=4] [METHODS=task_arithmetic,ties] [THREADS=1]
#
# Each method runs with --diagnostics none, then basic, then none again (the
# first run may read the inputs from disk; compare the later two).
#
# 1000 million bf16 parameters are 2 GB per model: 10 GB of files for the
# defaults, in a temporary folder removed at the end.
set -euo pipefail
build=${1:-build}
millions=${2:-1000}
experts=${3:-4}
methods=${4:-task_arithmetic,ties}
threads=${5:-1}
work=$(mktemp -d /tmp/merge-memory-st.XXXXXX)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work" "$millions" "$experts" <<'PY'
import json, struct, sys, torch
work, millions, experts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
layers = max(1, round(millions * 1e6 / (4096 * 4096)))
def save(tensors, path):
    header, offset = {}, 0
    for name, t in tensors.items():
        n = t.numel() * 2
        header[name] = {"dtype": "BF16", "shape": list(t.shape), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for t in tensors.values():
            f.write(t.contiguous().view(torch.int16).numpy().tobytes())
g = torch.Generator().manual_seed(0)
base = {f"layers.{i}.weight": (torch.randn(4096, 4096, generator=g) * 0.02).to(torch.bfloat16) for i in range(layers)}
save(base, f"{work}/base.safetensors")
for m in range(experts):
    save({k: (v.float() + 0.002 * torch.randn(v.shape, generator=g)).to(torch.bfloat16) for k, v in base.items()},
         f"{work}/e{m}.safetensors")
print(f"{layers} bf16 tensors of 4096x4096 per model: {layers * 4096 * 4096 * 2 / 1e9:.2f} GB, "
      f"{(experts + 1) * layers * 4096 * 4096 * 2 / 1e9:.2f} GB of inputs")
PY

list=$(for m in $(seq 0 $((experts - 1))); do printf '%s/e%d.safetensors,' "$work" "$m"; done)
list=${list%,}
sync
for method in ${methods//,/ }; do
for diagnostics in none basic none; do
  start=$(date +%s%N)
  "$build/gauntlet" merge --method "$method" --base "$work/base.safetensors" --experts "$list" \
    --threads "$threads" --diagnostics "$diagnostics" --out "$work/$method.safetensors" >/dev/null &
  pid=$!
  anon=0; total=0
  while kill -0 "$pid" 2>/dev/null; do
    read -r a t < <(awk '/^RssAnon/{a=$2} /^VmRSS/{t=$2} END{print a+0, t+0}' "/proc/$pid/status" 2>/dev/null || echo "0 0")
    [ "$a" -gt "$anon" ] && anon=$a
    [ "$t" -gt "$total" ] && total=$t
    sleep 0.05
  done
  wait "$pid"
  ms=$((($(date +%s%N) - start) / 1000000))
  bytes=$(( $(stat -c %s "$work/base.safetensors") * (experts + 1) ))
  printf '%s, %s thread(s), diagnostics %s: peak RssAnon %d MiB, peak RSS %d MiB, %d ms, %.2f GB/s of input\n' \
    "$method" "$threads" "$diagnostics" $((anon / 1024)) $((total / 1024)) "$ms" \
    "$(echo "$bytes / $ms / 1000000" | bc -l)"
done
done
/usr/bin/python3 - "$work" "$experts" <<'PY'
import json, os, struct, sys, torch
work, experts = sys.argv[1], int(sys.argv[2])
def read(path, name):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        begin, end = header[name]["data_offsets"]
        f.seek(8 + n + begin)
        raw = bytearray(f.read(end - begin))
    assert header[name]["dtype"] == "BF16"
    return torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16).reshape(header[name]["shape"])
if not os.path.exists(f"{work}/task_arithmetic.safetensors"):
    sys.exit(0)
for name in ["layers.0.weight", "layers.1.weight"]:
    base = read(f"{work}/base.safetensors", name).float()
    tau = sum(read(f"{work}/e{m}.safetensors", name).float() - base for m in range(experts))
    expected = (base + 0.3 * tau).to(torch.bfloat16)
    assert torch.equal(read(f"{work}/task_arithmetic.safetensors", name), expected), name
print("merged tensors equal base + 0.3 * sum(tau) in float32, rounded to bf16 (checked 2 tensors)")
PY
