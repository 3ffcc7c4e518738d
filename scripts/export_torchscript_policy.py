#!/usr/bin/python3
"""Write a TorchScript policy file for `gauntlet run --policy torchscript:FILE.pt`.

The file written here is the probe policy's twin (policies/probe_policy.h): it
acts exactly like `--policy probe` (with --family playtable, like `--policy
probe --policy-opt family=playtable`, for CALVIN's play table), so a run with
each shows that observations and actions cross the TorchScript door unaltered. The same three steps turn a
model of your own into a policy file:

1. Wrap the model in a torch.nn.Module with the methods gauntlet calls, each
   marked @torch.jit.export so the compiler keeps it:

     act(images: Dict[str, Tensor], state: Dict[str, Tensor], instruction: str) -> Tensor
         images   the cameras you declare, uint8 [H, W, 3], row 0 at the top
         state    the state keys you declare, float64 [n] each
         returns  [chunk, action_dim] floating point actions, first to execute
                  first (or [action_dim] for one action); gauntlet reads them
                  as float64
     reset() -> None                          optional: called when an episode starts
                                              (reset(task: str, task_index: int) if
                                              you declare task_id=true)
     metadata() -> Dict[str, str]             optional: what the policy is

   metadata() declares the interface, each key with a default: action_kind
   (eef_delta), action_dim (7), action_low and action_high (-1 and 1: one
   value for every dimension, or one per dimension, comma-separated), gripper
   (-1open/+1close), rotation (axis_angle), chunk (0 = any length),
   normalized (false), cameras (agentview,wrist), image_size (N or WxH, 0 =
   any), orientation (upright or rotated180), state_keys
   (eef_pos,eef_axis_angle,gripper_qpos), task_id (false); the schema is
   harness/declared_policy_spec.h. Any other key is recorded with the run as
   it is (a checkpoint name, a training step). `--policy-opt key=value`
   overrides a key at run time.

2. Compile it with torch.jit.script (not torch.jit.trace: tracing drops the
   control flow and cannot take the instruction string). Preprocessing that
   the model expects (resizing, normalising pixels, tokenising) belongs inside
   act, so that it is compiled and saved with the weights.

3. Save it with .save(path). LibTorch loads it without Python. Debian 12's
   python3-torch (1.13) writes files that gauntlet's LibTorch (1.13) loads;
   a file written by a much newer PyTorch may use operators 1.13 lacks.

gauntlet puts the module in eval mode and runs it on the CPU, without
gradients, one observation at a time (no batch dimension).

Usage:
    /usr/bin/python3 scripts/export_torchscript_policy.py probe_twin.pt [--chunk 4]
    build/gauntlet run libero_spatial --policy torchscript:probe_twin.pt --tasks 0 --trials 2
    /usr/bin/python3 scripts/export_torchscript_policy.py calvin_twin.pt --family playtable
    build/gauntlet run suites/calvin.yaml --policy torchscript:calvin_twin.pt --chains 0-4
"""

import argparse
from typing import Dict, List

import torch


def mean_intensity(image: torch.Tensor) -> float:
    """Mean byte value of a uint8 image, scaled to [0, 1]."""
    total = int(image.sum())  # a uint8 tensor sums to int64: exact
    return float(total) / float(image.numel()) / 255.0


