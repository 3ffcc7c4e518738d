#include "harness/camera_renderer.h"

#include <algorithm>
#include <cstddef>
#include <mutex>

#include "harness/text_join.h"

namespace gauntlet {
namespace {

std::string CameraNames(const mjModel* m) {
  if (m->ncam == 0) return "(the model has none)";
  std::vector<std::string> names;
  for (int i = 0; i < m->ncam; ++i) {
    const char* name = m->names + m->name_camadr[i];
    names.push_back(*name != '\0' ? name : "<unnamed #" + std::to_string(i) + ">");
  }
  return JoinText(names, ", ");
}

// OpenGL returns rows bottom-up; Image wants row 0 at the top.
void FlipRows(Image* image) {
  const std::size_t row = static_cast<std::size_t>(image->width) * 3;
  auto top = image->rgb.begin();
  auto bottom = image->rgb.end() - static_cast<std::ptrdiff_t>(row);
  for (; top < bottom; top += row, bottom -= row) {
    std::swap_ranges(top, top + static_cast<std::ptrdiff_t>(row), bottom);
  }
}

}  // namespace

ImageSize RenderSize(const RenderOptions& options, const std::string& camera) {
  auto own = options.camera_sizes.find(camera);
  return own != options.camera_sizes.end() ? own->second : ImageSize{options.width, options.height};
}

ImageSize LargestRenderSize(const RenderOptions& options) {
  ImageSize largest{options.width, options.height};
  for (const auto& [camera, size] : options.camera_sizes) {
    largest.width = std::max(largest.width, size.width);
    largest.height = std::max(largest.height, size.height);
  }
  return largest;
}

Result<std::unique_ptr<CameraRenderer>> CameraRenderer::Create(const mjModel* m,
                                                               const RenderOptions& options) {
  const GlContext* gl_context = GlContext::Current();
  if (gl_context == nullptr) {
    return Error{"no OpenGL context is current on this thread: create a GlContext (or call "
                 "its MakeCurrent) before the CameraRenderer"};
  }
  if (options.width < 1 || options.height < 1 || options.max_geoms < 1) {
    return Error{"render options need a positive width, height and max_geoms, got " +
                 std::to_string(options.width) + "x" + std::to_string(options.height) +
                 " and max_geoms=" + std::to_string(options.max_geoms)};
  }
  for (const auto& [camera, size] : options.camera_sizes) {
    if (size.width < 1 || size.height < 1) {
      return Error{"camera '" + camera + "' needs a positive image size, got " + std::to_string(size.width) +
                   "x" + std::to_string(size.height)};
    }
  }
  const ImageSize largest = LargestRenderSize(options);
  const int offwidth = m->vis.global.offwidth;
  const int offheight = m->vis.global.offheight;
  if (offwidth < largest.width || offheight < largest.height) {
    const int need_width = std::max(offwidth, largest.width);
    const int need_height = std::max(offheight, largest.height);
    return Error{"the model's offscreen buffer is " + std::to_string(offwidth) + "x" +
                 std::to_string(offheight) + " pixels, smaller than the requested " +
                 std::to_string(largest.width) + "x" + std::to_string(largest.height) +
                 " images: set <visual><global offwidth=\"" + std::to_string(need_width) +
                 "\" offheight=\"" + std::to_string(need_height) + "\"/></visual> in the model"};
  }
  std::unique_ptr<CameraRenderer> renderer(new CameraRenderer(m, options, gl_context));
  // mjr_makeContext may get a smaller buffer than asked for (driver limits).
  if (renderer->context_.offWidth < largest.width || renderer->context_.offHeight < largest.height) {
    return Error{"the OpenGL driver gave MuJoCo a " + std::to_string(renderer->context_.offWidth) +
                 "x" + std::to_string(renderer->context_.offHeight) +
                 " offscreen buffer, smaller than the requested " + std::to_string(largest.width) +
                 "x" + std::to_string(largest.height)};
  }
  return renderer;
}

CameraRenderer::CameraRenderer(const mjModel* m, const RenderOptions& options,
                               const GlContext* gl_context)
    : model_(m), gl_context_(gl_context), options_(options) {
  mjv_defaultOption(&option_);
  mjv_defaultCamera(&camera_);
  camera_.type = mjCAMERA_FIXED;

  mjv_defaultScene(&scene_);
  mjv_makeScene(m, &scene_, options.max_geoms);
  scene_.flags[mjRND_SHADOW] = options.shadows ? 1 : 0;
  scene_.flags[mjRND_REFLECTION] = options.reflections ? 1 : 0;
  scene_.flags[mjRND_SKYBOX] = 0;

  mjr_defaultContext(&context_);
  {
    // The first mjr_makeContext in the process sets MuJoCo's global OpenGL
    // function pointers; workers creating renderers at once must not race on it.
    static std::mutex make_context_mutex;
    std::lock_guard<std::mutex> lock(make_context_mutex);
    mjr_makeContext(m, &context_, mjFONTSCALE_50);  // smallest font atlas: no text is drawn
  }
  mjr_setBuffer(mjFB_OFFSCREEN, &context_);
}

CameraRenderer::~CameraRenderer() {
  mjr_freeContext(&context_);
  mjv_freeScene(&scene_);
}

Status CameraRenderer::Render(const mjModel* m, mjData* d, const std::vector<std::string>& cameras,
                              std::map<std::string, Image>* out) {
  GAUNTLET_CHECK(m == model_, "CameraRenderer::Render called with another model");
  GAUNTLET_CHECK(GlContext::Current() == gl_context_,
                 "CameraRenderer::Render needs the GlContext it was created with current");
  if (cameras.empty()) return Status::Ok();

  camera_ids_.clear();
  std::string unknown;
  for (const std::string& name : cameras) {
    const int id = mj_name2id(m, mjOBJ_CAMERA, name.c_str());
    if (id < 0) unknown += (unknown.empty() ? "'" : ", '") + name + "'";
    camera_ids_.push_back(id);
  }
  if (!unknown.empty()) {
    return Error{"unknown camera " + unknown + "; the model's cameras are: " + CameraNames(m)};
  }

  // The geoms and lights of this state, once for all cameras.
  camera_.fixedcamid = camera_ids_.front();
  const int overflows = d->warning[mjWARN_VGEOMFULL].number;
  mjv_updateScene(m, d, &option_, /*pert=*/nullptr, &camera_, mjCAT_ALL, &scene_);
  if (d->warning[mjWARN_VGEOMFULL].number != overflows) {
    return Error{"the scene has more than max_geoms=" + std::to_string(options_.max_geoms) +
                 " geoms to draw: raise RenderOptions::max_geoms"};
  }

  // Other renderers sharing this GL context may have bound their own buffer.
  mjr_setBuffer(mjFB_OFFSCREEN, &context_);
  for (std::size_t i = 0; i < cameras.size(); ++i) {
    const ImageSize size = RenderSize(options_, cameras[i]);
    const mjrRect viewport = {0, 0, size.width, size.height};
    camera_.fixedcamid = camera_ids_[i];
    mjv_updateCamera(m, d, &camera_, &scene_);
    mjr_render(viewport, &scene_, &context_);

    Image& image = (*out)[cameras[i]];
    image.width = size.width;
    image.height = size.height;
    image.rgb.resize(static_cast<std::size_t>(size.width) * size.height * 3);
    mjr_readPixels(image.rgb.data(), /*depth=*/nullptr, viewport, &context_);
    FlipRows(&image);
  }
  return Status::Ok();
}

}  // namespace gauntlet
