#include "envs/camera_views.h"

#include "envs/perturbations/arm_and_view_perturber.h"
#include "harness/env.h"

namespace gauntlet::envs {

void CameraViews::Render(const mjModel* m, mjData* d, const std::vector<std::string>& cameras,
                         const std::optional<Perturbation>& perturbation, std::uint64_t episode_seed,
                         std::map<std::string, Image>* images) {
  if (cameras.empty()) return;
  if (!renderer_) {
    auto r = CameraRenderer::Create(m, options_);
    if (!r.ok()) throw EnvError("render: " + r.error().message);
    renderer_ = std::move(r).value();
  }
  if (Status st = renderer_->Render(m, d, cameras, images); !st.ok()) throw EnvError("render: " + st.message());
  // A fresh noise draw per frame, seeded from the episode and the frame's index.
  auto view = images->find(noisy_camera_);
  if (view != images->end()) {
    Status st = ArmAndViewPerturber::CorruptFrame(perturbation, episode_seed, frames_, &view->second);
    if (!st.ok()) throw EnvError(st.message());
  }
  ++frames_;
}

}  // namespace gauntlet::envs