class ProbeTwin(torch.nn.Module):
    """policies/probe_policy.h (tabletop), step for step in float64.

    Every operation repeats the probe's in the same order, so the actions are
    bit-identical: an image's byte sum is taken as an integer, then divided by
    the byte count, then by 255; a position error is clipped, then scaled by
    the chunk fraction. `len` of a compiled str counts bytes, as the probe does.

    Values are written with fill_: in TorchScript 1.13 a Python float turned
    into a tensor by torch.tensor([...], dtype=torch.float64) or by
    `out[k, i] = x` passes through float32 first and loses its low bits.
    """

    def __init__(self, chunk: int):
        super().__init__()
        self.chunk = chunk

    @torch.jit.export
    def act(self, images: Dict[str, torch.Tensor], state: Dict[str, torch.Tensor],
            instruction: str) -> torch.Tensor:
        m_agentview = mean_intensity(images["agentview"])
        m_wrist = mean_intensity(images["wrist"])
        pos = state["eef_pos"]
        axis_angle = state["eef_axis_angle"]
        fingers = state["gripper_qpos"]
        goal = [-0.05 + 0.01 * float(len(instruction) % 5), 0.0, 1.0]
        out = torch.zeros([self.chunk, 7], dtype=torch.float64)
        for k in range(self.chunk):
            f = float(self.chunk - k) / float(self.chunk)
            a = out[k]
            for i in range(3):
                a[i].fill_(min(max(5.0 * (goal[i] - float(pos[i])), -1.0), 1.0) * f)
            a[3].fill_(0.2 * (m_agentview - 0.5))
            a[4].fill_(0.2 * (m_wrist - 0.5))
            a[5].fill_(0.1 * float(axis_angle[2]))
            a[6].fill_(1.0 if float(fingers[0]) - float(fingers[1]) > 0.07 else -1.0)
        return out

    @torch.jit.export
    def metadata(self) -> Dict[str, str]:
        return {
            "policy": "probe twin (scripts/export_torchscript_policy.py)",
            "action_kind": "eef_delta",
            "action_dim": "7",
            "gripper": "-1open/+1close",
            "rotation": "axis_angle",
            "chunk": str(self.chunk),
            "cameras": "agentview,wrist",
            "state_keys": "eef_pos,eef_axis_angle,gripper_qpos",
        }


class PlaytableProbeTwin(torch.nn.Module):
    """policies/probe_policy.h (playtable), step for step in float64, written
    as ProbeTwin is: CALVIN's cameras, state and action conventions."""

    def __init__(self, chunk: int):
        super().__init__()
        self.chunk = chunk

    @torch.jit.export
    def act(self, images: Dict[str, torch.Tensor], state: Dict[str, torch.Tensor],
            instruction: str) -> torch.Tensor:
        m_static = mean_intensity(images["static"])
        m_gripper = mean_intensity(images["gripper"])
        pos = state["eef_pos"]
        robot = state["robot_obs"]
        goal = [0.02 * float(len(instruction) % 5), -0.2, 0.6]
        out = torch.zeros([self.chunk, 7], dtype=torch.float64)
        for k in range(self.chunk):
            f = float(self.chunk - k) / float(self.chunk)
            a = out[k]
            for i in range(3):
                a[i].fill_(min(max(5.0 * (goal[i] - float(pos[i])), -1.0), 1.0) * f)
            a[3].fill_(0.2 * (m_static - 0.5))
            a[4].fill_(0.2 * (m_gripper - 0.5))
            a[5].fill_(0.1 * float(robot[5]))
            a[6].fill_(1.0 if float(robot[6]) > 0.07 else -1.0)
        return out

    @torch.jit.export
    def metadata(self) -> Dict[str, str]:
        return {
            "policy": "probe twin, playtable (scripts/export_torchscript_policy.py)",
            "action_kind": "eef_delta",
            "action_dim": "7",
            "gripper": "+1open/-1close",
            "rotation": "euler_xyz",
            "chunk": str(self.chunk),
            "cameras": "static,gripper",
            "state_keys": "eef_pos,robot_obs",
        }


# What each family's twin reads: (module, cameras, state keys with lengths).
FAMILIES = {
    "tabletop": (ProbeTwin, ("agentview", "wrist"), (("eef_pos", 3), ("eef_axis_angle", 3), ("gripper_qpos", 2))),
    "playtable": (PlaytableProbeTwin, ("static", "gripper"), (("eef_pos", 3), ("robot_obs", 15))),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the .pt file to write")
    parser.add_argument("--chunk", type=int, default=4, help="actions per query (the probe's chunk)")
    parser.add_argument("--family", choices=sorted(FAMILIES), default="tabletop",
                        help="whose interface the twin speaks (the probe's `family` setting)")
    args = parser.parse_args()
    if args.chunk < 1:
        parser.error("--chunk must be at least 1")

    module, cameras, state_keys = FAMILIES[args.family]
    scripted = torch.jit.script(module(args.chunk).eval())
    scripted.save(args.out)
    # Read it back as gauntlet will, and try it on a blank observation.
    loaded = torch.jit.load(args.out)
    images = {c: torch.zeros((8, 8, 3), dtype=torch.uint8) for c in cameras}
    state = {k: torch.zeros(n, dtype=torch.float64) for k, n in state_keys}
    actions = loaded.act(images, state, "test")
    print(f"wrote {args.out}: act -> {list(actions.shape)} {actions.dtype}, metadata {loaded.metadata()}")


if __name__ == "__main__":
    main()
