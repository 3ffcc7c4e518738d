#!/usr/bin/env bash
# Peak resident memory of `gauntlet run` with a TorchScript policy holding
# MILLIONS million float32 weights, 16 episodes in flight on one worker and
# on two. A module with act_batch (the batch contract) is loaded once per run,
# so a second worker adds no copy of the weights; each episode in flight still
# has its own world (its MuJoCo data and renderer), which the E=1 line shows.
# The same module without act_batch is loaded once per episode in flight (the
# last line: two workers, two in flight, two copies).
#
#   scripts/in_flight_memory.sh [BUILD_DIR] [MILLIONS=30] [TRIALS=4]   (about 2 minutes)
#
# Each run: LIBERO-Spatial tasks 0-3, TRIALS episodes each, two 128x128
# cameras, replanning every 5 steps; every act multiplies an image feature by
# the whole weight matrix, so the weights are really read.
set -euo pipefail
build=${1:-build}
millions=${2:-30}
trials=${3:-4}
work=$(mktemp -d /tmp/in-flight-memory.XXXXXX)
trap 'rm -rf "$work"' EXIT

# TorchScript reads the module's source: a file, not stdin.
cat >"$work/make_modules.py" <<'PY'
import sys
from typing import Dict, List

import torch

work, millions = sys.argv[1], int(sys.argv[2])
side = int((millions * 1e6) ** 0.5)


class Heavy(torch.nn.Module):
    """Holds still; reads every weight once per observation."""

    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        self.w = torch.nn.Parameter(torch.randn(side, side, generator=g) / side, requires_grad=False)

    def one(self, image: torch.Tensor) -> torch.Tensor:
        x = image.reshape(-1)[: self.w.shape[1]].to(torch.float32)
        x = torch.nn.functional.pad(x, [0, self.w.shape[1] - x.numel()])
        y = self.w @ x
        out = torch.zeros([5, 7], dtype=torch.float64)
        out[:, 6].fill_(-1.0)
        return out + 0.0 * float(y.sum())

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.one(image)

    @torch.jit.export
    def act(self, images: Dict[str, torch.Tensor], state: Dict[str, torch.Tensor], instruction: str) -> torch.Tensor:
        return self.one(images["agentview"])

    @torch.jit.export
    def metadata(self) -> Dict[str, str]:
        return {"action_dim": "7", "chunk": "5", "cameras": "agentview,wrist", "state_keys": ""}


class HeavyBatched(Heavy):
    @torch.jit.export
    def act_batch(self, images: Dict[str, torch.Tensor], state: Dict[str, torch.Tensor],
                  instructions: List[str]) -> torch.Tensor:
        return torch.stack([self.one(images["agentview"][b]) for b in range(len(instructions))])


torch.jit.script(HeavyBatched()).save(f"{work}/batched.pt")
torch.jit.script(Heavy()).save(f"{work}/plain.pt")
print(f"weights: {side} x {side} float32 = {side * side * 4 / 2**20:.0f} MiB per module")
PY
/usr/bin/python3 "$work/make_modules.py" "$work" "$millions"
ls -l "$work"/*.pt | awk '{printf "%s %.0f MiB\n", $9, $5 / 2^20}'

run() {  # LABEL MODULE WORKERS IN_FLIGHT
  local out
  out=$( { /usr/bin/time -v "$build/gauntlet" run libero_spatial --tasks 0,1,2,3 --trials "$trials" --replan-steps 5 \
      --policy "torchscript:$work/$2" --workers "$3" --in-flight "$4" --db "$work/$1.db" --quiet >/dev/null; } 2>&1 )
  local rss
  rss=$(grep "Maximum resident set size" <<<"$out" | awk '{print $6}')
  local wall
  wall=$(grep "Elapsed (wall clock)" <<<"$out" | awk '{print $8}')
  printf '%-34s peak RSS %6.0f MiB   wall %s\n' "$1 (W=$3, E=$4)" "$(echo "$rss / 1024" | bc -l)" "$wall"
  echo "$rss" >"$work/$1.rss"
}

run batched-one-worker batched.pt 1 16
run batched-two-workers batched.pt 2 16
run batched-one-in-flight batched.pt 1 1
run plain-two-workers plain.pt 2 2
one=$(cat "$work/batched-one-worker.rss")
two=$(cat "$work/batched-two-workers.rss")
printf 'ratio (batched, E=16: W=2 / W=1): %.3f\n' "$(echo "$two / $one" | bc -l)"
