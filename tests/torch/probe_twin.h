// The probe (policies/probe_policy.h) in TorchScript, operation for operation
// in float64 (scripts/export_torchscript_policy.py explains the choices: the
// same function, written as an nn.Module there). TorchScript source compiled
// from C++ cannot name dtypes (torch.float64), hence `dtype=pos.dtype`.
// Shared by the TorchScript tests; the module needs int attributes `chunk`
// and `episodes`.
#pragma once

#include <string>

namespace gauntlet::testing {

// mean_intensity, act and metadata.
inline constexpr char kProbeTwinCommon[] = R"(
def mean_intensity(self, image: Tensor) -> float:
    total = int(image.sum())
    return float(total) / float(image.numel()) / 255.0

def act(self, images: Dict[str, Tensor], state: Dict[str, Tensor], instruction: str) -> Tensor:
    m_agentview = self.mean_intensity(images["agentview"])
    m_wrist = self.mean_intensity(images["wrist"])
    pos = state["eef_pos"]
    axis_angle = state["eef_axis_angle"]
    fingers = state["gripper_qpos"]
    goal = [-0.05 + 0.01 * float(len(instruction) % 5), 0.0, 1.0]
    out = torch.zeros([self.chunk, 7], dtype=pos.dtype)
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

def metadata(self) -> Dict[str, str]:
    return {"policy": "probe twin", "chunk": str(self.chunk), "action_dim": "7",
            "cameras": "agentview, wrist", "state_keys": "eef_pos,eef_axis_angle,gripper_qpos"}
)";

// With a reset that counts episodes.
inline std::string ProbeTwin() {
  return std::string(kProbeTwinCommon) + R"(
def reset(self) -> None:
    self.episodes += 1
)";
}

// The batch contract (torchscript_policy.h): act_batch answers each row as
// act would, and there is no reset, so one module serves every episode.
inline std::string BatchedProbeTwin() {
  return std::string(kProbeTwinCommon) + R"(
def act_batch(self, images: Dict[str, Tensor], state: Dict[str, Tensor], instructions: List[str]) -> Tensor:
    rows: List[Tensor] = []
    for b in range(len(instructions)):
        one_images = {"agentview": images["agentview"][b], "wrist": images["wrist"][b]}
        one_state = {"eef_pos": state["eef_pos"][b], "eef_axis_angle": state["eef_axis_angle"][b],
                     "gripper_qpos": state["gripper_qpos"][b]}
        rows.append(self.act(one_images, one_state, instructions[b]))
    return torch.stack(rows)

)";
}

}  // namespace gauntlet::testing
