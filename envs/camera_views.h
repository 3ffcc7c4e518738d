// The cameras an env renders its observations with, the same in every
// family: the renderer is made on the first request (a state-only run never
// touches OpenGL), and a per-episode frame count seeds the sensor noise a
// `noise` variant puts on the third-person camera's image.
//
// Copy/move: neither (it owns a CameraRenderer). Used by the env's thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mujoco/mujoco.h>

#include "harness/camera_renderer.h"
#include "harness/observation.h"
#include "harness/perturbation.h"

namespace gauntlet::envs {

class CameraViews {
 public:
  // `noisy_camera`: the third-person camera sensor noise applies to.
  CameraViews(RenderOptions options, std::string noisy_camera)
      : options_(std::move(options)), noisy_camera_(std::move(noisy_camera)) {}
  CameraViews(const CameraViews&) = delete;
  CameraViews& operator=(const CameraViews&) = delete;

  const RenderOptions& options() const { return options_; }
  // Frames count from here (an episode's Reset).
  void BeginEpisode() { frames_ = 0; }

  // Renders `cameras` of the state in `d` into `images`, the noisy camera's
  // image corrupted for a noise variant of the episode seeded `episode_seed`.
  // Throws EnvError (the episode ends as an error) when rendering fails.
  void Render(const mjModel* m, mjData* d, const std::vector<std::string>& cameras,
              const std::optional<Perturbation>& perturbation, std::uint64_t episode_seed,
              std::map<std::string, Image>* images);

 private:
  RenderOptions options_;
  std::string noisy_camera_;
  std::unique_ptr<CameraRenderer> renderer_;
  int frames_ = 0;  // frames rendered this episode
};

}  // namespace gauntlet::envs
