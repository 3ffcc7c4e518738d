#include "harness/camera_renderer.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "harness/gl_context.h"
#include "harness/mujoco_handles.h"

namespace gauntlet {
namespace {

// Camera "front" at z = 0.5 looks horizontally along +y (image right = +x,
// image up = +z). In view: a red box above a blue box on the right, a green
// box on the left; all at the height split by the image's middle row.
constexpr char kSceneXml[] = R"(
<mujoco>
  <visual><global offwidth="160" offheight="160"/></visual>
  <worldbody>
    <light pos="0 -3 3" dir="0 1 -1"/>
    <camera name="front" pos="0 -4 0.5" xyaxes="1 0 0 0 0 1"/>
    <camera name="side" pos="4 0 0.5" xyaxes="0 1 0 0 0 1"/>
    <geom name="red" type="box" pos="0.6 0 1.0" size="0.3 0.3 0.3" rgba="1 0 0 1"/>
    <geom name="blue" type="box" pos="0.6 0 0.0" size="0.3 0.3 0.3" rgba="0 0 1 1"/>
    <geom name="green" type="box" pos="-0.8 0 0.5" size="0.3 0.3 0.3" rgba="0 1 0 1"/>
  </worldbody>
</mujoco>)";

enum Colour { kRed, kGreen, kBlue, kNumColours };

// Which saturated primary colour the pixel shows, or kNumColours for none.
Colour Classify(const Image& image, int row, int col) {
  const std::uint8_t* p = &image.rgb[(static_cast<std::size_t>(row) * image.width + col) * 3];
  for (int c = 0; c < 3; ++c) {
    if (p[c] > 60 && p[c] > 2 * p[(c + 1) % 3] && p[c] > 2 * p[(c + 2) % 3]) {
      return static_cast<Colour>(c);
    }
  }
  return kNumColours;
}

struct Counts {
  int top[kNumColours] = {};     // rows above the middle
  int bottom[kNumColours] = {};  // rows below the middle
  int left[kNumColours] = {};    // columns left of the middle
  int right[kNumColours] = {};   // columns right of the middle
};

Counts CountColours(const Image& image) {
  Counts counts;
  for (int row = 0; row < image.height; ++row) {
    for (int col = 0; col < image.width; ++col) {
      const Colour colour = Classify(image, row, col);
      if (colour == kNumColours) continue;
      if (2 * row + 1 < image.height) ++counts.top[colour];
      if (2 * row + 1 > image.height) ++counts.bottom[colour];
      if (2 * col + 1 < image.width) ++counts.left[colour];
      if (2 * col + 1 > image.width) ++counts.right[colour];
    }
  }
  return counts;
}

#define SKIP_IF_NOT_INSTALLED(backend)                                           \
  do {                                                                           \
    Result<std::string> probe = ProbeRenderBackend(backend);                     \
    if (!probe.ok() && probe.error().message.find("cannot load") != std::string::npos) \
      GTEST_SKIP() << probe.error().message;                                     \
  } while (0)

class CameraRendererTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    SKIP_IF_NOT_INSTALLED(GetParam());
    Result<std::unique_ptr<GlContext>> gl = GlContext::Create(GetParam(), 32, 32);
    ASSERT_TRUE(gl.ok()) << gl.error().message;
    gl_ = std::move(gl).value();
    Result<ModelPtr> model = CompileMjcf(kSceneXml, "camera_renderer_test");
    ASSERT_TRUE(model.ok()) << model.error().message;
    model_ = std::move(model).value();
    data_ = MakeData(model_.get());
    mj_forward(model_.get(), data_.get());
  }

  std::unique_ptr<CameraRenderer> MakeRenderer(const RenderOptions& options) {
    Result<std::unique_ptr<CameraRenderer>> renderer =
        CameraRenderer::Create(model_.get(), options);
    EXPECT_TRUE(renderer.ok()) << renderer.error().message;
    return renderer.ok() ? std::move(renderer).value() : nullptr;
  }

  // Declared first so that it is destroyed last: renderers free GL objects.
  std::unique_ptr<GlContext> gl_;
  ModelPtr model_;
  DataPtr data_;
};

