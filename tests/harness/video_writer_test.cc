#include "harness/video_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "harness/image_io.h"
#include "tests/test_support.h"

namespace gauntlet {
namespace {

Image SolidImage(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Image image{width, height, {}};
  for (int i = 0; i < width * height; ++i) image.rgb.insert(image.rgb.end(), {r, g, b});
  return image;
}

TEST(VideoWriterTest, WritesFramesThatOpenCvReadsBack) {
  const std::string path = testing::TempDir("video_writer_test") + "/episode.mp4";
  Result<std::unique_ptr<VideoWriter>> writer = VideoWriter::Open(path, 10.0, 64, 48);
  ASSERT_TRUE(writer.ok()) << writer.error().message;
  const int kFrames = 12;
  for (int i = 0; i < kFrames; ++i) {
    Status status = writer.value()->AddFrame(SolidImage(64, 48, 220, 20, 20));  // red
    ASSERT_TRUE(status.ok()) << status.message();
  }
  EXPECT_EQ(writer.value()->frames(), kFrames);
  ASSERT_TRUE(writer.value()->Close().ok());
  EXPECT_FALSE(writer.value()->AddFrame(SolidImage(64, 48, 0, 0, 0)).ok()) << "closed";

  cv::VideoCapture capture(path, cv::CAP_FFMPEG);
  ASSERT_TRUE(capture.isOpened());
  int frames = 0;
  cv::Mat frame;
  while (capture.read(frame)) {
    ++frames;
    EXPECT_EQ(frame.cols, 64);
    EXPECT_EQ(frame.rows, 48);
    // OpenCV hands back BGR: red must come back in channel 2 (lossy, hence the margin).
    const cv::Vec3b centre = frame.at<cv::Vec3b>(24, 32);
    EXPECT_GT(centre[2], 180);
    EXPECT_LT(centre[0], 60);
  }
  EXPECT_EQ(frames, kFrames);
}

TEST(VideoWriterTest, UnwritablePathIsNamed) {
  const std::string path = testing::TempDir("video_writer_test") + "/missing/dir/episode.mp4";
  Result<std::unique_ptr<VideoWriter>> writer = VideoWriter::Open(path, 10.0, 64, 48);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.error().message.find(path), std::string::npos) << writer.error().message;
}

TEST(VideoWriterTest, OddSizeAndWrongFrameSizeAreErrors) {
  const std::string dir = testing::TempDir("video_writer_test");
  EXPECT_FALSE(VideoWriter::Open(dir + "/odd.mp4", 10.0, 77, 48).ok());
  Result<std::unique_ptr<VideoWriter>> writer = VideoWriter::Open(dir + "/ok.mp4", 10.0, 64, 48);
  ASSERT_TRUE(writer.ok()) << writer.error().message;
  Status status = writer.value()->AddFrame(SolidImage(32, 48, 0, 0, 0));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("64x48"), std::string::npos) << status.message();
}

// image_io has no test file of its own yet; its tests live here with the other media output.
TEST(ImageIoTest, WritePngKeepsSizeAndColours) {
  Image image = SolidImage(5, 3, 0, 0, 255);           // blue...
  image.rgb[0] = 255, image.rgb[1] = 0, image.rgb[2] = 0;  // ...with a red top-left pixel
  const std::string path = testing::TempDir("image_io_test") + "/frame.png";
  Status status = WritePng(path, image);
  ASSERT_TRUE(status.ok()) << status.message();
  const cv::Mat read = cv::imread(path, cv::IMREAD_COLOR);
  ASSERT_EQ(read.cols, 5);
  ASSERT_EQ(read.rows, 3);
  EXPECT_EQ(read.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 255));  // BGR red
  EXPECT_EQ(read.at<cv::Vec3b>(2, 4), cv::Vec3b(255, 0, 0));  // BGR blue
}

TEST(ImageIoTest, WritePngNamesAnUnwritablePath) {
  const std::string path = testing::TempDir("image_io_test") + "/missing/frame.png";
  Status status = WritePng(path, SolidImage(2, 2, 0, 0, 0));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find(path), std::string::npos) << status.message();
}

TEST(ImageIoTest, TileHorizontallyPlacesImagesLeftToRight) {
  const Image tiled =
      TileHorizontally({SolidImage(2, 2, 255, 0, 0), SolidImage(3, 2, 0, 0, 255)});
  ASSERT_EQ(tiled.width, 5);
  ASSERT_EQ(tiled.height, 2);
  ASSERT_EQ(tiled.rgb.size(), 5u * 2u * 3u);
  for (int row = 0; row < 2; ++row) {
    for (int col = 0; col < 5; ++col) {
      const std::uint8_t* p = &tiled.rgb[(row * 5 + col) * 3];
      EXPECT_EQ(p[0], col < 2 ? 255 : 0) << row << "," << col;
      EXPECT_EQ(p[2], col < 2 ? 0 : 255) << row << "," << col;
    }
  }
  EXPECT_EQ(TileHorizontally({}).width, 0);
}

}  // namespace
}  // namespace gauntlet
