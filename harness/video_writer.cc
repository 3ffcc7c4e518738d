#include "harness/video_writer.h"

#include <opencv2/imgproc.hpp>

namespace gauntlet {

Result<std::unique_ptr<VideoWriter>> VideoWriter::Open(const std::string& path, double fps,
                                                       int width, int height) {
  const std::string what = "video '" + path + "' (" + std::to_string(width) + "x" +
                           std::to_string(height) + " at " + std::to_string(fps) + " fps)";
  if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0) {
    return Error{what + ": width and height must be even and at least 2 for MPEG-4"};
  }
  if (!(fps > 0)) return Error{what + ": fps must be positive"};
  std::unique_ptr<VideoWriter> writer(new VideoWriter(path, width, height));
  try {
    // FFmpeg explicitly: letting OpenCV fall through to GStreamer only adds noise.
    writer->writer_.open(path, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps,
                         cv::Size(width, height), /*isColor=*/true);
  } catch (const cv::Exception& e) {
    return Error{"OpenCV cannot open " + what + ": " + e.what()};
  }
  if (!writer->writer_.isOpened()) {
    return Error{"OpenCV cannot open " + what +
                 " for writing: check that the directory exists and is writable, and that "
                 "OpenCV was built with FFmpeg (libopencv-videoio)"};
  }
  return writer;
}

VideoWriter::VideoWriter(std::string path, int width, int height)
    : path_(std::move(path)), width_(width), height_(height), bgr_(height, width, CV_8UC3) {}

VideoWriter::~VideoWriter() { (void)Close(); }

Status VideoWriter::AddFrame(const Image& frame) {
  if (!writer_.isOpened()) return Error{"video '" + path_ + "' is closed"};
  if (frame.width != width_ || frame.height != height_ ||
      frame.rgb.size() != static_cast<std::size_t>(width_) * height_ * 3) {
    return Error{"video '" + path_ + "' is " + std::to_string(width_) + "x" +
                 std::to_string(height_) + " but frame " + std::to_string(frames_) + " is " +
                 std::to_string(frame.width) + "x" + std::to_string(frame.height) + " with " +
                 std::to_string(frame.rgb.size()) + " bytes"};
  }
  // cv::Mat never writes through this header: it is only the source of the conversion.
  const cv::Mat rgb(height_, width_, CV_8UC3, const_cast<std::uint8_t*>(frame.rgb.data()));
  cv::cvtColor(rgb, bgr_, cv::COLOR_RGB2BGR);
  writer_.write(bgr_);
  ++frames_;
  return Status::Ok();
}

Status VideoWriter::Close() {
  if (!writer_.isOpened()) return Status::Ok();
  try {
    writer_.release();
  } catch (const cv::Exception& e) {
    return Error{"OpenCV failed to finish video '" + path_ + "': " + e.what()};
  }
  return Status::Ok();
}

}  // namespace gauntlet