void ExpectUprightAndUnmirrored(const Image& image) {
  const Counts c = CountColours(image);
  EXPECT_GT(c.top[kRed], 50);
  EXPECT_EQ(c.bottom[kRed], 0) << "red box is above the middle: rows are flipped";
  EXPECT_GT(c.bottom[kBlue], 50);
  EXPECT_EQ(c.top[kBlue], 0) << "blue box is below the middle: rows are flipped";
  EXPECT_GT(c.left[kGreen], 50);
  EXPECT_EQ(c.right[kGreen], 0) << "green box is on the left: columns are mirrored";
  EXPECT_EQ(c.left[kRed] + c.left[kBlue], 0) << "red and blue boxes are on the right";
}

TEST_P(CameraRendererTest, RowZeroIsTheTopAndLeftIsLeft) {
  std::unique_ptr<CameraRenderer> renderer = MakeRenderer(RenderOptions{});
  ASSERT_NE(renderer, nullptr);
  std::map<std::string, Image> images;
  Status status = renderer->Render(model_.get(), data_.get(), {"front"}, &images);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(images.count("front"), 1u);
  const Image& image = images.at("front");
  EXPECT_EQ(image.width, 128);
  EXPECT_EQ(image.height, 128);
  ASSERT_EQ(image.rgb.size(), 128u * 128u * 3u);
  ExpectUprightAndUnmirrored(image);
}

// Rows of 77 RGB pixels are not 4-byte aligned: a wrong pack alignment shears the image.
TEST_P(CameraRendererTest, OddSizesAreNotSheared) {
  RenderOptions options;
  options.width = 77;
  options.height = 51;
  std::unique_ptr<CameraRenderer> renderer = MakeRenderer(options);
  ASSERT_NE(renderer, nullptr);
  std::map<std::string, Image> images;
  ASSERT_TRUE(renderer->Render(model_.get(), data_.get(), {"front"}, &images).ok());
  ASSERT_EQ(images.at("front").rgb.size(), 77u * 51u * 3u);
  ExpectUprightAndUnmirrored(images.at("front"));
}

TEST_P(CameraRendererTest, RendersSeveralCamerasOfOneState) {
  std::unique_ptr<CameraRenderer> renderer = MakeRenderer(RenderOptions{});
  ASSERT_NE(renderer, nullptr);
  std::map<std::string, Image> images;
  ASSERT_TRUE(renderer->Render(model_.get(), data_.get(), {"front", "side"}, &images).ok());
  ASSERT_EQ(images.size(), 2u);
  ExpectUprightAndUnmirrored(images.at("front"));
  // From +x, too, the red box is above the blue one.
  const Counts side = CountColours(images.at("side"));
  EXPECT_GT(side.top[kRed], 50);
  EXPECT_GT(side.bottom[kBlue], 50);
  EXPECT_NE(images.at("front").rgb, images.at("side").rgb);
}

TEST_P(CameraRendererTest, SameStateGivesIdenticalBytesWithoutReallocating) {
  std::unique_ptr<CameraRenderer> renderer = MakeRenderer(RenderOptions{});
  ASSERT_NE(renderer, nullptr);
  std::map<std::string, Image> images;
  ASSERT_TRUE(renderer->Render(model_.get(), data_.get(), {"front", "side"}, &images).ok());
  const std::map<std::string, Image> first = images;
  const std::uint8_t* storage = images.at("front").rgb.data();
  ASSERT_TRUE(renderer->Render(model_.get(), data_.get(), {"front", "side"}, &images).ok());
  EXPECT_EQ(images.at("front").rgb, first.at("front").rgb);
  EXPECT_EQ(images.at("side").rgb, first.at("side").rgb);
  EXPECT_EQ(images.at("front").rgb.data(), storage) << "the output buffer is reused";
}

