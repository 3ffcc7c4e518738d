// Renders named MuJoCo cameras of a model's current state into Images.
//
// Copy/move: neither; a CameraRenderer is owned through unique_ptr.
// Threads and GL: a renderer belongs to the GlContext that was current when it
// was created. Create, Render and the destructor must run on a thread where
// that context is current; destroy the renderer before its context.
//
// Per Render call (the cost is dominated by llvmpipe's rasterisation):
//   mjv_updateScene(m, d)                 once: geoms and lights of the state
//   for each camera:
//     mjv_updateCamera(m, d, camera)      only the viewpoint changes
//     mjr_render + mjr_readPixels         into the offscreen framebuffer
//     flip rows                           OpenGL's row 0 is the bottom
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <mujoco/mujoco.h>

#include "harness/gl_context.h"
#include "harness/observation.h"
#include "harness/result.h"

namespace gauntlet {

struct RenderOptions {
  int width = 128;           // pixels; at most the model's <visual><global offwidth>
  int height = 128;          // pixels; at most the model's <visual><global offheight>
  // Cameras rendered at their own size (CALVIN's 84x84 gripper camera beside
  // its 200x200 static one); each also at most the offscreen buffer.
  std::map<std::string, ImageSize> camera_sizes;
  bool shadows = false;      // a shadow-casting light roughly halves llvmpipe throughput
  bool reflections = false;  // reflective materials re-render the scene
  int max_geoms = 2000;      // capacity of the abstract scene; exceeding it is an error
};

// The size `camera` renders at, and the largest of all (the offscreen buffer
// a model needs).
ImageSize RenderSize(const RenderOptions& options, const std::string& camera);
ImageSize LargestRenderSize(const RenderOptions& options);

class CameraRenderer {
 public:
  // Requires a GlContext current on this thread. Fails if the model's
  // offscreen buffer is smaller than the requested image size.
  static Result<std::unique_ptr<CameraRenderer>> Create(const mjModel* m,
                                                        const RenderOptions& options);
  ~CameraRenderer();  // frees the MuJoCo scene and GPU resources

  CameraRenderer(const CameraRenderer&) = delete;
  CameraRenderer& operator=(const CameraRenderer&) = delete;

  // Renders `cameras` (names of the model's cameras) for the state in `d`,
  // which must be up to date (mj_forward or mj_step ran since it changed).
  // Writes (*out)[name] = options.width x options.height RGB image, row 0 at
  // the top. Reuses the storage of images already in *out, so a caller that
  // keeps its map allocates nothing after the first call. `m` must be the
  // model the renderer was created for. Unknown camera names are an error that
  // lists the model's cameras; nothing is rendered then.
  Status Render(const mjModel* m, mjData* d, const std::vector<std::string>& cameras,
                std::map<std::string, Image>* out);

  const RenderOptions& options() const { return options_; }

 private:
  CameraRenderer(const mjModel* m, const RenderOptions& options, const GlContext* gl_context);

  const mjModel* model_;  // for checking Render's argument; not owned
  const GlContext* gl_context_;  // current when created; not owned
  RenderOptions options_;
  mjvOption option_;      // what to draw: MuJoCo's defaults
  mjvCamera camera_;      // a fixed camera; fixedcamid is set per rendered camera
  mjvScene scene_;        // owned: mjv_makeScene / mjv_freeScene
  mjrContext context_;    // owned: mjr_makeContext / mjr_freeContext
  std::vector<int> camera_ids_;  // scratch for Render, reused across calls
};

}  // namespace gauntlet
