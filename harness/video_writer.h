// Writes Images to an MP4 file (MPEG-4 Part 2, fourcc 'mp4v') through
// OpenCV's FFmpeg backend, for episode videos.
//
// Copy/move: neither; a VideoWriter is owned through unique_ptr.
// Threads: one thread at a time.
#pragma once

#include <memory>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "harness/observation.h"
#include "harness/result.h"

namespace gauntlet {

class VideoWriter {
 public:
  // Creates or truncates `path`. width and height are pixels and must be
  // even (the MPEG-4 encoder drops an odd last row or column); fps > 0.
  static Result<std::unique_ptr<VideoWriter>> Open(const std::string& path, double fps, int width,
                                                   int height);
  ~VideoWriter();  // closes the file if Close was not called

  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // Appends one frame; it must have the size given to Open.
  Status AddFrame(const Image& frame);
  // Finishes the file. Later AddFrame calls are errors; Close is idempotent.
  Status Close();

  const std::string& path() const { return path_; }
  int frames() const { return frames_; }  // frames added so far

 private:
  VideoWriter(std::string path, int width, int height);

  std::string path_;
  int width_;
  int height_;
  int frames_ = 0;
  cv::VideoWriter writer_;
  cv::Mat bgr_;  // height x width x 3 (BGR, OpenCV's order), reused across frames
};

}  // namespace gauntlet
