// A plain MuJoCo renderer for the benchmarks' raw side, set up as
// harness/camera_renderer.cc sets up its own: MuJoCo's default options, fixed
// cameras, no shadows, reflections or skybox, the smallest font atlas, the
// offscreen framebuffer. Unlike CameraRenderer it updates the scene once per
// camera (what a plain MuJoCo loop does) and does not flip rows.
//
// Copy/move: neither. Create and destroy it with its GL context current.
#pragma once

#include <benchmark/benchmark.h>
#include <mujoco/mujoco.h>

#include <string>
#include <vector>

namespace gauntlet::bench {

class RawRenderer {
 public:
  RawRenderer(const mjModel* m, const std::vector<std::string>& cameras, int image_size)
      : image_size_(image_size) {
    mjv_defaultOption(&option_);
    mjv_defaultCamera(&camera_);
    camera_.type = mjCAMERA_FIXED;
    mjv_defaultScene(&scene_);
    mjv_makeScene(m, &scene_, 2000);
    scene_.flags[mjRND_SHADOW] = 0;
    scene_.flags[mjRND_REFLECTION] = 0;
    scene_.flags[mjRND_SKYBOX] = 0;
    mjr_defaultContext(&context_);
    mjr_makeContext(m, &context_, mjFONTSCALE_50);
    for (const std::string& name : cameras) camera_ids_.push_back(mj_name2id(m, mjOBJ_CAMERA, name.c_str()));
    pixels_.resize(static_cast<size_t>(image_size) * image_size * 3);
  }
  ~RawRenderer() {
    mjr_freeContext(&context_);
    mjv_freeScene(&scene_);
  }
  RawRenderer(const RawRenderer&) = delete;
  RawRenderer& operator=(const RawRenderer&) = delete;

  bool cameras_found() const {
    for (int id : camera_ids_) {
      if (id < 0) return false;
    }
    return !camera_ids_.empty();
  }

  // Every camera: scene update, render, read back.
  void RenderAll(const mjModel* m, mjData* d) {
    // The harness's renderer shares this GL context and binds its own buffer.
    mjr_setBuffer(mjFB_OFFSCREEN, &context_);
    const mjrRect viewport = {0, 0, image_size_, image_size_};
    for (int id : camera_ids_) {
      camera_.fixedcamid = id;
      mjv_updateScene(m, d, &option_, /*pert=*/nullptr, &camera_, mjCAT_ALL, &scene_);
      mjr_render(viewport, &scene_, &context_);
      mjr_readPixels(pixels_.data(), /*depth=*/nullptr, viewport, &context_);
    }
    benchmark::DoNotOptimize(pixels_.data());
  }

  // mjv_updateScene alone, for the first camera.
  void UpdateScene(const mjModel* m, mjData* d) {
    camera_.fixedcamid = camera_ids_.front();
    mjv_updateScene(m, d, &option_, /*pert=*/nullptr, &camera_, mjCAT_ALL, &scene_);
  }

 private:
  int image_size_;
  mjvOption option_;
  mjvCamera camera_;
  mjvScene scene_;      // owned: mjv_makeScene / mjv_freeScene
  mjrContext context_;  // owned: mjr_makeContext / mjr_freeContext
  std::vector<int> camera_ids_;
  std::vector<unsigned char> pixels_;
};

}  // namespace gauntlet::bench
