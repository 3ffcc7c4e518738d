#include "harness/gl_context.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

#include "harness/text_join.h"

// Only types and constants come from these headers: every EGL and OSMesa
// function is resolved with dlsym. EGL's prototypes are switched off so that a
// direct call cannot creep in; OSMesa's are only named inside decltype.
#define EGL_EGL_PROTOTYPES 0
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GL/osmesa.h>

namespace gauntlet {
namespace {

constexpr char kEglLibraryHint[] = "install libegl1 libegl-mesa0 libgl1-mesa-dri";
constexpr char kEglDriverHint[] =
    "install libegl-mesa0 libgl1-mesa-dri (Mesa's EGL driver and software rasteriser)";
constexpr char kOsMesaHint[] = "install libosmesa6";

using ProcFn = void (*)();
using GetProcAddressFn = ProcFn (*)(const char*);
using GlGetStringFn = const GLubyte* (*)(GLenum);

std::string LastDlError() {
  const char* e = dlerror();
  return e != nullptr ? e : "unknown error";
}

// Resolves `name` in `library` into *fn; appends the name to *missing if absent.
template <class Fn>
void ResolveSymbol(void* library, const char* name, Fn* fn, std::vector<std::string>* missing) {
  *fn = reinterpret_cast<Fn>(dlsym(library, name));
  if (*fn == nullptr) missing->push_back(name);
}

// ---------------------------------------------------------------------------
// The two platform libraries, each loaded once per process (RTLD_LOCAL) and
// never unloaded: OpenGL drivers do not reliably survive dlclose.

struct EglApi {
  std::string soname = "libEGL.so.1";
  void* library = nullptr;
  std::string error;  // why loading failed; empty when library != nullptr
  PFNEGLGETPROCADDRESSPROC get_proc_address = nullptr;
  PFNEGLGETPLATFORMDISPLAYPROC get_platform_display = nullptr;          // EGL 1.5
  PFNEGLGETPLATFORMDISPLAYEXTPROC get_platform_display_ext = nullptr;  // EGL_EXT_platform_base
  PFNEGLINITIALIZEPROC initialize = nullptr;
  PFNEGLTERMINATEPROC terminate = nullptr;
  PFNEGLCHOOSECONFIGPROC choose_config = nullptr;
  PFNEGLBINDAPIPROC bind_api = nullptr;
  PFNEGLCREATECONTEXTPROC create_context = nullptr;
  PFNEGLDESTROYCONTEXTPROC destroy_context = nullptr;
  PFNEGLMAKECURRENTPROC make_current = nullptr;
  PFNEGLGETCURRENTCONTEXTPROC get_current_context = nullptr;
  PFNEGLGETERRORPROC get_error = nullptr;
  PFNEGLRELEASETHREADPROC release_thread = nullptr;
};

const EglApi& Egl() {
  static const EglApi api = [] {
    EglApi a;
    a.library = dlopen(a.soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (a.library == nullptr) {
      a.error = "cannot load " + a.soname + " (" + LastDlError() + "); " + kEglLibraryHint;
      return a;
    }
    std::vector<std::string> missing;
    ResolveSymbol(a.library, "eglGetProcAddress", &a.get_proc_address, &missing);
    ResolveSymbol(a.library, "eglInitialize", &a.initialize, &missing);
    ResolveSymbol(a.library, "eglTerminate", &a.terminate, &missing);
    ResolveSymbol(a.library, "eglChooseConfig", &a.choose_config, &missing);
    ResolveSymbol(a.library, "eglBindAPI", &a.bind_api, &missing);
    ResolveSymbol(a.library, "eglCreateContext", &a.create_context, &missing);
    ResolveSymbol(a.library, "eglDestroyContext", &a.destroy_context, &missing);
    ResolveSymbol(a.library, "eglMakeCurrent", &a.make_current, &missing);
    ResolveSymbol(a.library, "eglGetCurrentContext", &a.get_current_context, &missing);
    ResolveSymbol(a.library, "eglGetError", &a.get_error, &missing);
    ResolveSymbol(a.library, "eglReleaseThread", &a.release_thread, &missing);
    a.get_platform_display = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYPROC>(
        dlsym(a.library, "eglGetPlatformDisplay"));
    if (a.get_proc_address != nullptr) {
      a.get_platform_display_ext = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(
          a.get_proc_address("eglGetPlatformDisplayEXT"));
    }
    if (a.get_platform_display == nullptr && a.get_platform_display_ext == nullptr) {
      missing.push_back("eglGetPlatformDisplay[EXT]");
    }
    if (!missing.empty()) {
      a.error = a.soname + " lacks " + JoinText(missing, ", ");
      a.library = nullptr;
    }
    return a;
  }();
  return api;
}

struct OsMesaApi {
  std::string soname;
  void* library = nullptr;
  std::string error;  // why loading failed; empty when library != nullptr
  decltype(&OSMesaCreateContextExt) create_context_ext = nullptr;
  decltype(&OSMesaDestroyContext) destroy_context = nullptr;
  decltype(&OSMesaMakeCurrent) make_current = nullptr;
  decltype(&OSMesaGetCurrentContext) get_current_context = nullptr;
  decltype(&OSMesaGetProcAddress) get_proc_address = nullptr;
};

const OsMesaApi& OsMesa() {
  static const OsMesaApi api = [] {
    OsMesaApi a;
    std::vector<std::string> tried;
    for (const char* soname : {"libOSMesa.so.8", "libOSMesa.so.6", "libOSMesa.so"}) {
      a.library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
      if (a.library != nullptr) {
        a.soname = soname;
        break;
      }
      tried.push_back(LastDlError());
    }
    if (a.library == nullptr) {
      a.error = "cannot load libOSMesa (" + JoinText(tried, "; ") + "); " + kOsMesaHint;
      return a;
    }
    std::vector<std::string> missing;
    ResolveSymbol(a.library, "OSMesaCreateContextExt", &a.create_context_ext, &missing);
    ResolveSymbol(a.library, "OSMesaDestroyContext", &a.destroy_context, &missing);
    ResolveSymbol(a.library, "OSMesaMakeCurrent", &a.make_current, &missing);
    ResolveSymbol(a.library, "OSMesaGetCurrentContext", &a.get_current_context, &missing);
    ResolveSymbol(a.library, "OSMesaGetProcAddress", &a.get_proc_address, &missing);
    if (!missing.empty()) {
      a.error = a.soname + " lacks " + JoinText(missing, ", ");
      a.library = nullptr;
    }
    return a;
  }();
  return api;
}

std::string EglErrorText(const EglApi& egl) {
  const EGLint code = egl.get_error();
  switch (code) {
    case EGL_SUCCESS: return "no EGL error reported";
    case EGL_NOT_INITIALIZED: return "EGL_NOT_INITIALIZED";
    case EGL_BAD_ACCESS: return "EGL_BAD_ACCESS";
    case EGL_BAD_ALLOC: return "EGL_BAD_ALLOC";
    case EGL_BAD_ATTRIBUTE: return "EGL_BAD_ATTRIBUTE";
    case EGL_BAD_CONFIG: return "EGL_BAD_CONFIG";
    case EGL_BAD_CONTEXT: return "EGL_BAD_CONTEXT";
    case EGL_BAD_DISPLAY: return "EGL_BAD_DISPLAY";
    case EGL_BAD_MATCH: return "EGL_BAD_MATCH";
    case EGL_BAD_PARAMETER: return "EGL_BAD_PARAMETER";
    default: {
      char hex[16];
      std::snprintf(hex, sizeof(hex), "0x%04x", static_cast<unsigned>(code));
      return std::string("EGL error ") + hex;
    }
  }
}

// ---------------------------------------------------------------------------
// The surfaceless EGL display is one per process (EGL returns the same handle
// for the same platform), initialised while any context uses it: eglTerminate
// would invalidate every context on it, other threads' included.

struct SharedEglDisplay {
  std::mutex mu;
  EGLDisplay display = EGL_NO_DISPLAY;
  int users = 0;
};

SharedEglDisplay& EglDisplayState() {
  static SharedEglDisplay state;
  return state;
}

Result<EGLDisplay> AcquireEglDisplay(const EglApi& egl) {
  SharedEglDisplay& state = EglDisplayState();
  std::lock_guard<std::mutex> lock(state.mu);
  if (state.users == 0) {
    // Mesa's default platform needs X11 or a DRM device; the surfaceless one needs neither.
    void* native = reinterpret_cast<void*>(EGL_DEFAULT_DISPLAY);
    EGLDisplay display =
        egl.get_platform_display != nullptr
            ? egl.get_platform_display(EGL_PLATFORM_SURFACELESS_MESA, native, nullptr)
            : egl.get_platform_display_ext(EGL_PLATFORM_SURFACELESS_MESA, native, nullptr);
    if (display == EGL_NO_DISPLAY) {
      return Error{"no surfaceless EGL display (EGL_MESA_platform_surfaceless unsupported: " +
                   EglErrorText(egl) + "); " + kEglDriverHint};
    }
    EGLint major = 0;
    EGLint minor = 0;
    if (egl.initialize(display, &major, &minor) == EGL_FALSE) {
      return Error{"eglInitialize failed on the surfaceless display (" + EglErrorText(egl) +
                   "); " + kEglDriverHint};
    }
    state.display = display;
  }
  ++state.users;
  return state.display;
}

void ReleaseEglDisplay(const EglApi& egl) {
  SharedEglDisplay& state = EglDisplayState();
  std::lock_guard<std::mutex> lock(state.mu);
  if (--state.users == 0) {
    egl.terminate(state.display);
    state.display = EGL_NO_DISPLAY;
  }
}

// ---------------------------------------------------------------------------
// Which OpenGL entry points MuJoCo uses.
//
// MuJoCo 2.2.2 takes no loader from its caller. At mjr_makeContext it resolves
// its OpenGL functions, once for the whole process, through the first of
// eglGetProcAddress, OSMesaGetProcAddress and glXGetProcAddressARB found in
// the global symbol scope (src/render/glad/glad.c). What they hand out differs:
//   - libglvnd's (libEGL, libGLX): stubs that dispatch to the context made
//     current through libglvnd, i.e. EGL or GLX contexts of any vendor, but
//     never an OSMesa context (MuJoCo then stops with "gladLoadGL error").
//   - Mesa's (libOSMesa): Mesa's own entry points, which dispatch to whichever
//     Mesa context is current on the thread: OSMesa's and Mesa's EGL alike.
// Linking libEGL would therefore rule out OSMesa for the whole process. Both
// libraries are instead loaded privately, and before the first context is
// handed out one is promoted to the global scope: libOSMesa if its entry
// points reach the new context (so that EGL and OSMesa both work in one
// process), otherwise libEGL (e.g. NVIDIA's EGL). libGLX, which OpenCV pulls
// in, comes after OSMesa in MuJoCo's order and also reaches EGL contexts.
// Every context is then checked against the entry points MuJoCo will use, so
// a mismatch is an error from Create rather than an exit in mjr_makeContext.

struct MujocoLoader {
  const char* via = nullptr;  // the *GetProcAddress MuJoCo will use; nullptr if none
  GetProcAddressFn get_proc_address = nullptr;
};

// MuJoCo's own lookup, over the same global scope.
MujocoLoader FindMujocoLoader() {
  MujocoLoader loader;
  void* global = dlopen(nullptr, RTLD_NOW | RTLD_GLOBAL);
  for (const char* name : {"eglGetProcAddress", "OSMesaGetProcAddress", "glXGetProcAddressARB"}) {
    if (void* fn = dlsym(global, name)) {
      loader = {name, reinterpret_cast<GetProcAddressFn>(fn)};
      break;
    }
  }
  dlclose(global);
  return loader;
}

// Whether OpenGL calls through `get_proc_address` reach the current context.
bool ReachesCurrentContext(GetProcAddressFn get_proc_address) {
  auto get_string = reinterpret_cast<GlGetStringFn>(get_proc_address("glGetString"));
  return get_string != nullptr && get_string(GL_VERSION) != nullptr;
}

void PromoteToGlobalScope(const std::string& soname) {
  dlopen(soname.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
}

// Requires the new context current on this thread.
Status PrepareMujocoLoader(RenderBackend backend) {
  static std::mutex mu;
  static bool committed = false;     // a context has been handed out: MuJoCo may have bound
  static bool egl_promoted = false;  // we put libEGL in the global scope
  std::lock_guard<std::mutex> lock(mu);
  if (!committed) {
    MujocoLoader before = FindMujocoLoader();
    const bool egl_is_global =
        before.via != nullptr && std::strcmp(before.via, "eglGetProcAddress") == 0;
    if (!egl_is_global) {
      const OsMesaApi& osmesa = OsMesa();
      if (osmesa.library != nullptr && ReachesCurrentContext(osmesa.get_proc_address)) {
        PromoteToGlobalScope(osmesa.soname);
      } else if (backend == RenderBackend::kEgl) {
        PromoteToGlobalScope(Egl().soname);
        egl_promoted = true;
      }
    }
  }
  MujocoLoader loader = FindMujocoLoader();
  if (loader.get_proc_address == nullptr) {
    return Error{"MuJoCo would find no OpenGL loader (eglGetProcAddress, OSMesaGetProcAddress "
                 "or glXGetProcAddressARB) in the process"};
  }
  if (!ReachesCurrentContext(loader.get_proc_address)) {
    const bool egl_linked = std::strcmp(loader.via, "eglGetProcAddress") == 0 && !egl_promoted;
    return Error{std::string("MuJoCo would resolve OpenGL through ") + loader.via +
                 ", whose functions do not reach the new " + ToString(backend) + " context" +
                 (egl_linked ? ": libEGL is in the global symbol scope (linked or preloaded); "
                               "gauntlet loads it privately at run time, so do not link it"
                             : ": MuJoCo binds them once per process, so use one render "
                               "backend per process")};
  }
  committed = true;
  return Status::Ok();
}

std::string GlString(GetProcAddressFn get_proc_address, GLenum name) {
  auto get_string = reinterpret_cast<GlGetStringFn>(get_proc_address("glGetString"));
  const GLubyte* s = get_string != nullptr ? get_string(name) : nullptr;
  return s != nullptr ? reinterpret_cast<const char*>(s) : "?";
}

thread_local GlContext* t_current = nullptr;

}  // namespace

const char* ToString(RenderBackend backend) {
  switch (backend) {
    case RenderBackend::kEgl: return "egl";
    case RenderBackend::kOsMesa: return "osmesa";
  }
  return "?";
}

// ---------------------------------------------------------------------------

struct GlContext::Impl {
  RenderBackend backend = RenderBackend::kEgl;
  std::string description;
  // EGL
  EGLDisplay egl_display = EGL_NO_DISPLAY;  // acquired from the shared display
  EGLContext egl_context = EGL_NO_CONTEXT;
  // OSMesa
  OSMesaContext osmesa_context = nullptr;
  std::vector<std::uint8_t> osmesa_buffer;  // height x width x 4 (RGBA), OSMesa's window
  int width = 0;
  int height = 0;

  bool MakeCurrent() {
    if (backend == RenderBackend::kEgl) {
      const EglApi& egl = Egl();
      // The bound API is per thread, and this may be a new one.
      return egl.bind_api(EGL_OPENGL_API) == EGL_TRUE &&
             egl.make_current(egl_display, EGL_NO_SURFACE, EGL_NO_SURFACE, egl_context) ==
                 EGL_TRUE;
    }
    return OsMesa().make_current(osmesa_context, osmesa_buffer.data(), GL_UNSIGNED_BYTE, width,
                                 height) == GL_TRUE;
  }

  GetProcAddressFn get_proc_address() const {
    if (backend == RenderBackend::kEgl) {
      return reinterpret_cast<GetProcAddressFn>(Egl().get_proc_address);
    }
    return reinterpret_cast<GetProcAddressFn>(OsMesa().get_proc_address);
  }

  ~Impl() {
    if (backend == RenderBackend::kEgl) {
      const EglApi& egl = Egl();
      if (egl_context != EGL_NO_CONTEXT) {
        if (egl.get_current_context() == egl_context) {
          egl.make_current(egl_display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
          egl.release_thread();
        }
        egl.destroy_context(egl_display, egl_context);
      }
      if (egl_display != EGL_NO_DISPLAY) ReleaseEglDisplay(egl);
    } else if (osmesa_context != nullptr) {
      const OsMesaApi& osmesa = OsMesa();
      if (osmesa.get_current_context() == osmesa_context) {
        osmesa.make_current(nullptr, nullptr, 0, 0, 0);  // documented as "release"
      }
      osmesa.destroy_context(osmesa_context);
    }
  }
};

namespace {

using ImplPtr = std::unique_ptr<GlContext::Impl>;

Result<ImplPtr> CreateEgl() {
  const EglApi& egl = Egl();
  if (egl.library == nullptr) return Error{egl.error};
  auto impl = std::make_unique<GlContext::Impl>();
  impl->backend = RenderBackend::kEgl;
  Result<EGLDisplay> display = AcquireEglDisplay(egl);
  if (!display.ok()) return display.error();
  impl->egl_display = display.value();

  const EGLint config_attributes[] = {
      EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT,
      EGL_RED_SIZE,     8,               EGL_GREEN_SIZE,      8,
      EGL_BLUE_SIZE,    8,               EGL_ALPHA_SIZE,      8,
      EGL_DEPTH_SIZE,   24,              EGL_NONE};
  EGLConfig config = nullptr;
  EGLint num_configs = 0;
  if (egl.choose_config(impl->egl_display, config_attributes, &config, 1, &num_configs) ==
          EGL_FALSE ||
      num_configs < 1) {
    return Error{"no EGL config with desktop OpenGL, 8-bit RGBA and 24-bit depth (" +
                 EglErrorText(egl) + "); " + kEglDriverHint};
  }
  if (egl.bind_api(EGL_OPENGL_API) == EGL_FALSE) {
    return Error{"eglBindAPI(EGL_OPENGL_API) failed (" + EglErrorText(egl) + ")"};
  }
  impl->egl_context = egl.create_context(impl->egl_display, config, EGL_NO_CONTEXT, nullptr);
  if (impl->egl_context == EGL_NO_CONTEXT) {
    return Error{"eglCreateContext failed (" + EglErrorText(egl) + ")"};
  }
  if (!impl->MakeCurrent()) {
    return Error{"eglMakeCurrent without a surface failed (" + EglErrorText(egl) + ")"};
  }
  return impl;
}

Result<ImplPtr> CreateOsMesa(int width, int height) {
  const OsMesaApi& osmesa = OsMesa();
  if (osmesa.library == nullptr) return Error{osmesa.error};
  auto impl = std::make_unique<GlContext::Impl>();
  impl->backend = RenderBackend::kOsMesa;
  impl->osmesa_context = osmesa.create_context_ext(OSMESA_RGBA, /*depthBits=*/24,
                                                   /*stencilBits=*/8, /*accumBits=*/0, nullptr);
  if (impl->osmesa_context == nullptr) return Error{"OSMesaCreateContextExt failed"};
  impl->width = width;
  impl->height = height;
  impl->osmesa_buffer.resize(static_cast<std::size_t>(width) * height * 4);
  if (!impl->MakeCurrent()) return Error{"OSMesaMakeCurrent failed"};
  return impl;
}

// Creates one backend's context, current on this thread, usable by MuJoCo.
Result<ImplPtr> CreateBackend(RenderBackend backend, int width, int height) {
  Result<ImplPtr> impl = backend == RenderBackend::kEgl ? CreateEgl() : CreateOsMesa(width, height);
  if (!impl.ok()) return impl;
  Status loader = PrepareMujocoLoader(backend);
  if (!loader.ok()) return Error{loader.message()};
  GetProcAddressFn get_proc_address = impl.value()->get_proc_address();
  impl.value()->description = std::string(ToString(backend)) + " (" +
                              GlString(get_proc_address, GL_RENDERER) + ", OpenGL " +
                              GlString(get_proc_address, GL_VERSION) + ")";
  return impl;
}

}  // namespace

Result<std::unique_ptr<GlContext>> GlContext::Create(const std::string& preference, int width,
                                                     int height) {
  std::vector<RenderBackend> candidates;
  if (preference == "auto") {
    candidates = {RenderBackend::kEgl, RenderBackend::kOsMesa};
  } else if (preference == "egl") {
    candidates = {RenderBackend::kEgl};
  } else if (preference == "osmesa") {
    candidates = {RenderBackend::kOsMesa};
  } else {
    return Error{"unknown render backend '" + preference + "': use auto, egl or osmesa"};
  }
  if (width < 1 || height < 1) {
    return Error{"GL context size must be positive, got " + std::to_string(width) + "x" +
                 std::to_string(height)};
  }
  std::vector<std::string> failures;
  for (RenderBackend backend : candidates) {
    Result<ImplPtr> impl = CreateBackend(backend, width, height);
    if (impl.ok()) {
      std::unique_ptr<GlContext> context(new GlContext(std::move(impl).value()));
      t_current = context.get();
      return context;
    }
    failures.push_back(std::string(ToString(backend)) + ": " + impl.error().message);
  }
  // A failed attempt may have unbound whatever was current here.
  if (t_current != nullptr) t_current->MakeCurrent();
  return Error{"no offscreen OpenGL context (render backend '" + preference + "'): " + JoinText(failures, "; ")};
}

GlContext::GlContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GlContext::~GlContext() {
  if (t_current == this) t_current = nullptr;
}

void GlContext::MakeCurrent() {
  GAUNTLET_CHECK(impl_->MakeCurrent(),
                 std::string("cannot make the ") + ToString(impl_->backend) +
                     " context current on this thread (is it current on another one?)");
  t_current = this;
}

RenderBackend GlContext::backend() const { return impl_->backend; }

std::string GlContext::description() const { return impl_->description; }

const GlContext* GlContext::Current() { return t_current; }

Result<std::string> ProbeRenderBackend(const std::string& preference) {
  GlContext* previous = t_current;
  std::string description;
  {
    Result<std::unique_ptr<GlContext>> context = GlContext::Create(preference, 16, 16);
    if (!context.ok()) return context.error();
    description = context.value()->description();
  }
  if (previous != nullptr) previous->MakeCurrent();
  return description;
}

}  // namespace gauntlet
