#include "harness/gl_context.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

namespace gauntlet {
namespace {

// Skips the test when the backend's library is not installed (the one genuine
// reason for a backend to be unavailable); any other failure fails the test.
#define SKIP_IF_NOT_INSTALLED(backend)                                           \
  do {                                                                           \
    Result<std::string> probe = ProbeRenderBackend(backend);                     \
    if (!probe.ok() && probe.error().message.find("cannot load") != std::string::npos) \
      GTEST_SKIP() << probe.error().message;                                     \
  } while (0)

std::unique_ptr<GlContext> CreateContext(const std::string& backend) {
  Result<std::unique_ptr<GlContext>> context = GlContext::Create(backend, 32, 32);
  EXPECT_TRUE(context.ok()) << context.error().message;
  return context.ok() ? std::move(context).value() : nullptr;
}

TEST(GlContextTest, ProbeAutoFindsAWorkingBackend) {
  Result<std::string> probe = ProbeRenderBackend("auto");
  ASSERT_TRUE(probe.ok()) << probe.error().message;
  EXPECT_NE(probe.value().find("OpenGL"), std::string::npos) << probe.value();
  EXPECT_EQ(GlContext::Current(), nullptr) << "the probe keeps no context";
}

TEST(GlContextTest, UnknownPreferenceNamesTheChoices) {
  Result<std::unique_ptr<GlContext>> context = GlContext::Create("vulkan", 8, 8);
  ASSERT_FALSE(context.ok());
  EXPECT_NE(context.error().message.find("'vulkan'"), std::string::npos);
  EXPECT_NE(context.error().message.find("auto, egl or osmesa"), std::string::npos);
}

class GlContextBackendTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GlContextBackendTest, CreatesACurrentContextOfThatBackend) {
  SKIP_IF_NOT_INSTALLED(GetParam());
  std::unique_ptr<GlContext> context = CreateContext(GetParam());
  ASSERT_NE(context, nullptr);
  EXPECT_STREQ(ToString(context->backend()), GetParam().c_str());
  EXPECT_EQ(context->description().rfind(GetParam() + " (", 0), 0u) << context->description();
  EXPECT_NE(context->description().find("OpenGL"), std::string::npos) << context->description();
  EXPECT_EQ(GlContext::Current(), context.get());
  context.reset();
  EXPECT_EQ(GlContext::Current(), nullptr);
}

TEST_P(GlContextBackendTest, ProbeReportsTheBackend) {
  SKIP_IF_NOT_INSTALLED(GetParam());
  Result<std::string> probe = ProbeRenderBackend(GetParam());
  ASSERT_TRUE(probe.ok()) << probe.error().message;
  EXPECT_EQ(probe.value().rfind(GetParam() + " (", 0), 0u) << probe.value();
}

TEST_P(GlContextBackendTest, MakeCurrentSwitchesBetweenContexts) {
  SKIP_IF_NOT_INSTALLED(GetParam());
  std::unique_ptr<GlContext> first = CreateContext(GetParam());
  std::unique_ptr<GlContext> second = CreateContext(GetParam());
  ASSERT_TRUE(first != nullptr && second != nullptr);
  EXPECT_EQ(GlContext::Current(), second.get());
  first->MakeCurrent();
  EXPECT_EQ(GlContext::Current(), first.get());
  // A probe leaves the caller's context current.
  ASSERT_TRUE(ProbeRenderBackend(GetParam()).ok());
  EXPECT_EQ(GlContext::Current(), first.get());
}

TEST_P(GlContextBackendTest, EachThreadOwnsItsContext) {
  SKIP_IF_NOT_INSTALLED(GetParam());
  std::string errors[2];
  auto work = [](const std::string& backend, std::string* error) {
    Result<std::unique_ptr<GlContext>> context = GlContext::Create(backend, 16, 16);
    if (!context.ok()) {
      *error = context.error().message;
    } else if (GlContext::Current() != context.value().get()) {
      *error = "the new context is not current on its thread";
    }
  };
  std::thread a(work, GetParam(), &errors[0]);
  std::thread b(work, GetParam(), &errors[1]);
  a.join();
  b.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  EXPECT_EQ(GlContext::Current(), nullptr) << "other threads' contexts are not current here";
}

INSTANTIATE_TEST_SUITE_P(Backends, GlContextBackendTest, ::testing::Values("egl", "osmesa"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace gauntlet
