// An offscreen OpenGL context for MuJoCo's renderer, without a display:
// EGL on Mesa's surfaceless platform, or OSMesa (pure software).
//
// Copy/move: neither; a GlContext is owned through unique_ptr.
// Threads: a context is current on at most one thread at a time. Each worker
// thread creates its own context (and may MakeCurrent() it again after using
// another); several contexts may live in one process. Destroy a context on the
// thread where it was last made current.
//
// Libraries: libEGL and libOSMesa are loaded at run time (dlopen), never
// linked. A missing library is then an error naming the package to install,
// and gauntlet controls which OpenGL entry points MuJoCo binds to (see
// gl_context.cc: MuJoCo 2.2.2 binds them once per process, and libglvnd's
// entry points cannot drive an OSMesa context).
#pragma once

#include <memory>
#include <string>

#include "harness/result.h"

namespace gauntlet {

enum class RenderBackend { kEgl, kOsMesa };
const char* ToString(RenderBackend backend);  // "egl" or "osmesa"

class GlContext {
 public:
  // preference: "auto" (EGL surfaceless first, then OSMesa), "egl" or "osmesa".
  // width x height sizes OSMesa's window buffer (pixels); MuJoCo renders into
  // its own offscreen framebuffer, sized by the model, so any size >= 1 works.
  // On success the new context is current on the calling thread. The error
  // says what was tried, why each attempt failed and what to install.
  static Result<std::unique_ptr<GlContext>> Create(const std::string& preference, int width,
                                                   int height);
  ~GlContext();  // releases the context (and the EGL display with the last one)

  GlContext(const GlContext&) = delete;
  GlContext& operator=(const GlContext&) = delete;

  // Makes this context current on the calling thread.
  void MakeCurrent();

  RenderBackend backend() const;
  // Backend, renderer and OpenGL version, e.g.
  // "egl (llvmpipe (LLVM 15.0.6, 256 bits), OpenGL 4.5 (Compatibility Profile) Mesa 22.3.6)".
  std::string description() const;

  // The GlContext current on the calling thread, or nullptr.
  static const GlContext* Current();

  struct Impl;  // backend-specific state, defined in gl_context.cc

 private:
  explicit GlContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Creates a small context with the given preference and reports which backend
// works (its description), without keeping the context.
Result<std::string> ProbeRenderBackend(const std::string& preference);

}  // namespace gauntlet