TEST_P(CameraRendererTest, UnknownCameraIsNamedWithTheModelsCameras) {
  std::unique_ptr<CameraRenderer> renderer = MakeRenderer(RenderOptions{});
  ASSERT_NE(renderer, nullptr);
  std::map<std::string, Image> images;
  Status status = renderer->Render(model_.get(), data_.get(), {"front", "wrist"}, &images);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'wrist'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("front, side"), std::string::npos) << status.message();
  EXPECT_TRUE(images.empty()) << "nothing is rendered when a name is wrong";
}

TEST_P(CameraRendererTest, SizeBeyondTheOffscreenBufferNamesTheXmlAttribute) {
  RenderOptions options;
  options.width = 224;  // the model allows 160x160
  Result<std::unique_ptr<CameraRenderer>> renderer =
      CameraRenderer::Create(model_.get(), options);
  ASSERT_FALSE(renderer.ok());
  EXPECT_NE(renderer.error().message.find("<visual><global offwidth=\"224\" offheight=\"160\"/>"),
            std::string::npos)
      << renderer.error().message;
}

TEST_P(CameraRendererTest, TooSmallSceneIsAnError) {
  RenderOptions options;
  options.max_geoms = 2;  // the model has three boxes
  std::unique_ptr<CameraRenderer> renderer = MakeRenderer(options);
  ASSERT_NE(renderer, nullptr);
  std::map<std::string, Image> images;
  // MuJoCo also prints the overflow and appends it to MUJOCO_LOG.TXT; keep the test quiet.
  void (*warning_handler)(const char*) = mju_user_warning;
  mju_user_warning = [](const char*) {};
  Status status = renderer->Render(model_.get(), data_.get(), {"front"}, &images);
  mju_user_warning = warning_handler;
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("max_geoms"), std::string::npos) << status.message();
}

// Workers render on their own threads with their own contexts.
TEST_P(CameraRendererTest, ThreadsWithTheirOwnContextsRenderTheSameImage) {
  std::map<std::string, Image> here;
  {
    std::unique_ptr<CameraRenderer> renderer = MakeRenderer(RenderOptions{});
    ASSERT_NE(renderer, nullptr);
    ASSERT_TRUE(renderer->Render(model_.get(), data_.get(), {"front"}, &here).ok());
  }
  std::map<std::string, Image> there[2];
  std::string errors[2];
  auto work = [&](int i) {
    Result<std::unique_ptr<GlContext>> gl = GlContext::Create(GetParam(), 32, 32);
    if (!gl.ok()) {
      errors[i] = gl.error().message;
      return;
    }
    DataPtr data = MakeData(model_.get());
    mj_forward(model_.get(), data.get());
    Result<std::unique_ptr<CameraRenderer>> renderer =
        CameraRenderer::Create(model_.get(), RenderOptions{});
    if (!renderer.ok()) {
      errors[i] = renderer.error().message;
      return;
    }
    Status status = renderer.value()->Render(model_.get(), data.get(), {"front"}, &there[i]);
    if (!status.ok()) errors[i] = status.message();
  };
  std::thread a(work, 0);
  std::thread b(work, 1);
  a.join();
  b.join();
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(errors[i], "");
    EXPECT_EQ(there[i].at("front").rgb, here.at("front").rgb);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CameraRendererTest, ::testing::Values("egl", "osmesa"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(CameraRendererWithoutContextTest, IsAnError) {
  Result<ModelPtr> model = CompileMjcf(kSceneXml, "camera_renderer_test");
  ASSERT_TRUE(model.ok()) << model.error().message;
  std::string message;
  // A fresh thread: no context is current there whatever other tests did.
  std::thread([&] {
    Result<std::unique_ptr<CameraRenderer>> renderer =
        CameraRenderer::Create(model.value().get(), RenderOptions{});
    message = renderer.ok() ? "created" : renderer.error().message;
  }).join();
  EXPECT_NE(message.find("no OpenGL context is current"), std::string::npos) << message;
}

}  // namespace
}  // namespace gauntlet
